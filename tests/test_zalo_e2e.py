"""Learners and unit leaders on Zalo, end to end: the real bot process serving the local
Telegram and the local Zalo at once, people typing on Zalo over HTTP. Plus the webhook mode
and the renderer, which run the adapter in process."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.config import ConfigError, load_settings
from bot.dispatch import Dispatcher
from bot.zalo import ZaloAdapter, to_incoming
from channels.zalo import TEXT_LIMIT, WEBHOOK_SECRET_HEADER, ZaloUpdate, text_length
from channels.zalo.render import render
from db.database import Database
from db.models import ChatAccount, Invite, Notification
from handlers.base import Services
from handlers.routes import ROUTES
from localapi.telegram import LocalTelegram
from localapi.zalo import LocalZalo, ZaloFakeUser, ZaloSentMessage
from tests.conftest import (
    CENTRE,
    CHECK_IN_OPEN,
    SAMPLE_EVE,
    BotProcess,
    add_sample_leader,
    first_morning,
    make_sample_class,
    running_bot,
    sqlite_url,
    start_bot,
)
from usecases import identity
from usecases.clock import FixedClock
from usecases.linking import create_invites
from usecases.messages import Choice, Document, Reply
from usecases.outbox import Notice, enqueue
from usecases.settings import Settings, ZaloSettings

LAN = "Lê Thị Ngọc Lan"
LEADER = "Hà Văn Thắng"
SECRET = "bi-mat-cua-webhook-zalo"
NO_CONFIG = Path(__file__).parent / "no-config.toml"
MENU_LINE = re.compile(r"^Gõ (\d+) để: (.+)$", re.MULTILINE)


@pytest.fixture
def bot(bot_with_zalo: BotProcess) -> BotProcess:
    """The real bot process with both channels configured: local Telegram and local Zalo."""
    return bot_with_zalo


async def _set_up(db_url: str, *class_codes: str) -> dict[str, str]:
    """The sample class (under each code given), a unit leader; invite codes by name."""
    db = Database(db_url)
    try:
        centre_id = await identity.ensure_centre(db.uow(), CENTRE)
        class_ids = [(await make_sample_class(db, centre_id, c)).id for c in class_codes]
        await add_sample_leader(db, centre_id)
        made = await create_invites(db.uow(), class_id=class_ids[0], now=SAMPLE_EVE)
        return {person.full_name: code for person, code, _ in made}
    finally:
        await db.dispose()


async def _accounts(db_url: str) -> list[tuple[str, str, int | None]]:
    db = Database(db_url)
    try:
        async with db.uow() as uow:
            rows = await uow.session.execute(
                select(ChatAccount.channel, ChatAccount.external_id, ChatAccount.person_id)
            )
            return sorted((c, e, p) for c, e, p in rows.all())
    finally:
        await db.dispose()


async def _says(user: ZaloFakeUser, text: str, until: str) -> list[ZaloSentMessage]:
    """Type `text`, wait for a message containing `until`; return every message since."""
    before = len(user.messages())
    user.send_text(text)
    await user.wait_for(until, timeout=10)
    return user.messages()[before:]


def _menu(text: str) -> dict[str, str]:
    """The numbered choices under a Zalo message: label → number."""
    return {label: number for number, label in MENU_LINE.findall(text)}


# --- linking and menus ----------------------------------------------------------------------


async def test_a_learner_on_zalo_links_by_typing_her_code_and_picks_the_schedule_by_number(
    bot: BotProcess, local_zalo: LocalZalo
) -> None:
    codes = await _set_up(bot.db_url, "SC-K4")
    lan = local_zalo.user("z-lan", "Lan")

    (welcome,) = await _says(lan, "Xin chào", "gõ mã mời")
    assert "Chia sẻ số điện thoại" not in (welcome.text or "")  # Zalo cannot share a contact

    code = codes[LAN]
    typed = f"{code[:5].lower()} {code[5:].lower()}"  # as people type it: lower case, a space
    (linked,) = await _says(lan, typed, "đã được liên kết")
    assert LAN in (linked.text or "")
    menu = _menu(linked.text or "")
    assert "📅 Lịch học" in menu

    (schedule,) = await _says(lan, menu["📅 Lịch học"], "Lịch học lớp")
    assert "Buổi 1: Thứ Hai, 04/03/2024, 7h30 – 11h00" in (schedule.text or "")
    assert "… và 11 buổi sau nữa." in (schedule.text or "")

    (wrong,) = await _says(lan, "99", "không có trong các lựa chọn")
    assert f"từ 1 đến {len(menu)}" in (wrong.text or "")
    (typed_command,) = await _says(lan, "/lichhoc", "Lịch học lớp")  # the command works too
    assert "Buổi 1:" in (typed_command.text or "")


async def test_a_unit_leader_on_zalo_links_with_start_and_his_code(
    bot: BotProcess, local_zalo: LocalZalo
) -> None:
    codes = await _set_up(bot.db_url, "SC-K4")
    leader = local_zalo.user("z-thang", "Thắng")
    (linked,) = await _says(leader, f"/start {codes[LEADER]}", "đã được liên kết với đơn vị")
    assert "Đoàn xã Phiêng Ban" in (linked.text or "")
    assert "Gõ 1 để:" in (linked.text or "")
    accounts = await _accounts(bot.db_url)
    assert next(a for a in accounts if a[1] == "z-thang")[2] is not None


async def test_unknown_and_used_codes_are_refused_on_zalo_and_change_nothing(
    bot: BotProcess, local_zalo: LocalZalo, local_telegram: LocalTelegram
) -> None:
    codes = await _set_up(bot.db_url, "SC-K4")
    lan_on_telegram = local_telegram.user(1001, "Lan")
    lan_on_telegram.send_start(codes[LAN])
    await lan_on_telegram.wait_for("đã được liên kết")
    before = await _accounts(bot.db_url)

    stranger = local_zalo.user("z-stranger", "Minh")
    await _says(stranger, codes[LAN], "Mã mời này đã được dùng rồi")
    await _says(stranger, f"/start {codes[LAN]}", "Mã mời này đã được dùng rồi")
    await _says(stranger, "KHONGCOMA9", "không đúng")
    (refusal,) = await _says(stranger, "/lichhoc", "chưa được liên kết")
    assert "gõ mã mời" in (refusal.text or "")

    after = await _accounts(bot.db_url)
    assert [a for a in after if a[1] != "z-stranger"] == before
    assert ("zalo", "z-stranger", None) in after  # known as a sender, linked to nobody
    db = Database(bot.db_url)
    try:
        async with db.uow() as uow:
            invite = await uow.session.scalar(select(Invite).where(Invite.code == codes[LAN]))
            assert invite is not None and invite.used_by_account_id is not None
            owner = await uow.session.get(ChatAccount, invite.used_by_account_id)
            assert owner is not None and owner.channel == "telegram"
    finally:
        await db.dispose()


async def test_one_persons_messages_are_handled_in_the_order_she_typed_them(
    bot: BotProcess, local_zalo: LocalZalo
) -> None:
    """Her code, then at once the number of a menu the code's reply has not shown yet."""
    codes = await _set_up(bot.db_url, "SC-K4")
    lan = local_zalo.user("z-lan", "Lan")
    lan.send_text(codes[LAN])
    lan.send_text("1")
    await lan.wait_for(lambda m: "Lịch học lớp" in (m.text or ""), timeout=10)
    texts = [m.text or "" for m in lan.messages()]
    assert "đã được liên kết" in texts[0] and "Lịch học lớp" in texts[1]


