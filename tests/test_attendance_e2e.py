"""Journey 4 end to end through the real bot process and the local Telegram, on the morning of
the sample class's first session: a learner checks in with the room code the monitor shows, the
monitor marks the rest from the roster (updated in place), staff see the counts."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from localapi.telegram import LocalTelegram
from tests.conftest import CHECK_IN_OPEN, BotProcess, first_morning, running_bot, sqlite_url

MONITOR_TG, LEARNER_TG, OTHER_TG = 2001, 2002, 2003


@dataclass
class Morning:
    bot: BotProcess
    names: list[str]  # learners in roster order


@pytest.fixture
async def morning(local_telegram: LocalTelegram, tmp_path: Path) -> AsyncIterator[Morning]:
    """The sample class, its monitor (TT 1) and a learner (TT 2) linked; the bot's clock at
    7h35 on the first morning (check-in open, not yet late)."""
    _, names = await first_morning(
        sqlite_url(tmp_path), "telegram", [MONITOR_TG, LEARNER_TG, OTHER_TG]
    )
    async with running_bot(local_telegram, tmp_path, now=CHECK_IN_OPEN) as bot:
        yield Morning(bot, names)


async def test_a_learner_checks_in_the_monitor_marks_the_rest_and_staff_see_the_counts(
    morning: Morning, local_telegram: LocalTelegram
) -> None:
    monitor = local_telegram.user(MONITOR_TG, "Lan")
    learner = local_telegram.user(LEARNER_TG, "Hải")

    # The monitor shows the room code.
    monitor.send_command("maphong")
    shown = await monitor.wait_for("Mã phòng", timeout=10)
    code = re.search(r"^\s*(\d{4})\s*$", shown.text or "", re.MULTILINE)
    assert code is not None, shown.text
    room_code = code.group(1)

    # The learner taps "Điểm danh", is asked for the code, mistypes it, then types it right.
    learner.send_command("diemdanh")
    await learner.wait_for("gõ mã phòng", timeout=10)
    wrong = "0000" if room_code != "0000" else "1111"
    learner.send_text(wrong)
    await learner.wait_for(f"Mã phòng «{wrong}» không đúng", timeout=10)
    learner.send_text(room_code)
    done = await learner.wait_for("Đã điểm danh", timeout=10)
    assert "có mặt Buổi 1" in (done.text or "")
    learner.send_command("diemdanh", room_code)
    await learner.wait_for("không cần điểm danh lại", timeout=10)

    # The monitor opens the roster: 1 present, 44 not yet marked, 3 pages.
    monitor.send_command("lop")
    roster = await monitor.wait_for("📋 Điểm danh Buổi 1", timeout=10)
    assert "Có mặt 1 · Muộn 0 · Có phép 0 · Vắng 0 · Chưa 44" in (roster.text or "")
    assert "Trang 1/3" in (roster.text or "")
    monitor.press("✅ Tất cả có mặt", message=roster)  # asks first, in the same message
    await monitor.wait_for(lambda m: m is roster and "Ghi có mặt cho 44" in (m.text or ""))
    monitor.press("✅ Đồng ý, ghi tất cả có mặt", message=roster)
    await monitor.wait_for(lambda m: m is roster and "Có mặt 45" in (m.text or ""), timeout=10)
    # Tap a learner to cycle present → late; the same message is edited, not a new one.
    third = next(label for label, _ in roster.buttons() if morning.names[2] in label)
    monitor.press(third, message=roster)
    await monitor.wait_for(lambda m: m is roster and "Muộn 1" in (m.text or ""), timeout=10)
    assert len([m for m in monitor.messages() if "📋" in (m.text or "")]) == 1
    assert any(a.text and "đi muộn" in a.text for a in local_telegram.answered_callback_queries)

    # A learner who is not the monitor cannot mark.
    other = local_telegram.user(OTHER_TG, "Pâng")
    other.send_command("lop")
    await other.wait_for("không có quyền", timeout=10)

    # Staff see the counts, then the session's names.
    staff = local_telegram.user(morning.bot.staff_id, "Cán bộ")
    staff.send_command("baocaodiemdanh")
    report = await staff.wait_for("📊 Điểm danh lớp", timeout=10)
    assert "Buổi 1 04/03/2024: có mặt 44, muộn 1, có phép 0, vắng 0" in (report.text or "")
    staff.press("Buổi 1", message=report)
    detail = await staff.wait_for("Sĩ số 45", timeout=10)
    assert f"Đi muộn (1): {morning.names[2]}" in (detail.text or "")

    staff.press("📥 Xuất bảng điểm danh (Excel)", message=detail)
    sheet = await staff.wait_for(lambda m: m.document is not None, timeout=10)
    assert sheet.document is not None and sheet.document[0] == "diem-danh-SC-K4.xlsx"


async def test_leave_is_asked_and_approved_and_staff_correct_a_mark_with_a_reason(
    morning: Morning, local_telegram: LocalTelegram
) -> None:
    learner = local_telegram.user(LEARNER_TG, "Hải")
    staff = local_telegram.user(morning.bot.staff_id, "Cán bộ")

    # The learner asks leave for the afternoon session, with a reason typed next.
    learner.send_command("xinphep")
    choose = await learner.wait_for("chọn buổi học bạn sẽ vắng", timeout=10)
    afternoon = next(data for label, data in choose.buttons() if label.startswith("Buổi 2"))
    learner.press(afternoon or "", message=choose)
    await learner.wait_for("Vui lòng gõ lý do", timeout=10)
    learner.send_text("Ốm, sốt cao")
    await learner.wait_for("Đã gửi đơn xin phép vắng Buổi 2", timeout=10)

    # Staff see the queue and approve with one tap; the message is updated in place.
    staff.send_command("duyetphep")
    queue = await staff.wait_for("Đơn xin phép đang chờ duyệt (1)", timeout=10)
    assert "Ốm, sốt cao" in (queue.text or "") and morning.names[1] in (queue.text or "")
    staff.press("✅ Duyệt 1", message=queue)
    await staff.wait_for(lambda m: m is queue and "Đã duyệt" in (m.text or ""), timeout=10)
    staff.send_command("duyetphep")
    await staff.wait_for("Không có đơn xin phép nào", timeout=10)

    # A wrong code is refused (five digits: not a room code at all, so no try is spent); the
    # learner is still unmarked for the morning.
    learner.send_command("diemdanh", "99999")
    await learner.wait_for("không phải mã phòng", timeout=10)

    # Staff correct the learner's morning mark: session → learner → mark → reason.
    staff.send_command("suadiemdanh")
    sessions = await staff.wait_for("Sửa điểm danh: chọn buổi học", timeout=10)
    first = next(data for label, data in sessions.buttons() if label.startswith("Buổi 1"))
    staff.press(first or "", message=sessions)
    pick = await staff.wait_for(lambda m: "chọn học viên" in (m.text or ""), timeout=10)
    learner_button = next(label for label, _ in pick.buttons() if morning.names[1] in label)
    staff.press(learner_button, message=pick)
    await staff.wait_for(lambda m: "Chọn trạng thái mới" in (m.text or ""), timeout=10)
    staff.press("❌ vắng không phép", message=pick)
    await staff.wait_for("Vui lòng gõ lý do sửa", timeout=10)
    staff.send_text("Vào lớp rồi bỏ về")
    done = await staff.wait_for("Đã sửa điểm danh", timeout=10)
    assert "«chưa điểm danh» → «vắng không phép»" in (done.text or "")
    assert "Vào lớp rồi bỏ về" in (done.text or "") and "Lịch sử thay đổi" in (done.text or "")


async def test_staff_use_the_cli_for_the_room_code_the_sheet_and_closing_a_session(
    morning: Morning, tmp_path: Path
) -> None:
    bot = morning.bot
    shown = bot.cli("diem-danh", "ma-phong", "SC-K4", "1")
    assert shown.returncode == 0, shown.stderr
    code = re.search(r"\b(\d{4})\s*$", shown.stdout.strip())
    assert code is not None, shown.stdout

    learner = bot.telegram.user(LEARNER_TG, "Hải")
    learner.send_command("diemdanh", code.group(1))
    await learner.wait_for("Đã điểm danh", timeout=10)

    closed = bot.cli("diem-danh", "dong", "SC-K4", "1")
    assert closed.returncode == 0, closed.stderr
    assert "44 học viên chưa điểm danh được ghi vắng" in closed.stdout
    again = bot.cli("diem-danh", "dong", "SC-K4", "1")
    assert again.returncode == 1 and "đã khóa sổ" in again.stderr

    sheet = tmp_path / "dd.xlsx"
    exported = bot.cli("diem-danh", "xuat", "SC-K4", "--tep", str(sheet))
    assert exported.returncode == 0, exported.stderr
    rows = list(openpyxl.load_workbook(sheet).active.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "TT")
    assert rows[header + 1][1] == morning.names[0] and rows[header + 1][3] == "V"
    assert rows[header + 2][1] == morning.names[1] and rows[header + 2][3] == "x"

    wrong = bot.cli("diem-danh", "ma-phong", "SC-K4", "99")
    assert wrong.returncode == 1 and "không có buổi 99" in wrong.stderr
