"""The outbox delivered: the account chosen, outcomes recorded, merging, staff's view and
resending, driven with a controllable clock through the real dispatcher, the real PTB `Bot`
and the local Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from telegram import Bot

from channels.ratelimit import RateLimiter
from channels.telegram_http import AiohttpRequest
from channels.telegram_sender import TelegramSender
from db.database import Database
from db.models import ChatAccount, ChatStatus, Notification, NotificationStatus, Person
from localapi.telegram import LocalTelegram
from tests.conftest import CENTRE, SampleClass, centre_of
from usecases import delivery, identity, notices
from usecases.clock import FixedClock
from usecases.identity import Actor
from usecases.outbox import Notice, enqueue
from usecases.settings import Settings
from vn.text import name_key

S = NotificationStatus
SETTINGS = Settings()
_ids = iter(range(5_000_000, 6_000_000))


def staff(sample: SampleClass) -> Actor:
    """The staff command line of the sample class's centre (audit entries say "cli")."""
    return Actor.cli(sample.centre_id)


def make_bot(local: LocalTelegram, *, read_timeout: float = 5.0) -> Bot:
    """PTB's Bot on the transport the outbox sender uses in the bot process."""
    request = AiohttpRequest(read_timeout=read_timeout)
    return Bot(local.token, base_url=f"{local.url}/bot", request=request)


async def add_person(
    db: Database,
    local: LocalTelegram | None,
    name: str = "Lò Văn Minh",
    *,
    user_id: int | None = None,
    seen: datetime | None = None,
    person_id: int | None = None,
) -> tuple[int, int]:
    """A person with a Telegram account (and its chat on the local Telegram); returns
    (person_id, telegram user id)."""
    user_id = user_id or next(_ids)
    if local is not None:
        local.user(user_id, name)
    centre_id = await identity.ensure_centre(db.uow(), CENTRE)
    async with db.uow() as uow:
        if person_id is None:
            person = Person(centre_id=centre_id, full_name=name, name_key=name_key(name))
            uow.session.add(person)
            await uow.session.flush()
            person_id = person.id
        uow.session.add(
            ChatAccount(
                centre_id=await centre_of(uow.session, person_id),
                channel="telegram",
                external_id=str(user_id),
                chat_id=str(user_id),
                person_id=person_id,
                last_seen_at=seen,
            )
        )
        await uow.commit()
    return person_id, user_id


async def add_notice(
    db: Database,
    person_id: int,
    text: str,
    due: datetime,
    *,
    key: str | None = None,
    kind: str = "broadcast",
    **kw: Any,
) -> int:
    async with db.uow() as uow:
        row = await enqueue(
            uow.session,
            Notice(
                key=key or f"test:{next(_ids)}",
                person_id=person_id,
                kind=kind,
                text=text,
                due_at=due,
                **kw,
            ),
        )
        await uow.commit()
        assert row is not None
        return row.id


async def row(db: Database, notice_id: int) -> Notification:
    async with db.uow() as uow:
        found = await uow.session.get(Notification, notice_id)
        assert found is not None
        return found


async def account(db: Database, user_id: int) -> ChatAccount:
    async with db.uow() as uow:
        found = await uow.session.scalar(
            select(ChatAccount).where(ChatAccount.external_id == str(user_id))
        )
        assert found is not None
        return found


@asynccontextmanager
async def dispatcher(
    db: Database,
    clock: FixedClock,
    local: LocalTelegram,
    settings: Settings = SETTINGS,
    *,
    limiter: RateLimiter | None = None,
    read_timeout: float = 5.0,
) -> AsyncIterator[NoticeDispatcher]:
    """The real dispatcher and Telegram sender, pumped by hand (no loop, no sleeps)."""
    bot = make_bot(local, read_timeout=read_timeout)
    await bot.initialize()
    # The limiter reads the test's clock, so a pause the platform asks for (429) ends when the
    # test moves the clock, not after real seconds.
    limiter = limiter or RateLimiter(
        per_second=0, per_chat_per_second=0, clock=lambda: clock.now().timestamp()
    )
    d = NoticeDispatcher(db, clock, settings, {"telegram": TelegramSender(bot, limiter)})
    await d.start(loop=False)
    try:
        yield d
    finally:
        await d.stop()
        await bot.shutdown()


