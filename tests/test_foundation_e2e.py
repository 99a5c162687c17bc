"""Journeys 1–2 end to end: the real bot process, the staff CLI and people on the local
Telegram, as a centre would use them."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from db.database import Database
from localapi.telegram import LocalTelegram
from tests.conftest import (
    CENTRE,
    SAMPLE_EVE,
    SAMPLES,
    BotProcess,
    add_sample_leader,
    make_sample_class,
)
from usecases import identity
from usecases.linking import create_invites

CLASS = "SC-K4"


async def test_a_learner_links_by_sharing_her_phone_and_sees_her_schedule(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    bot.set_up_class(CLASS)
    again = bot.cli(
        "lop", "nhap-hoc-vien", CLASS, str(SAMPLES / "danh-sach-so-cap-llct-k4-2024.xlsx")
    )
    assert "Đã nhập 45 học viên vào lớp SC-K4: 0 mới, 0 cập nhật, 45 không đổi." in again.stdout
    lan = local_telegram.user(1001, "Lan")
    lan.send_command("start")
    welcome = await lan.wait_for("Chia sẻ số điện thoại")
    assert welcome.keyboard_requests_contact

    lan.share_contact("0731706690")
    linked = await lan.wait_for("đã được liên kết")
    assert "Lê Thị Ngọc Lan" in linked.text
    assert "lichhoc" in [data for _, data in linked.buttons()]

    lan.press("📅 Lịch học")
    schedule = await lan.wait_for("Lịch học lớp")
    assert "Buổi 1: Thứ Hai, 04/03/2024, 7h30 – 11h00" in schedule.text
    assert "Hội trường Trung tâm Chính trị huyện" in schedule.text
    assert "… và 11 buổi sau nữa." in schedule.text

    lan.send_command("help")
    help_text = await lan.wait_for("Bạn là học viên")
    assert "/lichhoc" in help_text.text

    leader = local_telegram.user(1003, "Thắng")
    leader.send_start(bot.invite_code("Hà Văn Thắng", CLASS))
    await leader.wait_for("Đoàn xã Phiêng Ban")


async def _set_up_directly(bot: BotProcess) -> str:
    """The sample class and a unit leader, written with the use cases; returns his code."""
    db = Database(bot.db_url)
    try:
        centre_id = await identity.ensure_centre(db.uow(), CENTRE)
        sample = await make_sample_class(db, centre_id, CLASS)
        await add_sample_leader(db, centre_id)
        invites = await create_invites(db.uow(), class_id=sample.id, now=SAMPLE_EVE)
        return next(code for _, code, role in invites if role == "leader")
    finally:
        await db.dispose()


async def test_a_strangers_card_an_unknown_number_and_a_used_code_are_refused(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    code = await _set_up_directly(bot)
    stranger = local_telegram.user(1002, "Minh")
    stranger.share_contact("0963608377", own=False)
    await stranger.wait_for("không phải số điện thoại của chính bạn")
    stranger.share_contact("0912000111")
    await stranger.wait_for("chưa có trong danh sách")
    stranger.send_command("lichhoc")
    refusal = await stranger.wait_for("chưa được liên kết")
    assert refusal.keyboard_requests_contact

    leader = local_telegram.user(1003, "Thắng")
    leader.send_start(code)
    linked = await leader.wait_for("đã được liên kết với đơn vị")
    assert "Đoàn xã Phiêng Ban" in linked.text

    stranger.send_start(code)
    await stranger.wait_for("Mã mời này đã được dùng rồi")
    stranger.send_start("KHONGCOMA9")
    await stranger.wait_for("không đúng")
    stranger.send_command("lichhoc")
    await stranger.wait_for("chưa được liên kết")  # still nobody


async def test_help_lists_what_each_role_may_do(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    staff = local_telegram.user(bot.staff_id, "Cán bộ")
    staff.send_command("help")
    text = (await staff.wait_for("Bạn là")).text
    assert "cán bộ trung tâm" in text
    newcomer = local_telegram.user(1004, "Mới")
    newcomer.send_command("help")
    await newcomer.wait_for("Chia sẻ số điện thoại")


def test_a_bad_roster_is_rejected_whole_with_row_numbers(bot: BotProcess, tmp_path: Path) -> None:
    assert bot.cli("lop", "tao", CLASS, "--ten", "Lớp thử", "--loai", "Thử").returncode == 0
    path = tmp_path / "danh-sach-loi.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["DANH SÁCH HỌC VIÊN"])
    sheet.append([])
    sheet.append(["TT", "Họ và tên", "Ngày sinh", "Đơn vị", "Số điện thoại"])
    sheet.append([1, "Nguyễn Văn An", "01/02/1990", "UBND xã A", "0912 345 678"])
    sheet.append([2, "Trần Thị Bình", "31/02/1990", "UBND xã A", "0912 345 679"])
    sheet.append([3, "Lò Văn Cầm", "01/03/1985", "UBND xã B", "12345"])
    book.save(path)

    result = bot.cli("lop", "nhap-hoc-vien", CLASS, str(path))
    assert result.returncode == 1
    assert "Dòng 5" in result.stderr and "Dòng 6" in result.stderr
    assert "chưa nhập gì" in result.stderr
    assert "Lớp chưa có học viên." in bot.cli("lop", "hoc-vien", CLASS).stdout
