"""Statistics for a month, quarter or year: the figures centres put in their reports
("32 lớp với 2.248 học viên…"), as text, as a workbook and as a chart.

Definitions (so the figures can be checked by hand):
- a class belongs to a period when its dates (first to last session) overlap the period, so a
  class running across two months counts in both;
- learner places (lượt học viên) are enrolments in those classes; learners are distinct people;
- attendance counts only sessions in the period that were held (not cancelled, begun, and with
  at least one mark): present + late over (enrolled learners × held sessions);
- results by grade count the published results of the period's classes;
- survey averages are the mean rating of each question over the period's classes' answers.
"""

from __future__ import annotations

import calendar
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork

if TYPE_CHECKING:
    from matplotlib.figure import Figure
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
    StaffMember,
    SurveyAnswer,
    Unit,
)
from sheets.results import GRADES
from sheets.writer import Percent, SheetSpec, write_xlsx
from texts import stats as T
from texts import survey as TS
from usecases.classes import ImportRejected
from usecases.messages import Document
from usecases.outbox import Notice, enqueue
from usecases.survey import QUESTIONS
from vn.dates import format_date
from vn.numbers import format_count, format_percent

__all__ = [
    "KIND",
    "NotStaff",
    "Period",
    "PeriodError",
    "PeriodKind",
    "Stats",
    "compute_stats",
    "parse_period",
    "period_of",
    "previous_period",
    "send_period_stats",
    "stats_chart",
    "stats_text",
    "stats_xlsx",
]

KIND = "stats"
PNG = "image/png"
UNITS_IN_TEXT = 10
CHART_CLASSES = 30  # bars beyond this are unreadable; the workbook has every class
_ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)
_GRADE_ORDER = {g: i for i, g in enumerate(GRADES)}
_PERIOD_RE = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class NotStaff(ImportRejected):
    """Statistics are for the centre's staff."""


class PeriodError(ImportRejected):
    """A period typed in a way we do not understand."""


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    year: int
    number: int = 0  # month 1–12 or quarter 1–4; 0 for a year

    @property
    def start(self) -> date:
        if self.kind == PeriodKind.MONTH:
            return date(self.year, self.number, 1)
        if self.kind == PeriodKind.QUARTER:
            return date(self.year, 3 * self.number - 2, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """The last day, inclusive."""
        last_month = {
            PeriodKind.MONTH: self.number,
            PeriodKind.QUARTER: 3 * self.number,
            PeriodKind.YEAR: 12,
        }[self.kind]
        return date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    @property
    def key(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.year}-{self.number:02d}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.year}-q{self.number}"
        return str(self.year)

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return T.PERIOD_MONTH.format(number=self.number, year=self.year)
        if self.kind == PeriodKind.QUARTER:
            return T.PERIOD_QUARTER.format(number=self.number, year=self.year)
        return T.PERIOD_YEAR.format(year=self.year)

    @property
    def command(self) -> str:
        """The argument of /thongke that asks for this period: 'thang 3/2024' etc."""
        word = {PeriodKind.MONTH: "thang", PeriodKind.QUARTER: "quy", PeriodKind.YEAR: "nam"}
        value = str(self.year) if self.kind == PeriodKind.YEAR else f"{self.number}/{self.year}"
        return f"{word[self.kind]} {value}"


def parse_period(kind: PeriodKind | str, value: str) -> Period:
    """('month', '3/2024'), ('quarter', '1/2024'), ('year', '2024') → Period."""
    kind = PeriodKind(kind)
    examples = {PeriodKind.MONTH: "3/2024", PeriodKind.QUARTER: "1/2024", PeriodKind.YEAR: "2024"}
    bad = PeriodError([T.PERIOD_BAD.format(value=value, example=examples[kind])])
    text = value.strip()
    if kind == PeriodKind.YEAR:
        if not (text.isdigit() and len(text) == 4):
            raise bad
        return Period(kind, int(text))
    match = _PERIOD_RE.match(text)
    if match is None:
        raise bad
    number, year = int(match.group(1)), int(match.group(2))
    if not 1 <= number <= (12 if kind == PeriodKind.MONTH else 4):
        raise bad
    return Period(kind, year, number)


