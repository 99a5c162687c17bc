"""Attendance rows: loading a session, who may mark it, and writing a mark with its change.

One current row per session and learner (`Attendance`); every change is a row of
`AttendanceChange`. Concurrent writes never duplicate or lose a mark: the unique constraint
catches two first marks, and a compare-and-set update catches two changes of one mark; the
loser's transaction is replayed from the start (`replaying`), where it sees the winner's row.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import (
    Attendance,
    AttendanceChange,
    Class,
    Enrollment,
    Person,
    Session,
    SessionStatus,
    Unit,
)
from usecases.attendance.rules import AttendanceReason, checkin_window
from usecases.attendance.views import RosterLine, SessionInfo
from usecases.identity import Actor
from usecases.refusal import Refused
from usecases.settings import AttendanceSettings

__all__ = [
    "MarkWrite",
    "enrolled",
    "load_session",
    "may_mark",
    "replaying",
    "require_mark_right",
    "require_staff",
    "roster_lines",
    "session_info",
    "write_mark",
]

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # a transaction that lost a race is replayed this many times at most

R = TypeVar("R")


class Conflict(Exception):
    """Another transaction changed the mark between our read and our write: replay."""


async def replaying(uow: UnitOfWork, work: Callable[[AsyncSession], Awaitable[R]]) -> R:
    """Run `work` in one transaction; if it lost a race (unique key, changed mark), replay it
    from the start, where it sees the winner's row."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            async with uow:
                result = await work(uow.session)
                await uow.commit()
                return result
        except (IntegrityError, Conflict, OperationalError) as exc:
            # SQLite gives up waiting for its one writer after the busy timeout under a burst;
            # that is a lost race too, not a reason to lose a learner's check-in.
            locked = isinstance(exc, OperationalError) and "locked" in str(exc)
            if attempt == MAX_ATTEMPTS or (isinstance(exc, OperationalError) and not locked):
                raise
            log.info("attendance write lost a race, replaying (attempt %s)", attempt)
    raise AssertionError("unreachable")


def session_info(lesson: Session, klass: Class, settings: AttendanceSettings) -> SessionInfo:
    opens, closes = checkin_window(lesson.starts_at, settings)
    return SessionInfo(
        id=lesson.id,
        class_id=klass.id,
        class_code=klass.code,
        class_name=klass.name,
        centre_id=klass.centre_id,
        number=lesson.number,
        starts_at=lesson.starts_at,
        ends_at=lesson.ends_at,
        opens_at=opens,
        closes_at=closes,
        close_at=max(closes, lesson.ends_at),
        cancelled=lesson.status == SessionStatus.CANCELLED,
        closed=lesson.closed_at is not None,
        has_venue=lesson.venue_lat is not None and lesson.venue_lon is not None,
    )


async def load_session(
    session: AsyncSession, session_id: int, *, seen_by: Actor | None = None
) -> tuple[Session, Class]:
    """The session and its class. Seen by someone of another centre, it does not exist: what
    they are told must not say that it does (issue 21)."""
    row = (
        await session.execute(
            select(Session, Class)
            .join(Class, Class.id == Session.class_id)
            .where(Session.id == session_id)
        )
    ).first()
    if row is None or (seen_by is not None and not seen_by.sees_centre(row[1].centre_id)):
        raise Refused(AttendanceReason.SESSION_NOT_FOUND, session_id=session_id)
    return row[0], row[1]


async def may_mark(session: AsyncSession, actor: Actor, klass: Class) -> bool:
    """Staff of the class's centre, or a monitor of this very class (read from the rows)."""
    if actor.is_staff_of(klass.centre_id):
        return True
    if actor.person_id is None:
        return False
    monitor = await session.scalar(
        select(Enrollment.is_monitor).where(
            Enrollment.class_id == klass.id, Enrollment.person_id == actor.person_id
        )
    )
    return bool(monitor)


async def require_mark_right(session: AsyncSession, actor: Actor, klass: Class) -> None:
    if not await may_mark(session, actor, klass):
        raise Refused(AttendanceReason.DENIED)


