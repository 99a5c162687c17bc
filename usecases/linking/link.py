"""Linking the speaker's chat account to a person on the roster, by invite code or by their
own phone number; every new link tells the person's other accounts.

A refusal that must leave a trace is committed before it is raised: a wrong code is counted
in the audit log (codes cannot be guessed), and the person whose code or phone someone else
used is told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NoReturn

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import AuditEntry, ChatAccount, Class, Enrollment, Invite, Person, Unit, UnitLeader
from texts import linking as T
from usecases.audit import record
from usecases.identity import Actor, load_actor
from usecases.linking.rules import (
    AUDIT_THROTTLED,
    AUDIT_WRONG_CODE,
    KIND_ACCOUNT,
    WRONG_CODES_WINDOW,
    LinkReason,
    normalize_code,
    throttled_minutes,
)
from usecases.outbox import Notice, enqueue
from usecases.refusal import Refused
from vn.phones import PhoneError, mask_phone, normalize_phone

__all__ = ["LinkOutcome", "LinkStatus", "link_by_code", "link_by_contact"]


class LinkStatus(StrEnum):
    LINKED = "linked"
    ALREADY = "already"  # this account is already that person


@dataclass(frozen=True)
class LinkOutcome:
    """Who the account is now linked to, and the speaker as they are after linking."""

    status: LinkStatus
    name: str
    class_names: tuple[str, ...]
    unit_names: tuple[str, ...]
    actor: Actor


async def link_by_code(uow: UnitOfWork, *, actor: Actor, code: str, now: datetime) -> LinkOutcome:
    async with uow:
        session = uow.session
        account = await _account(session, actor)
        wait = await _throttled_for(session, account, now)
        if wait is not None:
            await _count_and_refuse(
                uow, actor, AUDIT_THROTTLED, now, LinkReason.THROTTLED, minutes=wait
            )
        # Another centre's code is no code here: its bot must not link to that centre's people.
        invite = await session.scalar(
            select(Invite)
            .join(Person, Person.id == Invite.person_id)
            .where(Invite.code == normalize_code(code), Person.centre_id == account.centre_id)
            .with_for_update(of=Invite)
        )
        if invite is None:
            await _count_and_refuse(
                uow, actor, AUDIT_WRONG_CODE, now, LinkReason.UNKNOWN_CODE, code=code[:20]
            )
        if account.person_id is not None and account.person_id != invite.person_id:
            raise Refused(LinkReason.OTHER_PERSON, name=await _name(session, account.person_id))
        if invite.used_at is not None:
            if invite.used_by_account_id == account.id:
                return await _describe(uow, account, LinkStatus.ALREADY)
            await _count_and_refuse(uow, actor, AUDIT_WRONG_CODE, now, LinkReason.USED_CODE)
        if account.person_id == invite.person_id:
            return await _describe(uow, account, LinkStatus.ALREADY)
        return await _link(uow, account, invite.person_id, now, invite=invite)


async def link_by_contact(
    uow: UnitOfWork, *, actor: Actor, phone: str, is_own: bool, now: datetime
) -> LinkOutcome:
    if not is_own:
        raise Refused(LinkReason.NOT_OWN_CONTACT)
    try:
        e164 = normalize_phone(phone)
    except PhoneError:
        raise Refused(LinkReason.BAD_PHONE) from None
    async with uow:
        session = uow.session
        account = await _account(session, actor)
        person = await session.scalar(
            select(Person).where(Person.centre_id == account.centre_id, Person.phone == e164)
        )
        if person is None:
            raise Refused(LinkReason.UNKNOWN_PHONE, phone=mask_phone(e164))
        if account.person_id == person.id:
            return await _describe(uow, account, LinkStatus.ALREADY)
        if account.person_id is not None:
            raise Refused(LinkReason.OTHER_PERSON, name=await _name(session, account.person_id))
        return await _link(uow, account, person.id, now, invite=None)


async def _account(session: AsyncSession, actor: Actor) -> ChatAccount:
    account = await session.get(ChatAccount, actor.account_id)
    assert account is not None
    return account


async def _count_and_refuse(
    uow: UnitOfWork, actor: Actor, action: str, now: datetime, reason: LinkReason, **details: object
) -> NoReturn:
    """Code attempts are kept by account (not the code typed, not a name), then refused."""
    record(uow.session, actor, action, entity="chat_account", entity_id=actor.account_id, at=now)
    await uow.commit()
    raise Refused(reason, **details)


async def _link(
    uow: UnitOfWork, account: ChatAccount, person_id: int, now: datetime, *, invite: Invite | None
) -> LinkOutcome:
    """Link `account` to the person unless they have an account on this channel already (only
    a reissued code replaces it); tell the replaced account and every other one."""
    session = uow.session
    # One link at a time per person (PostgreSQL), so two accounts cannot both slip in.
    await session.execute(select(Person.id).where(Person.id == person_id).with_for_update())
    same_channel = list(
        await session.scalars(
            select(ChatAccount).where(
                ChatAccount.person_id == person_id,
                ChatAccount.channel == account.channel,
                ChatAccount.id != account.id,
            )
        )
    )
    if same_channel and not (invite is not None and invite.reissued):
        for other in same_channel:  # someone holds her code or phone: she should know (once)
            key = f"link.refused:{account.id}:{other.id}"
            await _tell(session, other, account, T.LINK_REFUSED_ELSEWHERE, key, person_id, now)
        await uow.commit()
        channel = T.CHANNEL_NAMES.get(account.channel, account.channel)
        raise Refused(LinkReason.TAKEN_ON_CHANNEL, channel=channel)
    if invite is not None:
        invite.used_at, invite.used_by_account_id = now, account.id
    account.person_id, account.linked_at = person_id, now
    for old in same_channel:
        old.person_id, old.linked_at, old.pending = None, None, None
        key = f"link.replaced:{account.id}:{old.id}:{now.isoformat()}"
        await _tell(session, old, account, T.LINK_REPLACED, key, person_id, now)
    await session.flush()
    others = await session.scalars(
        select(ChatAccount).where(ChatAccount.person_id == person_id, ChatAccount.id != account.id)
    )
    for other in others:
        key = f"link.new:{account.id}:{other.id}:{now.isoformat()}"
        await _tell(session, other, account, T.LINKED_ELSEWHERE, key, person_id, now)
    outcome = await _describe(uow, account, LinkStatus.LINKED)
    await uow.commit()
    return outcome


async def _tell(
    session: AsyncSession,
    to: ChatAccount,
    new: ChatAccount,
    text: str,
    key: str,
    person_id: int,
    now: datetime,
) -> None:
    """A notice to the account `to` only (not to the person's latest), about the account `new`
    that was just linked, or refused, for the same person."""
    await enqueue(
        session,
        Notice(
            key=key,
            person_id=person_id,
            account_id=to.id,
            kind=KIND_ACCOUNT,
            text=text.format(channel=T.CHANNEL_NAMES.get(new.channel, new.channel)),
            due_at=now,
            urgent=True,
        ),
    )


async def _throttled_for(session: AsyncSession, account: ChatAccount, now: datetime) -> int | None:
    """Minutes this account must wait before typing another code, or None."""
    count, oldest = (
        await session.execute(
            select(func.count(), func.min(AuditEntry.at)).where(
                AuditEntry.action == AUDIT_WRONG_CODE,
                AuditEntry.entity == "chat_account",
                AuditEntry.entity_id == account.id,
                AuditEntry.at > now - WRONG_CODES_WINDOW,
            )
        )
    ).one()
    return throttled_minutes(count, oldest, now)


async def _name(session: AsyncSession, person_id: int) -> str | None:
    person = await session.get(Person, person_id)
    return person.full_name if person else None


async def _describe(uow: UnitOfWork, account: ChatAccount, status: LinkStatus) -> LinkOutcome:
    session = uow.session
    await session.flush()
    person_id = account.person_id
    assert person_id is not None
    person = await session.get(Person, person_id)
    assert person is not None
    classes = await session.scalars(
        select(Class.name)
        .join(Enrollment, Enrollment.class_id == Class.id)
        .where(Enrollment.person_id == person_id)
        .order_by(Class.start_date.desc())
    )
    units = await session.scalars(
        select(Unit.name)
        .join(UnitLeader, UnitLeader.unit_id == Unit.id)
        .where(UnitLeader.person_id == person_id)
        .order_by(Unit.name)
    )
    return LinkOutcome(
        status,
        name=person.full_name,
        class_names=tuple(classes),
        unit_names=tuple(units),
        actor=await load_actor(uow, account),
    )
