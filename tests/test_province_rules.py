"""How the province's totals add up, without a database: counts are summed and rates and means
follow from the sums, never averages of the centres' rates or means."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from texts.refusals import say
from usecases.province.rules import (
    CentreFigures,
    Figures,
    ProvinceReason,
    Score,
    centre_figures,
    parse_period,
    province_figures,
    total,
)
from usecases.refusal import Refused
from usecases.stats.rules import ClassRow, Period, PeriodKind, Rate, Stats, by_type

MARCH = Period(PeriodKind.MONTH, 2026, 3)


def test_attendance_across_centres_is_summed_marks_not_the_mean_of_rates() -> None:
    small = Figures(classes=1, places=2, attendance=Rate(2, 2))  # 100 %
    big = Figures(classes=1, places=100, attendance=Rate(50, 100))  # 50 %
    summed = total([small, big])
    assert (summed.attendance.attended, summed.attendance.expected) == (52, 102)
    assert summed.attendance.value == Decimal(52) / Decimal(102)  # about 51 %, not 75 %
    assert summed.classes == 2 and summed.places == 102


def test_grades_are_summed_across_centres() -> None:
    a = Figures(grades=Counter({"Giỏi": 2, "Khá": 1}))
    b = Figures(grades=Counter({"Khá": 3, "Không đạt": 1}))
    summed = total([a, b])
    assert summed.grades == Counter({"Giỏi": 2, "Khá": 4, "Không đạt": 1})
    assert summed.results == 7


def test_evaluation_means_are_weighted_by_answer_counts() -> None:
    # Centre A: two answers, 4 and 5 (mean 4,5); centre B: one answer, 3.
    a = Figures(survey={"apply": Score(2, 9)})
    b = Figures(survey={"apply": Score(1, 3), "useful": Score(1, 4)})
    summed = total([a, b])
    assert summed.survey["apply"] == Score(3, 12)
    assert summed.survey["apply"].mean == Decimal("4.0")  # (4 + 5 + 3) / 3, not (4,5 + 3) / 2
    assert summed.survey["useful"].mean == Decimal("4.0")
    assert summed.answers == 4


def test_no_marks_means_no_rate_rather_than_zero() -> None:
    assert total([Figures(), Figures()]).attendance.value is None
    assert Score().mean is None


def _stats(name: str, rows: list[ClassRow]) -> Stats:
    stats = Stats(period=MARCH, centre=name, classes=len(rows))
    stats.places = sum(r.places for r in rows)
    stats.by_class = rows
    stats.by_type = by_type(rows)
    for r in rows:
        stats.attendance.add(r.attendance.attended, r.attendance.expected)
        stats.grades.update(r.grades)
    return stats


def _class(code: str, kind: str, places: int, came: int, expected: int, **grades: int) -> ClassRow:
    return ClassRow(
        code,
        code,
        kind,
        date(2026, 3, 1),
        date(2026, 3, 5),
        places=places,
        attendance=Rate(came, expected),
        grades=Counter({g.replace("_", " "): n for g, n in grades.items()}),
    )


def test_program_types_are_totalled_per_centre_and_across_centres() -> None:
    one = centre_figures(
        "Trung tâm Một",
        _stats(
            "Trung tâm Một",
            [
                _class("SC1", "Sơ cấp", 10, 18, 20, Giỏi=3),
                _class("SC2", "Sơ cấp", 5, 5, 10, Khá=5),
                _class("BD1", "Bồi dưỡng", 4, 4, 4),
            ],
        ),
        {"apply": (3, 12)},
        {"Sơ cấp": {"apply": (2, 8)}, "Bồi dưỡng": {"apply": (1, 4)}},
    )
    two = centre_figures(
        "Trung tâm Hai",
        _stats("Trung tâm Hai", [_class("SC9", "Sơ cấp", 20, 10, 40, Khá=2)]),
        {"apply": (1, 2)},
        {"Sơ cấp": {"apply": (1, 2)}},
    )
    sc = one.by_type["Sơ cấp"]
    assert (sc.classes, sc.places) == (2, 15)
    assert (sc.attendance.attended, sc.attendance.expected) == (23, 30)
    assert sc.grades == Counter({"Giỏi": 3, "Khá": 5})
    province = province_figures(MARCH, [one, two])
    everywhere = province.by_type["Sơ cấp"]
    assert (everywhere.classes, everywhere.places) == (3, 35)
    assert (everywhere.attendance.attended, everywhere.attendance.expected) == (33, 70)
    assert everywhere.survey["apply"] == Score(3, 10)
    assert list(province.by_type) == ["Sơ cấp", "Bồi dưỡng"]  # the most places first
    assert province.total.places == 39 and province.total.classes == 4
    assert (province.total.attendance.attended, province.total.attendance.expected) == (37, 74)
    assert province.total.survey["apply"] == Score(4, 14)
    assert province.grade_order() == ["Giỏi", "Khá"]


def test_a_centre_with_no_class_counts_as_nothing() -> None:
    empty = CentreFigures("Trung tâm Ba", Figures())
    full = centre_figures("Trung tâm Một", _stats("Một", [_class("A", "Sơ cấp", 3, 3, 3)]), {}, {})
    province = province_figures(MARCH, [empty, full])
    assert province.total.places == 3 and province.total.attendance.value == 1


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("month", "11/2026", Period(PeriodKind.MONTH, 2026, 11)),
        ("month", "2026-11", Period(PeriodKind.MONTH, 2026, 11)),
        ("quarter", "2026-Q4", Period(PeriodKind.QUARTER, 2026, 4)),
        ("quarter", "4/2026", Period(PeriodKind.QUARTER, 2026, 4)),
        ("year", "2026", Period(PeriodKind.YEAR, 2026)),
    ],
)
def test_periods_in_both_spellings(kind: str, value: str, expected: Period) -> None:
    assert parse_period(kind, value) == expected


@pytest.mark.parametrize(("kind", "value"), [("month", "2026-13"), ("quarter", "2026-Q5")])
def test_a_bad_period_is_refused(kind: str, value: str) -> None:
    with pytest.raises(Refused):
        parse_period(kind, value)


def test_the_refusals_are_worded_in_vietnamese() -> None:
    assert "Trường Chính trị tỉnh" in say(Refused(ProvinceReason.NOT_PROVINCE))
    assert "trống" in say(Refused(ProvinceReason.EMPTY_TEXT))