async def test_a_learner_on_zalo_asks_leave_and_a_question_by_numbers_and_typed_text(
    bot: BotProcess, local_zalo: LocalZalo, local_telegram: LocalTelegram
) -> None:
    """Multi-step journeys, written once with buttons and awaited input, work by typing; the
    staff keep working on Telegram."""
    codes = await _set_up(bot.db_url, "SC-K4")
    pang = local_zalo.user("z-pang", "Pâng")
    (linked,) = await _says(pang, codes["Bùi Thị Hồng Pâng"], "đã được liên kết")
    menu = _menu(linked.text or "")

    (sessions,) = await _says(pang, menu["📝 Xin phép vắng"], "Gõ 1 để:")
    assert "Gõ 1 để: Buổi 1 – Thứ Hai, 04/03/2024, 7h30" in (sessions.text or "")
    await _says(pang, "1", "lý do")
    (sent,) = await _says(pang, "Con ốm phải đưa đi viện", "Đã gửi đơn xin phép vắng Buổi 1")
    menu = _menu(sent.text or "")

    await _says(pang, menu["❓ Đặt câu hỏi"], "gõ câu hỏi")
    await _says(pang, "Học phần 2 có tài liệu tham khảo không ạ?", "Đã gửi câu hỏi số 1")

    staff = local_telegram.user(bot.staff_id, "Cán bộ")
    staff.send_command("cauhoi")
    await staff.wait_for("Học phần 2 có tài liệu tham khảo không ạ?")


