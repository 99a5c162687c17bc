"""A learner checks themselves in with the room code (DESIGN §2, journey 4)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import (
    Attendance,
    AttendanceMethod,
    AuditEntry,
    Class,
    Enrollment,
    Session,
    SessionStatus,
)
from usecases import audit
from usecases.attendance.rules import (
    ATTENDED,
    AttendanceReason,
    CheckinFacts,
    checkin_verdict,
)
from usecases.attendance.store import MarkWrite, replaying, session_info, write_mark
from usecases.attendance.views import Checkin, CheckinChoices, TimeOfDay
from usecases.identity import Actor
from usecases.refusal import Refused
from usecases.settings import AttendanceSettings

__all__ = ["WRONG_CODE_ACTION", "check_in", "checkin_choices"]

WRONG_CODE_ACTION = "attendance.wrong_code"


def _learner(actor: Actor) -> int:
    if actor.person_id is None:
        raise Refused(AttendanceReason.NOT_ENROLLED_ANY)
    return actor.person_id


async def _why_none_open(
    session: AsyncSession, person_id: int, now: datetime, settings: AttendanceSettings
) -> Refused:
    """No window is open: say whether the last one just closed or when the next one opens."""
    enrolled = await session.scalar(select(Enrollment.id).where(Enrollment.person_id == person_id))
    if enrolled is None:
        return Refused(AttendanceReason.NOT_ENROLLED_ANY)
    base = (
        select(Session, Class)
        .join(Class, Class.id == Session.class_id)
        .join(Enrollment, Enrollment.class_id == Class.id)
        .where(Enrollment.person_id == person_id, Session.status == SessionStatus.SCHEDULED)
    )
    running = (
        await session.execute(
            base.where(Session.starts_at <= now, Session.ends_at > now).order_by(
                Session.starts_at.desc()
            )
        )
    ).first()
    if running is not None:
        info = session_info(running[0], running[1], settings)
        return Refused(AttendanceReason.TOO_LATE, session=info, closes=TimeOfDay(info.closes_at))
    upcoming = (
        await session.execute(base.where(Session.starts_at > now).order_by(Session.starts_at))
    ).first()
    if upcoming is not None:
        info = session_info(upcoming[0], upcoming[1], settings)
        return Refused(AttendanceReason.TOO_EARLY, session=info, opens=info.opens_at)
    return Refused(AttendanceReason.NO_SESSION)


async def checkin_choices(
    uow: UnitOfWork, *, actor: Actor, now: datetime, settings: AttendanceSettings
) -> CheckinChoices:
    """What /diemdanh offers before a code is typed: the open session (ask its code) or a
    choice between several; refused with why there is nothing to check in to."""
    person_id = _learner(actor)
    async with uow:
        session = uow.session
        rows = await session.execute(
            select(Session, Class)
            .join(Class, Class.id == Session.class_id)
            .join(Enrollment, Enrollment.class_id == Class.id)
            .where(
                Enrollment.person_id == person_id,
                Session.starts_at >= now - timedelta(minutes=settings.close_minutes_after),
                Session.starts_at <= now + timedelta(minutes=settings.open_minutes_before),
            )
            .order_by(Session.starts_at)
        )
        near = [session_info(s, c, settings) for s, c in rows.all()]
        open_ = tuple(s for s in near if not s.cancelled)
        if open_:
            return CheckinChoices(open_)
        if near:
            raise Refused(AttendanceReason.CANCELLED, session=near[0])
        raise await _why_none_open(session, person_id, now, settings)


def _checkin_query(
    person_id: int, now: datetime, settings: AttendanceSettings, session_id: int | None
) -> Select[Any]:
    """One read gives the session(s), the class, enrolment, the learner's current mark and
    their wrong codes so far: the lean path a 500-learner burst takes."""
    wrong_tries = (
        select(func.count())
        .where(
            AuditEntry.action == WRONG_CODE_ACTION,
            AuditEntry.entity_id == Session.id,
            AuditEntry.actor_person_id == person_id,
        )
        .scalar_subquery()
    )
    query = (
        select(Session, Class, Enrollment.id, Attendance.status, wrong_tries)
        .join(Class, Class.id == Session.class_id)
        .outerjoin(
            Enrollment,
            (Enrollment.class_id == Class.id) & (Enrollment.person_id == person_id),
        )
        .outerjoin(
            Attendance,
            (Attendance.session_id == Session.id) & (Attendance.person_id == person_id),
        )
        .order_by(Session.starts_at, Session.id)
    )
    if session_id is not None:
        return query.where(Session.id == session_id)
    return query.where(
        Enrollment.id.is_not(None),
        Session.starts_at >= now - timedelta(minutes=settings.close_minutes_after),
        Session.starts_at <= now + timedelta(minutes=settings.open_minutes_before),
    )


def _facts(rows: Sequence[Any], code: str, settings: AttendanceSettings) -> CheckinFacts:
    """The session the learner is checking in to, among those read: not in the class or every
    one cancelled is refused here; when two are open at once, the code says which."""
    found = [(session_info(s, c, settings), s, e, m, w) for s, c, e, m, w in rows]
    if found[0][2] is None:
        raise Refused(AttendanceReason.NOT_ENROLLED, session=found[0][0])
    open_ = [f for f in found if not f[0].cancelled]
    if not open_:
        raise Refused(AttendanceReason.CANCELLED, session=found[0][0])
    info, lesson, _, current, tries = next(
        (f for f in open_ if f[1].checkin_code == code), open_[0]
    )
    venue = None
    if lesson.venue_lat is not None and lesson.venue_lon is not None:
        venue = (lesson.venue_lat, lesson.venue_lon)
    return CheckinFacts(info, lesson.checkin_code, venue, current, int(tries))


async def check_in(
    uow: UnitOfWork,
    *,
    actor: Actor,
    code: str,
    now: datetime,
    settings: AttendanceSettings,
    session_id: int | None = None,
    location: tuple[float, float] | None = None,
) -> Checkin:
    """A learner checks themselves in with the room code; one transaction, replayed if it lost
    a race with a second check-in or the monitor's mark. A wrong code is refused, and counted
    (the count is kept although nothing else is)."""
    person_id = _learner(actor)

    async def work(session: AsyncSession) -> Checkin | Refused:
        query = _checkin_query(person_id, now, settings, session_id)
        rows = (await session.execute(query)).all()
        if not rows and session_id is not None:
            raise Refused(AttendanceReason.SESSION_NOT_FOUND, session_id=session_id)
        if not rows:
            raise await _why_none_open(session, person_id, now, settings)
        facts = _facts(rows, code, settings)
        verdict = checkin_verdict(facts, code=code, location=location, now=now, settings=settings)
        info = facts.session
        if verdict.wrong_guess:
            audit.record(session, actor, WRONG_CODE_ACTION, entity="session", entity_id=info.id)
            assert verdict.refusal is not None
            return verdict.refusal  # kept: the wrong try counts
        if verdict.refusal is not None:
            raise verdict.refusal
        if verdict.status is None:
            return Checkin(info, facts.current, recorded=False)
        # Someone marked absent or excused who then shows up is here after all.
        mark = MarkWrite(
            info.id, person_id, verdict.status, AttendanceMethod.CHECKIN, person_id, now,
            location=location,
        )  # fmt: skip
        unmarked = facts.current is None
        changed = await write_mark(session, mark, keep=ATTENDED, known_unmarked=unmarked)
        if changed is None:  # raced with a mark that is already present/late
            return Checkin(info, facts.current, recorded=False)
        return Checkin(info, verdict.status, True, at=now, distance_m=verdict.distance_m)

    result = await replaying(uow, work)
    if isinstance(result, Refused):
        raise result
    return result