def require_staff(actor: Actor, centre_id: int) -> None:
    if not actor.is_staff_of(centre_id):
        raise Refused(AttendanceReason.DENIED)


async def enrolled(session: AsyncSession, class_id: int, person_id: int) -> bool:
    found = await session.scalar(
        select(Enrollment.id).where(
            Enrollment.class_id == class_id, Enrollment.person_id == person_id
        )
    )
    return found is not None


async def roster_lines(session: AsyncSession, class_id: int, session_id: int) -> list[RosterLine]:
    """The class's learners in roster order, each with their mark for the session."""
    rows = await session.execute(
        select(Person.id, Person.full_name, Unit.name, Attendance.status)
        .join(Enrollment, Enrollment.person_id == Person.id)
        .outerjoin(Unit, Unit.id == Person.unit_id)
        .outerjoin(
            Attendance,
            (Attendance.person_id == Person.id) & (Attendance.session_id == session_id),
        )
        .where(Enrollment.class_id == class_id)
        .order_by(Enrollment.roster_row, Person.id)
    )
    return [
        RosterLine(i, pid, name, unit, status)
        for i, (pid, name, unit, status) in enumerate(rows.all(), start=1)
    ]


@dataclass(frozen=True)
class MarkWrite:
    """One mark to set: who, to what, how, by whom, when (and why, and where)."""

    session_id: int
    person_id: int
    status: str
    method: str
    by: int | None
    now: datetime
    reason: str | None = None
    location: tuple[float, float] | None = None


async def write_mark(
    session: AsyncSession,
    mark: MarkWrite,
    *,
    keep: frozenset[str] = frozenset(),
    known_unmarked: bool = False,
) -> tuple[str | None, str] | None:
    """Set the current mark and record the change; returns (old, new), or None when nothing
    changed (same status, or the current one is in `keep`). Call inside a `replaying` (or
    otherwise retried) transaction: it raises IntegrityError/Conflict when it lost a race.
    `known_unmarked`: the caller has just read that there is no mark; skip reading again."""
    current = None
    if not known_unmarked:
        current = (
            await session.execute(
                select(Attendance.id, Attendance.status).where(
                    Attendance.session_id == mark.session_id,
                    Attendance.person_id == mark.person_id,
                )
            )
        ).first()
    if current is None:
        attendance_id, old = await _insert(session, mark), None
    else:
        attendance_id, old = current
        if old == mark.status or old in keep:
            return None
        await _update(session, attendance_id, old, mark)
    await session.execute(
        insert(AttendanceChange).values(
            attendance_id=attendance_id,
            old_status=old,
            new_status=mark.status,
            method=mark.method,
            changed_by=mark.by,
            changed_at=mark.now,
            reason=mark.reason,
        )
    )
    return old, mark.status


async def _insert(session: AsyncSession, mark: MarkWrite) -> int:
    """The first mark. Core statements, not the ORM's flush: this is the check-in burst's hot
    path. IntegrityError here: someone marked first; replay."""
    lat, lon = mark.location or (None, None)
    attendance_id = await session.scalar(
        insert(Attendance)
        .values(
            session_id=mark.session_id,
            person_id=mark.person_id,
            status=mark.status,
            method=mark.method,
            marked_by=mark.by,
            marked_at=mark.now,
            lat=lat,
            lon=lon,
        )
        .returning(Attendance.id)
    )
    assert attendance_id is not None
    return int(attendance_id)


async def _update(session: AsyncSession, attendance_id: int, old: str, mark: MarkWrite) -> None:
    """Change a mark only if it is still `old` (compare and set); otherwise replay."""
    values: dict[str, object] = {
        "status": mark.status,
        "method": mark.method,
        "marked_by": mark.by,
        "marked_at": mark.now,
    }
    if mark.location is not None:
        values.update(lat=mark.location[0], lon=mark.location[1])
    result = await session.execute(
        update(Attendance)
        .where(Attendance.id == attendance_id, Attendance.status == old)
        .values(**values)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict
