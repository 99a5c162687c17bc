"""Issue 18 end to end, continued: conduct (rèn luyện), the unit answering, and parent units,
on both channels, against the real bot process (fixtures and helpers in `test_units_e2e`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from localapi.telegram import LocalTelegram
from localapi.zalo import LocalZalo
from tests.conftest import BotProcess
from tests.test_units_e2e import CLASS, DELIVERY_TIMEOUT, SUMMARY, UNIT, _publish, both_channels
from tests.test_zalo_e2e import LAN, LEADER, _menu, _says, _set_up


@pytest.fixture
async def bot(
    local_telegram: LocalTelegram, local_zalo: LocalZalo, tmp_path: Path
) -> AsyncIterator[BotProcess]:
    async for process in both_channels(local_telegram, local_zalo, tmp_path):
        yield process


# --- conduct (rèn luyện) ----------------------------------------------------------------------

VIOLATION = "vi phạm quy chế học tập"


async def test_on_telegram_staff_record_a_violation_the_leader_hears_and_results_carry_it(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    bot.set_up_class(CLASS)
    leader = local_telegram.user(1003, "Thắng")
    leader.send_start(bot.invite_code(LEADER, CLASS))
    await leader.wait_for("đã được liên kết với đơn vị", timeout=10)
    staff = local_telegram.user(bot.staff_id, "Cán bộ")
    staff.send_command("renluyen", CLASS, "1", "vipham", "Bỏ buổi học chiều không xin phép")
    saved = await staff.wait_for("✅ Đã ghi vi phạm", timeout=10)
    assert LAN in (saved.text or "") and "Đã báo 1 lãnh đạo đơn vị" in (saved.text or "")
    told = await leader.wait_for(VIOLATION, timeout=DELIVERY_TIMEOUT)
    assert LAN in (told.text or "") and "Bỏ buổi học chiều không xin phép" in (told.text or "")
    staff.send_command("renluyen", CLASS, "1", "nhắc", "Đến muộn")  # a reminder: not told
    await staff.wait_for("✅ Đã ghi nhắc nhở", timeout=10)
    staff.send_command("renluyen", CLASS)
    record = await staff.wait_for("📒 Rèn luyện lớp", timeout=10)
    assert "vi phạm — Bỏ buổi học chiều" in (record.text or "")
    assert "nhắc nhở — Đến muộn (ghi bởi telegram:" in (record.text or "")

    _publish(bot)
    summary = await leader.wait_for(SUMMARY, timeout=DELIVERY_TIMEOUT)
    assert f"• {LAN}: Rèn luyện: 1 nhắc nhở, 1 vi phạm" in (summary.text or "")
    assert len([m for m in leader.messages() if VIOLATION in (m.text or "")]) == 1
    shown = " ".join(bot.cli("don-vi", "ren-luyen", CLASS).stdout.split())
    assert "Bỏ buổi học chiều không xin phép" in shown


async def test_on_zalo_the_leader_hears_of_a_violation_recorded_with_the_cli(
    bot: BotProcess, local_zalo: LocalZalo
) -> None:
    codes = await _set_up(bot.db_url, CLASS)
    leader = local_zalo.user("z-thang", "Thắng")
    await _says(leader, f"/start {codes[LEADER]}", "đã được liên kết với đơn vị")
    saved = bot.cli(
        "don-vi", "ren-luyen", CLASS, "1", "--loai", "vi-pham", "--ly-do", "Sử dụng điện thoại"
    )
    assert saved.returncode == 0, saved.stderr
    assert "Đã báo 1 lãnh đạo đơn vị" in saved.stdout
    told = await leader.wait_for(VIOLATION, timeout=DELIVERY_TIMEOUT)
    assert LAN in (told.text or "") and "Sử dụng điện thoại" in (told.text or "")


# --- the unit can answer ----------------------------------------------------------------------


async def test_on_telegram_a_leader_gives_an_absence_reason_and_staff_answer_it(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    bot.set_up_class(CLASS)
    staff = local_telegram.user(bot.staff_id, "Cán bộ")
    leader = local_telegram.user(1003, "Thắng")
    leader.send_start(bot.invite_code(LEADER, CLASS))
    await leader.wait_for("đã được liên kết với đơn vị", timeout=10)

    leader.send_command("phanhoi")
    learners = await leader.wait_for("phản hồi về học viên nào", timeout=10)
    leader.press(f"1. {LAN}", message=learners)
    kinds = await leader.wait_for(f"Về {LAN}", timeout=10)
    leader.press("📝 Lý do vắng học", message=kinds)
    await leader.wait_for("Xin đồng chí gõ nội dung (lý do vắng)", timeout=10)
    leader.send_text("Đồng chí Lan đi họp Huyện đoàn chiều 5/3")
    await leader.wait_for("✅ Đã gửi trung tâm", timeout=10)

    item = await staff.wait_for("📨 Phản hồi #", timeout=DELIVERY_TIMEOUT)
    assert f"Học viên: {LAN} ({UNIT}), lớp {CLASS}" in (item.text or "")
    assert "đi họp Huyện đoàn" in (item.text or "")
    staff.press("✍️ Trả lời", message=item)
    await staff.wait_for("Gõ câu trả lời cho phản hồi", timeout=10)
    staff.send_text("Đã ghi nhận, trung tâm tính là vắng có phép.")
    await staff.wait_for("✅ Đã trả lời phản hồi", timeout=10)
    back = await leader.wait_for("Trung tâm trả lời phản hồi", timeout=DELIVERY_TIMEOUT)
    assert "vắng có phép" in (back.text or "") and LAN in (back.text or "")
    staff.send_command("phanhoidv")
    await staff.wait_for("Không có phản hồi nào", timeout=10)


async def test_on_zalo_a_leader_sends_a_remark_by_numbers_and_it_reaches_the_staff_queue(
    bot: BotProcess, local_telegram: LocalTelegram, local_zalo: LocalZalo
) -> None:
    codes = await _set_up(bot.db_url, CLASS)
    staff = local_telegram.user(bot.staff_id, "Cán bộ")
    leader = local_zalo.user("z-thang", "Thắng")
    await _says(leader, f"/start {codes[LEADER]}", "đã được liên kết với đơn vị")
    (learners,) = await _says(leader, "/phanhoi", "phản hồi về học viên nào")
    assert _menu(learners.text or "")[f"1. {LAN}"] == "1"
    (kinds,) = await _says(leader, "1", f"Về {LAN}")
    await _says(leader, _menu(kinds.text or "")["💬 Nhận xét vận dụng sau học"], "gõ nội dung")
    await _says(leader, "Về xã, đồng chí Lan đã tổ chức sinh hoạt chi đoàn tốt.", "Đã gửi")
    item = await staff.wait_for("📨 Phản hồi #", timeout=DELIVERY_TIMEOUT)
    assert "Nhận xét vận dụng" in (item.text or "") and LAN in (item.text or "")
    staff.send_command("phanhoidv")
    queue = await staff.wait_for("phản hồi của đơn vị chờ trả lời", timeout=10)
    assert "sinh hoạt chi đoàn tốt" in (queue.text or "")


# --- the district between school and commune ---------------------------------------------------

DISTRICT = "Huyện ủy Bắc Yên"
HEAD = "Vì Văn Huyện"
PARENT_SUMMARY = f"Học viên các đơn vị thuộc {DISTRICT}: 12 người, 2 đơn vị."


def _districts(bot: BotProcess) -> None:
    for unit in (UNIT, "Đảng ủy xã Hồng Ngài"):
        done = bot.cli("don-vi", "cap-tren", unit, DISTRICT)
        assert done.returncode == 0, done.stderr
        assert f"Đã đặt «{unit}» thuộc «{DISTRICT}»" in done.stdout
    added = bot.cli("don-vi", "lanh-dao", DISTRICT, "--ten", HEAD, "--sdt", "0912999777")
    assert added.returncode == 0, added.stderr


async def test_on_telegram_the_districts_leader_gets_one_summary_and_sees_acknowledgments(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    bot.set_up_class(CLASS)
    _districts(bot)
    head = local_telegram.user(1009, "Huyện")
    head.share_contact("0912999777")
    await head.wait_for("đã được liên kết", timeout=10)
    thang = local_telegram.user(1003, "Thắng")
    thang.send_start(bot.invite_code(LEADER, CLASS))
    await thang.wait_for("đã được liên kết với đơn vị", timeout=10)
    _publish(bot)

    summary = await head.wait_for(PARENT_SUMMARY, timeout=DELIVERY_TIMEOUT)
    assert f"🏢 {UNIT} (6):" in (summary.text or "") and LAN in (summary.text or "")
    assert "Bùi Đức Hải" not in (summary.text or "")  # another district's learner
    sheet = await head.wait_for(lambda m: m.document is not None, timeout=DELIVERY_TIMEOUT)
    assert sheet.document is not None and sheet.document[0].endswith(".xlsx")
    head.send_command("donvicon")
    before = await head.wait_for("Đơn vị cấp dưới xác nhận", timeout=10)
    assert f"• {UNIT}: ⏳ chưa xác nhận" in (before.text or "")

    own = await thang.wait_for(SUMMARY, timeout=DELIVERY_TIMEOUT)
    thang.press("✅ Đã nhận", message=own)
    await thang.wait_for("Cảm ơn đồng chí", timeout=10)
    head.send_command("donvicon")
    after = await head.wait_for(f"• {UNIT}: ✅ đã nhận ({LEADER})", timeout=10)
    assert "• Đảng ủy xã Hồng Ngài: ⏳ chưa xác nhận" in (after.text or "")
    summaries = [m for m in head.messages() if PARENT_SUMMARY in (m.text or "")]
    assert len(summaries) == 1  # the job runs every second: once


async def test_on_zalo_the_districts_leader_gets_the_summary_and_the_acknowledgments(
    bot: BotProcess, local_zalo: LocalZalo
) -> None:
    from db.database import Database
    from db.models import Invite, Person
    from usecases.linking import new_invite_code

    await _set_up(bot.db_url, CLASS)
    _districts(bot)
    code = new_invite_code()
    db = Database(bot.db_url)
    try:
        async with db.uow() as uow:
            from sqlalchemy import select

            head_id = await uow.session.scalar(select(Person.id).where(Person.full_name == HEAD))
            assert head_id is not None
            uow.session.add(Invite(code=code, person_id=head_id, role="leader"))
            await uow.commit()
    finally:
        await db.dispose()
    head = local_zalo.user("z-huyen", "Huyện")
    await _says(head, f"/start {code}", "đã được liên kết")
    _publish(bot)
    summary = await head.wait_for(PARENT_SUMMARY, timeout=DELIVERY_TIMEOUT)
    assert LAN in (summary.text or "")
    (acks,) = await _says(head, "/donvicon", "Đơn vị cấp dưới xác nhận")
    assert f"• {UNIT}: ⏳ chưa xác nhận" in (acks.text or "")
