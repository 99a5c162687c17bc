"""Issue 14 item 9, end to end against the real bot process and the local Telegram: a stale
"📨 Gửi" sends nothing, a photo's question says the photo does not go, a location refused
for distance can be sent again, a number or emoji is not a question, a greeting is not a code."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import update

from db.database import Database
from db.models import Session
from localapi.telegram import LocalTelegram
from tests.conftest import CHECK_IN_OPEN, BotProcess, first_morning, running_bot, sqlite_url
from tests.test_attendance_e2e import LEARNER_TG, MONITOR_TG

CLASS = "SC-K4"
VENUE = (21.0285, 105.8542)


async def _queue(bot: BotProcess, local_telegram: LocalTelegram) -> str:
    """The staff's question queue as /cauhoi shows it (not the new-question notices)."""
    staff = local_telegram.user(bot.staff_id, "Cán bộ")
    staff.send_command("cauhoi")
    shown = await staff.wait_for(
        lambda m: (m.text or "").startswith(("📥 Câu hỏi chờ", "Không còn câu hỏi")), timeout=10
    )
    return shown.text or ""


async def test_a_stale_send_button_under_an_older_draft_sends_nothing(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    lan = await bot.class_with_lan(CLASS)
    lan.send_text("Phòng học buổi chiều ở đâu ạ?")
    older = await lan.wait_for("Phòng học buổi chiều", timeout=10)
    lan.send_text("Mấy giờ tan học ạ?")
    newer = await lan.wait_for("Mấy giờ tan học", timeout=10)

    lan.press("📨 Gửi", message=older)
    await lan.wait_for("đã được thay bằng tin bạn gõ sau", timeout=10)
    assert "Mấy giờ tan học" not in await _queue(bot, local_telegram)

    lan.press("📨 Gửi", message=newer)
    await lan.wait_for("Đã gửi câu hỏi số", timeout=10)
    queue = await _queue(bot, local_telegram)
    assert queue.count("Mấy giờ tan học") == 1 and "Phòng học buổi chiều" not in queue


async def test_a_question_sent_as_a_photo_says_the_photo_does_not_reach_staff(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    lan = await bot.class_with_lan(CLASS)
    lan.send_photo(b"\xff\xd8\xff\xe0 not really a jpeg", caption="Tài liệu trang này in mờ ạ?")
    offer = await lan.wait_for("Tài liệu trang này in mờ", timeout=10)
    assert "ảnh hoặc tệp không chuyển được tới cán bộ" in (offer.text or "")
    lan.press("📨 Gửi", message=offer)
    await lan.wait_for("Đã gửi câu hỏi số", timeout=10)


async def test_a_number_or_an_emoji_with_no_menu_waiting_is_not_offered_as_a_question(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    lan = await bot.class_with_lan(CLASS)
    for typed in ("16", "👍", "??"):
        lan.send_text(typed)
        reply = await lan.wait_for(f"Tôi chưa hiểu «{typed}»")
        assert "📨 Gửi" not in [label for label, _ in reply.buttons()]
        assert reply.buttons()  # the main menu instead
    assert "Không còn câu hỏi nào" in await _queue(bot, local_telegram)


async def test_a_strangers_ten_letter_greeting_gets_the_welcome_not_a_wrong_code(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    stranger = local_telegram.user(1009, "Minh")
    for greeting in ("Xin chào bạn", "xinchaoban", "Chao ban nhe"):
        stranger.send_text(greeting)
        reply = await stranger.wait_for("Chào bạn!", timeout=10)
        assert "không đúng" not in (reply.text or "")
    stranger.send_text("KHONGCOMA9")  # something that looks like a code is still checked
    await stranger.wait_for("không đúng", timeout=10)


async def test_a_location_refused_for_distance_can_be_sent_again_without_the_code(
    local_telegram: LocalTelegram, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[attendance]\nrequire_location = true\nradius_m = 300\n", encoding="utf-8")
    db_url = sqlite_url(tmp_path)
    sample, _ = await first_morning(db_url, "telegram", [MONITOR_TG, LEARNER_TG])
    db = Database(db_url)
    try:
        async with db.uow() as uow:
            await uow.session.execute(
                update(Session)
                .where(Session.class_id == sample.id)
                .values(venue_lat=VENUE[0], venue_lon=VENUE[1])
            )
            await uow.commit()
    finally:
        await db.dispose()
    async with running_bot(local_telegram, tmp_path, now=CHECK_IN_OPEN, SLL_CONFIG=str(config)):
        monitor = local_telegram.user(MONITOR_TG, "Lan")
        monitor.send_command("maphong")
        shown = await monitor.wait_for("Mã phòng", timeout=10)
        code = re.search(r"^\s*(\d{4})\s*$", shown.text or "", re.MULTILINE)
        assert code is not None, shown.text

        learner = local_telegram.user(LEARNER_TG, "Hải")
        learner.send_command("diemdanh", code.group(1))
        await learner.wait_for("cần thêm vị trí", timeout=10)
        learner.send_location(VENUE[0] + 0.01, VENUE[1])  # about 1.1 km away: refused
        await learner.wait_for("xa hơn phạm vi cho phép", timeout=10)
        learner.send_location(VENUE[0] + 0.001, VENUE[1])  # at the venue: no code again
        done = await learner.wait_for("Đã điểm danh", timeout=10)
        assert "Buổi 1" in (done.text or "")
