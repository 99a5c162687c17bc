"""Restart safety: a claim is a lease in the database, so a sender that dies loses nothing
and sends at most the message in flight twice; notices that fell due while the bot was down
go out when it comes back, if they still make sense."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bench.broadcast import CENTRE as BENCH_CENTRE
from bench.broadcast import Server, seed
from db.database import Database
from db.models import Notification, NotificationStatus
from localapi.telegram import LocalTelegram
from scheduler.dispatcher import NoticeDispatcher
from tests.conftest import SAMPLE_EVE, start_bot
from tests.test_delivery import SETTINGS, add_notice, add_person, dispatcher, row
from usecases import delivery
from usecases.clock import FixedClock

S = NotificationStatus


async def test_a_crashed_senders_claim_runs_out_and_the_notice_is_sent(
    database: Database, clock: FixedClock, local_telegram: LocalTelegram
) -> None:
    person_id, _ = await add_person(database, local_telegram)
    notice_id = await add_notice(database, person_id, "Tin.", clock.now())
    claimed = await delivery.claim_due(database.uow(), settings=SETTINGS, now=clock.now())
    assert [c.id for c in claimed] == [notice_id]  # ...and then the sender died
    assert (await row(database, notice_id)).status == S.SENDING

    clock.advance(seconds=delivery.LEASE.total_seconds() - 1)
    assert await delivery.claim_due(database.uow(), settings=SETTINGS, now=clock.now()) == []
    clock.advance(seconds=1)
    claimed = await delivery.claim_due(database.uow(), settings=SETTINGS, now=clock.now())
    assert [c.id for c in claimed] == [notice_id]


async def test_at_start_up_the_only_sqlite_sender_takes_back_its_old_claims(
    sqlite_db: Database, clock: FixedClock, local_telegram: LocalTelegram
) -> None:
    person_id, user_id = await add_person(sqlite_db, local_telegram)
    notice_id = await add_notice(sqlite_db, person_id, "Tin.", clock.now())
    await delivery.claim_due(sqlite_db.uow(), settings=SETTINGS, now=clock.now())
    async with dispatcher(sqlite_db, clock, local_telegram) as d:  # a restart, no waiting
        await d.run_until_idle()
    assert (await row(sqlite_db, notice_id)).status == S.SENT
    assert [m.text for m in local_telegram.sent(user_id)] == ["Tin."]


async def test_a_clean_stop_gives_back_what_was_claimed_but_not_sent(
    database: Database, clock: FixedClock, local_telegram: LocalTelegram
) -> None:
    person_id, _ = await add_person(database, local_telegram)
    notice_id = await add_notice(database, person_id, "Tin.", clock.now())
    d = NoticeDispatcher(database, clock, SETTINGS, {}, workers=0)
    assert await d.pump() == 1  # claimed; no worker takes it
    assert (await row(database, notice_id)).status == S.SENDING
    await d.stop()
    assert (await row(database, notice_id)).status == S.PENDING


async def test_notices_due_while_the_bot_was_down_go_out_unless_past_their_use(
    database: Database, clock: FixedClock, local_telegram: LocalTelegram
) -> None:
    person_id, user_id = await add_person(database, local_telegram)
    start = clock.now() + timedelta(hours=2)
    news = await add_notice(database, person_id, "Tin tức.", clock.now())
    reminder = await add_notice(
        database, person_id, "Nhắc học.", clock.now(), kind="reminder", expires_at=start
    )
    clock.set(start + timedelta(minutes=5))  # back up after the session began
    async with dispatcher(database, clock, local_telegram) as d:
        await d.run_until_idle()
    assert (await row(database, news)).status == S.SENT
    assert (await row(database, reminder)).status == S.EXPIRED
    assert [m.text for m in local_telegram.sent(user_id)] == ["Tin tức."]


async def test_killing_the_bot_mid_send_loses_nothing_and_repeats_at_most_one(
    tmp_path: Path,
) -> None:
    """The real bot process, SIGKILLed while it sends 150 notices at Telegram's pace, then
    started again on the same database."""
    local = LocalTelegram(enforce_limits=True)
    await local.start()
    server = Server("telegram", telegram=local)
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    db = Database(db_url)
    try:
        await db.migrate()
        users = await seed(db, server, 150, channel="telegram", due=SAMPLE_EVE)
        wanted = set(users)
        # The bot serves the centre the benchmark's people belong to.
        fake_now = {"SLL_FAKE_NOW": SAMPLE_EVE.isoformat(), "SLL_CENTRE_NAME": BENCH_CENTRE}
        first = await start_bot(local, db_url, tmp_path, **fake_now)
        for _ in range(600):
            if len(server.received(wanted)) >= 40:
                break
            await asyncio.sleep(0.05)
        first.kill()  # SIGKILL: no clean shutdown
        killed_at = len(server.received(wanted))
        assert killed_at < 150

        second = await start_bot(local, db_url, tmp_path, **fake_now)
        try:
            for _ in range(600):
                async with db.uow() as uow:
                    left = list(
                        await uow.session.scalars(
                            select(Notification.id).where(
                                Notification.status.in_([S.PENDING, S.SENDING])
                            )
                        )
                    )
                if not left:
                    break
                await asyncio.sleep(0.1)
            assert left == []
        finally:
            assert await second.stop() == 0
        counts = Counter(chat for chat, _ in server.received(wanted))
        assert all(counts[u] >= 1 for u in users)  # nothing lost
        assert sum(c - 1 for c in counts.values()) <= 1  # at most the one in flight, twice
        async with db.uow() as uow:
            statuses = Counter(await uow.session.scalars(select(Notification.status)))
        assert statuses == {S.SENT: 150}
    finally:
        await db.dispose()
        await local.stop()
