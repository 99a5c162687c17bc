"""Staff correct any mark, at any time, with a reason that is kept with its history."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import (
    Attendance,
    AttendanceChange,
    AttendanceMethod,
    AttendanceStatus,
    Class,
    Person,
    Session,
    SessionStatus,
)
from usecases import audit
from usecases.attendance.marks import RECENT_SESSIONS
from usecases.attendance.rules import AttendanceReason
from usecases.attendance.store import (
    MarkWrite,
    enrolled,
    load_session,
    replaying,
    require_staff,
    session_info,
    write_mark,
)
from usecases.attendance.views import ChangeView, Correction, MarkHistory, SessionInfo
from usecases.identity import Actor
from usecases.refusal import Refused
from usecases.settings import AttendanceSettings

__all__ = ["correct", "mark_history", "recent_sessions"]

MAX_REASON = 1000


async def _learner_name(session: AsyncSession, class_id: int, person_id: int) -> str:
    person = await session.get(Person, person_id)
    if person is None or not await enrolled(session, class_id, person_id):
        raise Refused(AttendanceReason.LEARNER_NOT_FOUND, person_id=person_id)
    return person.full_name


async def correct(
    uow: UnitOfWork,
    *,
    actor: Actor,
    session_id: int,
    person_id: int,
    status: str,
    reason: str,
    now: datetime,
    settings: AttendanceSettings,
) -> Correction:
    """A staff member changes any mark, at any time, with a reason that is kept."""
    status = AttendanceStatus(status)
    reason = reason.strip()
    if not reason:
        raise Refused(AttendanceReason.REASON_NEEDED)

    async def work(session: AsyncSession) -> Correction:
        lesson, klass = await load_session(session, session_id, seen_by=actor)
        require_staff(actor, klass.centre_id)
        name = await _learner_name(session, klass.id, person_id)
        change = MarkWrite(
            lesson.id, person_id, status, AttendanceMethod.STAFF, actor.person_id, now,
            reason=reason[:MAX_REASON],
        )  # fmt: skip
        changed = await write_mark(session, change)
        audit.record(
            session,
            actor,
            "attendance.correct",
            entity="session",
            entity_id=lesson.id,
            details={"person_id": person_id, "status": status, "changed": bool(changed)},
        )
        old = changed[0] if changed else status
        history = await _history(session, lesson.id, person_id)
        info = session_info(lesson, klass, settings)
        return Correction(info, name, old, status, bool(changed), history)

    return await replaying(uow, work)


async def _history(
    session: AsyncSession, session_id: int, person_id: int
) -> tuple[ChangeView, ...]:
    await session.flush()
    rows = await session.execute(
        select(AttendanceChange, Person.full_name)
        .join(Attendance, Attendance.id == AttendanceChange.attendance_id)
        .outerjoin(Person, Person.id == AttendanceChange.changed_by)
        .where(Attendance.session_id == session_id, Attendance.person_id == person_id)
        .order_by(AttendanceChange.changed_at, AttendanceChange.id)
    )
    return tuple(
        ChangeView(c.changed_at, c.old_status, c.new_status, c.method, name, c.reason)
        for c, name in rows.all()
    )


async def mark_history(
    uow: UnitOfWork,
    *,
    actor: Actor,
    session_id: int,
    person_id: int,
    settings: AttendanceSettings,
) -> MarkHistory:
    """A learner's mark for a session and every change to it (staff only)."""
    async with uow:
        session = uow.session
        lesson, klass = await load_session(session, session_id, seen_by=actor)
        require_staff(actor, klass.centre_id)
        name = await _learner_name(session, klass.id, person_id)
        current = await session.scalar(
            select(Attendance.status).where(
                Attendance.session_id == session_id, Attendance.person_id == person_id
            )
        )
        history = await _history(session, session_id, person_id)
        return MarkHistory(session_info(lesson, klass, settings), name, current, history)


async def recent_sessions(
    uow: UnitOfWork, *, actor: Actor, now: datetime, settings: AttendanceSettings
) -> list[SessionInfo]:
    """The centre's sessions that have opened for check-in, newest first (for corrections)."""
    async with uow:
        rows = await uow.session.execute(
            select(Session, Class)
            .join(Class, Class.id == Session.class_id)
            .where(
                Class.centre_id.in_(actor.staff_centre_ids),
                Session.status == SessionStatus.SCHEDULED,
                Session.starts_at <= now + timedelta(minutes=settings.open_minutes_before),
            )
            .order_by(Session.starts_at.desc(), Session.id.desc())
            .limit(RECENT_SESSIONS)
        )
        return [session_info(s, c, settings) for s, c in rows.all()]
