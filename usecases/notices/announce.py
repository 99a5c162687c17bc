"""The class announcement (to each learner, and to each leader of their units) and a staff
message to a whole class or unit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import Centre, Class, Enrollment, Person, Session, SessionStatus, Unit, UnitLeader
from texts import notices as T
from usecases.audit import record
from usecases.classes.setup import staff_class
from usecases.identity import Actor
from usecases.notices import rules, wording
from usecases.notices.planning import learner_ids, plan_reminders
from usecases.notices.rules import Kind, NoticeReason
from usecases.outbox import Notice, enqueue_all, for_each
from usecases.refusal import Refused
from usecases.settings import Settings
from usecases.units import nomination_choices
from vn.text import nfc_lines

__all__ = ["Announced", "announce_class", "broadcast"]


@dataclass(frozen=True)
class Announced:
    learners: int
    leaders: int
    reminders: int

    @property
    def total(self) -> int:
        return self.learners + self.leaders


async def announce_class(
    uow: UnitOfWork,
    *,
    actor: Actor,
    class_code: str,
    settings: Settings,
    now: datetime,
) -> Announced:
    """The class announcement to each learner and to each leader of the learners' units (one
    per leader, listing their learners), plus every session's reminders. Announcing again
    adds only what is missing (new learners, new leaders)."""
    async with uow:
        session = uow.session
        klass = await staff_class(session, actor, class_code)
        sessions = list(
            await session.scalars(
                select(Session).where(Session.class_id == klass.id).order_by(Session.starts_at)
            )
        )
        announcement = wording.Announcement(klass, sessions, settings.timezone)
        learners = await _learners(session, klass.id)
        n_learners, n_leaders = await _announce(session, klass, announcement, learners, now)
        if klass.announced_at is None:
            klass.announced_at = now
        reminders = await plan_reminders(
            session, klass=klass, notices=settings.notices, tz=settings.timezone, now=now,
            sessions=[s for s in sessions if s.status == SessionStatus.SCHEDULED],
            person_ids=[p for p, _, _ in learners],
        )  # fmt: skip
        record(
            session, actor, "class.announce", entity="class", entity_id=klass.id,
            details={"learners": n_learners, "leaders": n_leaders, "reminders": reminders},
        )  # fmt: skip
        await uow.commit()
        return Announced(n_learners, n_leaders, reminders)


async def _learners(session: AsyncSession, class_id: int) -> list[tuple[int, str, int | None]]:
    """(person id, name, unit id) of the class's learners, in roster order."""
    rows = await session.execute(
        select(Person.id, Person.full_name, Person.unit_id)
        .join(Enrollment, Enrollment.person_id == Person.id)
        .where(Enrollment.class_id == class_id)
        .order_by(Enrollment.roster_row, Person.id)
    )
    return [(p, name, unit) for p, name, unit in rows]


async def _announce(
    session: AsyncSession,
    klass: Class,
    announcement: wording.Announcement,
    learners: list[tuple[int, str, int | None]],
    now: datetime,
) -> tuple[int, int]:
    """The announcement to each learner and to each leader; how many of each were new."""
    to_learner = Notice(
        key="", person_id=0, kind=Kind.ANNOUNCEMENT, due_at=now, class_id=klass.id,
        text=wording.announcement_for_learners(announcement),
    )  # fmt: skip
    key = partial(rules.announce_key, klass.id)
    n_learners = await enqueue_all(session, for_each(to_learner, [p for p, _, _ in learners], key))
    named = [(name, unit) for _, name, unit in learners]
    leaders = (
        await session.execute(
            select(UnitLeader.person_id, Unit.id, Unit.name)
            .join(Unit, Unit.id == UnitLeader.unit_id)
            .where(UnitLeader.unit_id.in_(rules.learner_units(named)))
            .order_by(UnitLeader.person_id, Unit.name)
        )
    ).all()
    per_leader = rules.units_per_leader(named, [(p, u, n) for p, u, n in leaders])
    to_leaders = [
        Notice(
            key=rules.leader_key(klass.id, leader_id),
            person_id=leader_id,
            kind=Kind.ANNOUNCEMENT,
            text=wording.announcement_for_leader(announcement, units),
            due_at=now,
            class_id=klass.id,
            choices=nomination_choices(klass.id),  # the leader confirms their nominees
        )
        for leader_id, units in per_leader.items()
    ]
    return n_learners, await enqueue_all(session, to_leaders)


async def broadcast(
    uow: UnitOfWork,
    *,
    actor: Actor,
    text: str,
    settings: Settings,
    now: datetime,
    class_code: str | None = None,
    unit_id: int | None = None,
) -> int:
    """A staff message to every learner of a class, or of a unit (learners in any class).
    Each broadcast is one audit entry, whose id makes its keys unique. Returns the count."""
    text = nfc_lines(text)  # its line breaks kept; long texts are split at them when sent
    if not text:
        raise Refused(NoticeReason.EMPTY_TEXT)
    async with uow:
        session = uow.session
        class_id = None
        if class_code is not None:
            klass = await staff_class(session, actor, class_code)
            class_id, centre_id = klass.id, klass.centre_id
            people = await learner_ids(session, klass.id)
        else:
            people, centre_id = await _unit_learners(session, actor, unit_id)
        centre = await session.get(Centre, centre_id)
        entry = record(
            session, actor, "notice.broadcast", entity="class" if class_id else "unit",
            entity_id=class_id or unit_id, details={"recipients": len(people)},
        )  # fmt: skip
        await session.flush()
        body = T.BROADCAST.format(centre=centre.name if centre else settings.centre_name, text=text)
        message = Notice(
            key="", person_id=0, kind=Kind.BROADCAST, text=body, due_at=now, class_id=class_id
        )
        await enqueue_all(
            session, for_each(message, people, partial(rules.broadcast_key, entry.id))
        )
        await uow.commit()
        return len(people)


async def _unit_learners(
    session: AsyncSession, actor: Actor, unit_id: int | None
) -> tuple[list[int], int]:
    """The learners (in any class) of a unit of a centre the actor is staff of, and the unit's
    centre."""
    people = list(
        await session.scalars(
            select(Person.id)
            .join(Enrollment, Enrollment.person_id == Person.id)
            .where(Person.unit_id == unit_id)
            .distinct()
            .order_by(Person.id)
        )
    )
    unit = await session.get(Unit, unit_id)
    if unit is None or not actor.is_staff_of(unit.centre_id):
        raise Refused(NoticeReason.UNIT_NOT_FOUND)
    return people, unit.centre_id