async def test_a_schedule_longer_than_zalo_allows_arrives_in_parts_cut_at_line_breaks(
    bot: BotProcess, local_zalo: LocalZalo, local_telegram: LocalTelegram
) -> None:
    codes = await _set_up(bot.db_url, "SC-K4", "SC-K5", "SC-K6")  # Lan is in all three
    lan = local_zalo.user("z-lan", "Lan")
    await _says(lan, codes[LAN], "đã được liên kết")
    parts = await _says(lan, "/lichhoc", "Gõ 1 để:")
    texts = [m.text or "" for m in parts]

    assert len(texts) >= 2
    assert all(0 < text_length(t) <= TEXT_LIMIT for t in texts)
    assert texts[0].startswith("📅 Lịch học lớp")
    whole = "\n".join(texts)
    assert whole.count("📅 Lịch học lớp") == 3
    assert "Gõ 1 để:" in texts[-1]  # the menu comes last, after the whole schedule

    # The same journey on Telegram gives the same schedule text, in one message.
    tg = local_telegram.user(1001, "Lan", "Lê Thị Ngọc")
    tg.share_contact("0731706690")
    await tg.wait_for("đã được liên kết")
    tg.send_command("lichhoc")
    on_telegram = await tg.wait_for("Lịch học lớp")
    assert whole.startswith(on_telegram.text or "")


# --- check-in on the first morning -----------------------------------------------------------


@asynccontextmanager
async def _first_morning(
    local_telegram: LocalTelegram, local_zalo: LocalZalo, tmp_path: Path
) -> AsyncIterator[list[str]]:
    """7h35 on the first morning; the monitor (TT 1) and a learner (TT 2) linked on Zalo.
    The bot serves for the block, which gets the learners' names in roster order."""
    _, names = await first_morning(sqlite_url(tmp_path), "zalo", ["z-lan", "z-hai"])
    async with running_bot(local_telegram, tmp_path, now=CHECK_IN_OPEN, zalo=local_zalo):
        yield names


async def test_on_zalo_a_learner_checks_in_with_the_room_code_and_the_monitor_marks_the_rest(
    local_telegram: LocalTelegram, local_zalo: LocalZalo, tmp_path: Path
) -> None:
    """7h35 on the first morning: the monitor (on Zalo) shows the room code, a learner on
    Zalo picks "Điểm danh" by its number and types the code, the monitor marks everyone
    present from the numbered roster, after confirming."""
    async with _first_morning(local_telegram, local_zalo, tmp_path):
        monitor, learner = local_zalo.user("z-lan", "Lan"), local_zalo.user("z-hai", "Hải")
        (shown,) = await _says(monitor, "/maphong", "Mã phòng")
        room_code = re.search(r"^\s*(\d{4})\s*$", shown.text or "", re.MULTILINE)
        assert room_code is not None, shown.text

        (menu,) = await _says(learner, "/help", "Gõ 1 để:")
        await _says(learner, _menu(menu.text or "")["✅ Điểm danh"], "gõ mã phòng")
        (done,) = await _says(learner, room_code.group(1), "Đã điểm danh")
        assert "có mặt Buổi 1" in (done.text or "")

        roster = await _says(monitor, "/lop", "📋 Điểm danh Buổi 1")
        assert "Có mặt 1 · Muộn 0 · Có phép 0 · Vắng 0 · Chưa 44" in (roster[0].text or "")
        choices = _menu("\n".join(m.text or "" for m in roster))
        # A pressed button edits the roster on Telegram; on Zalo the new roster comes anew.
        (asked,) = await _says(monitor, choices["✅ Tất cả có mặt"], "Ghi có mặt cho 44")
        await _says(monitor, _menu(asked.text or "")["✅ Đồng ý, ghi tất cả có mặt"], "Có mặt 45")


