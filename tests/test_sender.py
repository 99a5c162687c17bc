"""Every error path of the Telegram sender, against the local Telegram with the real PTB
`Bot`: 429 obeyed without using an attempt, 5xx and timeouts retried with backoff and given
up after the configured attempts, 403 and vanished chats marked unreachable with staff told
once; and the rate limiter keeping a broadcast inside Telegram's limits."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from channels.ratelimit import RateLimiter
from channels.telegram_sender import retry_after_seconds
from db.database import Database
from db.models import ChatAccount, ChatStatus, Notification, NotificationStatus, Person
from localapi.telegram import LocalTelegram
from tests.conftest import CENTRE
from tests.test_delivery import SETTINGS, account, add_notice, add_person, dispatcher, row
from usecases import identity
from usecases.clock import FixedClock
from usecases.delivery import backoff

S = NotificationStatus


async def test_429_is_obeyed_without_using_an_attempt(
    database: Database, clock: FixedClock, local_telegram: LocalTelegram
) -> None:
    person_id, user_id = await add_person(database, local_telegram)
    notice_id = await add_notice(database, person_id, "Tin.", clock.now())
    local_telegram.fail_next("sendMessage", kind="429", retry_after=7)
    async with dispatcher(database, clock, local_telegram) as d:
        await d.run_until_idle()
        waiting = await row(database, notice_id)
        assert waiting.status == S.PENDING and waiting.attempts == 0
        assert waiting.due_at == clock.now() + timedelta(seconds=7)
        clock.advance(seconds=6)
        await d.run_until_idle()
        assert local_telegram.sent(user_id) == []
        clock.advance(seconds=1)
        await d.run_until_idle()
    sent = await row(database, notice_id)
    assert sent.status == S.SENT and sent.attempts == 1
    assert [m.text for m in local_telegram.sent(user_id)] == ["Tin."]


def test_retry_after_is_read_as_seconds_or_timedelta() -> None:
    assert retry_after_seconds(5) == 5.0
    assert retry_after_seconds(timedelta(seconds=3)) == 3.0


async def test_5xx_is_retried_with_growing_backoff_then_sent(
    database: Database, clock: FixedClock, local_telegram: LocalTelegram
) -> None:
    person_id, user_id = await add_person(database, local_telegram)
    notice_id = await add_notice(database, person_id, "Tin.", clock.now())
    local_telegram.fail_next("sendMessage", times=2, kind="5xx")
    async with dispatcher(database, clock, local_telegram) as d:
        await d.run_until_idle()
        first = await row(database, notice_id)
        assert (first.status, first.attempts) == (S.PENDING, 1)
        assert first.due_at == clock.now() + backoff(1)
        assert "Bad Gateway" in (first.last_error or "")
        clock.advance(seconds=backoff(1).total_seconds())
        await d.run_until_idle()
        second = await row(database, notice_id)
        assert second.attempts == 2 and second.due_at == clock.now() + backoff(2)
        assert backoff(2) > backoff(1)
        clock.advance(seconds=backoff(2).total_seconds())
        await d.run_until_idle()
    done = await row(database, notice_id)
    assert (done.status, done.attempts) == (S.SENT, 3)
    assert len(local_telegram.sent(user_id)) == 1


async def test_a_timeout_is_retried(
    database: Database, clock: FixedClock, tmp_path: object
) -> None:
    local = LocalTelegram(timeout_hold=2.0)
    await local.start()
    try:
        person_id, user_id = await add_person(database, local)
        notice_id = await add_notice(database, person_id, "Tin.", clock.now())
        local.fail_next("sendMessage", kind="timeout")
        async with dispatcher(database, clock, local, read_timeout=0.3) as d:
            await d.run_until_idle()
            waiting = await row(database, notice_id)
            assert (waiting.status, waiting.attempts) == (S.PENDING, 1)
            assert "TimedOut" in (waiting.last_error or "")
            clock.advance(seconds=backoff(1).total_seconds())
            await d.run_until_idle()
        assert (await row(database, notice_id)).status == S.SENT
        assert [m.text for m in local.sent(user_id)] == ["Tin."]
    finally:
        await local.stop()


async def test_network_errors_give_up_after_max_attempts_with_the_reason(
    database: Database, clock: FixedClock, local_telegram: LocalTelegram
) -> None:
    settings = replace(SETTINGS, notices=replace(SETTINGS.notices, max_attempts=3))
    person_id, _ = await add_person(database, local_telegram)
    notice_id = await add_notice(database, person_id, "Tin.", clock.now())
    local_telegram.fail_next("sendMessage", times=10, kind="5xx")
    async with dispatcher(database, clock, local_telegram, settings) as d:
        for _ in range(5):
            await d.run_until_idle()
            clock.advance(minutes=10)
    failed = await row(database, notice_id)
    assert (failed.status, failed.attempts) == (S.FAILED, 3)
    assert failed.last_error is not None and failed.last_error.startswith("gave_up")


async def staff_person(database: Database, local: LocalTelegram, staff_user: int) -> int:
    centre_id = await identity.ensure_centre(database.uow(), CENTRE)  # add_person's centre
    await identity.sync_staff(database.uow(), centre_id, (staff_user,))
    local.user(staff_user, "Cán bộ")
    return (await account(database, staff_user)).person_id or 0


async def test_a_user_who_blocked_the_bot_is_marked_unreachable_and_staff_told_once(
    database: Database, clock: FixedClock, local_telegram: LocalTelegram
) -> None:
    staff_user = 424242
    await staff_person(database, local_telegram, staff_user)
    person_id, user_id = await add_person(database, local_telegram, "Đinh Thị Hoa")
    local_telegram.block(user_id)
    first = await add_notice(database, person_id, "Tin một.", clock.now())
    async with dispatcher(database, clock, local_telegram) as d:
        await d.run_until_idle()
        second = await add_notice(database, person_id, "Tin hai.", clock.now())
        await d.run_until_idle()
    failed = await row(database, first)
    assert failed.status == S.FAILED and failed.last_error.startswith("blocked")  # type: ignore[union-attr]
    # The second notice finds no reachable account at all.
    assert (await row(database, second)).last_error == "not_linked"
    blocked = await account(database, user_id)
    assert blocked.status == ChatStatus.BLOCKED
    alerts = [m.text or "" for m in local_telegram.sent(staff_user)]
    assert len(alerts) == 1
    assert "Đinh Thị Hoa" in alerts[0] and "chặn bot" in alerts[0]


async def test_a_chat_that_no_longer_exists_is_unreachable(
    database: Database, clock: FixedClock, local_telegram: LocalTelegram
) -> None:
    person_id, _ = await add_person(database, None)  # no such chat on the server
    notice_id = await add_notice(database, person_id, "Tin.", clock.now())
    async with dispatcher(database, clock, local_telegram) as d:
        await d.run_until_idle()
    failed = await row(database, notice_id)
    assert failed.status == S.FAILED and failed.last_error.startswith("not_found")  # type: ignore[union-attr]


async def test_a_user_who_writes_again_is_reachable_again(
    database: Database, clock: FixedClock, local_telegram: LocalTelegram
) -> None:
    person_id, user_id = await add_person(database, local_telegram)
    local_telegram.block(user_id)
    await add_notice(database, person_id, "Tin.", clock.now())
    async with dispatcher(database, clock, local_telegram) as d:
        await d.run_until_idle()
    assert (await account(database, user_id)).status == ChatStatus.BLOCKED
    await identity.identify(
        database.uow(), centre_id=await identity.ensure_centre(database.uow(), CENTRE),
        channel="telegram", user_id=str(user_id), chat_id=str(user_id),
        display_name="", now=clock.now(),
    )  # fmt: skip
    assert (await account(database, user_id)).status == ChatStatus.ACTIVE


async def test_a_broadcast_stays_within_telegrams_limits(
    database: Database, clock: FixedClock
) -> None:
    """90 notices to 45 people (two each, far apart so not merged) against a server that
    answers 429 as soon as 30/s overall or 1/s per chat is exceeded: none is refused."""
    local = LocalTelegram(enforce_limits=True)
    await local.start()
    try:
        people = [await add_person(database, local, f"Học viên {i}") for i in range(45)]
        for person_id, _ in people:
            await add_notice(database, person_id, "Tin một.", clock.now() - timedelta(hours=1))
            await add_notice(database, person_id, "Tin hai.", clock.now())
        limiter = RateLimiter(per_second=30, per_chat_per_second=1)
        async with dispatcher(database, clock, local, limiter=limiter) as d:
            await d.run_until_idle()
        assert local.stats.answered_429 == 0
        async with database.uow() as uow:
            statuses = list(await uow.session.scalars(select(Notification.status)))
        assert statuses.count(S.SENT) == 90
        assert all(len(local.sent(user_id)) == 2 for _, user_id in people)
    finally:
        await local.stop()


async def test_person_and_account_helpers_make_linked_people(database: Database) -> None:
    person_id, user_id = await add_person(database, None)
    async with database.uow() as uow:
        acc = await uow.session.scalar(
            select(ChatAccount).where(ChatAccount.external_id == str(user_id))
        )
        assert acc is not None and acc.person_id == person_id
        assert await uow.session.get(Person, person_id) is not None


async def test_a_stop_during_the_write_of_outcomes_keeps_what_was_sent(
    database: Database,
    clock: FixedClock,
    local_telegram: LocalTelegram,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A clean stop cancels the recorder while it writes: the notice was delivered, so it must
    end up sent, not left claimed to be sent again after the lease."""
    import asyncio

    from scheduler import dispatcher as module

    person_id, user_id = await add_person(database, local_telegram)
    notice_id = await add_notice(database, person_id, "Tin.", clock.now())
    real = module.D.record_outcomes
    writing = asyncio.Event()

    async def slow_then_real(*args: object, **kwargs: object) -> None:
        if not writing.is_set():  # the recorder's write: stopped half-way
            writing.set()
            await asyncio.sleep(30)
        await real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(module.D, "record_outcomes", slow_then_real)
    async with dispatcher(database, clock, local_telegram) as d:
        await d.pump()
        await asyncio.wait_for(writing.wait(), 10)  # delivered; its outcome is being written
    assert [m.text for m in local_telegram.sent(user_id)] == ["Tin."]
    assert (await row(database, notice_id)).status == S.SENT
