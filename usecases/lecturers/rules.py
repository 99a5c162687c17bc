"""Lecturers' decisions as pure functions over plain values: no I/O, no clock reads.

- which lecturer a schedule's name means ("Đ/c Nguyễn Thị Huệ", "ThS. Vũ Công Thành");
- what a lecturer must be told about a session, comparing it with what they were last told;
- when they are reminded; who may rate a session, and until when;
- the figures a lecturer and staff see (aggregates only: never a learner's name).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from usecases.refusal import Reason
from vn.text import clean, fold, unaccent

__all__ = [
    "AWAY",
    "MIN_RATINGS_SHOWN",
    "RATING_WINDOW",
    "SCORES",
    "AttendanceCounts",
    "Change",
    "Event",
    "LecturerReason",
    "Match",
    "MatchStatus",
    "RatingSummary",
    "SessionState",
    "Told",
    "attendance_counts",
    "changes",
    "match_name",
    "name_of",
    "period",
    "rating_refusal",
    "reminder_times",
    "summarize_ratings",
]

AWAY = "away"  # a brief's status once the session went to another lecturer
RATING_WINDOW = timedelta(days=1)  # a rating may be given or changed for a day after closing
MIN_RATINGS_SHOWN = 3  # fewer ratings than this: a lecturer sees no average nor comments
SCORES = range(1, 6)  # a rating or an observation score


class LecturerReason(Reason):
    NOT_FOUND = "lecturers.not_found"
    AMBIGUOUS = "lecturers.ambiguous"
    NO_NAME = "lecturers.no_name"
    SESSION_NOT_FOUND = "lecturers.session_not_found"
    NOT_YOURS = "lecturers.not_yours"
    BAD_SCORE = "lecturers.bad_score"
    NOT_PRESENT = "lecturers.not_present"
    NOT_CLOSED = "lecturers.not_closed"
    RATING_CLOSED = "lecturers.rating_closed"
    NOT_RATED = "lecturers.not_rated"
    NOT_REGISTERED = "lecturers.not_registered"
    OWN_SESSION = "lecturers.own_session"
    BAD_PERIOD = "lecturers.bad_period"


# --- names ------------------------------------------------------------------------------------

# Forms of address and academic titles written before a name, folded (`fold`: no accents,
# lower case, punctuation as spaces, so "Đ/c" is "d c" and "PGS.TS." is "pgs ts").
_TITLES = frozenset(
    {
        "d c",
        "dc",
        "dong chi",
        "pgs",
        "gs",
        "ts",
        "ths",
        "tskh",
        "thac si",
        "tien si",
        "cu nhan",
        "cn",
        "bs",
        "ks",
        "ong",
        "ba",
        "thay",
        "co",
        "giang vien",
        "bao cao vien",
        "gv",
        "bcv",
        "nha giao",
        "ngut",
        "ngnd",
        "trung tuong",
        "thieu tuong",
        "dai ta",
        "thuong ta",
        "trung ta",
        "thieu ta",
    }
)
# What follows a name: ", Phó Bí thư Huyện ủy", " - Trưởng ban", " (Ban Tuyên giáo)".
_AFTER_NAME_RE = re.compile(r"\s*(?:,|;|\(|\s[-–]\s).*$")


def name_of(raw: str | None) -> str:
    """The folded name inside a schedule's lecturer cell, titles and positions dropped:
    "Đ/c Nguyễn Thị Huệ" and "ThS. NGUYỄN THỊ HUỆ, Trưởng khoa" both give "nguyen thi hue".
    """
    text = _AFTER_NAME_RE.sub("", clean(raw) or "")
    words = fold(text).split()
    while words:
        for size in (2, 1):
            title = " ".join(words[:size])
            if len(words) > size + 1 and title in _TITLES:
                words = words[size:]
                break
        else:
            break
    return " ".join(words)


class MatchStatus(StrEnum):
    MATCHED = "matched"
    UNKNOWN = "unknown"
    AMBIGUOUS = "ambiguous"
    EMPTY = "empty"


@dataclass(frozen=True)
class Match:
    status: MatchStatus
    lecturer_id: int | None = None
    count: int = 0  # lecturers sharing the name, when ambiguous


def match_name(raw: str | None, by_name: Mapping[str, Sequence[int]]) -> Match:
    """The lecturer a schedule's cell names, given lecturers' ids by `name_of` of their name.
    Two lecturers of one name are never guessed between."""
    key = name_of(raw)
    if not key:
        return Match(MatchStatus.EMPTY)
    ids = by_name.get(key, ())
    if len(ids) == 1:
        return Match(MatchStatus.MATCHED, ids[0], 1)
    if not ids:
        return Match(MatchStatus.UNKNOWN)
    return Match(MatchStatus.AMBIGUOUS, count=len(ids))


# --- what to tell ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionState:
    """A session as it is now."""

    session_id: int
    lecturer_id: int | None
    starts_at: datetime
    ends_at: datetime
    place: str | None
    cancelled: bool


@dataclass(frozen=True)
class Told:
    """What one lecturer was last told of the session (`status`: scheduled, cancelled, away)."""

    lecturer_id: int
    starts_at: datetime
    ends_at: datetime
    place: str | None
    status: str
    told_at: datetime | None = None  # names this state: one notice per change of it


class Change(StrEnum):
    NEW = "new"  # their session, first told (the class's announcement)
    MOVED = "moved"  # time or place changed
    CANCELLED = "cancelled"
    RESTORED = "restored"  # cancelled before, back on
    AWAY = "away"  # given to another lecturer
    TO_YOU = "to_you"  # taken over from another lecturer


@dataclass(frozen=True)
class Event:
    change: Change
    lecturer_id: int
    before: Told | None = None


def changes(now: SessionState, told: Iterable[Told]) -> list[Event]:
    """What each lecturer must hear about this session so that what they know is true."""
    told_by = {t.lecturer_id: t for t in told}
    events: list[Event] = []
    current = now.lecturer_id
    for t in told_by.values():
        if t.lecturer_id != current and t.status == "scheduled":
            events.append(Event(Change.AWAY, t.lecturer_id, t))
    if current is None:
        return events
    mine = told_by.get(current)
    if mine is None or mine.status == AWAY:
        if not now.cancelled:
            others = any(t.lecturer_id != current and t.status != AWAY for t in told_by.values())
            events.append(Event(Change.TO_YOU if others else Change.NEW, current, mine))
    elif mine.status == "cancelled":
        if not now.cancelled:
            events.append(Event(Change.RESTORED, current, mine))
    elif now.cancelled:
        events.append(Event(Change.CANCELLED, current, mine))
    elif (mine.starts_at, mine.ends_at, mine.place) != (now.starts_at, now.ends_at, now.place):
        events.append(Event(Change.MOVED, current, mine))
    return events


def reminder_times(
    starts_at: datetime, *, evening_at: time, minutes_before: int, tz: ZoneInfo
) -> list[tuple[str, datetime]]:
    """(slot, due time) of a lecturer's reminders: the evening before and N minutes before,
    as learners are reminded."""
    local = starts_at.astimezone(tz)
    slots = [("evening", datetime.combine(local.date() - timedelta(days=1), evening_at, tz))]
    if minutes_before > 0:
        slots.append(("before", starts_at - timedelta(minutes=minutes_before)))
    return slots


# --- ratings ---------------------------------------------------------------------------------


def rating_refusal(
    *, score: int, attendance: str | None, closes_at: datetime, now: datetime
) -> LecturerReason | None:
    """Why a learner may not rate now, or None: a score 1–5, from someone present (or late)
    at the session, after it closed and for a day after."""
    if score not in SCORES:
        return LecturerReason.BAD_SCORE
    if attendance not in ("present", "late"):
        return LecturerReason.NOT_PRESENT
    if now < closes_at:
        return LecturerReason.NOT_CLOSED
    if now > closes_at + RATING_WINDOW:
        return LecturerReason.RATING_CLOSED
    return None


@dataclass(frozen=True)
class RatingSummary:
    count: int
    average: float | None  # None when nothing may be shown
    comments: tuple[str, ...]  # without names, in an order that tells nothing of who wrote


def summarize_ratings(
    ratings: Iterable[tuple[int, str | None]], *, min_count: int = MIN_RATINGS_SHOWN
) -> RatingSummary:
    """Average, count and comments of (score, comment) pairs. Below `min_count` ratings only
    the count is given: with two learners, an average names them."""
    rows = list(ratings)
    if not rows or len(rows) < min_count:
        return RatingSummary(len(rows), None, ())
    average = round(sum(score for score, _ in rows) / len(rows), 2)
    comments = tuple(sorted({c.strip() for _, c in rows if c and c.strip()}, key=fold))
    return RatingSummary(len(rows), average, comments)


# --- after a session -------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceCounts:
    present: int
    late: int
    excused: int
    absent: int


def attendance_counts(statuses: Iterable[str | None], enrolled: int) -> AttendanceCounts:
    """Counts by status; a learner with no mark counts as absent."""
    seen = Counter(s for s in statuses if s)
    marked = sum(seen.values())
    return AttendanceCounts(
        present=seen["present"],
        late=seen["late"],
        excused=seen["excused"],
        absent=seen["absent"] + max(enrolled - marked, 0),
    )


# --- periods for staff -----------------------------------------------------------------------

_MONTH_RE = re.compile(r"^(\d{1,2})[/\-.](\d{4})$")
_QUARTER_RE = re.compile(r"^q(?:uy)?\s*([1-4])[/\-. ]+(\d{4})$")
_YEAR_RE = re.compile(r"^(\d{4})$")


def period(text: str) -> tuple[date, date, str] | None:
    """[first day, day after the last) and a label, for "03/2024" (a month), "Q1/2024" or
    "quý 1/2024" (a quarter) or "2024" (a year); None if it is none of these."""
    key = " ".join(unaccent(clean(text)).replace("quy", "q").split())
    if m := _MONTH_RE.match(key):
        month, year = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            return None
        end = date(year + month // 12, month % 12 + 1, 1)
        return date(year, month, 1), end, f"tháng {month:02d}/{year}"
    if m := _QUARTER_RE.match(key):
        quarter, year = int(m.group(1)), int(m.group(2))
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        return start, end, f"quý {quarter}/{year}"
    if m := _YEAR_RE.match(key):
        year = int(m.group(1))
        return date(year, 1, 1), date(year + 1, 1, 1), f"năm {year}"
    return None
