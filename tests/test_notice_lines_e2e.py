"""Notices keep their line breaks (issue 14 item 5), end to end: a 45-line notice from staff in
chat (`/nhantin`) and from the command line (`sll tin nhan`) reaches a learner on Zalo and one on
Telegram line by line, cut into messages only at line breaks."""

from __future__ import annotations

import pytest

from channels.zalo import TEXT_LIMIT, text_length
from localapi.telegram import FakeUser, LocalTelegram
from localapi.zalo import LocalZalo, ZaloFakeUser
from tests.conftest import BotProcess
from tests.test_zalo_e2e import LAN, _says, _set_up

CLASS = "SC-K4"


def _notice(tag: str, lines: int = 45) -> str:
    """45 lines, about 6,600 characters: more than one Zalo message, more than one Telegram's."""
    return "\n".join(
        f"{tag} {i}. Thứ Hai 04/03/2024, 7h30: học viên có mặt tại Hội trường Trung tâm, "
        f"mặc trang phục lịch sự, mang theo sổ ghi chép và tài liệu chuyên đề {i}."
        for i in range(1, lines + 1)
    )


@pytest.fixture
def bot(bot_with_zalo: BotProcess) -> BotProcess:
    """Both channels: the local Telegram and the local Zalo."""
    return bot_with_zalo


async def _zalo_parts(user: ZaloFakeUser, tag: str, last: str) -> list[str]:
    await user.wait_for(last, timeout=30)
    return [m.text or "" for m in user.messages() if f"{tag} " in (m.text or "")]


async def _telegram_parts(user: FakeUser, tag: str, last: str) -> list[str]:
    await user.wait_for(last, timeout=30)
    return [m.text or "" for m in user.messages() if f"{tag} " in (m.text or "")]


def _assert_line_by_line(parts: list[str], notice: str, limit: int) -> None:
    lines = notice.split("\n")
    tag = lines[0].split(" ")[0]
    assert all(text_length(p) <= limit for p in parts)
    received = [line for p in parts for line in p.split("\n") if line.startswith(f"{tag} ")]
    assert received == lines  # every line whole, in order: cuts fall between lines


async def test_a_45_line_notice_keeps_its_lines_on_zalo_and_telegram(
    bot: BotProcess, local_zalo: LocalZalo, local_telegram: LocalTelegram
) -> None:
    codes = await _set_up(bot.db_url, CLASS)
    lan = local_zalo.user("z-lan", "Lan")
    await _says(lan, codes[LAN], "đã được liên kết")
    hai = local_telegram.user(1002, "Hải")
    hai.share_contact("0963608377")
    await hai.wait_for("đã được liên kết")

    staff = local_telegram.user(bot.staff_id, "Cán bộ")
    staff.send_command("nhantin", CLASS)
    await staff.wait_for("Bạn gửi nội dung tin")
    # Telegram lets a person send at most 4,096 characters, so in chat the notice is shorter.
    in_chat = _notice("Mục", lines=25)
    staff.send_text(in_chat)
    await staff.wait_for("Đã xếp 45 tin")
    last = in_chat.split("\n")[-1]
    on_zalo = await _zalo_parts(lan, "Mục", last)
    assert len(on_zalo) >= 2  # 3,600 characters in parts of at most 2,000
    _assert_line_by_line(on_zalo, in_chat, TEXT_LIMIT)
    _assert_line_by_line(await _telegram_parts(hai, "Mục", last), in_chat, 4096)

    from_cli = _notice("Điều")
    done = bot.cli("tin", "nhan", CLASS, from_cli)
    assert done.returncode == 0, done.stderr
    staff.send_command("guitin", CLASS)  # staff look at delivery; the outbox looks now too
    last = from_cli.split("\n")[-1]
    _assert_line_by_line(await _zalo_parts(lan, "Điều", last), from_cli, TEXT_LIMIT)
    _assert_line_by_line(await _telegram_parts(hai, "Điều", last), from_cli, 4096)
