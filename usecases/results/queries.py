"""Loading what the results use cases decide on: the class, its learners, attendance, views."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Attendance,
    AttendanceStatus,
    Class,
    Enrollment,
    Person,
    Result,
    Session,
    SessionStatus,
    Unit,
)
from usecases.classes import ClassReason
from usecases.identity import Actor
from usecases.refusal import Refused
from usecases.results.rules import ResultsReason
from usecases.results.values import ClassAttendance, ResultView, UnitSummary
from vn.text import nfc

__all__ = [
    "check_staff",
    "class_attendance",
    "class_by_code",
    "class_results",
    "class_views",
    "enrolled",
    "summary",
    "view",
]

_ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


async def class_by_code(session: AsyncSession, centre_id: int, code: str) -> Class:
    klass = await session.scalar(
        select(Class).where(Class.centre_id == centre_id, Class.code == nfc(code).upper())
    )
    if klass is None:
        raise Refused(ClassReason.NOT_FOUND, code=code)
    return klass


def check_staff(actor: Actor, klass: Class) -> None:
    """Only the staff of the class's centre (the CLI is its staff) see or change results."""
    if not actor.is_staff_of(klass.centre_id):
        raise Refused(ResultsReason.NOT_STAFF, code=klass.code)


async def enrolled(session: AsyncSession, class_id: int) -> list[tuple[int, Person]]:
    """(TT, person) in the order of the centre's list."""
    rows = await session.scalars(
        select(Person)
        .join(Enrollment, Enrollment.person_id == Person.id)
        .where(Enrollment.class_id == class_id)
        .order_by(Enrollment.roster_row, Person.id)
    )
    return list(enumerate(rows, start=1))


async def class_results(session: AsyncSession, class_id: int) -> dict[int, Result]:
    """The class's results by learner."""
    rows = await session.scalars(select(Result).where(Result.class_id == class_id))
    return {r.person_id: r for r in rows}


async def class_attendance(session: AsyncSession, class_id: int, now: datetime) -> ClassAttendance:
    """Attendance rate inputs of one class as of `now` (see `ClassAttendance`)."""
    held_ids = (
        select(Session.id)
        .where(
            Session.class_id == class_id,
            Session.status != SessionStatus.CANCELLED,
            Session.starts_at <= now,
            select(Attendance.id).where(Attendance.session_id == Session.id).exists(),
        )
        .scalar_subquery()
    )
    held = await session.scalar(select(func.count()).where(Session.id.in_(held_ids))) or 0
    rows = await session.execute(
        select(Attendance.person_id, func.count())
        .where(Attendance.session_id.in_(held_ids), Attendance.status.in_(_ATTENDED))
        .group_by(Attendance.person_id)
    )
    return ClassAttendance(held=held, attended={p: n for p, n in rows})


def view(
    klass: Class,
    number: int,
    person: Person,
    unit: Unit | None,
    result: Result,
    attendance: ClassAttendance,
) -> ResultView:
    attended, held = attendance.of(person.id)
    return ResultView(
        class_id=klass.id,
        class_code=klass.code,
        class_name=klass.name,
        person_id=person.id,
        number=number,
        full_name=person.full_name,
        birth_date=person.birth_date,
        unit_id=person.unit_id,
        unit_name=unit.name if unit else None,
        scores={k: Decimal(v) for k, v in (result.scores or {}).items()},
        grade=result.grade,
        remark=result.remark,
        attended=attended,
        held=held,
    )


async def class_views(session: AsyncSession, klass: Class, now: datetime) -> list[ResultView]:
    """Every result of the class, in the order of the class list."""
    results = await class_results(session, klass.id)
    units = {
        u.id: u
        for u in await session.scalars(select(Unit).where(Unit.centre_id == klass.centre_id))
    }
    attendance = await class_attendance(session, klass.id, now)
    return [
        view(klass, n, p, units.get(p.unit_id or 0), results[p.id], attendance)
        for n, p in await enrolled(session, klass.id)
        if p.id in results
    ]


def summary(klass: Class, views: list[ResultView]) -> UnitSummary:
    names = sorted({v.unit_name for v in views if v.unit_name})
    return UnitSummary(
        class_id=klass.id,
        class_code=klass.code,
        class_name=klass.name,
        start_date=klass.start_date,
        end_date=klass.end_date,
        unit_names=names,
        results=views,
    )
