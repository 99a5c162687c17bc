"""Issue 18, acknowledgment, end to end on both channels: the real bot process; staff publish
results with the CLI; the unit leader's summary carries "✅ Đã nhận" (a button on Telegram, a
typed number on Zalo); pressing it once is recorded once; staff see it in chat and the CLI."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from pathlib import Path

import openpyxl
import pytest

from localapi.telegram import LocalTelegram
from localapi.zalo import LocalZalo
from tests.conftest import SAMPLE_EVE, SAMPLES, BotProcess, start_bot
from tests.test_zalo_e2e import LAN, LEADER, _menu, _recorded_as_sent, _says, _set_up

CLASS = "SC-K4"
UNIT = "Đoàn xã Phiêng Ban"
SUMMARY = f"Kết quả học tập của học viên {UNIT}"
# The CLI does not wake the bot's dispatcher: it looks on its safety tick, short here.
FAST = {"SLL_NOTICES_SAFETY_TICK_SECONDS": "1", "SLL_UNITS_CHECK_EVERY_SECONDS": "1"}
DELIVERY_TIMEOUT = 30


async def both_channels(
    local_telegram: LocalTelegram, local_zalo: LocalZalo, tmp_path: Path
) -> AsyncIterator[BotProcess]:
    """The real bot on both local channels, on the evening before the sample class, with short
    ticks; stopped cleanly after the test."""
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


@pytest.fixture
async def bot(
    local_telegram: LocalTelegram, local_zalo: LocalZalo, tmp_path: Path
) -> AsyncIterator[BotProcess]:
    async for process in both_channels(local_telegram, local_zalo, tmp_path):
        yield process


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


# --- nominees confirmed before the class opens -------------------------------------------------

ANNOUNCED = "THÔNG BÁO GỬI ĐƠN VỊ"
NOMINATE = "📝 Xác nhận học viên cử đi học"


def _announce(bot: BotProcess) -> None:
    announced = bot.cli("tin", "thong-bao", CLASS)
    assert announced.returncode == 0, announced.stderr


def _nominations_in_cli(bot: BotProcess) -> str:
    listing = bot.cli("don-vi", "cu-di", CLASS)
    assert listing.returncode == 0, listing.stderr
    return " ".join(listing.stdout.split())


async def test_a_leader_on_telegram_confirms_nominees_and_staff_remind_once(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    bot.set_up_class(CLASS)
    leader = local_telegram.user(1003, "Thắng")
    leader.send_start(bot.invite_code(LEADER, CLASS))
    await leader.wait_for("đã được liên kết với đơn vị", timeout=10)
    _announce(bot)

    notice = await leader.wait_for(ANNOUNCED, timeout=DELIVERY_TIMEOUT)
    leader.press(NOMINATE, message=notice)
    listing = await leader.wait_for("Học viên đơn vị cử đi học (6 người)", timeout=10)
    assert "1. Lê Thị Ngọc Lan — ⏳ chưa trả lời" in (listing.text or "")
    assert "Bùi Đức Hải" not in (listing.text or "")  # another unit's learner
    leader.press("1. Lê Thị Ngọc Lan", message=listing)
    ask = await leader.wait_for("có đi học lớp SC-K4 được không", timeout=10)
    leader.press("✅ Sẽ đi học", message=ask)
    listing = await leader.wait_for("1. Lê Thị Ngọc Lan — ✅ sẽ đi học", timeout=10)
    second = (listing.text or "").splitlines()[3].split(" — ")[0]  # "2. <name>"
    assert second.startswith("2. ")
    leader.press(second, message=listing)
    ask = await leader.wait_for("có đi học lớp SC-K4 được không", timeout=10)
    leader.press("❌ Không đi được", message=ask)
    await leader.wait_for("gõ lý do", timeout=10)
    leader.send_text("Đi tập huấn ở tỉnh")
    await leader.wait_for("cử người khác đi thay", timeout=10)
    leader.send_text("Lường Văn Cường")
    done = await leader.wait_for("người thay: Lường Văn Cường", timeout=10)
    assert f"{second} — ❌ không đi được (Đi tập huấn ở tỉnh)" in (done.text or "")

    staff = local_telegram.user(bot.staff_id, "Cán bộ")
    staff.send_command("cudilop", CLASS)
    view = await staff.wait_for("Đơn vị xác nhận học viên cử đi học", timeout=10)
    assert f"🏢 {UNIT} ({LEADER}): 1 sẽ đi, 1 không đi, 4 chưa trả lời" in (view.text or "")
    assert "Đi tập huấn ở tỉnh; người thay: Lường Văn Cường" in (view.text or "")
    staff.press("🔔 Nhắc đơn vị chưa trả lời", message=view)
    await staff.wait_for("Đã nhắc 1 lãnh đạo", timeout=10)
    reminder = await leader.wait_for("Đơn vị còn 4 học viên chưa được xác nhận", timeout=20)
    staff.press("🔔 Nhắc đơn vị chưa trả lời", message=view)  # only once
    await staff.wait_for("chỉ nhắc một lần", timeout=10)

    leader.press(NOMINATE, message=reminder)
    listing = await leader.wait_for("Học viên đơn vị cử đi học", timeout=10)
    leader.press("✅ Tất cả người chưa trả lời: sẽ đi học", message=listing)
    await leader.wait_for("đã trả lời cho tất cả học viên", timeout=10)
    shown = _nominations_in_cli(bot)
    assert f"{UNIT} ({LEADER}): 5 sẽ đi, 1 không đi, 0 chưa trả lời" in shown
    reminders = [m for m in leader.messages() if "chưa được xác nhận" in (m.text or "")]
    assert len(reminders) == 1


async def test_a_leader_on_zalo_confirms_nominees_by_numbers(
    bot: BotProcess, local_zalo: LocalZalo
) -> None:
    codes = await _set_up(bot.db_url, CLASS)
    leader = local_zalo.user("z-thang", "Thắng")
    await _says(leader, f"/start {codes[LEADER]}", "đã được liên kết với đơn vị")
    _announce(bot)

    notice = await leader.wait_for(ANNOUNCED, timeout=DELIVERY_TIMEOUT)
    await _wait_sent(bot, "announce-leader:")
    (listing,) = await _says(leader, _menu(notice.text or "")[NOMINATE], "(6 người)")
    menu = _menu(listing.text or "")
    assert menu["1. Lê Thị Ngọc Lan"] == "1"  # the number shown is the number typed
    (ask,) = await _says(leader, "1", "có đi học lớp SC-K4 được không")
    await _says(leader, _menu(ask.text or "")["❌ Không đi được"], "gõ lý do")
    await _says(leader, "Ốm phải nằm viện", "cử người khác đi thay")
    (done,) = await _says(leader, "Nguyễn Văn Thay", "người thay: Nguyễn Văn Thay")
    assert "1. Lê Thị Ngọc Lan — ❌ không đi được (Ốm phải nằm viện)" in (done.text or "")
    everyone = _menu(done.text or "")["✅ Tất cả người chưa trả lời: sẽ đi học"]
    await _says(leader, everyone, "đã trả lời cho tất cả học viên")
    shown = _nominations_in_cli(bot)
    assert "5 sẽ đi, 1 không đi, 0 chưa trả lời" in shown
    assert "Lê Thị Ngọc Lan: Ốm phải nằm viện; người thay: Nguyễn Văn Thay" in shown


# --- attendance rules, and "✅ Đã nhận" on the absence alert ---------------------------------


async def _close_sessions(bot: BotProcess, *numbers: int) -> None:
    """The bot's own session close, at the bot's (shifted) time: the unmarked become absent and
    each unit leader gets one alert."""
    from sqlalchemy import select

    from db.database import Database
    from db.models import Class, Session
    from usecases import attendance
    from usecases.settings import Settings

    db = Database(bot.db_url)
    try:
        async with db.uow() as uow:
            ids = list(
                await uow.session.scalars(
                    select(Session.id)
                    .join(Class, Class.id == Session.class_id)
                    .where(Class.code == CLASS)
                    .order_by(Session.starts_at)
                )
            )
        for n in numbers:
            await attendance.close_session(
                db.uow(), session_id=ids[n - 1], now=SAMPLE_EVE, settings=Settings()
            )
    finally:
        await db.dispose()


ABSENCE = "vắng"
OVER = "2 buổi liên tiếp"


async def test_on_telegram_the_absence_alert_is_acknowledged_and_two_absences_are_told(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    bot.set_up_class(CLASS)
    staff = local_telegram.user(bot.staff_id, "Cán bộ")  # has opened the chat with the bot
    leader = local_telegram.user(1003, "Thắng")
    leader.send_start(bot.invite_code(LEADER, CLASS))
    await leader.wait_for("đã được liên kết với đơn vị", timeout=10)
    lan = local_telegram.user(1001, "Lan")
    lan.share_contact("0731706690")
    await lan.wait_for("đã được liên kết", timeout=10)

    await _close_sessions(bot, 1)
    alert = await leader.wait_for(lambda m: "✅ Đã nhận" in str(m.reply_markup), timeout=20)
    assert LAN in (alert.text or "")
    leader.press("✅ Đã nhận", message=alert)
    await leader.wait_for("đã nhận báo vắng buổi học", timeout=10)

    await _close_sessions(bot, 2)
    mine = await lan.wait_for(OVER, timeout=DELIVERY_TIMEOUT)
    assert "vượt quy định" in (mine.text or "") and "không đủ điều kiện" in (mine.text or "")
    told = await leader.wait_for(f"Học viên {LAN} ({UNIT})", timeout=DELIVERY_TIMEOUT)
    assert OVER in (told.text or "")
    await staff.wait_for(f"Học viên {LAN}", timeout=DELIVERY_TIMEOUT)
    staff.send_command("khongdudk", CLASS)
    listing = await staff.wait_for("không đủ điều kiện chuyên cần", timeout=10)
    assert f"{LAN} ({UNIT}) — vắng không phép 2 buổi liên tiếp" in (listing.text or "")
    shown = " ".join(bot.cli("don-vi", "khong-du-dk", CLASS).stdout.split())
    assert f"{LAN} ({UNIT}) — vắng không phép 2 buổi liên tiếp" in shown
    # Once per crossing: the job runs every second, Lan is told once.
    await asyncio.sleep(3)
    assert len([m for m in lan.messages() if OVER in (m.text or "")]) == 1


async def test_on_zalo_the_absence_alert_is_acknowledged_by_number_and_the_learner_is_told(
    bot: BotProcess, local_zalo: LocalZalo
) -> None:
    codes = await _set_up(bot.db_url, CLASS)
    leader = local_zalo.user("z-thang", "Thắng")
    await _says(leader, f"/start {codes[LEADER]}", "đã được liên kết với đơn vị")
    lan = local_zalo.user("z-lan", "Lan")
    await _says(lan, codes[LAN], "đã được liên kết")

    await _close_sessions(bot, 1)
    alert = await leader.wait_for("✅ Đã nhận", timeout=20)
    await _wait_sent(bot, "absence:")
    await _says(leader, _menu(alert.text or "")["✅ Đã nhận"], "đã nhận báo vắng buổi học")
    await _close_sessions(bot, 2)
    mine = await lan.wait_for(OVER, timeout=DELIVERY_TIMEOUT)
    assert "vượt quy định" in (mine.text or "")
