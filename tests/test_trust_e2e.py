"""Trust end to end (issue 13 items 4 and 5): the real bot process on the local Telegram and
the local Zalo. People link, ask, get answers and check in, and type every kind of awkward
input on both channels; each gets a clear answer, nothing is logged at ERROR, and afterwards
the whole bot log names nobody: no roster phone number, full name or question text."""

from __future__ import annotations

from datetime import datetime

import pytest

from localapi.telegram import LocalTelegram
from localapi.zalo import LocalZalo
from sheets.roster import parse_roster
from tests.conftest import SAMPLES, TZ, BotProcess, link_lan
from tests.test_bad_input import CORPUS
from tests.test_zalo_e2e import _set_up
from texts import common as T
from vn.phones import display_phone

# The first session (Monday 04/03/2024 7h30) is open for check-in.
IN_SESSION = datetime(2024, 3, 4, 7, 40, tzinfo=TZ)
LAN, HAI = "Lê Thị Ngọc Lan", "Bùi Đức Hải"
QUESTION = "Em xin hỏi bài thu hoạch cuối khoá nộp cho thầy Phạm Văn Dũng vào hôm nào ạ?"
ANSWER = "Thứ Sáu tuần sau, nộp ở phòng giáo vụ."
TELEGRAM_MAX = 4096  # a Telegram user cannot send more; Zalo's simulator takes the 100,000


@pytest.fixture
def bot_now() -> datetime:
    return IN_SESSION


@pytest.fixture
def bot(bot_with_zalo: BotProcess) -> BotProcess:
    return bot_with_zalo


def _any(_message: object) -> bool:
    return True


async def test_awkward_input_on_both_channels_gets_clear_answers_and_the_log_names_nobody(
    bot: BotProcess, local_telegram: LocalTelegram, local_zalo: LocalZalo
) -> None:
    codes = await _set_up(bot.db_url, "SC-K4")
    staff = local_telegram.user(bot.staff_id, "Cán bộ")
    lan = await link_lan(local_telegram)
    hai = local_zalo.user("z-hai", "Hải")
    hai.send_text(codes[HAI])
    await hai.wait_for("đã được liên kết")

    # A question, answered by staff in chat (a journey whose text must stay out of the log).
    lan.send_command("hoi", *QUESTION.split())
    await lan.wait_for("Đã gửi câu hỏi số")
    staff.send_command("cauhoi")
    queue = await staff.wait_for("Câu hỏi chờ trả lời")
    [(_, answer_data)] = [b for b in queue.buttons() if b[1] and b[1].startswith("traloi")][:1]
    staff.press(answer_data or "")
    await staff.wait_for("Hãy gõ câu trả lời")
    staff.send_text(ANSWER)
    await staff.wait_for("Đã gửi câu trả lời")

    for value in CORPUS:
        typed = value[:TELEGRAM_MAX]
        for text in (typed, f"/diemdanh {typed}", f"/xinphep {typed}", f"/hoi {typed}"):
            lan.send_text(text)
            await lan.wait_for(_any, timeout=15)
        for text in (f"/traloi {typed} xin chào", f"/lop {typed}", f"/duyetphep {typed} ok"):
            staff.send_text(text)
            await staff.wait_for(_any, timeout=15)
        for text in (value, f"/diemdanh {value}", f"/xinphep {value}", f"/ketqua {value}", "1"):
            hai.send_text(text)
            await hai.wait_for(_any, timeout=15)

    said = [m.text or "" for user in (lan, staff) for m in user.messages()]
    said += [m.text or "" for m in hai.messages()]
    assert not [text for text in said if T.SOMETHING_WENT_WRONG in text]

    log = bot.log()
    assert " ERROR " not in log and "Traceback" not in log, log[-3000:]
    roster = parse_roster(SAMPLES / "danh-sach-so-cap-llct-k4-2024.xlsx").rows
    assert len(roster) == 45
    for row in roster:
        assert row.full_name not in log
        if row.phone:
            for shape in (row.phone, display_phone(row.phone), "0" + row.phone[3:]):
                assert shape not in log
    for text in (QUESTION, ANSWER, "Phạm Văn Dũng", "Hà Văn Thắng", "0912345678"):
        assert text not in log
