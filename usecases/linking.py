"""Linking a chat account to a person on the roster, safely (DESIGN §2, journey 2).

Two proofs are accepted: a one-time invite code the centre handed out, or the sender's *own*
phone number shared from their Telegram account and found on a roster. Anything else changes
nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select

from db.database import UnitOfWork
from db.models import (
    ChatAccount,
    Class,
    Enrollment,
    Invite,
    InviteRole,
    Person,
    Unit,
    UnitLeader,
)
from usecases.identity import Actor, load_actor
from vn.phones import PhoneError, normalize_phone

__all__ = [
    "INVITE_ALPHABET",
    "INVITE_LENGTH",
    "LinkOutcome",
    "LinkStatus",
    "create_invites",
    "link_by_code",
    "link_by_contact",
    "new_invite_code",
]

# Typed by hand on Zalo, so no look-alike characters (0/O, 1/I/L); 32**10 codes.
INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_LENGTH = 10


class LinkStatus(StrEnum):
    LINKED = "linked"
    ALREADY = "already"  # this account is already that person
    UNKNOWN_CODE = "unknown_code"
    USED_CODE = "used_code"
    OTHER_PERSON = "other_person"  # this account belongs to someone else
    NOT_OWN_CONTACT = "not_own_contact"
    BAD_PHONE = "bad_phone"
    UNKNOWN_PHONE = "unknown_phone"


@dataclass(frozen=True)
class LinkOutcome:
    status: LinkStatus
    name: str | None = None
    class_names: tuple[str, ...] = ()
    unit_names: tuple[str, ...] = ()
    phone: str | None = None
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
        invite = await session.scalar(
            select(Invite).where(Invite.code == normalize_code(code)).with_for_update()
        )
        if invite is None:
            return LinkOutcome(LinkStatus.UNKNOWN_CODE)
        if account.person_id is not None and account.person_id != invite.person_id:
            return LinkOutcome(LinkStatus.OTHER_PERSON, name=await _name(uow, account.person_id))
        if invite.used_at is not None:
            if invite.used_by_account_id == account.id:
                return await _describe(uow, account, LinkStatus.ALREADY)
            return LinkOutcome(LinkStatus.USED_CODE)
        invite.used_at, invite.used_by_account_id = now, account.id
        account.person_id, account.linked_at = invite.person_id, now
        outcome = await _describe(uow, account, LinkStatus.LINKED)
        await uow.commit()
        return outcome


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
        account.person_id, account.linked_at = person.id, now
        outcome = await _describe(uow, account, LinkStatus.LINKED)
        await uow.commit()
        return outcome


async def create_invites(
    uow: UnitOfWork, *, class_id: int, now: datetime
) -> list[tuple[Person, str, InviteRole]]:
    """One unused code per learner and per leader of the class's units who has no chat
    account yet; existing unused codes are reused, so printing twice hands out the same codes."""
    async with uow:
        session = uow.session
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
