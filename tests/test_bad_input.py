"""Bad input gets a clear answer, never "something went wrong" (issue 13 item 5).

A corpus of awkward strings (other scripts' digits, superscripts, 30-digit numbers, NUL bytes,
100,000 characters, zero-width and right-to-left marks) is sent to every route, typed as
arguments, as a route's awaited text and as plain text, by every role, on both channels' shapes
(Telegram with buttons, Zalo with numbered lines), on SQLite and PostgreSQL. No reply may be the
generic failure and nothing may be logged at ERROR.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

import pytest

from bot.dispatch import Dispatcher
from channels.incoming import Incoming
from db.database import Database
from db.models import Channel, ChatAccount
from handlers.base import CONTACT, LOCATION, TEXT, Route, Services
from handlers.routes import ROUTES
from tests.conftest import TZ, SampleClass
from texts import common as T
from usecases import classes, identity
from usecases.clock import FixedClock
from usecases.identity import Actor, Role
from usecases.settings import Settings

STAFF, LEARNER, MONITOR, LEADER, STRANGER = "777", "1001", "1002", "1003", "1009"

CORPUS = (
    "٩٢٦١",  # Arabic-Indic digits
    "１２３４",  # fullwidth digits, as some Vietnamese phone keyboards type them
    "²²²²",  # superscripts: digits to str.isdigit(), not to int()
    "①②",  # circled numbers
    "123456789012345678901234567890",  # 30 digits
    "12\x0034",  # a NUL byte: PostgreSQL refuses it in text
    "\u200b1234\u200b",  # zero-width spaces
    "\u202e4321",  # right-to-left override
    "\u200f١٢٣٤\u200e",  # RTL/LTR marks around Arabic-Indic digits
    "SC-K4\u200d",
    "s²",
    "#²",
    "x" * 100_000,  # one 100,000-character word
    "Câu hỏi " * 12_500,  # 100,000 characters of ordinary text
)
PG_CORPUS = ("12\x0034", "1" * 30, "x" * 100_000, "\u202e\x00١٢")


async def _people(database: Database, sample: SampleClass) -> None:
    await identity.sync_staff(database.uow(), sample.centre_id, (int(STAFF),))
    leader = await classes.add_unit_leader(
        database.uow(), actor=Actor.cli(sample.centre_id),
        centre_id=sample.centre_id, unit_name="Đoàn xã Phiêng Ban",
        full_name="Hà Văn Thắng", phone="0912345678",
    )  # fmt: skip
    learner = await classes.set_monitor(
        database.uow(), actor=Actor.cli(sample.centre_id), class_id=sample.id, who="1"
    )
    monitor = await classes.set_monitor(
        database.uow(), actor=Actor.cli(sample.centre_id), class_id=sample.id, who="2"
    )
    async with database.uow() as uow:
        for user, person in ((LEARNER, learner.id), (MONITOR, monitor.id), (LEADER, leader.id)):
            for channel in (Channel.TELEGRAM, Channel.ZALO):
                uow.session.add(
                    ChatAccount(
                        centre_id=sample.centre_id,
                        channel=channel,
                        external_id=user,
                        chat_id=user,
                        person_id=person,
                    )
                )
        await uow.commit()


def _variants(value: str) -> list[tuple[str, ...]]:
    return [(value,), ("SC-K4", value, value), (value, "1", "c", "1")]


def _users(route: Route) -> tuple[str, ...]:
    """One person who may use the route (a refusal parses nothing), plus a stranger."""
    if route.roles is None:
        return (STRANGER, LEARNER)
    for role, user in ((Role.STAFF, STAFF), (Role.LEARNER, LEARNER), (Role.MONITOR, MONITOR),
                       (Role.LEADER, LEADER)):  # fmt: skip
        if not route.roles or role in route.roles:
            return (user,)
    return (STAFF,)


async def test_every_route_answers_bad_input_clearly(
    database: Database,
    sample_class: SampleClass,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await _people(database, sample_class)
    services = Services(
        db=database, clock=clock, settings=Settings(), centre_id=sample_class.centre_id
    )
    chat = Dispatcher(services, ROUTES)
    routes = [r for r in ROUTES if r.command not in (CONTACT, LOCATION, TEXT)]
    # PostgreSQL differs from SQLite in what it refuses (NUL, lengths, integer range): the
    # whole corpus on SQLite, those strings on PostgreSQL; each string on one channel's shape
    # (Telegram with buttons, Zalo with numbered lines), in turn, to keep the suite quick.
    corpus = CORPUS if database.is_sqlite else PG_CORPUS
    channel = Channel.TELEGRAM
    unclear: set[str] = set()
    caplog.set_level(logging.WARNING)

    async def say(user: str, value: str, **kw: object) -> None:
        msg = Incoming(channel=channel, user_id=user, chat_id=user, **kw)  # type: ignore[arg-type]
        zalo = channel == Channel.ZALO
        for reply in await chat.handle(msg, can_share_contact=not zalo, has_buttons=not zalo):
            # Never the generic failure, and never a long text echoed back at its sender.
            echoed = len(value) > 1000 and value[:200] in reply.text
            if reply.text == T.SOMETHING_WENT_WRONG or echoed:
                unclear.add(f"{kw.get('command') or 'text'} {value[:20]!r}: {reply.text[:60]!r}")

    for i, value in enumerate(corpus):
        channel = (Channel.TELEGRAM, Channel.ZALO)[i % 2]
        for user in (LEARNER, STRANGER):
            await say(user, value, text=value)
            await say(user, value, text="", display_name=value)
        for route in routes:
            for user in _users(route):
                for args in _variants(value):
                    text = f"/{route.command} {' '.join(args)}"
                    await say(user, value, text=text, command=route.command, args=args)
                await say(user, value, text=f"/{route.command}", command=route.command)
                await say(user, value, text=value)  # the text a route may be waiting for
                await say(user, value, text="1")  # or a numbered choice
    errors = {
        f"{r.getMessage()[:80]}: {r.exc_info[1]!r}"[:300] if r.exc_info else r.getMessage()[:200]
        for r in caplog.records
        if r.levelno >= logging.ERROR
    }
    assert not unclear and not errors, "\n".join(sorted(unclear) + sorted(errors))


FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


async def test_a_room_code_typed_with_other_digits_counts_and_superscripts_spend_no_try(
    database: Database, sample_class: SampleClass
) -> None:
    """The decision on "a digit": any script's decimal digits are digits (phones type fullwidth
    or Arabic-Indic ones), superscripts and circled numbers are not, and a non-code is named
    as such without using up one of the learner's tries."""
    await _people(database, sample_class)
    in_session = FixedClock(datetime(2024, 3, 4, 7, 40, tzinfo=TZ))
    services = Services(
        db=database, clock=in_session, settings=Settings(), centre_id=sample_class.centre_id
    )
    chat = Dispatcher(services, ROUTES)

    async def say(user: str, text: str, channel: str = Channel.TELEGRAM) -> str:
        command, args = None, ()
        if text.startswith("/"):
            head, *rest = text.split()
            command, args = head[1:], tuple(rest)
        msg = Incoming(channel, user, user, text=text, command=command, args=args)
        zalo = channel == Channel.ZALO
        replies = await chat.handle(msg, can_share_contact=not zalo, has_buttons=not zalo)
        return "\n".join(r.text for r in replies)

    shown = re.search(r"^\s+(\d{4})$", await say(MONITOR, "/maphong"), re.MULTILINE)
    assert shown is not None
    code = shown.group(1)
    for _ in range(6):  # more than the tries a learner has: none of these spends one
        refused = await say(LEARNER, "/diemdanh ²²²²")
        assert "«²²²²» không phải mã phòng" in refused and "4 chữ số" in refused
    wrong = str((int(code) + 1) % 10_000).zfill(4).translate(FULLWIDTH)
    assert "không đúng" in await say(LEARNER, f"/diemdanh {wrong}")
    await say(LEARNER, "/diemdanh", Channel.ZALO)  # asks for the code …
    done = await say(LEARNER, code.translate(ARABIC_INDIC), Channel.ZALO)  # … typed in ٠-٩
    assert done.startswith("✅ Đã điểm danh: bạn có mặt")
