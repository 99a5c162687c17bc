"""Statistics and survey decisions without a database: periods as staff type them, their
arithmetic, how rates and sums add up, the survey's next step, and every refusal's wording."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from texts import stats as T
from texts.refusals import REFUSALS, say
from usecases.refusal import Refused
from usecases.stats.rules import (
    ClassRow,
    Period,
    PeriodKind,
    Rate,
    Stats,
    StatsReason,
    UnitRow,
    add_attendance,
    average_rating,
    by_type,
    parse_period,
    previous_period,
    survey_rows,
)
from usecases.survey.rules import (
    QUESTIONS,
    SurveyReason,
    SurveyStep,
    check_answer,
    due_window,
    next_step,
)


def test_periods_are_read_as_staff_type_them() -> None:
    march = parse_period("month", "3/2024")
    assert (march.start, march.end, march.label, march.key, march.command) == (
        date(2024, 3, 1),
        date(2024, 3, 31),
        "tháng 3/2024",
        "2024-03",
        "thang 3/2024",
    )
    q1 = parse_period(PeriodKind.QUARTER, " 1 / 2024 ")
    assert (q1.start, q1.end, q1.label, q1.key) == (
        date(2024, 1, 1),
        date(2024, 3, 31),
        "quý 1/2024",
        "2024-q1",
    )
    assert parse_period("year", "2024").end == date(2024, 12, 31)
    assert parse_period("month", "02/2024").end == date(2024, 2, 29)
    assert parse_period("month", "2.2023").end == date(2023, 2, 28)


@pytest.mark.parametrize(
    ("kind", "typed", "example"),
    [("month", "13/2024", "3/2024"), ("quarter", "5/2024", "1/2024"), ("year", "24", "2024")],
)
def test_a_period_that_does_not_exist_is_refused_with_an_example(
    kind: str, typed: str, example: str
) -> None:
    with pytest.raises(Refused) as refused:
        parse_period(kind, typed)
    assert refused.value.reason == StatsReason.BAD_PERIOD
    assert say(refused.value) == T.PERIOD_BAD.format(value=typed, example=example)


def test_the_previous_period_is_the_last_complete_one() -> None:
    assert previous_period(PeriodKind.MONTH, date(2024, 1, 1)) == Period(PeriodKind.MONTH, 2023, 12)
    assert previous_period(PeriodKind.QUARTER, date(2024, 4, 1)) == Period(
        PeriodKind.QUARTER, 2024, 1
    )
    assert previous_period(PeriodKind.QUARTER, date(2024, 2, 15)) == Period(
        PeriodKind.QUARTER, 2023, 4
    )
    assert previous_period(PeriodKind.YEAR, date(2025, 1, 1)) == Period(PeriodKind.YEAR, 2024)


def test_a_rate_without_held_sessions_is_unknown_not_zero() -> None:
    rate = Rate()
    assert rate.value is None
    rate.add(3, 4)
    rate.add(0, 0)
    assert rate.value == Decimal("0.75")


def test_attendance_is_present_or_late_over_places_times_held_sessions() -> None:
    stats = Stats(parse_period("month", "3/2024"), "Trung tâm")
    rows = {
        1: ClassRow("A", "Lớp A", "Sơ cấp", None, None),
        2: ClassRow("B", "Lớp B", "Bồi dưỡng", None, None),
    }
    units = {10: UnitRow("Đoàn xã"), None: UnitRow("(chưa rõ đơn vị)")}
    enrolled = {(1, 10): 3, (1, None): 1, (2, 10): 2}
    held = {1: 2}  # class B held nothing in the period
    attended = {(1, 10): 5, (1, None): 1}
    add_attendance(stats, rows, units, enrolled, held, attended)
    assert (rows[1].attendance.attended, rows[1].attendance.expected, rows[1].held) == (6, 8, 2)
    assert rows[2].attendance.value is None and rows[2].held == 0
    assert (units[10].attendance.attended, units[10].attendance.expected) == (5, 6)
    assert (stats.attendance.attended, stats.attendance.expected, stats.held) == (6, 8, 2)


def test_class_types_add_up_their_classes_places_and_grades_largest_first() -> None:
    a = ClassRow("A", "Lớp A", "Sơ cấp", None, None, places=40, grades=Counter({"Khá": 3}))
    b = ClassRow("B", "Lớp B", "Bồi dưỡng", None, None, places=50)
    c = ClassRow("C", "Lớp C", "Sơ cấp", None, None, places=20, grades=Counter({"Khá": 1}))
    types = by_type([a, b, c])
    assert [(t.program_type, t.classes, t.places) for t in types] == [
        ("Sơ cấp", 2, 60),
        ("Bồi dưỡng", 1, 50),
    ]
    assert types[0].grades == Counter({"Khá": 4})


def test_survey_averages_keep_the_surveys_order_and_round_half_up() -> None:
    found = {"useful": (2, 9), "apply": (4, 13), "extra": (1, 5)}
    rows = survey_rows(found, QUESTIONS)
    assert [(r.question_key, r.answers, r.average) for r in rows] == [
        ("apply", 4, Decimal("3.3")),
        ("useful", 2, Decimal("4.5")),
        ("extra", 1, Decimal("5.0")),
    ]
    assert average_rating(4, 14) == Decimal("3.5")  # 3.5 exactly
    assert average_rating(20, 69) == Decimal("3.5")  # 3.45 rounds half up


def test_grades_are_listed_in_the_scales_order() -> None:
    stats = Stats(
        parse_period("year", "2024"), "Trung tâm", grades=Counter(["Khá", "Giỏi", "Khác"])
    )
    assert stats.grade_order() == ["Giỏi", "Khá", "Khác"]


def test_a_survey_asks_each_unrated_question_then_the_comment() -> None:
    assert next_step(5, "SC-K4", set(), False) == SurveyStep(5, "SC-K4", 1)
    assert next_step(5, "SC-K4", {"apply", "useful"}, False).next_number == 2
    last = next_step(5, "SC-K4", set(QUESTIONS), False)
    assert last.next_number is None and last.ask_comment and not last.done
    assert next_step(5, "SC-K4", set(QUESTIONS), True).done


def test_only_ratings_one_to_five_of_existing_questions_are_taken() -> None:
    check_answer(1, 1)
    check_answer(len(QUESTIONS), 5)
    for number, rating in ((0, 3), (len(QUESTIONS) + 1, 3), (1, 0), (1, 6)):
        with pytest.raises(Refused) as refused:
            check_answer(number, rating)
        assert refused.value.reason == SurveyReason.BAD_ANSWER


def test_courses_are_surveyed_from_the_delay_on_for_two_weeks() -> None:
    assert due_window(date(2024, 4, 12), 30) == (date(2024, 2, 28), date(2024, 3, 13))


def test_every_refusal_of_statistics_and_survey_has_wording() -> None:
    for reason in (*StatsReason, *SurveyReason):
        assert reason.value in REFUSALS, reason