async def test_on_zalo_the_number_typed_on_roster_page_two_marks_that_learner_only(
    local_telegram: LocalTelegram, local_zalo: LocalZalo, tmp_path: Path
) -> None:
    """The roster's menu numbers are the roster numbers: on page 2, typing 16 marks learner
    16, not the whole class; "all present" asks first, and going back changes nothing."""
    async with _first_morning(local_telegram, local_zalo, tmp_path) as names:
        monitor = local_zalo.user("z-lan", "Lan")
        first = "\n".join(m.text or "" for m in await _says(monitor, "/lop", "Trang 1/3"))
        assert "Gõ số thứ tự" in first and "Bấm vào tên" not in first
        second = "\n".join(
            m.text or "" for m in await _says(monitor, _menu(first)["Sau ▶️"], "Trang 2/3")
        )
        shown = _menu(second)
        sixteenth = next(label for label in shown if names[15] in label)
        assert "16." in sixteenth and shown[sixteenth] == "16"  # the number shown is typed
        assert all(number not in shown.values() for number in ("1", "2", "15"))

        marked = "\n".join(m.text or "" for m in await _says(monitor, "16", "📋 Điểm danh"))
        assert "Có mặt 1 · Muộn 0 · Có phép 0 · Vắng 0 · Chưa 44" in marked
        assert f"✅ 16. {names[15]}" in marked

        (wrong,) = await _says(monitor, "3", "không có trong các lựa chọn")  # not on this page
        assert "Có mặt" not in (wrong.text or "")

        (asked,) = await _says(monitor, _menu(marked)["✅ Tất cả có mặt"], "Ghi có mặt cho 44")
        back = "\n".join(
            m.text or ""
            for m in await _says(
                monitor, _menu(asked.text or "")["↩️ Quay lại danh sách"], "📋 Điểm danh"
            )
        )
        assert "Chưa 44" in back  # nothing was marked without the confirmation


# --- a person on both channels -------------------------------------------------------------


async def _person_of(db_url: str, channel: str, external_id: str) -> int:
    db = Database(db_url)
    try:
        async with db.uow() as uow:
            person_id = await uow.session.scalar(
                select(ChatAccount.person_id).where(
                    ChatAccount.channel == channel, ChatAccount.external_id == external_id
                )
            )
            assert person_id is not None
            return person_id
    finally:
        await db.dispose()


async def _notify(db_url: str, person_id: int, text: str) -> None:
    db = Database(db_url)
    try:
        async with db.uow() as uow:
            await enqueue(
                uow.session,
                Notice(
                    key=f"test:both-channels:{person_id}",
                    person_id=person_id,
                    kind="broadcast",
                    text=text,
                    due_at=SAMPLE_EVE - timedelta(minutes=1),
                ),
            )
            await uow.commit()
    finally:
        await db.dispose()