from scheduler.dispatcher import NoticeDispatcher  # noqa: E402  (after the helpers it uses)


async def test_a_due_notice_is_sent_and_its_message_id_recorded(
    database: Database, clock: FixedClock, local_telegram: LocalTelegram
) -> None:
    person_id, user_id = await add_person(database, local_telegram)
    notice_id = await add_notice(database, person_id, "Xin chào lớp học.", clock.now())
    later_id = await add_notice(
        database, person_id, "Tin ngày mai.", clock.now() + timedelta(days=1)
    )
    async with dispatcher(database, clock, local_telegram) as d:
        await d.run_until_idle()
    sent = await row(database, notice_id)
    message = local_telegram.sent(user_id)[-1]
    assert message.text == "Xin chào lớp học."
    assert sent.status == S.SENT
    assert (sent.channel, sent.chat_id) == ("telegram", str(user_id))
    assert sent.sent_message_id == str(message.message_id)
    assert sent.sent_at == clock.now() and sent.attempts == 1
    assert (await row(database, later_id)).status == S.PENDING  # not due yet


async def test_the_most_recently_seen_account_is_used(
    database: Database, clock: FixedClock, local_telegram: LocalTelegram
) -> None:
    person_id, old_user = await add_person(
        database, local_telegram, seen=clock.now() - timedelta(days=3)
    )
    _, new_user = await add_person(
        database, local_telegram, seen=clock.now() - timedelta(hours=1), person_id=person_id
    )
    notice_id = await add_notice(database, person_id, "Tin mới.", clock.now())
    async with dispatcher(database, clock, local_telegram) as d:
        await d.run_until_idle()
    assert (await row(database, notice_id)).chat_id == str(new_user)
    assert local_telegram.sent(old_user) == []


async def test_a_blocked_account_falls_back_to_the_persons_other_account(
    database: Database, clock: FixedClock, local_telegram: LocalTelegram
) -> None:
    person_id, phone_user = await add_person(database, local_telegram, seen=clock.now())
    _, old_user = await add_person(
        database, local_telegram, seen=clock.now() - timedelta(days=1), person_id=person_id
    )
    local_telegram.block(phone_user)
    notice_id = await add_notice(database, person_id, "Lịch học tuần sau.", clock.now())
    async with dispatcher(database, clock, local_telegram) as d:
        await d.run_until_idle()
    sent = await row(database, notice_id)
    assert sent.status == S.SENT and sent.chat_id == str(old_user)
    assert local_telegram.sent(old_user)[-1].text == "Lịch học tuần sau."
    blocked = await account(database, phone_user)
    assert blocked.status == ChatStatus.BLOCKED and "blocked" in (blocked.status_reason or "")


async def test_several_notices_to_one_person_within_the_window_arrive_as_one_message(
    database: Database, clock: FixedClock, local_telegram: LocalTelegram
) -> None:
    person_id, user_id = await add_person(database, local_telegram)
    now = clock.now()
    ids = [
        await add_notice(database, person_id, "Tin một.", now - timedelta(seconds=20)),
        await add_notice(database, person_id, "Tin hai.", now - timedelta(seconds=10)),
        await add_notice(database, person_id, "Tin ba.", now),
    ]
    async with dispatcher(database, clock, local_telegram) as d:
        await d.run_until_idle()
    messages = local_telegram.sent(user_id)
    assert len(messages) == 1
    assert all(part in (messages[0].text or "") for part in ("Tin một.", "Tin hai.", "Tin ba."))
    rows = [await row(database, i) for i in ids]
    assert {r.status for r in rows} == {S.SENT}
    assert {r.sent_message_id for r in rows} == {str(messages[0].message_id)}


async def test_notices_further_apart_than_the_window_are_not_merged(
    database: Database, clock: FixedClock, local_telegram: LocalTelegram
) -> None:
    person_id, user_id = await add_person(database, local_telegram)
    await add_notice(database, person_id, "Sáng.", clock.now() - timedelta(hours=2))
    await add_notice(database, person_id, "Chiều.", clock.now())
    async with dispatcher(database, clock, local_telegram) as d:
        await d.run_until_idle()
    assert [m.text for m in local_telegram.sent(user_id)] == ["Sáng.", "Chiều."]


