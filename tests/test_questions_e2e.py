"""Questions end to end (issue 5): the real bot process on the local Telegram. A learner asks
with /hoi, staff find it with /cauhoi and answer with the button and a message; the answer
goes into the outbox for the learner (and, once the outbox sender runs in the bot, arrives)."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from db.database import Database
from db.models import Notification, Question, QuestionStatus
from localapi.telegram import FakeUser, LocalTelegram
from tests.conftest import SAMPLES, BotProcess
from texts import questions as T

CLASS = "SC-K4"
REPO = Path(__file__).resolve().parents[1]
# The outbox sender is built beside this feature; once the bot wires it, answers arrive.
SENDER_WIRED = "notice_delivery" in (REPO / "bot" / "app.py").read_text(encoding="utf-8")
DELIVERY_TIMEOUT = 20.0


def _set_up_class(bot: BotProcess) -> None:
    for args in (
        ["lop", "tao", CLASS, "--ten", "Sơ cấp LLCT khóa IV", "--loai", "Sơ cấp LLCT"],
        ["lop", "nhap-hoc-vien", CLASS, str(SAMPLES / "danh-sach-so-cap-llct-k4-2024.xlsx")],
        ["lop", "nhap-lich", CLASS, str(SAMPLES / "lich-hoc-so-cap-llct-k4-2024.xlsx")],
    ):
        result = bot.cli(*args)
        assert result.returncode == 0, result.stderr


async def _linked_learner(telegram: LocalTelegram, user_id: int, name: str, phone: str) -> FakeUser:
    learner = telegram.user(user_id, name)
    learner.share_contact(phone)
    await learner.wait_for("đã được liên kết")
    return learner


async def _rows(db_url: str, model: type, **where: object) -> list:  # type: ignore[type-arg]
    db = Database(db_url)
    try:
        async with db.uow() as uow:
            query = select(model)
            for name, value in where.items():
                query = query.where(getattr(model, name) == value)
            return list(await uow.session.scalars(query))
    finally:
        await db.dispose()


async def test_a_learner_asks_staff_answer_in_chat_and_the_answer_goes_to_the_learner(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    _set_up_class(bot)
    lan = await _linked_learner(local_telegram, 1001, "Lan", "0731706690")
    staff = local_telegram.user(bot.staff_id, "Cán bộ")

    lan.send_command("hoi", "Buổi", "sáng", "thứ", "Hai", "học", "ở", "phòng", "nào", "ạ?")
    receipt = await lan.wait_for("Đã gửi câu hỏi số")
    [asked] = await _rows(bot.db_url, Question)
    assert f"số {asked.id}" in receipt.text and CLASS in receipt.text
    assert asked.text == "Buổi sáng thứ Hai học ở phòng nào ạ?"

    if SENDER_WIRED:  # each staff member is told of the new question in private
        notice = await staff.wait_for(f"Câu hỏi mới số {asked.id}", timeout=DELIVERY_TIMEOUT)
        assert T.ANSWER_BUTTON in [label for label, _ in notice.buttons()]
    staff.send_command("cauhoi")
    queue = await staff.wait_for("Câu hỏi chờ trả lời")
    assert "Buổi sáng thứ Hai học ở phòng nào ạ?" in queue.text
    assert "Lê Thị Ngọc Lan" in queue.text

    staff.press(T.ANSWER_NUMBER_BUTTON.format(number=asked.id))
    prompt = await staff.wait_for("Hãy gõ câu trả lời")
    assert "Buổi sáng thứ Hai học ở phòng nào ạ?" in prompt.text
    staff.send_text("Hội trường tầng 1, bạn nhé.")
    done = await staff.wait_for("Đã gửi câu trả lời")
    assert T.SHARE_BUTTON in [label for label, _ in done.buttons()]

    [closed] = await _rows(bot.db_url, Question)
    assert closed.status == QuestionStatus.ANSWERED
    assert closed.answer_text == "Hội trường tầng 1, bạn nhé."
    assert closed.answered_by is not None and closed.answered_at is not None
    [to_learner] = await _rows(bot.db_url, Notification, kind="question.answer")
    assert "Hội trường tầng 1, bạn nhé." in to_learner.text
    if SENDER_WIRED:
        answer = await lan.wait_for(
            "Hội trường tầng 1, bạn nhé.", timeout=DELIVERY_TIMEOUT, since_last_action=False
        )
        assert f"câu hỏi số {asked.id}" in answer.text

    lan.send_command("cauhoicuatoi")
    mine = await lan.wait_for("Các câu hỏi của bạn")
    assert "Hội trường tầng 1, bạn nhé." in mine.text


async def test_free_text_is_offered_as_a_question_and_others_see_nothing_of_it(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    _set_up_class(bot)
    lan = await _linked_learner(local_telegram, 1001, "Lan", "0731706690")
    stranger = local_telegram.user(1009, "Người lạ")

    lan.send_text("Em xin phép hỏi: có cần mang máy tính không?")
    offer = await lan.wait_for("Bạn muốn gửi câu hỏi này cho cán bộ trung tâm?")
    assert [label for label, _ in offer.buttons()] == [T.SEND_BUTTON, T.CANCEL_BUTTON]
    lan.press(T.SEND_BUTTON)
    await lan.wait_for("Đã gửi câu hỏi số")

    lan.send_text("cảm ơn")
    await lan.wait_for("Bạn muốn gửi câu hỏi này")
    lan.press(T.CANCEL_BUTTON)
    await lan.wait_for("tôi không gửi tin nhắn đó")
    questions = await _rows(bot.db_url, Question)
    assert [q.status for q in questions] == [QuestionStatus.OPEN]

    lan.send_command("hoi")
    await lan.wait_for("gõ câu hỏi vào tin nhắn tiếp theo")
    lan.send_text("x" * 2500)
    await lan.wait_for("quá giới hạn 2000 ký tự")

    stranger.send_text("cho tôi xem câu hỏi")  # not linked: the linking welcome, as before
    await stranger.wait_for("Chia sẻ số điện thoại")
    stranger.send_command("cauhoi")
    await stranger.wait_for("chưa được liên kết")
    lan.send_command("cauhoi")  # a learner is not staff
    await lan.wait_for("không có quyền")


async def test_staff_export_a_classs_questions_and_answers_from_chat_and_the_cli(
    bot: BotProcess, local_telegram: LocalTelegram, tmp_path: Path
) -> None:
    _set_up_class(bot)
    lan = await _linked_learner(local_telegram, 1001, "Lan", "0731706690")
    lan.send_command("hoi", "Khi", "nào", "thi?")
    await lan.wait_for("Đã gửi câu hỏi số")
    staff = local_telegram.user(bot.staff_id, "Cán bộ")

    staff.send_command("xuatcauhoi", CLASS)
    sent = await staff.wait_for("Câu hỏi và trả lời lớp")
    assert sent.document is not None
    filename, data = sent.document
    assert filename == f"cau-hoi-{CLASS}.xlsx"
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert "Khi nào thi?" in [c for row in sheet.iter_rows(values_only=True) for c in row]

    target = tmp_path / "cau-hoi.xlsx"
    result = bot.cli("xuat", "cau-hoi", CLASS, "--tep", str(target))
    assert result.returncode == 0, result.stderr
    assert target.exists() and "1 câu hỏi" in result.stdout
    checkins = tmp_path / "diem-danh.xlsx"
    result = bot.cli(
        "xuat", "diem-danh", CLASS, "--tu", "04/03/2024", "--den", "05/03/2024", "--tep",
        str(checkins),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert checkins.exists() and "05/03/2024" in result.stdout
    sheet = load_workbook(checkins).active
    assert sheet is not None
    statuses = [row[6] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert len(statuses) == 4 * 45 and set(statuses) == {"Chưa điểm danh"}


async def test_staff_mark_a_question_answered_in_class_close_another_and_share_an_answer(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    _set_up_class(bot)
    lan = await _linked_learner(local_telegram, 1001, "Lan", "0731706690")
    staff = local_telegram.user(bot.staff_id, "Cán bộ")

    lan.send_document("anh.jpg", b"\xff\xd8\xff", "image/jpeg")  # a photo with no caption
    await lan.wait_for("Tôi chỉ đọc được tin nhắn chữ")
    for text in ("Ý thứ ba nghĩa là gì?", "Cho em đổi lớp?", "Có phát tài liệu không?"):
        lan.send_command("hoi", *text.split())
        await lan.wait_for("Đã gửi câu hỏi số")
    asked = sorted(await _rows(bot.db_url, Question), key=lambda q: q.id)
    in_class, closed, shared = (q.id for q in asked)

    staff.send_command("traloi", str(in_class))
    await staff.wait_for("Hãy gõ câu trả lời")
    staff.press(T.IN_CLASS_BUTTON)
    await staff.wait_for(f"Câu hỏi số {in_class} được ghi là đã giải đáp trên lớp")

    staff.send_command("traloi", str(closed))
    await staff.wait_for("Hãy gõ câu trả lời")
    staff.press(T.CLOSE_BUTTON)
    await staff.wait_for("hãy gõ lý do")
    staff.send_text("Việc đổi lớp xin liên hệ phòng Đào tạo.")
    await staff.wait_for(f"Câu hỏi số {closed} đã đóng")

    staff.send_command("traloi", str(shared), "Có,", "thứ", "Sáu", "phát.")
    await staff.wait_for("Đã gửi câu trả lời")
    staff.press(T.SHARE_BUTTON)
    await staff.wait_for("cho 44 học viên khác của lớp")

    staff.send_command("cauhoi")
    await staff.wait_for("Không còn câu hỏi nào chờ trả lời")
    kinds = sorted(
        n.kind for n in await _rows(bot.db_url, Notification, person_id=asked[0].person_id)
    )
    assert kinds == ["question.answer", "question.closed", "question.in_class"]
    if SENDER_WIRED:
        await lan.wait_for(
            "Lý do: Việc đổi lớp xin liên hệ phòng Đào tạo.",
            timeout=DELIVERY_TIMEOUT,
            since_last_action=False,
        )
