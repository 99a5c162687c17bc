"""What is coming up: a person's classes and their next sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import Class, Enrollment, Person, Session, SessionStatus
from usecases.identity import Actor

__all__ = ["ClassSchedule", "SessionView", "upcoming_for"]

SESSIONS_SHOWN = 5  # a phone screen's worth; the rest comes in the announcement


@dataclass(frozen=True)
class SessionView:
    id: int
    number: int | None
    starts_at: datetime
    ends_at: datetime
    topic: str | None
    lecturer: str | None
    place: str | None
    cancelled: bool


@dataclass(frozen=True)
class ClassSchedule:
    class_id: int
    code: str
    name: str
    sessions: tuple[SessionView, ...]
    remaining: int  # upcoming sessions beyond those shown


async def upcoming_for(
    uow: UnitOfWork, actor: Actor, *, now: datetime, limit: int = SESSIONS_SHOWN
) -> list[ClassSchedule]:
    """Upcoming sessions of the classes this person may see: their own classes as a learner,
    the classes their unit's learners attend as a leader, the centre's classes as staff."""
    async with uow:
        session = uow.session
        out: list[ClassSchedule] = []
        classes = await session.scalars(
            select(Class)
            .where(Class.id.in_(await _visible_class_ids(session, actor)))
            .order_by(Class.start_date, Class.id)
        )
        for klass in classes:
            rows = list(
                await session.scalars(
                    select(Session)
                    .where(Session.class_id == klass.id, Session.ends_at > now)
                    .order_by(Session.starts_at)
                )
            )
            if not rows and actor.staff_centre_ids and klass.id not in actor.learner_class_ids:
                continue  # staff see only classes still running
            views = tuple(
                SessionView(
                    s.id,
                    s.number,
                    s.starts_at,
                    s.ends_at,
                    s.topic,
                    s.lecturer,
                    s.place,
                    s.status == SessionStatus.CANCELLED,
                )
                for s in rows[:limit]
            )
            out.append(
                ClassSchedule(klass.id, klass.code, klass.name, views, max(0, len(rows) - limit))
            )
        return out


async def _visible_class_ids(session: AsyncSession, actor: Actor) -> set[int]:
    """Their own classes as a learner, their units' learners' classes as a leader, the
    centre's classes as staff."""
    class_ids = set(actor.learner_class_ids)
    if actor.leader_unit_ids:
        class_ids |= set(
            await session.scalars(
                select(Enrollment.class_id)
                .join(Person, Person.id == Enrollment.person_id)
                .where(Person.unit_id.in_(actor.leader_unit_ids))
            )
        )
    if actor.staff_centre_ids:
        class_ids |= set(
            await session.scalars(
                select(Class.id).where(Class.centre_id.in_(actor.staff_centre_ids))
            )
        )
    return class_ids
