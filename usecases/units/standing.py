"""Attendance rules against the database (issue 18, item 4): a job evaluates every class with
closed sessions, writes where each learner stands, and tells each crossing once; staff get the
list of learners not eligible, before publishing results.

The decisions are in `attendance_rules`; this module loads the marks and writes what they say.
Re-evaluating from the marks each time makes a leave approved after an alert, or a session
cancelled after being counted, lower the standing (telling nobody) with no hook anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import (
    Attendance,
    AttendanceRuleState,
    Class,
    Enrollment,
    Person,
    Session,
    SessionStatus,
    Unit,
    UnitLeader,
)
from texts import units as T
from usecases.identity import Actor, active_staff_ids
from usecases.outbox import Notice, enqueue_all, for_each
from usecases.refusal import Refused
from usecases.settings import Settings, UnitSettings
from usecases.units.attendance_rules import (
    Level,
    Limits,
    Measure,
    Standing,
    crossing,
    ineligible_reasons,
    level_of,
    standing,
    told,
)
from usecases.units.reasons import UnitReason
from vn.numbers import format_percent
from vn.text import nfc

__all__ = ["RULE_KIND", "Ineligible", "evaluate_rules", "ineligible", "limits_of", "why"]

RULE_KIND = "attendance_rule"
# Classes whose course ended longer ago than this are no longer evaluated.
AFTER_END = timedelta(days=7)


def limits_of(units: UnitSettings) -> Limits:
    return Limits(
        max_share=units.max_absent_share,
        warn_share=units.warn_absent_share,
        late_is_present=units.late_counts_as_present,
        max_run=units.max_consecutive,
        warn_run=units.warn_consecutive,
    )


@dataclass(frozen=True)
class _Learner:
    person_id: int
    full_name: str
    unit_id: int | None
    unit_name: str | None
    standing: Standing


@dataclass(frozen=True)
class Ineligible:
    person_id: int
    full_name: str
    unit_name: str | None
    standing: Standing
    reasons: tuple[Measure, ...]


async def evaluate_rules(uow: UnitOfWork, *, now: datetime, settings: Settings) -> int:
    """The scheduler's job: every class with a closed session and a course not long over."""
    since = (now - AFTER_END).astimezone(settings.timezone).date()
    async with uow:
        session = uow.session
        classes = await session.scalars(
            select(Class).where(
                (Class.end_date.is_(None)) | (Class.end_date >= since),
                select(Session.id)
                .where(Session.class_id == Class.id, Session.closed_at.is_not(None))
                .exists(),
            )
        )
        added = 0
        for klass in list(classes):
            added += await _evaluate_class(session, klass, now, settings)
        await uow.commit()
        return added


async def _learners(session: AsyncSession, class_id: int, limits: Limits) -> list[_Learner]:
    sessions = (
        await session.execute(
            select(Session.id, Session.closed_at)
            .where(Session.class_id == class_id, Session.status == SessionStatus.SCHEDULED)
            .order_by(Session.starts_at, Session.id)
        )
    ).all()
    closed = [sid for sid, closed_at in sessions if closed_at is not None]
    marks = {
        (sid, pid): status
        for sid, pid, status in await session.execute(
            select(Attendance.session_id, Attendance.person_id, Attendance.status).where(
                Attendance.session_id.in_(closed)
            )
        )
    }
    rows = await session.execute(
        select(Person.id, Person.full_name, Unit.id, Unit.name)
        .join(Enrollment, Enrollment.person_id == Person.id)
        .outerjoin(Unit, Unit.id == Person.unit_id)
        .where(Enrollment.class_id == class_id)
        .order_by(Enrollment.roster_row, Person.id)
    )
    return [
        _Learner(
            pid,
            name,
            uid,
            uname,
            standing(
                [marks.get((sid, pid)) for sid in closed],
                len(sessions),
                late_is_present=limits.late_is_present,
            ),
        )
        for pid, name, uid, uname in rows.all()
    ]


async def _evaluate_class(
    session: AsyncSession, klass: Class, now: datetime, settings: Settings
) -> int:
    limits = limits_of(settings.units)
    states = {
        (row.person_id, row.measure): row
        for row in await session.scalars(
            select(AttendanceRuleState).where(AttendanceRuleState.class_id == klass.id)
        )
    }
    added = 0
    learners = await _learners(session, klass.id, limits)
    for learner in learners:
        for measure in Measure:
            level = level_of(measure, learner.standing, limits)
            row = states.get((learner.person_id, measure.value))
            if row is None:
                if level is Level.OK:
                    continue
                row = AttendanceRuleState(
                    class_id=klass.id, person_id=learner.person_id, measure=measure.value,
                    level=Level.OK, crossings=0,
                )  # fmt: skip
                session.add(row)
            count, tell = crossing(Level(row.level), row.crossings, level)
            if (row.level, row.crossings) != (level, count):
                row.level, row.crossings, row.updated_at = int(level), count, now
            if tell is not None:
                added += await _tell(session, klass, learner, measure, tell, count, now, settings)
    return added + await _list_at_end(session, klass, learners, now, settings)