async def test_a_notice_reaches_a_person_on_both_channels_where_she_wrote_last(
    bot: BotProcess, local_zalo: LocalZalo, local_telegram: LocalTelegram, tmp_path: Path
) -> None:
    """The rule: the active chat account seen most recently; if that one is unreachable
    (the person blocked the bot there), the other one."""
    codes = await _set_up(bot.db_url, "SC-K4")
    people = {  # name: (code, phone, Zalo id, Telegram id, where she writes last)
        "Lan": (codes[LAN], "0731706690", "z-lan", 2001, "zalo"),
        "Hải": (codes["Bùi Đức Hải"], "0963608377", "z-hai", 2002, "telegram"),
        "Pâng": (codes["Bùi Thị Hồng Pâng"], "0924158683", "z-pang", 2003, "zalo"),
    }
    for name, (code, phone, zalo_id, telegram_id, last) in people.items():
        on_zalo = local_zalo.user(zalo_id, name)
        on_telegram = local_telegram.user(telegram_id, name)
        await _says(on_zalo, code, "đã được liên kết")  # by her code on Zalo
        on_telegram.share_contact(phone)  # and by her own number on Telegram
        await on_telegram.wait_for("đã được liên kết")
        if last == "zalo":
            await _says(on_zalo, "/lichhoc", "Lịch học lớp")
        else:
            on_telegram.send_command("lichhoc")
            await on_telegram.wait_for("Lịch học lớp")
    local_zalo.block("z-pang")  # Pâng wrote on Zalo last, then blocked the bot there

    # The notices are written while the bot is down: nothing is lost, they go at start.
    assert await bot.stop() == 0
    for name, (_, _, zalo_id, _, _) in people.items():
        person_id = await _person_of(bot.db_url, "zalo", zalo_id)
        await _notify(bot.db_url, person_id, f"Thông báo thử cho {name}")
    again = await start_bot(
        local_telegram,
        bot.db_url,
        tmp_path,
        zalo=local_zalo,
        SLL_FAKE_NOW=SAMPLE_EVE.isoformat(),
    )
    try:
        await local_zalo.user("z-lan").wait_for("Thông báo thử cho Lan", timeout=20)
        await local_telegram.user(2002).wait_for("Thông báo thử cho Hải", timeout=20)
        await local_telegram.user(2003).wait_for("Thông báo thử cho Pâng", timeout=20)
    finally:
        assert await again.stop() == 0, again.log()

    def received(messages: list[str], name: str) -> bool:
        return any(f"Thông báo thử cho {name}" in m for m in messages)

    assert not received([m.text or "" for m in local_telegram.user(2001).messages()], "Lan")
    assert not received([m.text or "" for m in local_zalo.user("z-hai").messages()], "Hải")
    assert not received([m.text or "" for m in local_zalo.user("z-pang").messages()], "Pâng")


# --- the adapter in process: webhook, resilience, rendering -------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _adapter(
    db: Database, local_zalo: LocalZalo, **zalo: object
) -> tuple[ZaloAdapter, Dispatcher]:
    centre_id = await identity.ensure_centre(db.uow(), CENTRE)
    settings = Settings(
        centre_name=CENTRE,
        zalo=ZaloSettings(token=local_zalo.token, api_url=local_zalo.url, **zalo),  # type: ignore[arg-type]
    )
    services = Services(db=db, clock=FixedClock(SAMPLE_EVE), settings=settings, centre_id=centre_id)
    dispatcher = Dispatcher(services, ROUTES)
    return ZaloAdapter(dispatcher, settings.zalo, poll_timeout=1), dispatcher


async def test_the_webhook_refuses_a_wrong_secret_and_serves_the_right_one(
    sqlite_db: Database, local_zalo: LocalZalo
) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/zalo/hook"
    adapter, _ = await _adapter(
        sqlite_db,
        local_zalo,
        mode="webhook",
        webhook_url=url,
        webhook_port=port,
        webhook_secret=SECRET,
    )
    await adapter.start()
    try:
        minh = local_zalo.user("z-minh", "Minh")
        update = {
            "event_name": "message.text.received",
            "message": {
                "message_id": "m1",
                "date": 1709463600000,
                "text": "/help",
                "from": {"id": "z-minh", "display_name": "Minh", "is_bot": False},
                "chat": {"id": "z-minh", "chat_type": "PRIVATE"},
            },
        }
        async with httpx.AsyncClient() as http:
            wrong = await http.post(url, json=update, headers={WEBHOOK_SECRET_HEADER: "sai-roi!"})
            missing = await http.post(url, json=update)
            assert (wrong.status_code, missing.status_code) == (403, 403)
            assert minh.messages() == []  # nothing was handled

            right = await http.post(url, json=update, headers={WEBHOOK_SECRET_HEADER: SECRET})
            assert right.status_code == 200
        await minh.wait_for("gõ mã mời")

        # Zalo itself posts to the webhook the adapter registered, with the secret.
        for _ in range(50):
            if local_zalo.webhook_url == url:
                break
            await asyncio.sleep(0.05)
        assert local_zalo.webhook_url == url
        minh.send_text("Xin chào")
        await minh.wait_for("gõ mã mời")
    finally:
        await adapter.stop()


