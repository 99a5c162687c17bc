"""The arithmetic of statistics, over plain values: periods, rates, and how the figures add up.

No database and no clock here (pass `now` or a day in); loading is in `figures`.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from sheets.results import GRADES
from texts import stats as T
from usecases.refusal import Reason, Refused

__all__ = [
    "ClassRow",
    "Period",
    "PeriodKind",
    "Rate",
    "Stats",
    "StatsReason",
    "SurveyRow",
    "TypeRow",
    "UnitRow",
    "add_attendance",
    "average_rating",
    "by_type",
    "parse_period",
    "period_of",
    "previous_period",
    "survey_rows",
]

_GRADE_ORDER = {g: i for i, g in enumerate(GRADES)}
_PERIOD_RE = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")
_EXAMPLES = {"month": "3/2024", "quarter": "1/2024", "year": "2024"}


class StatsReason(Reason):
    NOT_STAFF = "stats.not_staff"
    BAD_PERIOD = "stats.bad_period"


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


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
    bad = Refused(StatsReason.BAD_PERIOD, value=value, example=_EXAMPLES[kind])
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


def by_type(rows: Iterable[ClassRow]) -> list[TypeRow]:
    """Classes, places and grades per class type, the largest first."""
    types: dict[str, TypeRow] = {}
    for row in rows:
        t = types.setdefault(row.program_type, TypeRow(row.program_type))
        t.classes += 1
        t.places += row.places
        t.grades.update(row.grades)
    return sorted(types.values(), key=lambda t: (-t.places, t.program_type))


def average_rating(count: int, total: int) -> Decimal:
    """A mean rating to one decimal place, rounded half up."""
    return (Decimal(total) / count).quantize(Decimal("0.1"), ROUND_HALF_UP)


def survey_rows(found: Mapping[str, tuple[int, int]], questions: Sequence[str]) -> list[SurveyRow]:
    """One row per question answered, the survey's own questions first, in their order."""
    keys = (*questions, *sorted(set(found) - set(questions)))
    return [SurveyRow(k, found[k][0], average_rating(*found[k])) for k in keys if k in found]


def add_attendance(
    stats: Stats,
    rows: Mapping[int, ClassRow],
    units: Mapping[int | None, UnitRow],
    enrolled: Mapping[tuple[int, int | None], int],
    held: Mapping[int, int],
    attended: Mapping[tuple[int, int | None], int],
) -> None:
    """Present + late over (enrolled learners × held sessions), per class, unit and in all.
    `enrolled` and `attended` are keyed by (class, unit); `held` by class."""
    for (class_id, unit_id), places in enrolled.items():
        expected = places * held.get(class_id, 0)
        came = attended.get((class_id, unit_id), 0)
        rows[class_id].attendance.add(came, expected)
        units[unit_id].attendance.add(came, expected)
        stats.attendance.add(came, expected)
    for class_id, sessions in held.items():
        rows[class_id].held = sessions
    stats.held = sum(held.values())
