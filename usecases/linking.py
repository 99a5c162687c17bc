"""Linking a chat account to a person on the roster, safely (DESIGN §2, journey 2).

Two proofs are accepted: a one-time invite code the centre handed out, or the sender's *own*
phone number shared from their Telegram account and found on a roster. Anything else changes
nothing.

One person, one account per channel (DESIGN §5): once someone is linked on a channel, their
codes no longer link another account there, nor does their phone number; only a code staff
issue afresh (`sll lop loi-moi … --cap-lai`) does, and the account it replaces is unlinked and
told. Every new link tells the person's other accounts. Wrong codes are throttled per account
and counted in the audit log, so codes cannot be guessed.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import (
    AuditEntry,
    ChatAccount,
    Class,
    Enrollment,
    Invite,
    InviteRole,
    Person,
    Unit,
    UnitLeader,
)
from texts import linking as T
from usecases.classes import ImportRejected
from usecases.identity import Actor, load_actor
from usecases.outbox import Notice, enqueue
from vn.phones import PhoneError, normalize_phone
from vn.text import name_key

__all__ = [
    "INVITE_ALPHABET",
    "INVITE_LENGTH",
    "LinkOutcome",
    "LinkStatus",
    "create_invites",
    "link_by_code",
    "link_by_contact",
    "new_invite_code",
    "reissue_invite",
]

# Typed by hand on Zalo, so no look-alike characters (0/O, 1/I/L); 32**10 codes.
INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_LENGTH = 10
# Wrong invite codes one account may type in the window before it has to wait.
WRONG_CODES_ALLOWED = 5
WRONG_CODES_WINDOW = timedelta(minutes=10)
AUDIT_WRONG_CODE = "invite.wrong_code"
AUDIT_THROTTLED = "invite.throttled"
KIND_ACCOUNT = "account"  # notices about a person's own accounts


class LinkStatus(StrEnum):
    LINKED = "linked"
    ALREADY = "already"  # this account is already that person
    UNKNOWN_CODE = "unknown_code"
    USED_CODE = "used_code"
    OTHER_PERSON = "other_person"  # this account belongs to someone else
    NOT_OWN_CONTACT = "not_own_contact"
    BAD_PHONE = "bad_phone"
    UNKNOWN_PHONE = "unknown_phone"
    THROTTLED = "throttled"  # too many wrong codes from this account: wait
    TAKEN_ON_CHANNEL = "taken_on_channel"  # that person already has an account on this channel


@dataclass(frozen=True)
class LinkOutcome:
    status: LinkStatus
    name: str | None = None
    class_names: tuple[str, ...] = ()
    unit_names: tuple[str, ...] = ()
    phone: str | None = None
    wait_minutes: int = 0  # THROTTLED: how long until a code may be typed again
    actor: Actor | None = None  # the speaker as they are after linking, roles included


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))


def normalize_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


async def link_by_code(
    uow: UnitOfWork, *, account_id: int, code: str, now: datetime
) -> LinkOutcome:
    async with uow:
        session = uow.session
        account = await session.get(ChatAccount, account_id)
        assert account is not None
        wait = await _throttled_for(uow, account, now)
        if wait is not None:
            _audit(uow, account, AUDIT_THROTTLED, now)
            await uow.commit()
            return LinkOutcome(LinkStatus.THROTTLED, wait_minutes=wait)
        invite = await session.scalar(
            select(Invite).where(Invite.code == normalize_code(code)).with_for_update()
        )
        if invite is None:
            _audit(uow, account, AUDIT_WRONG_CODE, now)
            await uow.commit()
            return LinkOutcome(LinkStatus.UNKNOWN_CODE)
        if account.person_id is not None and account.person_id != invite.person_id:
            return LinkOutcome(LinkStatus.OTHER_PERSON, name=await _name(uow, account.person_id))
        if invite.used_at is not None:
            if invite.used_by_account_id == account.id:
                return await _describe(uow, account, LinkStatus.ALREADY)
            _audit(uow, account, AUDIT_WRONG_CODE, now)
            await uow.commit()
            return LinkOutcome(LinkStatus.USED_CODE)
        if account.person_id == invite.person_id:
            return await _describe(uow, account, LinkStatus.ALREADY)
        return await _link(uow, account, invite.person_id, now, invite=invite)


async def link_by_contact(
    uow: UnitOfWork, *, account_id: int, phone: str, is_own: bool, now: datetime
) -> LinkOutcome:
    if not is_own:
        return LinkOutcome(LinkStatus.NOT_OWN_CONTACT)
    try:
        e164 = normalize_phone(phone)
    except PhoneError:
        return LinkOutcome(LinkStatus.BAD_PHONE)
    async with uow:
        session = uow.session
        account = await session.get(ChatAccount, account_id)
        assert account is not None
        person = await session.scalar(select(Person).where(Person.phone == e164))
        if person is None:
            return LinkOutcome(LinkStatus.UNKNOWN_PHONE, phone=e164)
        if account.person_id == person.id:
            return await _describe(uow, account, LinkStatus.ALREADY)
        if account.person_id is not None:
            return LinkOutcome(LinkStatus.OTHER_PERSON, name=await _name(uow, account.person_id))
        return await _link(uow, account, person.id, now, invite=None)


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
            await _tell(uow, other, account, T.LINK_REFUSED_ELSEWHERE, key, person_id, now)
        await uow.commit()
        return LinkOutcome(LinkStatus.TAKEN_ON_CHANNEL)
    if invite is not None:
        invite.used_at, invite.used_by_account_id = now, account.id
    account.person_id, account.linked_at = person_id, now
    for old in same_channel:
        old.person_id, old.linked_at, old.pending = None, None, None
        key = f"link.replaced:{account.id}:{old.id}:{now.isoformat()}"
        await _tell(uow, old, account, T.LINK_REPLACED, key, person_id, now)
    await session.flush()
    others = await session.scalars(
        select(ChatAccount).where(ChatAccount.person_id == person_id, ChatAccount.id != account.id)
    )
    for other in others:
        key = f"link.new:{account.id}:{other.id}:{now.isoformat()}"
        await _tell(uow, other, account, T.LINKED_ELSEWHERE, key, person_id, now)
    outcome = await _describe(uow, account, LinkStatus.LINKED)
    await uow.commit()
    return outcome


async def _tell(
    uow: UnitOfWork,
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
        uow.session,
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


async def _throttled_for(uow: UnitOfWork, account: ChatAccount, now: datetime) -> int | None:
    """Minutes this account must wait before typing another code, or None."""
    since = now - WRONG_CODES_WINDOW
    count, oldest = (
        await uow.session.execute(
            select(func.count(), func.min(AuditEntry.at)).where(
                AuditEntry.action == AUDIT_WRONG_CODE,
                AuditEntry.entity == "chat_account",
                AuditEntry.entity_id == account.id,
                AuditEntry.at > since,
            )
        )
    ).one()
    if count < WRONG_CODES_ALLOWED or oldest is None:
        return None
    return max(1, math.ceil((oldest - since).total_seconds() / 60))


def _audit(uow: UnitOfWork, account: ChatAccount, action: str, now: datetime) -> None:
    """Code attempts are kept by account id (not the code typed, not a name)."""
    uow.session.add(
        AuditEntry(
            at=now,
            actor_person_id=account.person_id,
            actor_label=f"{account.channel}:{account.external_id}",
            action=action,
            entity="chat_account",
            entity_id=account.id,
        )
    )


async def reissue_invite(
    uow: UnitOfWork, *, class_id: int, who: str, now: datetime
) -> tuple[Person, str, InviteRole]:
    """A fresh code for one learner or unit leader of the class, linked or not (a lost phone, a
    new account): it replaces their account on the channel where it is used, and their older
    unused codes stop working."""
    async with uow:
        session = uow.session
        learners, leaders = await _class_people(session, class_id)
        try:
            phone: str | None = normalize_phone(who)
        except PhoneError:
            phone = None
        number = int(who) if who.isdigit() and len(who) <= 4 else None
        key = name_key(who)
        people = [(p, InviteRole.LEARNER) for p in learners] + [
            (p, InviteRole.LEADER) for p in leaders
        ]
        matches = [
            (p, role)
            for i, (p, role) in enumerate(people, start=1)
            if (number == i and role == InviteRole.LEARNER)
            or (phone and p.phone == phone)
            or p.name_key == key
        ]
        if len(matches) != 1:
            raise ImportRejected([T.REISSUE_NOT_FOUND.format(who=who, count=len(matches))])
        person, role = matches[0]
        await session.execute(
            update(Invite)
            .where(Invite.person_id == person.id, Invite.used_at.is_(None))
            .values(used_at=now)
        )
        invite = Invite(
            code=new_invite_code(),
            person_id=person.id,
            role=role,
            class_id=class_id,
            created_at=now,
            reissued=True,
        )
        session.add(invite)
        session.add(
            AuditEntry(
                at=now,
                actor_label="cli",
                action="invite.reissue",
                entity="person",
                entity_id=person.id,
            )
        )
        await uow.commit()
        return person, invite.code, role


async def create_invites(
    uow: UnitOfWork, *, class_id: int, now: datetime
) -> list[tuple[Person, str, InviteRole]]:
    """One unused code per learner and per leader of the class's units who has no chat
    account yet; existing unused codes are reused, so printing twice hands out the same codes."""
    async with uow:
        session = uow.session
        learners, leaders = await _class_people(session, class_id)
        linked = set(
            await session.scalars(
                select(ChatAccount.person_id).where(ChatAccount.person_id.is_not(None))
            )
        )
        out: list[tuple[Person, str, InviteRole]] = []
        for role, people in ((InviteRole.LEARNER, learners), (InviteRole.LEADER, leaders)):
            for person in people:
                if person.id in linked:
                    continue
                invite = await session.scalar(
                    select(Invite).where(Invite.person_id == person.id, Invite.used_at.is_(None))
                )
                if invite is None:
                    invite = Invite(
                        code=new_invite_code(),
                        person_id=person.id,
                        role=role,
                        class_id=class_id,
                        created_at=now,
                    )
                    session.add(invite)
                out.append((person, invite.code, role))
        await uow.commit()
        return out


async def _name(uow: UnitOfWork, person_id: int) -> str | None:
    person = await uow.session.get(Person, person_id)
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


async def _class_people(
    session: AsyncSession, class_id: int
) -> tuple[Sequence[Person], Sequence[Person]]:
    """The class's learners in roster order, and the leaders of their units."""
    learners = (
        await session.scalars(
            select(Person)
            .join(Enrollment, Enrollment.person_id == Person.id)
            .where(Enrollment.class_id == class_id)
            .order_by(Enrollment.roster_row, Person.id)
        )
    ).all()
    unit_ids = {p.unit_id for p in learners if p.unit_id is not None}
    leaders = (
        await session.scalars(
            select(Person)
            .join(UnitLeader, UnitLeader.person_id == Person.id)
            .where(UnitLeader.unit_id.in_(unit_ids))
            .order_by(UnitLeader.unit_id, Person.id)
        )
    ).all()
    return learners, leaders