async def test_the_poll_loop_rides_out_zalo_failures(
    sqlite_db: Database, local_zalo: LocalZalo
) -> None:
    adapter, _ = await _adapter(sqlite_db, local_zalo)
    adapter.backoff_first = 0.05
    local_zalo.fail_next("getUpdates", 3, kind="5xx")
    local_zalo.fail_next("getUpdates", 1, kind="429")
    await adapter.start()
    try:
        minh = local_zalo.user("z-minh", "Minh")
        minh.send_text("/help")
        await minh.wait_for("gõ mã mời", timeout=10)
    finally:
        await adapter.stop()
    assert local_zalo.stats.injected_failures == 4


def test_choices_become_numbered_lines_in_row_order() -> None:
    reply = Reply(
        "Chọn buổi học:",
        choices=Reply.rows(
            [Choice("Buổi 1", "xinphep 1"), Choice("Buổi 2", "xinphep 2")],
            [Choice("Hủy", "help")],
        ),
    )
    assert render(reply) == ["Chọn buổi học:\n\nGõ 1 để: Buổi 1\nGõ 2 để: Buổi 2\nGõ 3 để: Hủy"]


def test_a_document_is_named_not_sent_and_contact_buttons_are_dropped() -> None:
    reply = Reply("Kết quả lớp", document=Document("ket-qua.xlsx", b"x"), ask_contact=True)
    (text,) = render(reply)
    assert text.startswith("Kết quả lớp\n\n")
    assert "«ket-qua.xlsx» chỉ gửi được qua Telegram" in text
    assert "📱" not in text


def test_a_long_reply_is_split_at_line_breaks_with_the_menu_last() -> None:
    lines = [f"• Buổi {i}: Thứ Hai, 04/03/2024, 7h30 – chuyên đề số {i}" for i in range(120)]
    reply = Reply("\n".join(lines), choices=Reply.rows([Choice("📅 Lịch học", "lichhoc")]))
    parts = render(reply)
    assert len(parts) >= 3
    assert all(text_length(p) <= TEXT_LIMIT for p in parts)
    assert all(p.split("\n")[0] in lines for p in parts[:-1])
    assert "\n".join(parts).split("\n")[: len(lines)] == lines
    assert parts[-1].endswith("Gõ 1 để: 📅 Lịch học")


def test_typed_commands_and_plain_text_become_incoming() -> None:
    def update(text: str | None, chat_type: str = "PRIVATE") -> ZaloUpdate:
        return ZaloUpdate(
            event_name="message.text.received" if text else "message.sticker.received",
            message_id="m",
            user_id="u1",
            display_name="Lan",
            chat_id="c1" if chat_type == "GROUP" else "u1",
            chat_type=chat_type,
            text=text,
            date=SAMPLE_EVE,
        )

    start = to_incoming(update("/Start K7QM3XPA2B"))
    assert (start.channel, start.command, start.args) == ("zalo", "start", ("K7QM3XPA2B",))
    plain = to_incoming(update(" 2 "))
    assert (plain.command, plain.text, plain.has_media) == (None, "2", False)
    group = to_incoming(update("/lichhoc", "GROUP"))
    assert group.is_group and group.chat_id == "c1" and group.user_id == "u1"
    assert to_incoming(update(None)).has_media


