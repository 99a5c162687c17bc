"""Attendance rules at their boundaries, as pure functions: no database, milliseconds."""

from __future__ import annotations

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

P, L, A, E = "present", "late", "absent", "excused"
RULES = Limits(max_share=0.2, warn_share=0.1, late_is_present=True, max_run=2, warn_run=0)


def share(missed: int, total: int = 15) -> Level:
    return level_of(Measure.SHARE, Standing(missed, total, 0), RULES)


def test_exactly_at_the_share_limit_is_allowed_and_one_more_is_over() -> None:
    # 20 % of 15 sessions is 3 (and 0.2 * 15 is 3.0000000000000004 in floats).
    assert share(3) is Level.WARNING
    assert share(4) is Level.LIMIT
    # 10 % of 20 is 2: 2 misses is no warning, 3 is.
    assert share(2, 20) is Level.OK and share(3, 20) is Level.WARNING
    assert share(0, 0) is Level.OK  # a class with no session yet


def test_reaching_the_consecutive_limit_is_over_it() -> None:
    assert level_of(Measure.RUN, Standing(1, 15, 1), RULES) is Level.OK
    assert level_of(Measure.RUN, Standing(2, 15, 2), RULES) is Level.LIMIT
    warned = Limits(max_run=3, warn_run=2)
    assert level_of(Measure.RUN, Standing(2, 15, 2), warned) is Level.WARNING
    off = Limits(max_share=0, warn_share=0, max_run=0)
    assert ineligible_reasons(Standing(15, 15, 15), off) == []


def test_leave_approved_after_the_alert_is_no_miss_and_breaks_the_run() -> None:
    before = standing([P, A, A, P], 15, late_is_present=True)
    assert (before.missed, before.run) == (2, 2)
    after = standing([P, A, E, P], 15, late_is_present=True)  # the second absence excused
    assert (after.missed, after.run) == (1, 1)
    assert level_of(Measure.RUN, after, RULES) is Level.OK


def test_late_counts_as_present_or_as_missed_as_configured() -> None:
    marks = [L, L, P, A]
    assert standing(marks, 15, late_is_present=True).missed == 1
    strict = standing(marks, 15, late_is_present=False)
    assert (strict.missed, strict.run) == (3, 2)


def test_a_session_cancelled_after_being_counted_leaves_the_marks_and_the_total() -> None:
    # Counted: 4 misses of 16 sessions (25 %, over the limit).
    assert share(4, 16) is Level.LIMIT
    # The session of one miss is cancelled: its mark and the session itself go; 3 of 15.
    assert share(3, 15) is Level.WARNING


def test_each_crossing_is_told_once_and_a_new_crossing_after_a_fall_is_told_again() -> None:
    count, tell = crossing(Level.OK, 0, Level.WARNING)
    assert (count, tell) == (1, Level.WARNING)
    count, tell = crossing(Level.WARNING, count, Level.WARNING)  # the job runs again
    assert (count, tell) == (1, None)
    count, tell = crossing(Level.WARNING, count, Level.LIMIT)
    assert (count, tell) == (2, Level.LIMIT)
    count, tell = crossing(Level.LIMIT, count, Level.WARNING)  # leave approved: a fall
    assert (count, tell) == (2, None)
    count, tell = crossing(Level.WARNING, count, Level.LIMIT)  # over again: told again
    assert (count, tell) == (3, Level.LIMIT)


def test_a_warning_tells_the_learner_and_the_limit_tells_leader_and_staff_too() -> None:
    assert told(Level.WARNING) == {"learner"}
    assert told(Level.LIMIT) == {"learner", "leader", "staff"}
    assert told(Level.OK) == frozenset()


def test_not_eligible_names_each_rule_over_its_limit() -> None:
    assert ineligible_reasons(Standing(4, 15, 2), RULES) == [Measure.SHARE, Measure.RUN]
    assert ineligible_reasons(Standing(3, 15, 1), RULES) == []
