"""Publishing is deliberate (issue 14 item 7), end to end: `/congbo <class>` shows the counts
and one learner's notice as it will arrive, and publishes only when staff press «Công bố»."""

from __future__ import annotations

from sqlalchemy import func, select

from db.database import Database
from db.models import Notification
from localapi.telegram import LocalTelegram
from tests.conftest import BotProcess

CLASS = "SC-K4"


async def _notices(db_url: str) -> int:
    db = Database(db_url)
    try:
        async with db.uow() as uow:
            return int(await uow.session.scalar(select(func.count(Notification.id))) or 0)
    finally:
        await db.dispose()


async def test_congbo_shows_counts_and_a_sample_and_publishes_only_when_confirmed(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    bot.set_up_class(CLASS)
    bot.import_results(CLASS)
    before = await _notices(bot.db_url)

    staff = local_telegram.user(bot.staff_id, "Cán bộ")
    staff.send_command("congbo", CLASS)
    asked = await staff.wait_for("Công bố kết quả lớp", timeout=10)
    text = asked.text or ""
    assert "Có kết quả: 45/45 học viên" in text
    assert "🏅 Kết quả học tập lớp" in text and "Học viên: Lê Thị Ngọc Lan" in text  # one sample
    assert "Đã công bố" not in text
    assert "📢 Công bố" in [label for label, _ in asked.buttons()]
    assert await _notices(bot.db_url) == before  # nothing went out yet

    staff.press("📢 Công bố", message=asked)
    done = await staff.wait_for("📢 Đã công bố kết quả lớp SC-K4", timeout=10)
    assert "45 thông báo cho học viên" in (done.text or "")
    assert await _notices(bot.db_url) >= before + 45

    staff.send_command("congbo", CLASS)  # once published, it says so and offers nothing
    again = await staff.wait_for("đã được công bố lúc", timeout=10)
    assert again.buttons() == []