def test_zalo_webhook_settings_come_from_the_environment_and_a_bad_secret_stops_start_up() -> None:
    env = {
        "SLL_ZALO_TOKEN": "123:abc",
        "SLL_ZALO_MODE": "webhook",
        "SLL_ZALO_WEBHOOK_URL": "https://bot.example.vn/zalo",
        "SLL_ZALO_WEBHOOK_SECRET": "ngan",
    }
    with pytest.raises(ConfigError, match=r"zalo\.webhook_secret"):
        load_settings(NO_CONFIG, env)
    settings = load_settings(NO_CONFIG, {**env, "SLL_ZALO_WEBHOOK_SECRET": SECRET})
    assert settings.zalo.webhook_url == "https://bot.example.vn/zalo"
    assert (settings.zalo.mode, settings.zalo.token) == ("webhook", "123:abc")


async def test_a_number_typed_after_a_notice_with_choices_runs_that_choice(
    bot: BotProcess, local_zalo: LocalZalo
) -> None:
    """A notice's choices on Zalo (a survey, a leave decision) are numbered lines like a
    reply's, and the number the person types next is that notice's choice."""
    codes = await _set_up(bot.db_url, "SC-K4")
    lan = local_zalo.user("z-lan-notice", "Lan")
    await _says(lan, codes[LAN], "đã được liên kết")
    (person_id,) = [p for c, e, p in await _accounts(bot.db_url) if e == "z-lan-notice"]
    assert person_id is not None
    db = Database(bot.db_url)
    try:
        async with db.uow() as uow:
            await enqueue(
                uow.session,
                Notice(
                    key="test:notice-with-choices",
                    person_id=person_id,
                    kind="broadcast",
                    text="Lớp có thay đổi lịch. Bạn muốn làm gì?",
                    choices=Reply.rows(
                        [Choice("Xem hướng dẫn", "help")], [Choice("Xem lịch", "lichhoc")]
                    ),
                    due_at=SAMPLE_EVE - timedelta(minutes=1),
                ),
            )
            await uow.commit()
    finally:
        await db.dispose()
    notice = await lan.wait_for("Bạn muốn làm gì?", timeout=40)
    assert _menu(notice.text or "") == {"Xem hướng dẫn": "1", "Xem lịch": "2"}
    await _recorded_as_sent(bot.db_url, "test:notice-with-choices")  # a person takes seconds
    (schedule,) = await _says(lan, "2", "Lịch học lớp")
    assert "Buổi 1:" in (schedule.text or "")


async def _recorded_as_sent(db_url: str, key: str) -> None:
    db = Database(db_url)
    try:
        for _ in range(100):
            async with db.uow() as uow:
                status = await uow.session.scalar(
                    select(Notification.status).where(Notification.idempotency_key == key)
                )
            if status == "sent":
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"notice {key} not recorded as sent (status {status})")
    finally:
        await db.dispose()


# --- restarts -------------------------------------------------------------------------------

RESTARTS = 3


async def test_no_zalo_message_is_lost_across_restarts(
    local_telegram: LocalTelegram, local_zalo: LocalZalo, tmp_path: Path
) -> None:
    """Zalo's getUpdates has no offset: an update handed to a poll is gone once that poll is
    answered. A message typed while the bot stops, and one typed a second after it is back,
    are both answered, restart after restart."""
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    start = {"SLL_FAKE_NOW": SAMPLE_EVE.isoformat()}
    bot = await start_bot(local_telegram, db_url, tmp_path, zalo=local_zalo, **start)
    try:
        await _says(local_zalo.user("z-first", "An"), "Xin chào", "gõ mã mời")
        answered = 0
        for i in range(RESTARTS):
            await asyncio.sleep(0.5)  # the bot is waiting in a long poll
            stopping = asyncio.create_task(bot.stop())
            await asyncio.sleep(0.3)
            during = local_zalo.user(f"z-during-{i}", "Bình")
            during.send_text("Xin chào")
            assert await stopping == 0, bot.log()
            bot = await start_bot(local_telegram, db_url, tmp_path, zalo=local_zalo, **start)
            await asyncio.sleep(1)
            after = local_zalo.user(f"z-after-{i}", "Cúc")
            after.send_text("Xin chào")
            for person in (during, after):
                await person.wait_for("gõ mã mời", timeout=15)
                answered += 1
        assert answered == 2 * RESTARTS
    finally:
        assert await bot.stop() == 0, bot.log()
