"""Notices end to end: staff announce a class in chat and a learner linked on the local
Telegram receives it from the real bot process; a cancelled session reaches her too; staff
see delivery in chat and with the CLI."""

from __future__ import annotations

from db.database import Database
from localapi.telegram import LocalTelegram
from tests.conftest import CENTRE, BotProcess, add_sample_leader, link_lan, make_sample_class
from usecases import identity

CLASS = "SC-K4"


async def _set_up(bot: BotProcess) -> None:
    db = Database(bot.db_url)
    try:
        centre_id = await identity.ensure_centre(db.uow(), CENTRE)
        await make_sample_class(db, centre_id, CLASS)
        await add_sample_leader(db, centre_id)
    finally:
        await db.dispose()


async def test_staff_announce_a_class_and_a_linked_learner_receives_it(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    await _set_up(bot)
    lan = local_telegram.user(1001, "Lan")
    lan.send_command("start")
    await lan.wait_for("Chia sẻ số điện thoại")
    lan.share_contact("0731706690")
    await lan.wait_for("đã được liên kết")

    staff = local_telegram.user(bot.staff_id, "Cán bộ")
    staff.send_command("thongbao", CLASS)
    done = await staff.wait_for("Đã xếp")
    assert "46 tin thông báo" in (done.text or "")  # 45 learners and the unit's leader

    announcement = await lan.wait_for("THÔNG BÁO TRIỆU TẬP", timeout=30)
    assert "Khai giảng: Thứ Hai, 04/03/2024, 7h30" in (announcement.text or "")
    assert "Hội trường Trung tâm Chính trị huyện" in (announcement.text or "")
    assert "Buổi 16" in (announcement.text or "")

    staff.send_command("huybuoi", CLASS, "2", "Giảng", "viên", "bận")
    await staff.wait_for("Đã hoãn Buổi 2")
    change = await lan.wait_for("được hoãn", timeout=30)
    assert "Lý do: Giảng viên bận" in (change.text or "")

    staff.send_command("guitin", CLASS)
    view = await staff.wait_for("Tình hình gửi tin")
    assert "Thông báo lớp: đã gửi 1" in (view.text or "")
    assert "chưa liên kết tài khoản chat" in (view.text or "")
    assert ("🔁 Gửi lại tin lỗi", f"guilai {CLASS}") in view.buttons()

    report = bot.cli("tin", "tinh-hinh", CLASS)
    assert report.returncode == 0, report.stderr
    assert "Thông báo lớp: đã gửi 1" in report.stdout


async def test_a_learner_cannot_use_staff_notice_commands(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    await _set_up(bot)
    lan = await link_lan(local_telegram)
    lan.send_command("thongbao", CLASS)
    reply = await lan.wait_for(lambda m: True)
    assert "Đã xếp" not in (reply.text or "")


async def test_staff_broadcast_a_message_to_a_class_in_chat(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    await _set_up(bot)
    lan = await link_lan(local_telegram)
    staff = local_telegram.user(bot.staff_id, "Cán bộ")
    staff.send_command("nhantin", CLASS)
    await staff.wait_for("Bạn gửi nội dung tin")
    staff.send_text("Chiều nay lớp học tại phòng 2.")
    await staff.wait_for("Đã xếp 45 tin")
    got = await lan.wait_for("Chiều nay lớp học tại phòng 2.", timeout=30)
    assert (got.text or "").startswith("📣 Tin từ")
