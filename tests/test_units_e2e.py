"""Issue 18, acknowledgment, end to end on both channels: the real bot process; staff publish
results with the CLI; the unit leader's summary carries "✅ Đã nhận" (a button on Telegram, a
typed number on Zalo); pressing it once is recorded once; staff see it in chat and the CLI."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import openpyxl
import pytest

from localapi.telegram import LocalTelegram
from localapi.zalo import LocalZalo
from tests.conftest import SAMPLE_EVE, SAMPLES, BotProcess, start_bot
from tests.test_zalo_e2e import LEADER, _menu, _recorded_as_sent, _says, _set_up

CLASS = "SC-K4"
UNIT = "Đoàn xã Phiêng Ban"
SUMMARY = f"Kết quả học tập của học viên {UNIT}"
# The CLI does not wake the bot's dispatcher: it looks on its safety tick, short here.
FAST = {"SLL_NOTICES_SAFETY_TICK_SECONDS": "1"}
DELIVERY_TIMEOUT = 30


@pytest.fixture
async def bot(
    local_telegram: LocalTelegram, local_zalo: LocalZalo, tmp_path: Path
) -> AsyncIterator[BotProcess]:
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    process = await start_bot(
        local_telegram,
        db_url,
        tmp_path,
        zalo=local_zalo,
        SLL_FAKE_NOW=SAMPLE_EVE.isoformat(),
        **FAST,
    )
    yield process
    code = await process.stop()
    assert code == 0, f"bot did not shut down cleanly ({code}):\n{process.log()}"


def _publish(bot: BotProcess) -> None:
    imported = bot.cli("ket-qua", "nhap", CLASS, str(SAMPLES / "ket-qua-so-cap-llct-k4-2024.xlsx"))
    assert imported.returncode == 0, imported.stderr
    published = bot.cli("ket-qua", "cong-bo", CLASS, "--dong-y")
    assert published.returncode == 0, published.stderr


def _not_acked_in_cli(bot: BotProcess) -> str:
    listing = bot.cli("don-vi", "chua-nhan", CLASS)
    assert listing.returncode == 0, listing.stderr
    return " ".join(listing.stdout.split())


async def test_a_leader_on_telegram_presses_received_and_staff_see_it(
    bot: BotProcess, local_telegram: LocalTelegram, tmp_path: Path
) -> None:
    bot.set_up_class(CLASS)
    leader = local_telegram.user(1003, "Thắng")
    leader.send_start(bot.invite_code(LEADER, CLASS))
    await leader.wait_for("đã được liên kết với đơn vị", timeout=10)
    _publish(bot)
    before = _not_acked_in_cli(bot)
    assert "Đã xác nhận: 0/1 đơn vị" in before and f"{UNIT} — {LEADER}" in before

    summary = await leader.wait_for(SUMMARY, timeout=DELIVERY_TIMEOUT)
    assert summary.reply_markup is not None and "✅ Đã nhận" in str(summary.reply_markup)
    leader.press("✅ Đã nhận", message=summary)
    thanks = await leader.wait_for("Cảm ơn đồng chí", timeout=10)
    assert f"kết quả học tập lớp {CLASS}" in (thanks.text or "")
    leader.press("✅ Đã nhận", message=summary)  # pressed twice: told when, recorded once
    await leader.wait_for("Đồng chí đã xác nhận lúc", timeout=10)

    staff = local_telegram.user(bot.staff_id, "Cán bộ")
    staff.send_command("chuanhan")
    overview = await staff.wait_for("theo lớp", timeout=10)
    assert f"{CLASS}: 0/1 đơn vị chưa xác nhận" in (overview.text or "")
    staff.press(CLASS, message=overview)
    status = await staff.wait_for("📨 Đơn vị nhận kết quả lớp", timeout=10)
    assert "Đã xác nhận: 1/1 đơn vị" in (status.text or "")
    assert f"{UNIT} — {LEADER}, lúc" in (status.text or "")
    sheet = await staff.wait_for(lambda m: m.document is not None, timeout=10)
    assert sheet.document is not None
    book = openpyxl.load_workbook(io.BytesIO(sheet.document[1]))
    rows = list(book.active.iter_rows(values_only=True))  # type: ignore[union-attr]
    (row,) = [r for r in rows if r and r[1] == UNIT]
    assert row[3] == "Đã nhận" and row[4] == LEADER

    after = _not_acked_in_cli(bot)
    assert "Đã xác nhận: 1/1 đơn vị" in after and "Chưa xác nhận:" not in after
    saved = tmp_path / "xac-nhan.xlsx"
    assert bot.cli("don-vi", "chua-nhan", CLASS, "--xuat", str(saved)).returncode == 0
    assert saved.read_bytes()[:2] == b"PK"

    # A learner cannot acknowledge anything: the route is for unit leaders.
    lan = local_telegram.user(1001, "Lan")
    lan.share_contact("0731706690")
    await lan.wait_for("đã được liên kết", timeout=10)
    lan.send_command("danhan", "results", "1")
    await lan.wait_for("không", timeout=10)
    assert not [m for m in lan.messages() if "Cảm ơn đồng chí" in (m.text or "")]


async def test_a_leader_on_zalo_types_the_number_for_received(
    bot: BotProcess, local_zalo: LocalZalo
) -> None:
    codes = await _set_up(bot.db_url, CLASS)
    leader = local_zalo.user("z-thang", "Thắng")
    await _says(leader, f"/start {codes[LEADER]}", "đã được liên kết với đơn vị")
    _publish(bot)

    summary = await leader.wait_for(SUMMARY, timeout=DELIVERY_TIMEOUT)
    number = _menu(summary.text or "")["✅ Đã nhận"]
    assert "Chưa xác nhận:" in _not_acked_in_cli(bot)
    db_key = "unit_results:"  # the summary's outbox key starts so; wait until it is recorded
    await _wait_sent(bot, db_key)
    (thanks,) = await _says(leader, number, "Cảm ơn đồng chí")
    assert f"kết quả học tập lớp {CLASS}" in (thanks.text or "")
    listing = _not_acked_in_cli(bot)
    assert "Đã xác nhận: 1/1 đơn vị" in listing and "Chưa xác nhận:" not in listing


async def _wait_sent(bot: BotProcess, prefix: str) -> None:
    """The summary's notice is recorded as sent (its menu remembered) before the leader types."""
    from sqlalchemy import select

    from db.database import Database
    from db.models import Notification

    db = Database(bot.db_url)
    try:
        async with db.uow() as uow:
            key = await uow.session.scalar(
                select(Notification.idempotency_key).where(
                    Notification.idempotency_key.startswith(prefix)
                )
            )
    finally:
        await db.dispose()
    assert key is not None
    await _recorded_as_sent(bot.db_url, key)
