"""Attendance decisions as pure functions over plain values: no database, no clock (`now` is
passed in), no I/O. The service modules load the rows, ask these, and write what they say.

- A session's check-in window opens `open_minutes_before` its start and closes
  `close_minutes_after` it; after `late_after_minutes` a check-in counts as late.
- A check-in proves presence with the session's 4-digit room code and, when the venue is known,
  optionally with a location within `radius_m`; after `MAX_WRONG_CODES` wrong codes the learner
  is marked by the monitor instead (a 4-digit code must not be guessed from home).
- A session closes at the later of its window's end and its end; each unit leader is told once
  per session of their learners absent without leave (never of themselves).
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from db.models import AttendanceMethod, AttendanceStatus
from usecases.attendance.views import SessionCounts, SessionInfo, TimeOfDay
from usecases.refusal import Reason, Refused
from usecases.settings import AttendanceSettings

__all__ = [
    "ATTENDED",
    "CODE_DIGITS",
    "MAX_WRONG_CODES",
    "PAGE_SIZE",
    "STATUS_CYCLE",
    "Absentee",
    "AttendanceReason",
    "CheckinFacts",
    "CheckinVerdict",
    "SessionCounts",
    "absence_alert_key",
    "absentees_by_leader",
    "checkin_verdict",
    "checkin_window",
    "count",
    "haversine_m",
    "is_late",
    "method_of",
    "new_code",
    "open_for_marking",
]

CODE_DIGITS = 4
PAGE_SIZE = 15  # learners per roster page: one phone screen of buttons
EARTH_RADIUS_M = 6_371_000.0
MAX_WRONG_CODES = 5  # per learner and session; then the monitor marks them
STATUS_CYCLE: dict[str | None, str] = {
    None: AttendanceStatus.PRESENT,
    AttendanceStatus.PRESENT: AttendanceStatus.LATE,
    AttendanceStatus.LATE: AttendanceStatus.EXCUSED,
    AttendanceStatus.EXCUSED: AttendanceStatus.ABSENT,
    AttendanceStatus.ABSENT: AttendanceStatus.PRESENT,
}
ATTENDED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})


class AttendanceReason(Reason):
    """Why attendance says no; worded in ``texts/attendance.py`` REFUSALS."""

    SESSION_NOT_FOUND = "attendance.session_not_found"
    LEARNER_NOT_FOUND = "attendance.learner_not_found"
    DENIED = "attendance.denied"  # not the class's monitor, not the centre's staff
    NOT_ENROLLED = "attendance.not_enrolled"  # not in this session's class
    NOT_ENROLLED_ANY = "attendance.not_enrolled_any"  # in no class at all
    NO_SESSION = "attendance.no_session"
    CANCELLED = "attendance.cancelled"
    TOO_EARLY = "attendance.too_early"
    TOO_LATE = "attendance.too_late"
    CODE_NEEDED = "attendance.code_needed"  # no code typed: ask for it
    WRONG_CODE = "attendance.wrong_code"
    TOO_MANY_TRIES = "attendance.too_many_tries"
    OUTSIDE_RADIUS = "attendance.outside_radius"
    NEED_LOCATION = "attendance.need_location"
    MARKING_NOT_OPEN = "attendance.marking_not_open"
    MARKING_CLOSED = "attendance.marking_closed"
    NOT_IN_CLASS = "attendance.not_in_class"
    REASON_NEEDED = "attendance.reason_needed"
    BAD_LOCATION = "attendance.bad_location"
    NO_SUCH_NUMBER = "attendance.no_such_number"  # the class has no session with that number


# ------------------------------------------------------------------------ time and place


def checkin_window(starts_at: datetime, settings: AttendanceSettings) -> tuple[datetime, datetime]:
    """When learners may check themselves in to a session starting at `starts_at`."""
    return (
        starts_at - timedelta(minutes=settings.open_minutes_before),
        starts_at + timedelta(minutes=settings.close_minutes_after),
    )


def is_late(starts_at: datetime, now: datetime, settings: AttendanceSettings) -> bool:
    return now > starts_at + timedelta(minutes=settings.late_after_minutes)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres; plenty precise for "is this person in the hall"."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def open_for_marking(
    *, cancelled: bool, closed: bool, opens_at: datetime, close_at: datetime, now: datetime
) -> bool:
    """Monitors mark from the window's opening until the session is closed."""
    return not cancelled and not closed and opens_at <= now <= close_at


def new_code(avoid: Iterable[str], draw: Callable[[int], int] = secrets.randbelow) -> str:
    """A fresh 4-digit room code, different from the class's other sessions' codes."""
    taken = set(avoid)
    while True:
        code = f"{draw(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        if code not in taken:
            return code


def method_of(*, is_staff: bool) -> str:
    """How a mark made from the roster is recorded: by staff, or by the monitor."""
    return AttendanceMethod.STAFF if is_staff else AttendanceMethod.MONITOR