def period_of(kind: PeriodKind, day: date) -> Period:
    if kind == PeriodKind.MONTH:
        return Period(kind, day.year, day.month)
    if kind == PeriodKind.QUARTER:
        return Period(kind, day.year, (day.month - 1) // 3 + 1)
    return Period(kind, day.year)


def previous_period(kind: PeriodKind, day: date) -> Period:
    """The last complete period before the one containing `day`."""
    return period_of(kind, period_of(kind, day).start - timedelta(days=1))


# --- the figures ----------------------------------------------------------------------------


@dataclass
class Rate:
    attended: int = 0
    expected: int = 0

    @property
    def value(self) -> Decimal | None:
        return Decimal(self.attended) / Decimal(self.expected) if self.expected else None

    def add(self, attended: int, expected: int) -> None:
        self.attended += attended
        self.expected += expected


@dataclass
class TypeRow:
    program_type: str
    classes: int = 0
    places: int = 0
    grades: Counter[str] = field(default_factory=Counter)


@dataclass
class ClassRow:
    code: str
    name: str
    program_type: str
    start_date: date | None
    end_date: date | None
    places: int = 0
    held: int = 0
    attendance: Rate = field(default_factory=Rate)
    grades: Counter[str] = field(default_factory=Counter)


@dataclass
class UnitRow:
    name: str
    places: int = 0
    attendance: Rate = field(default_factory=Rate)
    grades: Counter[str] = field(default_factory=Counter)


@dataclass
class SurveyRow:
    question_key: str
    answers: int
    average: Decimal


@dataclass
class Stats:
    period: Period
    centre: str
    classes: int = 0
    places: int = 0
    learners: int = 0
    held: int = 0
    attendance: Rate = field(default_factory=Rate)
    grades: Counter[str] = field(default_factory=Counter)
    by_type: list[TypeRow] = field(default_factory=list)
    by_class: list[ClassRow] = field(default_factory=list)
    by_unit: list[UnitRow] = field(default_factory=list)
    survey: list[SurveyRow] = field(default_factory=list)
    survey_leaders: int = 0

    def grade_order(self) -> list[str]:
        return sorted(self.grades, key=lambda g: (_GRADE_ORDER.get(g, len(GRADES)), g))


async def compute_stats(
    uow: UnitOfWork,
    *,
    centre_id: int,
    period: Period,
    now: datetime,
    tz: ZoneInfo,
    actor_person_id: int | None = None,
) -> Stats:
    """The period's figures; `actor_person_id` (a chat user) must be the centre's staff."""
    async with uow:
        session = uow.session
        if actor_person_id is not None:
            member = await session.scalar(
                select(StaffMember.id).where(
                    StaffMember.person_id == actor_person_id,
                    StaffMember.centre_id == centre_id,
                    StaffMember.active.is_(True),
                )
            )
            if member is None:
                raise NotStaff([T.STAFF_ONLY])
        centre = await session.get(Centre, centre_id)
        stats = Stats(period=period, centre=centre.name if centre else "")
        classes = list(
            await session.scalars(
                select(Class)
                .where(
                    Class.centre_id == centre_id,
                    Class.start_date <= period.end,
                    Class.end_date >= period.start,
                )
                .order_by(Class.start_date, Class.code)
            )
        )
        if not classes:
            return stats
        rows = {
            k.id: ClassRow(k.code, k.name, k.program_type, k.start_date, k.end_date)
            for k in classes
        }
        ids = list(rows)
        units = {
            u.id: u.name
            for u in await session.scalars(select(Unit).where(Unit.centre_id == centre_id))
        }
        by_unit: dict[int | None, UnitRow] = {}

        def unit_row(unit_id: int | None) -> UnitRow:
            if unit_id not in by_unit:
                by_unit[unit_id] = UnitRow(units.get(unit_id or 0, T.NO_UNIT))
            return by_unit[unit_id]

        # Places, per class and unit.
        enrolled: dict[tuple[int, int | None], int] = {}
        for class_id, unit_id, count in await session.execute(
            select(Enrollment.class_id, Person.unit_id, func.count())
            .select_from(Enrollment)
            .join(Person, Person.id == Enrollment.person_id)
            .where(Enrollment.class_id.in_(ids))
            .group_by(Enrollment.class_id, Person.unit_id)
        ):
            enrolled[(class_id, unit_id)] = count
            rows[class_id].places += count
            unit_row(unit_id).places += count
        stats.learners = (
            await session.scalar(
                select(func.count(func.distinct(Enrollment.person_id))).where(
                    Enrollment.class_id.in_(ids)
                )
            )
            or 0
        )

        await _attendance(session, stats, rows, enrolled, unit_row, period, now, tz)

        # Published results by grade.
        for class_id, unit_id, grade in await session.execute(
            select(Result.class_id, Person.unit_id, Result.grade)
            .join(Person, Person.id == Result.person_id)
            .join(Class, Class.id == Result.class_id)
            .where(Result.class_id.in_(ids), Class.results_published_at.is_not(None))
        ):
            if grade is None:
                continue
            rows[class_id].grades[grade] += 1
            unit_row(unit_id).grades[grade] += 1
            stats.grades[grade] += 1

        by_type: dict[str, TypeRow] = {}
        for row in rows.values():
            t = by_type.setdefault(row.program_type, TypeRow(row.program_type))
            t.classes += 1
            t.places += row.places
            t.grades.update(row.grades)
        stats.classes = len(rows)
        stats.places = sum(r.places for r in rows.values())
        stats.by_class = list(rows.values())
        stats.by_type = sorted(by_type.values(), key=lambda t: (-t.places, t.program_type))
        stats.by_unit = sorted(by_unit.values(), key=lambda u: (-u.places, u.name))
        await _survey(session, stats, ids)
        return stats


async def _attendance(
    session: AsyncSession,
    stats: Stats,
    rows: dict[int, ClassRow],
    enrolled: dict[tuple[int, int | None], int],
    unit_row: Callable[[int | None], UnitRow],
    period: Period,
    now: datetime,
    tz: ZoneInfo,
) -> None:
    start = datetime.combine(period.start, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(period.end + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    held_ids = (
        select(Session.id)
        .where(
            Session.class_id.in_(list(rows)),
            Session.status != SessionStatus.CANCELLED,
            Session.starts_at >= start,
            Session.starts_at < end,
            Session.starts_at <= now,
            select(Attendance.id).where(Attendance.session_id == Session.id).exists(),
        )
        .scalar_subquery()
    )
    held: dict[int, int] = dict(
        (
            await session.execute(
                select(Session.class_id, func.count())
                .where(Session.id.in_(held_ids))
                .group_by(Session.class_id)
            )
        ).all()
    )
    attended: dict[tuple[int, int | None], int] = {
        (c, u): n
        for c, u, n in await session.execute(
            select(Session.class_id, Person.unit_id, func.count())
            .select_from(Attendance)
            .join(Session, Session.id == Attendance.session_id)
            .join(Person, Person.id == Attendance.person_id)
            .where(Attendance.session_id.in_(held_ids), Attendance.status.in_(_ATTENDED))
            .group_by(Session.class_id, Person.unit_id)
        )
    }
    for (class_id, unit_id), places in enrolled.items():
        sessions = held.get(class_id, 0)
        came = attended.get((class_id, unit_id), 0)
        rows[class_id].attendance.add(came, places * sessions)
        unit_row(unit_id).attendance.add(came, places * sessions)
        stats.attendance.add(came, places * sessions)
    for class_id, sessions in held.items():
        rows[class_id].held = sessions
    stats.held = sum(held.values())


async def _survey(session: AsyncSession, stats: Stats, ids: list[int]) -> None:
    rows = await session.execute(
        select(SurveyAnswer.question_key, func.count(), func.sum(SurveyAnswer.rating))
        .where(SurveyAnswer.class_id.in_(ids), SurveyAnswer.rating.is_not(None))
        .group_by(SurveyAnswer.question_key)
    )
    found = {key: (count, total) for key, count, total in rows.all()}
    for key in (*QUESTIONS, *sorted(set(found) - set(QUESTIONS))):
        if key in found:
            count, total = found[key]
            average = (Decimal(int(total)) / count).quantize(Decimal("0.1"), ROUND_HALF_UP)
            stats.survey.append(SurveyRow(key, count, average))
    stats.survey_leaders = (
        await session.scalar(
            select(func.count(func.distinct(SurveyAnswer.person_id))).where(
                SurveyAnswer.class_id.in_(ids)
            )
        )
        or 0
    )


# --- rendering ------------------------------------------------------------------------------


def _rate(rate: Rate) -> str:
    return format_percent(rate.value) if rate.value is not None else T.RATE_NONE


def _rate_cell(rate: Rate) -> Percent | str:
    """A rate in a spreadsheet: a number shown as a percentage, or the 'no data' text."""
    return Percent(rate.value) if rate.value is not None else T.RATE_NONE


def _average(value: Decimal) -> str:
    return str(value).replace(".", ",")


def stats_text(stats: Stats) -> str:
    p = stats.period
    lines = [
        T.HEADER.format(period=p.label, centre=stats.centre),
        T.HEADER_RANGE.format(start=format_date(p.start), end=format_date(p.end)),
    ]
    if not stats.classes:
        lines.append(T.NO_CLASSES)
        return "\n".join(lines)
    lines.append(
        T.TOTAL.format(
            classes=format_count(stats.classes),
            places=format_count(stats.places),
            learners=format_count(stats.learners),
        )
    )
    lines.append(T.BY_TYPE_HEADER)
    lines += [
        T.BY_TYPE_LINE.format(
            program_type=t.program_type,
            classes=format_count(t.classes),
            places=format_count(t.places),
        )
        for t in stats.by_type
    ]
    if stats.attendance.value is not None:
        lines.append(
            T.ATTENDANCE.format(
                rate=_rate(stats.attendance),
                attended=format_count(stats.attendance.attended),
                expected=format_count(stats.attendance.expected),
            )
        )
    else:
        lines.append(T.ATTENDANCE_NONE)
    total = sum(stats.grades.values())
    if total:
        grades = ", ".join(
            T.GRADE_COUNT.format(
                grade=g,
                count=format_count(stats.grades[g]),
                share=format_percent(Decimal(stats.grades[g]) / total),
            )
            for g in stats.grade_order()
        )
        lines.append(T.GRADES.format(count=format_count(total), grades=grades))
    else:
        lines.append(T.GRADES_NONE)
    if stats.survey:
        lines.append(T.SURVEY_HEADER.format(units=stats.survey_leaders))
        lines += [
            T.SURVEY_LINE.format(
                question=TS.SHORT.get(s.question_key, s.question_key), average=_average(s.average)
            )
            for s in stats.survey
        ]
    lines.append(T.BY_UNIT_HEADER)
    lines += [
        T.BY_UNIT_LINE.format(unit=u.name, places=format_count(u.places), rate=_rate(u.attendance))
        for u in stats.by_unit[:UNITS_IN_TEXT]
    ]
    return "\n".join(lines)


def stats_xlsx(stats: Stats) -> Document:
    p = stats.period
    title = (T.TITLE.format(period=p.label.upper(), centre=stats.centre.upper()),)
    grades = stats.grade_order()
    rate = stats.attendance.value
    summary = [
        (T.ITEM_CLASSES, stats.classes),
        (T.ITEM_PLACES, stats.places),
        (T.ITEM_LEARNERS, stats.learners),
        (T.ITEM_HELD, stats.held),
        (T.ITEM_RATE, Percent(rate) if rate is not None else None),
        (T.ITEM_RESULTS, sum(stats.grades.values())),
        *((T.ITEM_GRADE.format(grade=g), stats.grades[g]) for g in grades),
    ]
    sheets = [
        SheetSpec(T.SHEET_SUMMARY, (T.COL_ITEM, T.COL_VALUE), summary, title_lines=title),
        SheetSpec(
            T.SHEET_TYPES,
            (T.COL_TYPE, T.COL_CLASSES, T.COL_PLACES, *grades),
            [
                (t.program_type, t.classes, t.places, *(t.grades[g] for g in grades))
                for t in stats.by_type
            ],
        ),
        SheetSpec(
            T.SHEET_CLASSES,
            (
                T.COL_CODE,
                T.COL_NAME,
                T.COL_TYPE,
                T.COL_START,
                T.COL_END,
                T.COL_PLACES,
                T.COL_HELD,
                T.COL_RATE,
                *grades,
            ),
            [
                (
                    c.code,
                    c.name,
                    c.program_type,
                    c.start_date,
                    c.end_date,
                    c.places,
                    c.held,
                    _rate_cell(c.attendance),
                    *(c.grades[g] for g in grades),
                )
                for c in stats.by_class
            ],
        ),
        SheetSpec(
            T.SHEET_UNITS,
            (T.COL_UNIT, T.COL_PLACES, T.COL_RATE, *grades),
            [
                (u.name, u.places, _rate_cell(u.attendance), *(u.grades[g] for g in grades))
                for u in stats.by_unit
            ],
        ),
        SheetSpec(
            T.SHEET_SURVEY,
            (T.COL_QUESTION, T.COL_ANSWERS, T.COL_AVERAGE),
            [
                (TS.QUESTIONS.get(s.question_key, s.question_key), s.answers, float(s.average))
                for s in stats.survey
            ],
        ),
    ]
    return Document(T.FILE.format(key=p.key), write_xlsx(sheets))


def stats_chart(stats: Stats) -> bytes:
    """A PNG: attendance by class (left), grades by class type, stacked (right)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = stats_figure(stats)
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def stats_figure(stats: Stats) -> Figure:
    """The chart's figure, titled with its period; each attendance bar carries its rate, so
    a class nobody attended shows '0%' rather than an empty gap."""
    # The Figure directly, not pyplot: no display on a server, and no global state shared
    # between the bot's tasks. Imported here: matplotlib costs the CLI a second to load.
    from matplotlib.figure import Figure

    figure = Figure(figsize=(12, 5), dpi=100, layout="constrained")
    figure.suptitle(
        T.CHART_TITLE.format(period=stats.period.label, centre=stats.centre), fontweight="bold"
    )
    left, right = figure.subplots(1, 2)
    classes = [c for c in stats.by_class if c.attendance.value is not None][:CHART_CLASSES]
    left.set_title(T.CHART_ATTENDANCE)
    if classes:
        values = [float(c.attendance.value or 0) * 100 for c in classes]
        bars = left.bar([c.code for c in classes], values, color="#2e7d32")
        left.bar_label(
            bars,
            labels=[format_percent(c.attendance.value or 0) for c in classes],
            padding=2,
            fontsize="small",
        )
        left.set_ylim(0, 110)  # room for the label above a 100 % bar
        left.tick_params(axis="x", labelrotation=45)
    else:
        left.text(0.5, 0.5, T.CHART_EMPTY, ha="center", va="center", transform=left.transAxes)
        left.set_axis_off()
    right.set_title(T.CHART_GRADES)
    grades = stats.grade_order()
    types = [t for t in stats.by_type if sum(t.grades.values())]
    if types and grades:
        bottoms = [0] * len(types)
        labels = [t.program_type for t in types]
        for grade in grades:
            counts = [t.grades[grade] for t in types]
            right.bar(labels, counts, bottom=bottoms, label=grade, width=0.5)
            bottoms = [b + c for b, c in zip(bottoms, counts, strict=True)]
        right.legend(fontsize="small")
        right.tick_params(axis="x", labelrotation=15)
    else:
        right.text(0.5, 0.5, T.CHART_EMPTY, ha="center", va="center", transform=right.transAxes)
        right.set_axis_off()
    return figure


# --- sending at a period's end --------------------------------------------------------------


async def send_period_stats(
    uow: UnitOfWork, *, centre_id: int, period: Period, now: datetime, tz: ZoneInfo
) -> int:
    """Enqueue the period's statistics (text + workbook, then the chart) to every active
    staff member; keys name the period, so a re-run sends nothing twice. Returns rows added."""
    stats = await compute_stats(uow, centre_id=centre_id, period=period, now=now, tz=tz)
    text = f"{stats_text(stats)}\n{T.FOOTER_FILES}" if stats.classes else stats_text(stats)
    workbook = stats_xlsx(stats)
    chart = Document(T.CHART_FILE.format(key=period.key), stats_chart(stats), PNG)
    added = 0
    async with uow:
        session = uow.session
        staff = await session.scalars(
            select(StaffMember.person_id).where(
                StaffMember.centre_id == centre_id, StaffMember.active.is_(True)
            )
        )
        for person_id in list(staff):
            base = f"{KIND}:{centre_id}:{period.key}:{person_id}"
            first = await enqueue(
                session,
                Notice(
                    key=base,
                    person_id=person_id,
                    kind=KIND,
                    text=text,
                    document=workbook,
                    due_at=now,
                ),
            )
            second = None
            if stats.classes:
                second = await enqueue(
                    session,
                    Notice(
                        key=f"{base}:chart",
                        person_id=person_id,
                        kind=KIND,
                        text=T.CHART_CAPTION.format(period=period.label),
                        document=chart,
                        due_at=now,
                    ),
                )
            added += (first is not None) + (second is not None)
        await uow.commit()
    return added
