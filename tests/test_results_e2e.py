"""Journeys 6–7 end to end: staff import results with the CLI, preview and publish in chat;
the learner and her unit's leader get theirs through the outbox; staff get the statistics."""

from __future__ import annotations

import io

import openpyxl

from localapi.telegram import FakeUser, LocalTelegram, SentMessage
from tests.conftest import BotProcess

CLASS = "SC-K4"
# The outbox dispatcher looks at least every safety tick (30 s by default).
DELIVERY_TIMEOUT = 60


async def test_results_reach_the_learner_and_her_units_leader_once_published(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    lan = await bot.class_with_lan(CLASS)
    leader = local_telegram.user(1003, "Thắng")
    leader.send_start(bot.invite_code("Hà Văn Thắng", CLASS))
    await leader.wait_for("đã được liên kết với đơn vị", timeout=10)

    imported = bot.import_results(CLASS)
    assert "Đã nhập kết quả của 45 học viên" in imported.stdout

    lan.send_command("ketqua")
    await lan.wait_for("Chưa có kết quả nào được công bố", timeout=10)  # not before publishing

    staff = local_telegram.user(bot.staff_id, "Cán bộ")
    staff.send_command("ketqua", CLASS)
    preview = await staff.wait_for("🔎 Xem trước kết quả", timeout=10)
    assert "Có kết quả: 45/45 học viên" in (preview.text or "")
    assert "1. Lê Thị Ngọc Lan — 8 / 9 — Khá" in (preview.text or "")
    staff.press("📢 Công bố", message=preview)
    done = await staff.wait_for("📢 Đã công bố kết quả lớp SC-K4", timeout=10)
    assert "45 thông báo cho học viên, 1 bảng tổng hợp" in (done.text or "")
    staff.press("📢 Công bố", message=preview)  # pressed twice
    await staff.wait_for("đã được công bố lúc", timeout=10)

    notice = await lan.wait_for("🏅 Kết quả học tập lớp", timeout=DELIVERY_TIMEOUT)
    assert "Học viên: Lê Thị Ngọc Lan" in (notice.text or "")
    assert "Xếp loại: Khá" in (notice.text or "")
    lan.send_command("ketqua")
    mine = await lan.wait_for("Xếp loại: Khá", timeout=10)
    assert "• Điểm thu hoạch: 9" in (mine.text or "")

    summary = await leader.wait_for(
        "Kết quả học tập của học viên Đoàn xã Phiêng Ban", timeout=DELIVERY_TIMEOUT
    )
    assert "Lê Thị Ngọc Lan: 8 / 9 — Khá" in (summary.text or summary.caption or "")
    sheet = await leader.wait_for(lambda m: m.document is not None, timeout=DELIVERY_TIMEOUT)
    assert sheet.document is not None
    filename, data = sheet.document
    assert filename.endswith(".xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    names = {r[1] for r in rows if r and isinstance(r[0], int)}
    assert len(names) == 6 and "Lê Thị Ngọc Lan" in names and "Bùi Đức Hải" not in names

    # Nobody got it twice.
    assert len([m for m in lan.messages() if "🏅 Kết quả học tập lớp" in (m.text or "")]) == 2


async def test_results_are_never_shown_in_a_group_chat(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    lan = await bot.class_with_lan(CLASS)
    group = local_telegram.group(-100123, "Lớp SC-K4")
    group.member(lan).send_command("ketqua")
    reply = await group.wait_for("nhắn riêng", timeout=10)
    assert "Xếp loại" not in (reply.text or "")


async def test_staff_get_the_months_statistics_with_a_workbook_and_a_chart(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    bot.set_up_class(CLASS)
    bot.import_results(CLASS)
    bot.publish_results(CLASS)

    staff = local_telegram.user(bot.staff_id, "Cán bộ")
    staff.send_command("thongke")
    picker = await staff.wait_for("Chọn kỳ thống kê", timeout=10)
    staff.press("Tháng này (tháng 3/2024)", message=picker)
    text = await staff.wait_for("📊 Thống kê tháng 3/2024", timeout=20)
    assert "• 1 lớp với 45 lượt học viên (45 người)." in (text.text or "")
    assert "Khá 18 (40%)" in (text.text or "")
    workbook = await staff.wait_for(lambda m: m.document is not None, timeout=20)
    assert workbook.document is not None and workbook.document[0] == "thong-ke-2024-03.xlsx"
    chart = await staff.wait_for(lambda m: m.photo is not None, timeout=20)
    assert chart.photo is not None and chart.photo.startswith(b"\x89PNG")

    exported = bot.cli("thong-ke", "--quy", "1/2024")
    assert exported.returncode == 0, exported.stderr
    assert "📊 Thống kê quý 1/2024" in exported.stdout


SUMMARY = "Kết quả học tập của học viên Đoàn xã Phiêng Ban"


async def _leader_and_results(bot: BotProcess, local_telegram: LocalTelegram) -> FakeUser:
    bot.set_up_class(CLASS)
    leader = local_telegram.user(1003, "Thắng")
    leader.send_start(bot.invite_code("Hà Văn Thắng", CLASS))
    await leader.wait_for("đã được liên kết với đơn vị", timeout=10)
    bot.import_results(CLASS)
    return leader


def _summaries(leader: FakeUser) -> list[SentMessage]:
    return [m for m in leader.messages() if SUMMARY in (m.text or m.caption or "")]


async def test_a_refused_results_file_leaves_the_summary_text_and_staff_are_told_once(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    """Telegram refuses the spreadsheet (400, too big): the leader still gets the summary as
    text, once; the file fails at once with its reason; staff hear of it once."""
    leader = await _leader_and_results(bot, local_telegram)
    staff = local_telegram.user(bot.staff_id, "Cán bộ")
    local_telegram.fail_next("sendDocument", kind="400")
    bot.publish_results(CLASS)

    summary = await leader.wait_for(SUMMARY, timeout=DELIVERY_TIMEOUT)
    assert summary.text is not None and "Lê Thị Ngọc Lan: 8 / 9 — Khá" in summary.text
    assert "đính kèm" not in summary.text  # no promise of a file that did not come
    alert = await staff.wait_for("không gửi được tệp", timeout=DELIVERY_TIMEOUT)
    assert "Hà Văn Thắng" in (alert.text or "") and "từ chối tệp" in (alert.text or "")

    view = bot.cli("tin", "tinh-hinh", CLASS)
    assert view.returncode == 0, view.stderr
    shown = " ".join(view.stdout.split())  # the terminal may wrap long lines
    assert "từ chối tệp" in shown and "lỗi mạng" not in shown
    # Readable: kinds by name, totals by status, the failed file first, with its reason, and
    # the 45 learners not linked yet as one line, not 45 lines hiding it.
    assert "unit_results" not in shown and "Tệp Excel kết quả gửi đơn vị" in shown
    assert "Tổng cộng 48 tin: đã gửi " in shown and "lỗi 46," in shown
    failed_file = shown.index("Hà Văn Thắng (Tệp Excel kết quả gửi đơn vị)")
    assert failed_file < shown.index("chưa liên kết") < shown.index("Theo loại tin")
    assert shown.count("chưa liên kết") == 1 and "45 người chưa liên kết" in shown
    assert len(_summaries(leader)) == 1
    assert [m for m in leader.messages() if m.document is not None] == []
    alerts = [m for m in staff.messages() if "không gửi được tệp" in (m.text or "")]
    assert len(alerts) == 1
    assert local_telegram.stats.requests["sendDocument"] == 1  # refused once, not retried


async def test_a_results_file_retried_after_network_errors_comes_once_with_one_summary(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    """Duplicates per retried file: 0. The file fails twice (502) and goes on the third try;
    the summary text went once, before, whatever happened to the file."""
    leader = await _leader_and_results(bot, local_telegram)
    local_telegram.fail_next("sendDocument", times=2, kind="5xx")
    bot.publish_results(CLASS)

    sheet = await leader.wait_for(lambda m: m.document is not None, timeout=DELIVERY_TIMEOUT)
    assert "đính kèm" not in (sheet.caption or "")
    assert local_telegram.stats.requests["sendDocument"] == 3
    summaries = _summaries(leader)
    assert len(summaries) == 1 and summaries[0].document is None
    assert len([m for m in leader.messages() if m.document is not None]) == 1


async def test_statistics_come_as_text_then_each_file_tried_and_a_refused_one_is_said(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    bot.set_up_class(CLASS)
    bot.import_results(CLASS)
    bot.publish_results(CLASS)
    staff = local_telegram.user(bot.staff_id, "Cán bộ")
    local_telegram.fail_next("sendDocument", kind="400")  # the workbook is refused
    staff.send_command("thongke")
    picker = await staff.wait_for("Chọn kỳ thống kê", timeout=10)
    staff.press("Tháng này (tháng 3/2024)", message=picker)
    await staff.wait_for("📊 Thống kê tháng 3/2024", timeout=20)
    chart = await staff.wait_for(lambda m: m.photo is not None, timeout=20)  # still tried
    assert chart.photo is not None
    note = await staff.wait_for("Không gửi được tệp «thong-ke-2024-03.xlsx»", timeout=20)
    assert note.document is None
    assert [m for m in staff.messages() if m.document is not None] == []