# ------------------------------------------------------------------------------ check-in


@dataclass(frozen=True)
class CheckinVerdict:
    """What a check-in attempt comes to: a mark to write, or a refusal. `wrong_guess`: the
    attempt counts against MAX_WRONG_CODES (it is kept even though the check-in is refused)."""

    status: str | None = None
    refusal: Refused | None = None
    wrong_guess: bool = False
    distance_m: float | None = None


@dataclass(frozen=True)
class CheckinFacts:
    """The rows a check-in is judged on, as plain values."""

    session: SessionInfo
    stored_code: str | None
    venue: tuple[float, float] | None
    current: str | None  # the learner's mark so far
    tries: int  # wrong codes so far


def checkin_verdict(
    facts: CheckinFacts,
    *,
    code: str,
    location: tuple[float, float] | None,
    now: datetime,
    settings: AttendanceSettings,
) -> CheckinVerdict:
    """Judge a check-in in the order a learner needs to hear: time, mark, tries, code, place."""
    info = facts.session
    if now < info.opens_at:
        return _no(AttendanceReason.TOO_EARLY, session=info, opens=info.opens_at)
    if now > info.closes_at or info.closed:
        return _no(AttendanceReason.TOO_LATE, session=info, closes=TimeOfDay(info.closes_at))
    if facts.current in ATTENDED:
        return CheckinVerdict(status=None)  # already here: nothing to write
    if facts.tries >= MAX_WRONG_CODES:
        return _no(AttendanceReason.TOO_MANY_TRIES, session=info)
    if not code:  # a question ("which code?"), not a guess
        return _no(AttendanceReason.CODE_NEEDED, session=info)
    if not facts.stored_code or not secrets.compare_digest(facts.stored_code, code):
        left = MAX_WRONG_CODES - facts.tries - 1
        if left <= 0:
            refusal = Refused(AttendanceReason.TOO_MANY_TRIES, session=info)
        else:
            refusal = Refused(AttendanceReason.WRONG_CODE, session=info, code=code[:12], left=left)
        return CheckinVerdict(refusal=refusal, wrong_guess=True)
    return _placed(facts, location, now, settings)


def _placed(
    facts: CheckinFacts,
    location: tuple[float, float] | None,
    now: datetime,
    settings: AttendanceSettings,
) -> CheckinVerdict:
    distance = None
    if facts.venue is not None and location is not None:
        distance = haversine_m(location[0], location[1], facts.venue[0], facts.venue[1])
        if distance > settings.radius_m:
            return _no(
                AttendanceReason.OUTSIDE_RADIUS,
                session=facts.session,
                distance=round(distance),
                radius=settings.radius_m,
                distance_m=distance,
            )
    elif facts.venue is not None and settings.require_location:
        return _no(AttendanceReason.NEED_LOCATION, session=facts.session)
    late = is_late(facts.session.starts_at, now, settings)
    status = AttendanceStatus.LATE if late else AttendanceStatus.PRESENT
    return CheckinVerdict(status=status, distance_m=distance)


def _no(reason: AttendanceReason, **details: object) -> CheckinVerdict:
    return CheckinVerdict(refusal=Refused(reason, **details))


# ---------------------------------------------------------------------------- counting


def count(statuses: Sequence[str | None]) -> SessionCounts:
    return SessionCounts(
        present=sum(s == AttendanceStatus.PRESENT for s in statuses),
        late=sum(s == AttendanceStatus.LATE for s in statuses),
        excused=sum(s == AttendanceStatus.EXCUSED for s in statuses),
        absent=sum(s == AttendanceStatus.ABSENT for s in statuses),
        unmarked=sum(s is None for s in statuses),
    )


# ---------------------------------------------------------------------- who is told what


@dataclass(frozen=True)
class Absentee:
    person_id: int
    name: str
    unit_id: int
    unit: str


def absentees_by_leader(
    absent: Sequence[Absentee], leads: Iterable[tuple[int, int]]
) -> dict[int, list[Absentee]]:
    """Each unit leader (`leads`: (leader, unit) pairs) and the absent learners of their units,
    in roster order; a leader absent themselves is not told of themselves, and a leader with no
    one to be told of is left out."""
    units: dict[int, set[int]] = {}
    for leader_id, unit_id in leads:
        units.setdefault(leader_id, set()).add(unit_id)
    told: dict[int, list[Absentee]] = {}
    for leader_id in sorted(units):
        mine = [a for a in absent if a.unit_id in units[leader_id] and a.person_id != leader_id]
        if mine:
            told[leader_id] = mine
    return told


def absence_alert_key(session_id: int, leader_id: int) -> str:
    """One alert per session and leader, however often the session is closed."""
    return f"absence:{session_id}:{leader_id}"
