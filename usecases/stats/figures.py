"""Loading a period's figures (see the package's definitions); the sums are in `rules`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import (
    Attendance,
    AttendanceStatus,
    Centre,
    Class,
    Enrollment,
    Person,
    Result,
    Session,
    SessionStatus,
    SurveyAnswer,
    Unit,
)
from texts import stats as T
from usecases.identity import Actor
from usecases.refusal import Refused
from usecases.stats.rules import (
    ClassRow,
    Period,
    Stats,
    StatsReason,
    UnitRow,
    add_attendance,
    by_type,
    survey_rows,
)
from usecases.survey import QUESTIONS

__all__ = ["compute_stats", "period_figures"]

_ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


class _Units(dict[int | None, UnitRow]):
    """A unit's row, made on first use; learners without a unit share one row."""

    def __init__(self, names: dict[int, str]) -> None:
        super().__init__()
        self.names = names

    def __missing__(self, unit_id: int | None) -> UnitRow:
        row = self[unit_id] = UnitRow(self.names.get(unit_id or 0, T.NO_UNIT))
        return row


async def compute_stats(
    uow: UnitOfWork, *, actor: Actor, centre_id: int, period: Period, now: datetime, tz: ZoneInfo
) -> Stats:
    """The period's figures, for the centre's staff (the CLI is the centre's staff)."""
    if not actor.is_staff_of(centre_id):
        raise Refused(StatsReason.NOT_STAFF)
    async with uow:
        return await period_figures(uow.session, centre_id, period, now, tz)


async def period_figures(
    session: AsyncSession, centre_id: int, period: Period, now: datetime, tz: ZoneInfo
) -> Stats:
    centre = await session.get(Centre, centre_id)
    stats = Stats(period=period, centre=centre.name if centre else "")
    classes = await session.scalars(
        select(Class)
        .where(
            Class.centre_id == centre_id,
            Class.start_date <= period.end,
            Class.end_date >= period.start,
        )
        .order_by(Class.start_date, Class.code)
    )
    rows = {
        k.id: ClassRow(k.code, k.name, k.program_type, k.start_date, k.end_date) for k in classes
    }
    if not rows:
        return stats
    ids = list(rows)
    names = await session.execute(select(Unit.id, Unit.name).where(Unit.centre_id == centre_id))
    units = _Units({unit_id: name for unit_id, name in names})
    enrolled = await _places(session, stats, rows, units)
    held, attended = await _attendance(session, ids, period, now, tz)
    add_attendance(stats, rows, units, enrolled, held, attended)
    await _grades(session, stats, rows, units)
    stats.classes = len(rows)
    stats.places = sum(r.places for r in rows.values())
    stats.by_class = list(rows.values())
    stats.by_type = by_type(rows.values())
    stats.by_unit = sorted(units.values(), key=lambda u: (-u.places, u.name))
    await _survey(session, stats, ids)
    return stats


async def _places(
    session: AsyncSession, stats: Stats, rows: dict[int, ClassRow], units: _Units
) -> dict[tuple[int, int | None], int]:
    """Places per (class, unit), added to the class and unit rows; distinct learners."""
    enrolled: dict[tuple[int, int | None], int] = {}
    for class_id, unit_id, count in await session.execute(
        select(Enrollment.class_id, Person.unit_id, func.count())
        .select_from(Enrollment)
        .join(Person, Person.id == Enrollment.person_id)
        .where(Enrollment.class_id.in_(list(rows)))
        .group_by(Enrollment.class_id, Person.unit_id)
    ):
        enrolled[(class_id, unit_id)] = count
        rows[class_id].places += count
        units[unit_id].places += count
    stats.learners = (
        await session.scalar(
            select(func.count(func.distinct(Enrollment.person_id))).where(
                Enrollment.class_id.in_(list(rows))
            )
        )
        or 0
    )
    return enrolled


def _held_sessions(
    ids: list[int], period: Period, now: datetime, tz: ZoneInfo
) -> ScalarSelect[Any]:
    start = datetime.combine(period.start, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(period.end + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    return (
        select(Session.id)
        .where(
            Session.class_id.in_(ids),
            Session.status != SessionStatus.CANCELLED,
            Session.starts_at >= start,
            Session.starts_at < end,
            Session.starts_at <= now,
            select(Attendance.id).where(Attendance.session_id == Session.id).exists(),
        )
        .scalar_subquery()
    )


async def _attendance(
    session: AsyncSession, ids: list[int], period: Period, now: datetime, tz: ZoneInfo
) -> tuple[dict[int, int], dict[tuple[int, int | None], int]]:
    """(held sessions per class, present or late per (class, unit)) within the period."""
    held_ids = _held_sessions(ids, period, now, tz)
    held = await session.execute(
        select(Session.class_id, func.count())
        .where(Session.id.in_(held_ids))
        .group_by(Session.class_id)
    )
    attended = await session.execute(
        select(Session.class_id, Person.unit_id, func.count())
        .select_from(Attendance)
        .join(Session, Session.id == Attendance.session_id)
        .join(Person, Person.id == Attendance.person_id)
        .where(Attendance.session_id.in_(held_ids), Attendance.status.in_(_ATTENDED))
        .group_by(Session.class_id, Person.unit_id)
    )
    return dict(held.all()), {(c, u): n for c, u, n in attended}


async def _grades(
    session: AsyncSession, stats: Stats, rows: dict[int, ClassRow], units: _Units
) -> None:
    """Published results by grade, per class, unit and in all."""
    for class_id, unit_id, grade in await session.execute(
        select(Result.class_id, Person.unit_id, Result.grade)
        .join(Person, Person.id == Result.person_id)
        .join(Class, Class.id == Result.class_id)
        .where(Result.class_id.in_(list(rows)), Class.results_published_at.is_not(None))
    ):
        if grade is None:
            continue
        rows[class_id].grades[grade] += 1
        units[unit_id].grades[grade] += 1
        stats.grades[grade] += 1


async def _survey(session: AsyncSession, stats: Stats, ids: list[int]) -> None:
    rows = await session.execute(
        select(SurveyAnswer.question_key, func.count(), func.sum(SurveyAnswer.rating))
        .where(SurveyAnswer.class_id.in_(ids), SurveyAnswer.rating.is_not(None))
        .group_by(SurveyAnswer.question_key)
    )
    found = {key: (count, int(total or 0)) for key, count, total in rows}
    stats.survey = survey_rows(found, QUESTIONS)
    stats.survey_leaders = (
        await session.scalar(
            select(func.count(func.distinct(SurveyAnswer.person_id))).where(
                SurveyAnswer.class_id.in_(ids)
            )
        )
        or 0
    )
