"""The monitor's side: the room code to show, the roster to mark, "everyone present", and
where the class meets. Only that class's monitors and the centre's staff may do these."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import AttendanceStatus, Class, Enrollment, Session, SessionStatus
from usecases import audit
from usecases.attendance.rules import (
    PAGE_SIZE,
    AttendanceReason,
    count,
    method_of,
    new_code,
    open_for_marking,
)
from usecases.attendance.store import (
    MarkWrite,
    enrolled,
    load_session,
    replaying,
    require_mark_right,
    require_staff,
    roster_lines,
    session_info,
    write_mark,
)
from usecases.attendance.views import CodeView, RosterView, SessionInfo
from usecases.identity import Actor
from usecases.paging import window
from usecases.refusal import Refused
from usecases.settings import AttendanceSettings

__all__ = [
    "RECENT_SESSIONS",
    "UPCOMING_CODE_HOURS",
    "mark",
    "mark_all_present",
    "markable_sessions",
    "room_code",
    "roster",
    "set_venue",
]

RECENT_SESSIONS = 8
UPCOMING_CODE_HOURS = 12  # /maphong offers sessions starting within this many hours


async def room_code(
    uow: UnitOfWork,
    *,
    actor: Actor,
    session_id: int,
    settings: AttendanceSettings,
    rotate: bool = False,
) -> CodeView:
    """The session's room code for staff or the monitor to show; made on first look, a new
    one on `rotate`. A code differs from the class's other sessions' codes."""
    async with uow:
        session = uow.session
        lesson, klass = await load_session(session, session_id, seen_by=actor)
        await require_mark_right(session, actor, klass)
        if rotate or not lesson.checkin_code:
            others = await session.scalars(
                select(Session.checkin_code).where(
                    Session.class_id == klass.id, Session.checkin_code.is_not(None)
                )
            )
            query = update(Session).where(Session.id == lesson.id)
            if not rotate:  # two people opening the code at once must see the same one
                query = query.where(Session.checkin_code.is_(None))
            code = new_code(c for c in others if c)
            await session.execute(query.values(checkin_code=code))
            if rotate:
                audit.record(
                    session, actor, "attendance.rotate_code", entity="session", entity_id=lesson.id
                )
            await uow.commit()
            await session.refresh(lesson)
        assert lesson.checkin_code is not None
        return CodeView(session_info(lesson, klass, settings), lesson.checkin_code)


async def _classes_markable_by(session: AsyncSession, actor: Actor) -> list[int]:
    if actor.person_id is None:
        return []
    ids = set(
        await session.scalars(
            select(Enrollment.class_id).where(
                Enrollment.person_id == actor.person_id, Enrollment.is_monitor.is_(True)
            )
        )
    )
    if actor.staff_centre_ids:
        ids |= set(
            await session.scalars(
                select(Class.id).where(Class.centre_id.in_(actor.staff_centre_ids))
            )
        )
    return sorted(ids)


async def markable_sessions(
    uow: UnitOfWork,
    *,
    actor: Actor,
    now: datetime,
    settings: AttendanceSettings,
    upcoming_hours: int = 0,
) -> list[SessionInfo]:
    """Sessions this monitor or staff member may mark now (open, not yet closed); with
    `upcoming_hours`, also those starting within that many hours (to show the room code)."""
    async with uow:
        session = uow.session
        class_ids = await _classes_markable_by(session, actor)
        if not class_ids:
            return []
        ahead = max(settings.open_minutes_before, upcoming_hours * 60)
        rows = await session.execute(
            select(Session, Class)
            .join(Class, Class.id == Session.class_id)
            .where(
                Session.class_id.in_(class_ids),
                Session.status == SessionStatus.SCHEDULED,
                Session.closed_at.is_(None),
                Session.starts_at <= now + timedelta(minutes=ahead),
                Session.ends_at >= now - timedelta(minutes=settings.close_minutes_after),
            )
            .order_by(Session.starts_at, Session.id)
        )
        infos = [session_info(s, c, settings) for s, c in rows.all()]
        return [i for i in infos if now <= i.close_at][:RECENT_SESSIONS]


def _can_mark(info: SessionInfo, now: datetime) -> bool:
    return open_for_marking(
        cancelled=info.cancelled,
        closed=info.closed,
        opens_at=info.opens_at,
        close_at=info.close_at,
        now=now,
    )


def _require_open(info: SessionInfo, now: datetime) -> None:
    if now < info.opens_at:
        raise Refused(AttendanceReason.MARKING_NOT_OPEN, session=info, opens=info.opens_at)
    if not _can_mark(info, now):
        raise Refused(AttendanceReason.MARKING_CLOSED, session=info)


async def roster(
    uow: UnitOfWork,
    *,
    actor: Actor,
    session_id: int,
    page: int,
    now: datetime,
    settings: AttendanceSettings,
) -> RosterView:
    """One page of the session's roster with each learner's current mark."""
    async with uow:
        session = uow.session
        lesson, klass = await load_session(session, session_id, seen_by=actor)
        await require_mark_right(session, actor, klass)
        info = session_info(lesson, klass, settings)
        lines = await roster_lines(session, klass.id, lesson.id)
        shown = window(len(lines), page, PAGE_SIZE)
        return RosterView(
            info,
            tuple(lines[shown.offset : shown.offset + shown.size]),
            count([line.status for line in lines]),
            shown.page,
            shown.pages,
            _can_mark(info, now),
        )


async def mark(
    uow: UnitOfWork,
    *,
    actor: Actor,
    session_id: int,
    person_id: int,
    status: str,
    now: datetime,
    settings: AttendanceSettings,
) -> bool:
    """The monitor (or staff) marks one learner from the roster while the session is open.
    Returns whether the mark changed."""
    status = AttendanceStatus(status)

    async def work(session: AsyncSession) -> bool:
        lesson, klass = await load_session(session, session_id, seen_by=actor)
        await require_mark_right(session, actor, klass)
        _require_open(session_info(lesson, klass, settings), now)
        if not await enrolled(session, klass.id, person_id):
            raise Refused(AttendanceReason.NOT_IN_CLASS)
        method = method_of(is_staff=actor.is_staff_of(klass.centre_id))
        changed = await write_mark(
            session, MarkWrite(lesson.id, person_id, status, method, actor.person_id, now)
        )
        return changed is not None

    return await replaying(uow, work)


async def mark_all_present(
    uow: UnitOfWork,
    *,
    actor: Actor,
    session_id: int,
    now: datetime,
    settings: AttendanceSettings,
) -> int:
    """ "Everyone present": every learner not yet marked becomes present; marks already made
    (a late check-in, an approved leave, an absence) stay. Returns how many were marked."""

    async def work(session: AsyncSession) -> int:
        lesson, klass = await load_session(session, session_id, seen_by=actor)
        await require_mark_right(session, actor, klass)
        _require_open(session_info(lesson, klass, settings), now)
        method = method_of(is_staff=actor.is_staff_of(klass.centre_id))
        marked = 0
        for line in await roster_lines(session, klass.id, lesson.id):
            if line.status is None:
                present = MarkWrite(
                    lesson.id, line.person_id, AttendanceStatus.PRESENT, method,
                    actor.person_id, now,
                )  # fmt: skip
                changed = await write_mark(session, present, keep=frozenset(AttendanceStatus))
                marked += changed is not None
        return marked

    return await replaying(uow, work)


async def set_venue(
    uow: UnitOfWork,
    *,
    actor: Actor,
    class_id: int,
    lat: float,
    lon: float,
    number: int | None = None,
) -> int:
    """Record where the class meets (one session by number, or all), so check-ins can be
    checked against `radius_m`. Returns how many sessions were set (staff only)."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Refused(AttendanceReason.BAD_LOCATION)
    async with uow:
        centre_id = await uow.session.scalar(select(Class.centre_id).where(Class.id == class_id))
        require_staff(actor, centre_id if centre_id is not None else -1)
        query = update(Session).where(Session.class_id == class_id)
        if number is not None:
            query = query.where(Session.number == number)
        result = await uow.session.execute(query.values(venue_lat=lat, venue_lon=lon))
        audit.record(
            uow.session,
            actor,
            "attendance.set_venue",
            entity="class",
            entity_id=class_id,
            details={"number": number},
        )
        await uow.commit()
        return int(result.rowcount)  # type: ignore[attr-defined]
