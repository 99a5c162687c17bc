"""Closing a session: unmarked learners become absent, and each unit leader hears once of
their learners absent without leave (through the outbox)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import (
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    Enrollment,
    Person,
    Session,
    SessionStatus,
    Unit,
    UnitLeader,
)
from texts import attendance as T
from usecases.attendance.rules import Absentee, absence_alert_key, absentees_by_leader
from usecases.attendance.store import (
    MarkWrite,
    load_session,
    replaying,
    roster_lines,
    session_info,
    write_mark,
)
from usecases.attendance.views import CloseReport, SessionInfo
from usecases.identity import centre_name
from usecases.outbox import Notice, enqueue
from usecases.settings import Settings
from usecases.units import AckKind, ack_choices
from vn.dates import format_when

__all__ = ["CATCH_UP_HOURS", "close_due_sessions", "close_session"]

# The scheduler closes sessions that ended at most this long ago: a bot that was down for a
# night catches up, but a class imported after the fact does not send weeks of stale absence
# alerts (staff close such sessions by hand with `sll diem-danh dong`).
CATCH_UP_HOURS = 24


async def close_session(
    uow: UnitOfWork, *, session_id: int, now: datetime, settings: Settings
) -> CloseReport:
    """Close a session once: unmarked learners become absent, and each unit leader whose
    learners were absent without leave gets ONE alert for the session through the outbox."""

    async def work(session: AsyncSession) -> CloseReport:
        lesson, klass = await load_session(session, session_id)
        if lesson.status == SessionStatus.CANCELLED:
            return CloseReport(session_id, False)
        claimed = await session.execute(
            update(Session)
            .where(Session.id == session_id, Session.closed_at.is_(None))
            .values(closed_at=now)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return CloseReport(session_id, False)  # closed by someone else
        report = CloseReport(session_id, True)
        for line in await roster_lines(session, klass.id, lesson.id):
            if line.status is None:
                absent = MarkWrite(
                    lesson.id, line.person_id, AttendanceStatus.ABSENT, AttendanceMethod.CLOSE,
                    None, now,
                )  # fmt: skip
                await write_mark(session, absent)
                report.marked_absent += 1
        absent_list = await _absentees(session, lesson.id, klass.id)
        report.absent_ids = [a.person_id for a in absent_list]
        info = session_info(lesson, klass, settings.attendance)
        centre = await centre_name(session, klass.centre_id)
        report.alerts = await _alert_units(session, info, absent_list, now, settings, centre)
        return report

    return await replaying(uow, work)


async def _absentees(session: AsyncSession, session_id: int, class_id: int) -> list[Absentee]:
    rows = await session.execute(
        select(Person.id, Person.full_name, Unit.id, Unit.name)
        .join(Attendance, Attendance.person_id == Person.id)
        .join(Enrollment, Enrollment.person_id == Person.id)
        .join(Unit, Unit.id == Person.unit_id)
        .where(
            Attendance.session_id == session_id,
            Attendance.status == AttendanceStatus.ABSENT,
            Enrollment.class_id == class_id,
        )
        .order_by(Enrollment.roster_row, Person.id)
    )
    return [Absentee(*row) for row in rows.all()]


async def _alert_units(
    session: AsyncSession,
    info: SessionInfo,
    absent: Sequence[Absentee],
    now: datetime,
    settings: Settings,
    centre: str,
) -> int:
    if not absent:
        return 0
    rows = await session.execute(
        select(UnitLeader.person_id, Person.full_name, UnitLeader.unit_id)
        .join(Person, Person.id == UnitLeader.person_id)
        .where(UnitLeader.unit_id.in_({a.unit_id for a in absent}))
    )
    names: dict[int, str] = {}
    leads = []
    for leader_id, name, unit_id in rows.all():
        names[leader_id] = name
        leads.append((leader_id, unit_id))
    sent = 0
    for leader_id, mine in absentees_by_leader(absent, leads).items():
        text = T.ABSENCE_ALERT.format(
            leader=names[leader_id],
            session=info.of_class(),
            when=format_when(info.starts_at.astimezone(settings.timezone)),
            count=len(mine),
            names="\n".join(T.ABSENCE_NAME_LINE.format(name=a.name, unit=a.unit) for a in mine),
            centre=centre,
        )
        notice = Notice(
            key=absence_alert_key(info.id, leader_id),
            person_id=leader_id,
            kind="absence_alert",
            text=text,
            due_at=now,
            class_id=info.class_id,
            session_id=info.id,
            choices=ack_choices(AckKind.ABSENCE, info.id),  # the leader's «✅ Đã nhận»
        )
        sent += await enqueue(session, notice) is not None
    return sent


async def close_due_sessions(
    uow: UnitOfWork, *, now: datetime, settings: Settings
) -> list[CloseReport]:
    """Close every session whose time has come (the scheduler's periodic job; the database
    says what is due, so a bot that was down catches up on start, within CATCH_UP_HOURS)."""
    a = settings.attendance
    async with uow:
        due = list(
            await uow.session.scalars(
                select(Session.id)
                .where(
                    Session.closed_at.is_(None),
                    Session.status == SessionStatus.SCHEDULED,
                    Session.ends_at <= now,
                    Session.ends_at >= now - timedelta(hours=CATCH_UP_HOURS),
                    Session.starts_at <= now - timedelta(minutes=a.close_minutes_after),
                )
                .order_by(Session.starts_at)
            )
        )
    reports = []
    for session_id in due:  # one transaction each: one bad session does not hold up others
        reports.append(await close_session(uow, session_id=session_id, now=now, settings=settings))
    return reports
