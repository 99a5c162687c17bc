"""Private data only in private chats (issue 13, item 1): whatever a learner or a unit leader
types in a group, their personal notices (an answer, a result, the unit's summary with its
spreadsheet, an absence alert, a leave decision) reach their private chat only, on Telegram
and on Zalo; in a group the bot answers only a command, once, with a hint that says nothing
personal. Real database, the real dispatcher and outbox senders, the local Telegram and Zalo."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import select, text
from telegram import Bot

from bot.dispatch import Dispatcher
from channels.incoming import Incoming
from channels.ratelimit import RateLimiter
from channels.telegram_sender import TelegramSender
from channels.zalo import ZaloClient
from channels.zalo_sender import ZaloSender
from db.database import Database
from db.migrate import upgrade
from db.models import ChatAccount, Notification, NotificationStatus
from handlers.base import Services
from handlers.routes import ROUTES
from localapi.telegram import LocalTelegram
from localapi.zalo import LocalZalo
from scheduler.dispatcher import NoticeDispatcher
from tests.conftest import (
    SAMPLE_EVE,
    SAMPLES,
    BotProcess,
    SampleClass,
    old_database,
    start_bot,
)
from tests.test_delivery import make_bot
from tests.test_results import person_id
from usecases import classes
from usecases.clock import FixedClock
from usecases.identity import Actor
from usecases.messages import Document
from usecases.outbox import Notice, enqueue
from usecases.settings import Settings

LAN, LEADER = "Lê Thị Ngọc Lan", "Hà Văn Thắng"
# Who gets each kind of personal notice, and a line of it that must not reach a group.
PERSONAL = (
    ("question.answer", LAN, "Trả lời câu hỏi của Lê Thị Ngọc Lan"),
    ("result", LAN, "Kết quả học tập của Lê Thị Ngọc Lan: Khá"),
    ("unit_results", LEADER, "Kết quả học tập của học viên Đoàn xã Phiêng Ban"),
    ("absence_alert", LEADER, "Lê Thị Ngọc Lan vắng buổi 1 không phép"),
    ("leave_decision", LAN, "Đơn xin nghỉ của Lê Thị Ngọc Lan được duyệt"),
)
GROUP_HINT = "nhắn riêng cho tôi"


class Chats:
    """Both local servers, seen through one channel: who is who there, and what the group got."""

    def __init__(self, channel: str, telegram: LocalTelegram, zalo: LocalZalo) -> None:
        self.channel, self.telegram, self.zalo = channel, telegram, zalo
        self.ids = {LAN: "5100001", LEADER: "5100002"}
        self.group = "-1005100000" if channel == "telegram" else "g5100000"
        for name, uid in self.ids.items():
            if channel == "telegram":
                telegram.user(int(uid), name)
            else:
                zalo.group_member(self.group, zalo.user(uid, name))
        if channel == "telegram":
            telegram.group(int(self.group), "Lớp SC-K4")

    def texts(self, chat_id: str) -> list[str]:
        if self.channel == "telegram":
            sent = self.telegram.sent(int(chat_id))
            return [(m.text or "") + (m.caption or "") for m in sent]
        return [(m.text or "") + (m.caption or "") for m in self.zalo.sent(chat_id)]


@asynccontextmanager
async def outbox(
    db: Database, clock: FixedClock, telegram: LocalTelegram, zalo: LocalZalo
) -> AsyncIterator[NoticeDispatcher]:
    """The real notice dispatcher with both channels' senders, pumped by hand."""
    bot: Bot = make_bot(telegram)
    await bot.initialize()
    client = ZaloClient(zalo.token, zalo.url)
    senders = {
        "telegram": TelegramSender(bot, RateLimiter(per_second=0, per_chat_per_second=0)),
        "zalo": ZaloSender(client, RateLimiter(per_second=0, per_chat_per_second=0)),
    }
    d = NoticeDispatcher(db, clock, Settings(), senders)
    await d.start(loop=False)
    try:
        yield d
    finally:
        await d.stop()
        await bot.shutdown()
        await client.aclose()