async def test_a_person_with_no_chat_account_is_failed_as_not_linked(
    database: Database, clock: FixedClock, local_telegram: LocalTelegram, centre_id: int
) -> None:
    async with database.uow() as uow:
        person = Person(centre_id=centre_id, full_name="Chưa Liên Kết", name_key="chua lien ket")
        uow.session.add(person)
        await uow.commit()
        person_id = person.id
    notice_id = await add_notice(database, person_id, "Tin.", clock.now())
    async with dispatcher(database, clock, local_telegram) as d:
        await d.run_until_idle()
    failed = await row(database, notice_id)
    assert (failed.status, failed.last_error) == (S.FAILED, "not_linked")


async def test_staff_see_delivery_per_kind_and_resend_the_failed_ones(
    database: Database, sample_class: SampleClass, clock: FixedClock, local_telegram: LocalTelegram
) -> None:
    async with database.uow() as uow:
        learners = list(await uow.session.scalars(select(Person).order_by(Person.id).limit(3)))
    linked = []
    for p in learners[:2]:
        _, user_id = await add_person(database, local_telegram, p.full_name, person_id=p.id)
        linked.append(user_id)
    local_telegram.block(linked[1])
    await notices.broadcast(
        database.uow(),
        actor=staff(sample_class),
        text="Mai nghỉ.",
        class_code=sample_class.code,
        settings=SETTINGS,
        now=clock.now(),
    )
    async with dispatcher(database, clock, local_telegram) as d:
        await d.run_until_idle()
        view = await delivery.delivery_view(
            database.uow(), actor=staff(sample_class), class_code=sample_class.code
        )
        [counts] = view.kinds
        assert (counts.kind, counts.sent, counts.failed, counts.pending) == ("broadcast", 1, 44, 0)
        reasons = {line.name: line.reason_code for line in view.failed}
        assert reasons[learners[1].full_name] == "blocked"
        assert reasons[learners[2].full_name] == "not_linked"
        assert view.failed_total == 44

        local_telegram.unblock(linked[1])
        resent = await delivery.resend_failed(
            database.uow(), actor=staff(sample_class), class_code=sample_class.code, now=clock.now()
        )
        assert resent == 44
        await d.run_until_idle()
    view = await delivery.delivery_view(
        database.uow(), actor=staff(sample_class), class_code=sample_class.code
    )
    assert (view.kinds[0].sent, view.kinds[0].failed) == (2, 43), view.kinds
    assert (local_telegram.sent(linked[1])[-1].text or "").endswith("Mai nghỉ.")


async def test_a_long_notice_is_split_under_telegrams_limit(
    database: Database, clock: FixedClock, local_telegram: LocalTelegram
) -> None:
    person_id, user_id = await add_person(database, local_telegram)
    text = "\n".join(f"Dòng {i}: " + "nội dung " * 20 for i in range(60))
    notice_id = await add_notice(database, person_id, text, clock.now())
    async with dispatcher(database, clock, local_telegram) as d:
        await d.run_until_idle()
    parts = local_telegram.sent(user_id)
    assert len(parts) > 1 and all(len(p.text or "") <= 4096 for p in parts)
    assert (await row(database, notice_id)).sent_message_id == str(parts[-1].message_id)


async def test_quiet_hours_setting_can_be_switched_off(
    database: Database, clock: FixedClock, local_telegram: LocalTelegram
) -> None:
    settings = replace(
        SETTINGS, notices=replace(SETTINGS.notices, quiet_start=SETTINGS.notices.quiet_end)
    )
    clock.set(clock.now().replace(hour=20))  # 03:00 in Vietnam
    person_id, user_id = await add_person(database, local_telegram)
    await add_notice(database, person_id, "Tin đêm.", clock.now())
    async with dispatcher(database, clock, local_telegram, settings) as d:
        await d.run_until_idle()
    assert [m.text for m in local_telegram.sent(user_id)] == ["Tin đêm."]
