"""Attendance decisions without a database: the check-in window, late or present, the room
code and its tries, the venue radius, who may mark when, counting, and who hears of which
absences. Each rule is tested at its boundaries; these run in milliseconds."""

from __future__ import annotations

import string
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from texts import attendance as T
from texts.refusals import REFUSALS
from usecases.attendance import AttendanceReason as R
from usecases.attendance import SessionInfo
from usecases.attendance.rules import (
    ATTENDED,
    MAX_WRONG_CODES,
    STATUS_CYCLE,
    Absentee,
    CheckinFacts,
    CheckinVerdict,
    absence_alert_key,
    absentees_by_leader,
    checkin_verdict,
    checkin_window,
    count,
    haversine_m,
    is_late,
    method_of,
    new_code,
    open_for_marking,
)
from usecases.settings import AttendanceSettings

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2024, 3, 4, 7, 30, tzinfo=TZ)
S = AttendanceSettings()  # opens 30 min before, closes 60 min after, late after 15 min
VENUE = (21.2236, 104.4227)
CODE = "4821"


def info(*, closed: bool = False, cancelled: bool = False) -> SessionInfo:
    opens, closes = checkin_window(START, S)
    return SessionInfo(
        id=7,
        class_id=1,
        class_code="SC-1",
        class_name="Sơ cấp",
        centre_id=1,
        number=3,
        starts_at=START,
        ends_at=START + timedelta(hours=3, minutes=30),
        opens_at=opens,
        closes_at=closes,
        close_at=max(closes, START + timedelta(hours=3, minutes=30)),
        cancelled=cancelled,
        closed=closed,
        has_venue=False,
    )


def verdict(
    *,
    at: datetime = START,
    code: str = CODE,
    current: str | None = None,
    tries: int = 0,
    stored: str | None = CODE,
    venue: tuple[float, float] | None = None,
    location: tuple[float, float] | None = None,
    settings: AttendanceSettings = S,
    closed: bool = False,
) -> CheckinVerdict:
    facts = CheckinFacts(info(closed=closed), stored, venue, current, tries)
    return checkin_verdict(facts, code=code, location=location, now=at, settings=settings)


def reason(v: CheckinVerdict) -> str | None:
    return v.refusal.reason if v.refusal else None


# ------------------------------------------------------------------------------ the window


def test_the_window_opens_before_the_start_and_closes_after_it() -> None:
    opens, closes = checkin_window(START, S)
    assert (START - opens, closes - START) == (timedelta(minutes=30), timedelta(minutes=60))


def test_check_in_is_open_exactly_from_opening_to_closing() -> None:
    opens, closes = checkin_window(START, S)
    second = timedelta(seconds=1)
    assert reason(verdict(at=opens - second)) == R.TOO_EARLY
    assert reason(verdict(at=opens)) is None
    assert reason(verdict(at=closes)) is None
    assert reason(verdict(at=closes + second)) == R.TOO_LATE
    assert reason(verdict(at=START, closed=True)) == R.TOO_LATE


def test_too_early_says_when_it_opens_and_too_late_when_it_closed() -> None:
    early = verdict(at=START - timedelta(hours=1)).refusal
    assert early is not None and early.details["opens"] == START - timedelta(minutes=30)
    late = verdict(at=START + timedelta(hours=2)).refusal
    assert late is not None and late.details["closes"].at == START + timedelta(minutes=60)


def test_late_starts_after_the_threshold_not_at_it() -> None:
    threshold = START + timedelta(minutes=S.late_after_minutes)
    assert not is_late(START, threshold, S)
    assert is_late(START, threshold + timedelta(seconds=1), S)
    assert verdict(at=threshold).status == "present"
    assert verdict(at=threshold + timedelta(seconds=1)).status == "late"


# ------------------------------------------------------------------------------ the code


def test_a_learner_already_present_or_late_gets_nothing_written() -> None:
    for mark in ATTENDED:
        v = verdict(current=mark, code="0000")  # the code does not matter any more
        assert (v.status, v.refusal, v.wrong_guess) == (None, None, False)


def test_someone_marked_absent_or_excused_who_shows_up_is_marked_here() -> None:
    assert verdict(current="absent").status == "present"
    assert verdict(current="excused").status == "present"


def test_an_empty_code_is_a_question_not_a_guess() -> None:
    v = verdict(code="")
    assert reason(v) == R.CODE_NEEDED and not v.wrong_guess


def test_a_wrong_code_is_a_guess_and_says_how_many_tries_are_left() -> None:
    v = verdict(code="0000", tries=0)
    assert reason(v) == R.WRONG_CODE and v.wrong_guess
    assert v.refusal is not None and v.refusal.details["left"] == MAX_WRONG_CODES - 1
    last = verdict(code="0000", tries=MAX_WRONG_CODES - 1)  # the last try is used up
    assert reason(last) == R.TOO_MANY_TRIES and last.wrong_guess


def test_after_too_many_wrong_codes_even_the_right_one_is_refused() -> None:
    assert reason(verdict(tries=MAX_WRONG_CODES - 1)) is None
    blocked = verdict(tries=MAX_WRONG_CODES)
    assert reason(blocked) == R.TOO_MANY_TRIES and not blocked.wrong_guess


