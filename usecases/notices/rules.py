"""What notices a change makes, to whom and when: pure decisions over plain values.

No database and no clock here (`now` is passed in), so these are tested in milliseconds. Keys
name what a notice is about; reminder and change keys carry the session's start time, so a
moved session gets fresh notices while a re-run of the same plan adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from usecases.refusal import Reason
from usecases.settings import NoticeSettings

__all__ = [
    "REMINDER_HORIZON",
    "URGENT_CHANGE_WITHIN",
    "Kind",
    "NoticeReason",
    "announce_key",
    "broadcast_key",
    "change_key",
    "in_quiet_hours",
    "is_urgent",
    "leader_key",
    "learner_units",
    "quiet_release",
    "reminder_key",
    "reminder_slots",
    "reminder_times",
    "units_per_leader",
]

# A change notice is urgent (sent even in quiet hours) when the session is this close.
URGENT_CHANGE_WITHIN = timedelta(hours=24)
# The periodic planner looks this far ahead for sessions missing reminders.
REMINDER_HORIZON = timedelta(days=3)


class Kind(StrEnum):
    ANNOUNCEMENT = "announcement"
    REMINDER = "reminder"
    CHANGE = "change"
    BROADCAST = "broadcast"
    STAFF_ALERT = "staff_alert"


class NoticeReason(Reason):
    SESSION_NOT_FOUND = "notices.session_not_found"
    ENDS_BEFORE_START = "notices.ends_before_start"
    EMPTY_TEXT = "notices.empty_text"
    UNIT_NOT_FOUND = "notices.unit_not_found"


# --- quiet hours ----------------------------------------------------------------------------


def in_quiet_hours(now: datetime, notices: NoticeSettings, tz: ZoneInfo) -> bool:
    """Quiet hours may wrap midnight (21:30–06:00) or not (12:00–13:30)."""
    start, end = notices.quiet_start, notices.quiet_end
    if start == end:
        return False
    local = now.astimezone(tz).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end


def quiet_release(now: datetime, notices: NoticeSettings, tz: ZoneInfo) -> datetime:
    """The next end of quiet hours after `now` (the morning a held notice goes out)."""
    local = now.astimezone(tz)
    release = datetime.combine(local.date(), notices.quiet_end, tzinfo=tz)
    if release <= local:
        release = datetime.combine(local.date() + timedelta(days=1), notices.quiet_end, tzinfo=tz)
    return release


# --- reminders ------------------------------------------------------------------------------


def reminder_times(
    starts_at: datetime, notices: NoticeSettings, tz: ZoneInfo
) -> list[tuple[str, datetime]]:
    """(slot, due time) of a session's reminders: the evening before and N minutes before."""
    local_start = starts_at.astimezone(tz)
    evening = datetime.combine(
        local_start.date() - timedelta(days=1), notices.evening_before_at, tzinfo=tz
    )
    slots = [("evening", evening)]
    if notices.minutes_before > 0:
        slots.append(("before", starts_at - timedelta(minutes=notices.minutes_before)))
    return slots


def reminder_slots(
    starts_at: datetime, *, cancelled: bool, notices: NoticeSettings, tz: ZoneInfo, now: datetime
) -> list[tuple[str, datetime]]:
    """The reminders still worth planning for a session: none once it is cancelled or has
    begun, and none whose time has passed."""
    if cancelled or starts_at <= now:
        return []
    return [(slot, due) for slot, due in reminder_times(starts_at, notices, tz) if due >= now]


def _stamp(starts_at: datetime) -> int:
    return int(starts_at.timestamp())


def reminder_key(slot: str, session_id: int, starts_at: datetime, person_id: int) -> str:
    return f"reminder:{slot}:{session_id}:{_stamp(starts_at)}:{person_id}"


# --- changes, announcements, broadcasts -----------------------------------------------------


def is_urgent(affected_from: datetime, now: datetime) -> bool:
    """A change that touches the next day goes out even in quiet hours."""
    return affected_from - now < URGENT_CHANGE_WITHIN


def change_key(what: str, session_id: int, starts_at: datetime, person_id: int) -> str:
    """Keyed by the session's new start, so each change is told once."""
    return f"change:{what}:{session_id}:{_stamp(starts_at)}:{person_id}"


def announce_key(class_id: int, person_id: int) -> str:
    return f"announce:{class_id}:{person_id}"


def leader_key(class_id: int, leader_id: int) -> str:
    return f"announce-leader:{class_id}:{leader_id}"


def broadcast_key(entry_id: int, person_id: int) -> str:
    """Each broadcast is one audit entry, whose id makes its keys unique."""
    return f"broadcast:{entry_id}:{person_id}"


def units_per_leader(
    learners: Iterable[tuple[str, int | None]], leaders: Sequence[tuple[int, int, str]]
) -> dict[int, list[tuple[str, list[str]]]]:
    """Who tells each unit leader about which learners: from the learners (name, unit id) in
    roster order and the leaders (leader id, unit id, unit name) in the order they are told,
    each leader's units with their learners' names."""
    by_unit: dict[int, list[str]] = {}
    for name, unit_id in learners:
        if unit_id is not None:
            by_unit.setdefault(unit_id, []).append(name)
    per_leader: dict[int, list[tuple[str, list[str]]]] = {}
    for leader_id, unit_id, unit_name in leaders:
        if unit_id in by_unit:
            per_leader.setdefault(leader_id, []).append((unit_name, by_unit[unit_id]))
    return per_leader


def learner_units(learners: Iterable[tuple[str, int | None]]) -> list[int]:
    """The units whose leaders hear of a class: those of its learners, first seen first."""
    return list(dict.fromkeys(u for _, u in learners if u is not None))
