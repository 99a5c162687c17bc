"""The units rules at their boundaries, as pure functions: no database, milliseconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from usecases.units import rules

PUBLISHED = datetime(2024, 3, 14, 2, 0, tzinfo=UTC)
A, B, C = 101, 102, 103  # leaders
X, Y, Z = 1, 2, 3  # units


def test_a_unit_has_acknowledged_when_any_one_of_its_leaders_has() -> None:
    leaders = {A: {X, Y}, B: {Y}, C: {Z}}
    assert rules.acknowledged_units(leaders, set()) == frozenset()
    assert rules.acknowledged_units(leaders, {B}) == {Y}
    assert rules.acknowledged_units(leaders, {A}) == {X, Y}
    assert rules.acknowledged_units(leaders, {A, B, C}) == {X, Y, Z}


def test_units_without_a_leader_are_those_nobody_leads() -> None:
    assert rules.units_without_leader({X, Y, Z}, {A: {X}, B: {X, Y}}) == {Z}
    assert rules.units_without_leader({X}, {}) == {X}
    assert rules.units_without_leader(set(), {A: {X}}) == frozenset()


def test_the_reminder_falls_due_exactly_at_the_configured_days_and_never_when_off() -> None:
    at_limit = PUBLISHED + timedelta(days=3)
    assert not rules.reminder_due(PUBLISHED, at_limit - timedelta(seconds=1), 3)
    assert rules.reminder_due(PUBLISHED, at_limit, 3)
    assert rules.reminder_due(PUBLISHED, at_limit + timedelta(days=2), 3)
    assert not rules.reminder_due(PUBLISHED, at_limit + timedelta(days=30), 0)


def test_only_leaders_told_who_have_not_pressed_and_lead_an_unacknowledged_unit_are_reminded() -> (
    None
):
    leaders = {A: {X, Y}, B: {Y}, C: {Z}}
    told = {A, B, C}
    assert rules.leaders_to_remind(leaders, told, set()) == [A, B, C]
    # B pressed for Y: A still leads X, which nobody acknowledged; C leads Z.
    assert rules.leaders_to_remind(leaders, told, {B}) == [A, C]
    # A pressed for X and Y: B's only unit is done through A, so B is not reminded.
    assert rules.leaders_to_remind(leaders, told, {A}) == [C]
    # A leader who was never sent the summary (added after publishing) is not reminded.
    assert rules.leaders_to_remind(leaders, {A, B}, set()) == [A, B]
    assert rules.leaders_to_remind(leaders, told, {A, B, C}) == []


def test_nominations_are_open_until_the_first_session_starts_exactly() -> None:
    start = datetime(2024, 3, 4, 0, 30, tzinfo=UTC)
    assert rules.nomination_open(start, start - timedelta(seconds=1))
    assert not rules.nomination_open(start, start)
    assert rules.nomination_open(None, start)


def test_a_units_tally_counts_each_answer_and_the_silence() -> None:
    t = rules.tally(["confirmed", None, "declined", "confirmed", None, None])
    assert (t.confirmed, t.declined, t.no_answer, t.total) == (2, 1, 3, 6)
    assert rules.tally([]).total == 0


def test_only_leaders_of_units_with_an_unanswered_learner_are_nudged() -> None:
    leaders = {A: {X, Y}, B: {Y}, C: {Z}}
    assert rules.leaders_to_nudge(leaders, {Y}) == [A, B]
    assert rules.leaders_to_nudge(leaders, {Z}) == [C]
    assert rules.leaders_to_nudge(leaders, set()) == []


def test_the_conduct_kind_is_understood_however_typed() -> None:
    for typed in ("vi phạm", "vipham", "VI-PHAM", "Vi Phạm"):
        assert rules.conduct_kind(typed) == "violation"
    assert rules.conduct_kind("nhắc nhở") == "reminder"
    assert rules.conduct_kind("phê bình") == "criticism"
    assert rules.conduct_kind("khen") is None


def test_only_a_violation_tells_the_leader_at_once_and_the_tally_is_mildest_first() -> None:
    assert rules.tells_leader_at_once("violation")
    assert not rules.tells_leader_at_once("criticism")
    assert not rules.tells_leader_at_once("reminder")
    tally = rules.conduct_tally(["violation", "reminder", "reminder"])
    assert tally == [("reminder", 2), ("violation", 1)]
    assert rules.conduct_tally([]) == []


def test_a_parent_units_sub_units_are_found_however_deep_and_cycles_refused() -> None:
    district, commune_a, commune_b, school = 10, 11, 12, 13
    parents = {district: None, commune_a: district, commune_b: district, school: commune_a}
    assert rules.descendants(parents, district) == {commune_a, commune_b, school}
    assert rules.descendants(parents, commune_a) == {school}
    assert rules.descendants(parents, school) == frozenset()
    assert rules.would_cycle(parents, district, school)  # the district under its own school
    assert rules.would_cycle(parents, district, district)
    assert not rules.would_cycle(parents, commune_b, commune_a)
