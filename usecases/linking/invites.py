"""Invite codes: one per learner and leader of a class who has no chat account yet, and a
fresh one staff issue for someone who lost their phone or changed account."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import ChatAccount, Enrollment, Invite, InviteRole, Person, UnitLeader
from usecases.audit import record
from usecases.classes import matching
from usecases.identity import Actor
from usecases.linking.rules import LinkReason, new_invite_code
from usecases.refusal import Refused

__all__ = ["create_invites", "reissue_invite"]


async def reissue_invite(
    uow: UnitOfWork, *, actor: Actor, class_id: int, who: str, now: datetime
) -> tuple[Person, str, InviteRole]:
    """A fresh code for one learner or unit leader of the class, linked or not (a lost phone, a
    new account): it replaces their account on the channel where it is used, and their older
    unused codes stop working. `who` is a learner's number in the list (TT), a phone number
    or a full name."""
    async with uow:
        session = uow.session
        learners, leaders = await _class_people(session, class_id)
        people = [
            (i, p.phone, p.name_key, (p, InviteRole.LEARNER))
            for i, p in enumerate(learners, start=1)
        ] + [(None, p.phone, p.name_key, (p, InviteRole.LEADER)) for p in leaders]
        matches = matching(who, people)
        if len(matches) != 1:
            raise Refused(LinkReason.REISSUE_NOT_FOUND, who=who, count=len(matches))
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
        record(session, actor, "invite.reissue", entity="person", entity_id=person.id, at=now)
        await uow.commit()
        return person, invite.code, role


async def create_invites(
    uow: UnitOfWork, *, class_id: int, now: datetime
) -> list[tuple[Person, str, InviteRole]]:
    """One unused code per learner and per leader of the class's units who has no chat
    account yet; existing unused codes are reused, so printing twice hands out the same codes.
    Nothing is audited: the codes are only printed, and used codes are recorded when used."""
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
