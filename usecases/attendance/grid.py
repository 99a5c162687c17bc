"""Review: a session's counts and names, and the class's learners × sessions grid with its
per-session counts and overall rate (the exported sheet is made from the grid by
``render/attendance.py``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import Attendance, AttendanceStatus, Class, Session, SessionStatus
from usecases.attendance.rules import AttendanceReason, count
from usecases.attendance.store import (
    load_session,
    require_mark_right,
    roster_lines,
    session_info,
)
from usecases.attendance.views import AttendanceMatrix, ClassReport, MatrixRow, SessionReport
from usecases.identity import Actor
from usecases.refusal import Refused
from usecases.settings import AttendanceSettings

__all__ = ["attendance_matrix", "class_report", "session_report", "staff_classes"]


async def session_report(
    uow: UnitOfWork, *, actor: Actor, session_id: int, settings: AttendanceSettings
) -> SessionReport:
    """Counts and names for one session (staff, or the class's monitors)."""
    async with uow:
        session = uow.session
        lesson, klass = await load_session(session, session_id, seen_by=actor)
        await require_mark_right(session, actor, klass)
        lines = await roster_lines(session, klass.id, lesson.id)

        def names(status: str | None) -> tuple[str, ...]:
            return tuple(line.name for line in lines if line.status == status)

        return SessionReport(
            session_info(lesson, klass, settings),
            count([line.status for line in lines]),
            names(AttendanceStatus.ABSENT),
            names(AttendanceStatus.EXCUSED),
            names(AttendanceStatus.LATE),
            names(None),
        )


async def staff_classes(uow: UnitOfWork, *, actor: Actor) -> list[tuple[int, str, str]]:
    """(id, code, name) of the classes of this staff member's centres, newest first."""
    async with uow:
        rows = await uow.session.execute(
            select(Class.id, Class.code, Class.name)
            .where(Class.centre_id.in_(actor.staff_centre_ids))
            .order_by(Class.start_date.desc(), Class.id.desc())
        )
        return [(i, c, n) for i, c, n in rows.all()]


async def _staff_class(
    session: AsyncSession, actor: Actor, class_id: int | None, class_code: str | None
) -> Class:
    """The class, if it is one of the actor's centres' (the same answer as no such class)."""
    query = select(Class).where(Class.centre_id.in_(actor.staff_centre_ids))
    if class_id is not None:
        query = query.where(Class.id == class_id)
    else:
        query = query.where(Class.code == (class_code or "").strip().upper())
    klass = await session.scalar(query)
    if klass is None:
        raise Refused(AttendanceReason.SESSION_NOT_FOUND, class_id=class_id, code=class_code)
    return klass


async def attendance_matrix(
    uow: UnitOfWork,
    *,
    actor: Actor,
    settings: AttendanceSettings,
    class_id: int | None = None,
    class_code: str | None = None,
) -> AttendanceMatrix:
    """Learners × sessions of a class with their marks (staff of its centre only)."""
    async with uow:
        session = uow.session
        klass = await _staff_class(session, actor, class_id, class_code)
        lessons = list(
            await session.scalars(
                select(Session)
                .where(Session.class_id == klass.id, Session.status == SessionStatus.SCHEDULED)
                .order_by(Session.starts_at, Session.id)
            )
        )
        index = {s.id: i for i, s in enumerate(lessons)}
        marks: dict[int, list[str | None]] = {}
        for person_id, session_id, status in await session.execute(
            select(Attendance.person_id, Attendance.session_id, Attendance.status).where(
                Attendance.session_id.in_(list(index))
            )
        ):
            marks.setdefault(person_id, [None] * len(lessons))[index[session_id]] = status
        empty: list[str | None] = [None] * len(lessons)
        rows = []
        for line in await roster_lines(session, klass.id, -1):  # -1: no session, names only
            row_marks = marks.get(line.person_id, empty)
            rows.append(
                MatrixRow(
                    line.number, line.person_id, line.name, line.unit, tuple(row_marks),
                    count(row_marks),
                )
            )  # fmt: skip
        sessions = tuple(session_info(s, klass, settings) for s in lessons)
        return AttendanceMatrix(klass.id, klass.code, klass.name, sessions, tuple(rows))


async def class_report(
    uow: UnitOfWork, *, actor: Actor, class_id: int, now: datetime, settings: AttendanceSettings
) -> ClassReport:
    """Per held session counts and the class's overall attendance rate (staff only)."""
    matrix = await attendance_matrix(uow, class_id=class_id, actor=actor, settings=settings)
    held = matrix.held(now)
    per_session = tuple(
        (matrix.sessions[i], count([row.marks[i] for row in matrix.rows])) for i in held
    )
    possible = len(matrix.rows) * len(held)
    attended = sum(c.attended for _, c in per_session)
    return ClassReport(
        matrix.class_id,
        matrix.code,
        matrix.name,
        len(matrix.rows),
        per_session,
        attended / possible if possible else 0.0,
    )