@pytest.mark.parametrize("channel", ["telegram", "zalo"])
async def test_personal_notices_reach_only_the_private_chat_whatever_is_typed_in_a_group(
    channel: str,
    database: Database,
    sample_class: SampleClass,
    clock: FixedClock,
    local_telegram: LocalTelegram,
    local_zalo: LocalZalo,
) -> None:
    await classes.add_unit_leader(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        centre_id=sample_class.centre_id,
        unit_name="Đoàn xã Phiêng Ban",
        full_name=LEADER,
        phone="0912345678",
    )
    chats = Chats(channel, local_telegram, local_zalo)
    people = {name: await person_id(database, name) for name in chats.ids}
    async with database.uow() as uow:
        for name, uid in chats.ids.items():
            uow.session.add(
                ChatAccount(
                    centre_id=sample_class.centre_id,
                    channel=channel,
                    external_id=uid,
                    chat_id=uid,
                    person_id=people[name],
                )
            )
        await uow.commit()
    services = Services(database, clock, Settings(), sample_class.centre_id)
    chat = Dispatcher(services, ROUTES)

    for name, uid in chats.ids.items():
        said = Incoming(channel, uid, chats.group, is_group=True, display_name=name)
        assert await chat.handle(Incoming(**{**said.__dict__, "text": "Chào cả lớp"})) == []
        assert await chat.handle(Incoming(**{**said.__dict__, "text": "1"})) == []
        [hint] = await chat.handle(
            Incoming(**{**said.__dict__, "text": "/ketqua", "command": "ketqua"})
        )
        assert GROUP_HINT in hint.text and name not in hint.text
        assert not hint.choices and hint.document is None

    for kind, name, line in PERSONAL:
        document = Document("ket-qua.xlsx", b"PK\x03\x04", "application/vnd.ms-excel")
        async with database.uow() as uow:
            await enqueue(
                uow.session,
                Notice(
                    key=f"test:{kind}",
                    person_id=people[name],
                    kind=kind,
                    text=line,
                    due_at=clock.now(),
                    document=document if kind == "unit_results" else None,
                ),
            )
            await uow.commit()
    async with outbox(database, clock, local_telegram, local_zalo) as d:
        await d.run_until_idle()

    async with database.uow() as uow:
        rows = (await uow.session.scalars(select(Notification))).all()
    assert {r.kind for r in rows} == {kind for kind, _, _ in PERSONAL}
    for r in rows:
        assert r.status == NotificationStatus.SENT, (r.kind, r.last_error)
        assert r.chat_id == next(uid for n, uid in chats.ids.items() if people[n] == r.person_id)
    for kind, name, line in PERSONAL:
        assert any(line in t for t in chats.texts(chats.ids[name])), kind
    assert chats.texts(chats.group) == []  # nothing from the outbox went to the group


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
async def test_accounts_that_point_at_a_group_are_repaired_by_the_migration(
    engine: str, tmp_path: Path
) -> None:
    async with old_database(engine, tmp_path, "0001") as db:
        async with db.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO chat_accounts (channel, external_id, chat_id, status) VALUES "
                    "('telegram', '5100001', '-1005100000', 'active'), "
                    "('zalo', 'z1', 'g1', 'active'), ('telegram', '5100002', '5100002', 'active')"
                )
            )
        await upgrade(db.url)
        async with db.engine.connect() as conn:
            query = text("SELECT external_id, chat_id FROM chat_accounts")
            rows = (await conn.execute(query)).all()
    assert all(external == chat for external, chat in rows) and len(rows) == 3


async def test_in_groups_the_bot_only_hints_at_a_private_chat_and_results_go_private_end_to_end(
    local_telegram: LocalTelegram, local_zalo: LocalZalo, tmp_path: Path
) -> None:
    """The real bot process on both channels: a learner (Telegram) and her unit's leader (Zalo)
    chat in their groups, then staff publish results in chat."""
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    bot = await start_bot(
        local_telegram, db_url, tmp_path, zalo=local_zalo, SLL_FAKE_NOW=SAMPLE_EVE.isoformat()
    )
    try:
        await _publish_after_group_chatter(bot, local_telegram, local_zalo)
    finally:
        assert await bot.stop() == 0, bot.log()


async def _publish_after_group_chatter(
    bot: BotProcess, telegram: LocalTelegram, zalo: LocalZalo
) -> None:
    bot.set_up_class("SC-K4")
    lan = telegram.user(5200001, "Lan")
    lan.share_contact("0731706690")
    await lan.wait_for("đã được liên kết", timeout=10)
    thang = zalo.user("z5200002", "Thắng")
    thang.send_text(bot.invite_code(LEADER))
    await thang.wait_for("đã được liên kết", timeout=10)
    sheet = SAMPLES / "ket-qua-so-cap-llct-k4-2024.xlsx"
    imported = bot.cli("ket-qua", "nhap", "SC-K4", str(sheet))
    assert imported.returncode == 0, imported.stderr

    tg_group = telegram.group(-1005200000, "Lớp SC-K4")
    in_tg_group = tg_group.member(lan)
    in_tg_group.send_text("Chào cả lớp, mai mấy giờ học ạ?")
    in_tg_group.send_text("/ketqua@mot_bot_khac")
    in_tg_group.send_text(f"/ketqua@{telegram.bot_username}")
    tg_hint = await tg_group.wait_for(GROUP_HINT, timeout=10)
    in_zalo_group = zalo.group_member("g5200000", thang)
    in_zalo_group.send_text("Chào các đồng chí")
    in_zalo_group.send_text("/ketqua")
    zalo_hint = await in_zalo_group.wait_for(GROUP_HINT, timeout=10)

    staff = telegram.user(bot.staff_id, "Cán bộ")
    staff.send_command("ketqua", "SC-K4")
    preview = await staff.wait_for("🔎 Xem trước kết quả", timeout=10)
    staff.press("📢 Công bố", message=preview)
    await staff.wait_for("📢 Đã công bố kết quả lớp SC-K4", timeout=10)
    result = await lan.wait_for("🏅 Kết quả học tập lớp", timeout=60)
    assert "Lê Thị Ngọc Lan" in (result.text or "")
    summary = await thang.wait_for("Kết quả học tập của học viên Đoàn xã Phiêng Ban", timeout=60)
    assert "Lê Thị Ngọc Lan" in (summary.text or "")

    assert tg_group.messages() == [tg_hint] and "Lan" not in (tg_hint.text or "")
    assert zalo.sent("g5200000") == [zalo_hint] and "Thắng" not in (zalo_hint.text or "")