def test_no_code_shown_yet_means_no_code_is_right() -> None:
    assert reason(verdict(stored=None)) == R.WRONG_CODE


# ------------------------------------------------------------------------------ the place


def test_haversine_measures_metres() -> None:
    # One degree of latitude is about 111.2 km anywhere.
    assert 111_000 < haversine_m(21.0, 105.0, 22.0, 105.0) < 111_400
    assert haversine_m(21.0, 105.0, 21.0, 105.0) == 0


def test_a_location_is_judged_against_the_radius() -> None:
    metres_per_degree = haversine_m(0, 0, 1, 0)
    just_in = (VENUE[0] + (S.radius_m - 1) / metres_per_degree, VENUE[1])
    just_out = (VENUE[0] + (S.radius_m + 1) / metres_per_degree, VENUE[1])
    inside = verdict(venue=VENUE, location=just_in)
    assert inside.status == "present" and inside.distance_m is not None
    outside = verdict(venue=VENUE, location=just_out)
    assert reason(outside) == R.OUTSIDE_RADIUS and outside.refusal is not None
    assert outside.refusal.details["radius"] == S.radius_m
    assert outside.refusal.details["distance"] == S.radius_m + 1


def test_a_location_is_asked_for_only_when_required_and_the_venue_is_known() -> None:
    strict = AttendanceSettings(require_location=True)
    assert reason(verdict(venue=VENUE, settings=strict)) == R.NEED_LOCATION
    assert verdict(venue=VENUE).status == "present"  # not required
    assert verdict(settings=strict).status == "present"  # no venue to check against


# --------------------------------------------------------------------------- the monitor


def test_marking_is_open_from_the_window_until_the_session_closes() -> None:
    i = info()

    def open_at(at: datetime, **kw: bool) -> bool:
        return open_for_marking(
            cancelled=kw.get("cancelled", False),
            closed=kw.get("closed", False),
            opens_at=i.opens_at,
            close_at=i.close_at,
            now=at,
        )

    assert not open_at(i.opens_at - timedelta(seconds=1))
    assert open_at(i.opens_at) and open_at(i.close_at)
    assert not open_at(i.close_at + timedelta(seconds=1))
    assert not open_at(START, closed=True) and not open_at(START, cancelled=True)


def test_a_tap_cycles_through_every_mark() -> None:
    seen, mark = [], None
    for _ in range(5):
        mark = STATUS_CYCLE[mark]
        seen.append(mark)
    assert seen == ["present", "late", "excused", "absent", "present"]


def test_marks_from_the_roster_say_who_made_them() -> None:
    assert method_of(is_staff=True) == "staff"
    assert method_of(is_staff=False) == "monitor"


def test_a_new_room_code_has_four_digits_and_avoids_the_class_s_other_codes() -> None:
    draws = iter([7, 4821, 4821, 12])
    code = new_code({"0007", "4821"}, draw=lambda _: next(draws))
    assert code == "0012"
    assert all(c in string.digits for c in new_code(()))
    assert len(new_code(())) == 4


def test_counting_marks() -> None:
    c = count(["present", "late", "late", "excused", "absent", None, None])
    assert (c.present, c.late, c.excused, c.absent, c.unmarked) == (1, 2, 1, 1, 2)
    assert (c.total, c.attended, c.held) == (7, 3, 5)
    assert count([]).total == 0


# ------------------------------------------------------------------- who hears of absences


def absentee(person_id: int, unit_id: int) -> Absentee:
    return Absentee(person_id, f"Học viên {person_id}", unit_id, f"Đơn vị {unit_id}")


def test_each_leader_hears_once_of_their_units_absentees_in_roster_order() -> None:
    absent = [absentee(5, 1), absentee(3, 2), absentee(9, 1), absentee(4, 3)]
    leads = [(100, 1), (100, 2), (200, 3), (300, 4)]  # 100 leads two units; 300 has nobody
    told = absentees_by_leader(absent, leads)
    assert list(told) == [100, 200]
    assert [a.person_id for a in told[100]] == [5, 3, 9]
    assert [a.person_id for a in told[200]] == [4]


def test_a_leader_absent_themselves_is_not_told_of_themselves() -> None:
    absent = [absentee(100, 1), absentee(5, 1)]
    told = absentees_by_leader(absent, [(100, 1)])
    assert [a.person_id for a in told[100]] == [5]
    assert absentees_by_leader([absentee(100, 1)], [(100, 1)]) == {}


def test_one_alert_key_per_session_and_leader() -> None:
    assert absence_alert_key(7, 100) == absence_alert_key(7, 100)
    assert (
        len({absence_alert_key(7, 100), absence_alert_key(7, 200), absence_alert_key(8, 100)}) == 3
    )


# ------------------------------------------------------------------------------ wording


def test_every_reason_is_worded() -> None:
    assert {r.value for r in R} <= set(REFUSALS)


@pytest.mark.parametrize("status", ["present", "late", "excused", "absent", None])
def test_one_name_per_status_in_chat_and_in_headings(status: str | None) -> None:
    name = T.status_name(status)
    assert name == (T.STATUS_NAMES[status] if status else T.NOT_MARKED)
    assert T.status_name(status, capital=True) == name[0].upper() + name[1:]
