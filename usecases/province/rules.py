"""How the province's figures add up, over plain values (no database, no clock).

A total is made of the parts' counts, never of their ratios: the attendance rate of several
centres is their present-or-late marks over their expected marks summed, not the mean of their
rates (a centre of 20 places must not weigh as much as one of 2.000); an evaluation question's
mean is the sum of ratings over the number of answers, which is the centres' means weighted by
their answer counts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sheets.results import GRADES
from usecases.refusal import Reason
from usecases.stats.rules import ClassRow, Period, PeriodKind, Rate, Stats, TypeRow, average_rating
from usecases.stats.rules import parse_period as parse_stats_period

__all__ = [
    "CentreFigures",
    "Figures",
    "ProvinceFigures",
    "ProvinceReason",
    "Score",
    "centre_figures",
    "parse_period",
    "province_figures",
    "total",
    "total_by_type",
]

_GRADE_ORDER = {g: i for i, g in enumerate(GRADES)}
# The CLI's ISO-like forms: 2026-11 (a month), 2026-Q4 (a quarter).
_ISO_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_ISO_QUARTER = re.compile(r"^\s*(\d{4})-[qQ](\d)\s*$")

# Answers per question: (number of answers, sum of their ratings).
SurveySums = Mapping[str, tuple[int, int]]


class ProvinceReason(Reason):
    NOT_PROVINCE = "province.not_province"
    EMPTY_TEXT = "province.empty_text"


def parse_period(kind: PeriodKind | str, value: str) -> Period:
    """/thongke's syntax (3/2024, 1/2024, 2024), and also 2024-03 and 2024-Q1."""
    kind = PeriodKind(kind)
    iso = (_ISO_MONTH if kind == PeriodKind.MONTH else _ISO_QUARTER).match(value)
    if iso is not None and kind != PeriodKind.YEAR:
        value = f"{iso.group(2)}/{iso.group(1)}"
    return parse_stats_period(kind, value)


@dataclass
class Score:
    """One evaluation question's answers: how many, and the sum of their ratings (1–5)."""

    answers: int = 0
    total: int = 0

    @property
    def mean(self) -> Decimal | None:
        """To one decimal place, as the centre's own statistics show it."""
        return average_rating(self.answers, self.total) if self.answers else None

    def add(self, other: Score) -> None:
        self.answers += other.answers
        self.total += other.total


@dataclass
class Figures:
    """What the province counts, for a centre, a program type, or the total."""

    classes: int = 0
    places: int = 0
    learners: int = 0  # distinct people; 0 where not counted (per program type)
    attendance: Rate = field(default_factory=Rate)
    grades: Counter[str] = field(default_factory=Counter)
    survey: dict[str, Score] = field(default_factory=dict)

    def add(self, other: Figures) -> None:
        """Counts add up; rates and means follow from the summed counts."""
        self.classes += other.classes
        self.places += other.places
        self.learners += other.learners
        self.attendance.add(other.attendance.attended, other.attendance.expected)
        self.grades.update(other.grades)
        for key, score in other.survey.items():
            self.survey.setdefault(key, Score()).add(score)

    @property
    def results(self) -> int:
        return sum(self.grades.values())

    @property
    def answers(self) -> int:
        return sum(s.answers for s in self.survey.values())


@dataclass
class CentreFigures:
    name: str
    figures: Figures
    by_type: dict[str, Figures] = field(default_factory=dict)
    is_province: bool = False


@dataclass
class ProvinceFigures:
    period: Period
    centres: list[CentreFigures]
    total: Figures
    by_type: dict[str, Figures]  # the total per program type, the most places first

    def grade_order(self) -> list[str]:
        return sorted(self.total.grades, key=lambda g: (_GRADE_ORDER.get(g, len(GRADES)), g))

    def question_order(self, questions: Sequence[str]) -> list[str]:
        """The survey's own questions first, in their order, then any other answered."""
        found = set(self.total.survey)
        return [q for q in questions if q in found] + sorted(found - set(questions))


def _scores(sums: SurveySums) -> dict[str, Score]:
    return {key: Score(count, total) for key, (count, total) in sums.items()}


def _type_attendance(rows: Iterable[ClassRow]) -> dict[str, Rate]:
    rates: dict[str, Rate] = {}
    for row in rows:
        rate = rates.setdefault(row.program_type, Rate())
        rate.add(row.attendance.attended, row.attendance.expected)
    return rates


def centre_figures(
    name: str,
    stats: Stats,
    survey: SurveySums,
    survey_by_type: Mapping[str, SurveySums],
    *,
    is_province: bool = False,
) -> CentreFigures:
    """A centre's line and its program types, from its period statistics (`Stats`) and its
    evaluation answers as sums (the statistics keep only rounded means)."""
    figures = Figures(
        classes=stats.classes,
        places=stats.places,
        learners=stats.learners,
        attendance=Rate(stats.attendance.attended, stats.attendance.expected),
        grades=Counter(stats.grades),
        survey=_scores(survey),
    )
    rates = _type_attendance(stats.by_class)
    by_type = {t.program_type: _type_figures(t, rates, survey_by_type) for t in stats.by_type}
    # Answers come from the same classes as the statistics, so a type has its row already;
    # should one not (a class edited in between), its answers still count.
    for kind, sums in survey_by_type.items():
        by_type.setdefault(kind, Figures(survey=_scores(sums)))
    return CentreFigures(name, figures, by_type, is_province)


def _type_figures(
    row: TypeRow, rates: Mapping[str, Rate], survey_by_type: Mapping[str, SurveySums]
) -> Figures:
    rate = rates.get(row.program_type, Rate())
    return Figures(
        classes=row.classes,
        places=row.places,
        attendance=Rate(rate.attended, rate.expected),
        grades=Counter(row.grades),
        survey=_scores(survey_by_type.get(row.program_type, {})),
    )


def total(parts: Iterable[Figures]) -> Figures:
    """The sum of centres' (or types') figures."""
    result = Figures()
    for part in parts:
        result.add(part)
    return result


def total_by_type(centres: Iterable[CentreFigures]) -> dict[str, Figures]:
    """Each program type summed over the centres, the most places first."""
    types: dict[str, Figures] = {}
    for centre in centres:
        for kind, figures in centre.by_type.items():
            types.setdefault(kind, Figures()).add(figures)
    return dict(sorted(types.items(), key=lambda kv: (-kv[1].places, kv[0])))


def province_figures(period: Period, centres: Sequence[CentreFigures]) -> ProvinceFigures:
    return ProvinceFigures(
        period=period,
        centres=list(centres),
        total=total(c.figures for c in centres),
        by_type=total_by_type(centres),
    )