async def _list_at_end(
    session: AsyncSession,
    klass: Class,
    learners: list[_Learner],
    now: datetime,
    settings: Settings,
) -> int:
    """Once every session is closed, staff get the list of learners not eligible (or word that
    everyone is), once per class: before they publish the results."""
    still_open = await session.scalar(
        select(Session.id)
        .where(
            Session.class_id == klass.id,
            Session.status == SessionStatus.SCHEDULED,
            Session.closed_at.is_(None),
        )
        .limit(1)
    )
    if still_open is not None or klass.results_published_at is not None:
        return 0
    lines = _ineligible_lines(learners, settings.units)
    text = (
        T.INELIGIBLE_TO_STAFF.format(
            code=klass.code, name=klass.name, count=len(lines), lines="\n".join(lines)
        )
        if lines
        else T.INELIGIBLE_TO_STAFF_NONE.format(code=klass.code, name=klass.name)
    )
    staff = await active_staff_ids(session, klass.centre_id)
    notice = Notice(key="", person_id=0, kind=RULE_KIND, text=text, due_at=now, class_id=klass.id)
    return await enqueue_all(
        session, for_each(notice, staff, lambda p: f"ineligible:{klass.id}:{p}")
    )


async def _tell(
    session: AsyncSession,
    klass: Class,
    learner: _Learner,
    measure: Measure,
    level: Level,
    count: int,
    now: datetime,
    settings: Settings,
) -> int:
    """One notice to each person the level tells, keyed by the crossing: once per crossing."""
    detail = why(measure, learner.standing, settings.units)
    to = told(level)
    texts: list[tuple[int, str, str]] = []
    if "learner" in to:
        template = T.RULE_LIMIT_LEARNER if level is Level.LIMIT else T.RULE_WARNING_LEARNER
        texts.append(
            (learner.person_id, "learner", template.format(code=klass.code, detail=detail))
        )
    others = T.RULE_LIMIT_OTHERS.format(
        name=learner.full_name, unit=learner.unit_name or T.NO_UNIT, code=klass.code, detail=detail
    )
    if "leader" in to and learner.unit_id is not None:
        leaders = await session.scalars(
            select(UnitLeader.person_id).where(UnitLeader.unit_id == learner.unit_id)
        )
        texts += [(pid, f"leader:{pid}", others) for pid in leaders if pid != learner.person_id]
    if "staff" in to:
        staff = await active_staff_ids(session, klass.centre_id)
        texts += [(pid, f"staff:{pid}", others) for pid in staff]
    key = f"attrule:{klass.id}:{learner.person_id}:{measure.value}:{count}"
    notices = [
        Notice(
            key=f"{key}:{whom}",
            person_id=person_id,
            kind=RULE_KIND,
            text=text,
            due_at=now,
            class_id=klass.id,
        )
        for person_id, whom, text in texts
    ]
    return await enqueue_all(session, notices)


def _ineligible_lines(learners: list[_Learner], units: UnitSettings) -> list[str]:
    """One numbered line per learner over a limit, with why."""
    limits = limits_of(units)
    lines: list[str] = []
    for x in learners:
        reasons = ineligible_reasons(x.standing, limits)
        if reasons:
            why_all = T.WHY_JOIN.join(why(m, x.standing, units) for m in reasons)
            lines.append(
                T.INELIGIBLE_LINE.format(
                    number=len(lines) + 1, name=x.full_name, unit=x.unit_name or T.NO_UNIT,
                    why=why_all,
                )
            )  # fmt: skip
    return lines


def why(measure: Measure, s: Standing, units: UnitSettings) -> str:
    """The rule in words with the learner's numbers: "vắng không phép 4/15 buổi (quy định
    không quá 20%)" or "vắng không phép 2 buổi liên tiếp (quy định dưới 2)"."""
    if measure is Measure.SHARE:
        limit = format_percent(units.max_absent_share)
        return T.WHY_SHARE.format(missed=s.missed, total=s.total, limit=limit)
    return T.WHY_RUN.format(run=s.run, limit=units.max_consecutive)


async def ineligible(
    uow: UnitOfWork, actor: Actor, *, centre_id: int, code: str, settings: Settings
) -> tuple[Class, list[Ineligible]]:
    """Staff's list, before publishing: learners over a limit of the class's attendance rules,
    from the marks as they stand now, with why."""
    if not actor.is_staff_of(centre_id):
        raise Refused(UnitReason.STAFF_ONLY)
    limits = limits_of(settings.units)
    async with uow:
        session = uow.session
        klass = await session.scalar(
            select(Class).where(Class.centre_id == centre_id, Class.code == nfc(code).upper())
        )
        if klass is None:
            raise Refused(UnitReason.CLASS_NOT_FOUND, code=code)
        out = []
        for x in await _learners(session, klass.id, limits):
            reasons = ineligible_reasons(x.standing, limits)
            if reasons:
                out.append(
                    Ineligible(x.person_id, x.full_name, x.unit_name, x.standing, tuple(reasons))
                )
        return klass, out
