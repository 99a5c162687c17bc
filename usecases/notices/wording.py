"""The texts of planned notices (announcement, reminders, changes): pure, from the class and
its sessions, in the words of `texts/notices.py`. A reminder's first line is written again
when it is sent (`reword_reminder`), so it is true then."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from db.models import Class, Session, SessionStatus
from texts import notices as T
from vn.dates import format_date, format_time, format_when

__all__ = [
    "MINUTES_WORDING_UNDER",
    "Announcement",
    "announcement_for_leader",
    "announcement_for_learners",
    "cancelled_text",
    "moved_text",
    "reminder_heading",
    "reminder_text",
    "reword_reminder",
    "session_label",
]

# Under this much time left on the day of the session, a reminder counts the minutes.
MINUTES_WORDING_UNDER = timedelta(hours=2)


def session_label(s: Session) -> str:
    return T.SESSION_LABEL.format(number=s.number) if s.number else T.SESSION_LABEL_NO_NUMBER


def _schedule_text(sessions: Sequence[Session], tz: ZoneInfo) -> str:
    lines = []
    for s in sessions:
        if s.status == SessionStatus.CANCELLED:
            continue
        template = T.SCHEDULE_LINE if s.number else T.SCHEDULE_LINE_NO_NUMBER
        lines.append(
            template.format(
                number=s.number,
                when=format_when(s.starts_at.astimezone(tz)),
                end=format_time(s.ends_at.astimezone(tz).time()),
                topic=s.topic or T.TOPIC_UNKNOWN,
            )
        )
    return "\n".join(lines)


def reminder_heading(class_name: str, starts_at: datetime, at: datetime, tz: ZoneInfo) -> str:
    """The reminder's first line as true at `at` (planned for its due time, written again
    when it is actually sent)."""
    start, day = starts_at.astimezone(tz), at.astimezone(tz).date()
    left = starts_at - at
    if left <= MINUTES_WORDING_UNDER:
        minutes = max(1, round(left.total_seconds() / 60))
        return T.REMINDER_HEAD_MINUTES.format(minutes=minutes, name=class_name)
    if start.date() == day:
        return T.REMINDER_HEAD_TODAY.format(name=class_name, time=format_time(start.time()))
    if start.date() == day + timedelta(days=1):
        return T.REMINDER_HEAD_TOMORROW.format(name=class_name)
    return T.REMINDER_HEAD_ON_DATE.format(date=format_date(start.date()), name=class_name)


def reword_reminder(
    text: str, class_name: str, starts_at: datetime, at: datetime, tz: ZoneInfo
) -> str:
    """A planned reminder with its first line made true at `at`."""
    _, _, rest = text.partition("\n")
    head = reminder_heading(class_name, starts_at, at, tz)
    return f"{head}\n{rest}" if rest else head


def reminder_text(klass: Class, s: Session, tz: ZoneInfo, due: datetime) -> str:
    return T.REMINDER_BODY.format(
        head=reminder_heading(klass.name, s.starts_at, due, tz),
        session=session_label(s),
        when=format_when(s.starts_at.astimezone(tz)),
        topic=s.topic or T.TOPIC_UNKNOWN,
        place=s.place or klass.location or T.PLACE_UNKNOWN,
    )


def moved_text(klass: Class, moved: Session, old_starts_at: datetime, tz: ZoneInfo) -> str:
    return T.MOVED.format(
        name=klass.name,
        session=session_label(moved),
        old=format_when(old_starts_at.astimezone(tz)),
        new=format_when(moved.starts_at.astimezone(tz)),
        place=moved.place or klass.location or T.PLACE_UNKNOWN,
    )


def cancelled_text(klass: Class, cancelled: Session, reason: str | None, tz: ZoneInfo) -> str:
    """`reason` already in NFC."""
    return T.CANCELLED.format(
        name=klass.name,
        session=session_label(cancelled),
        when=format_when(cancelled.starts_at.astimezone(tz)),
        reason=T.CANCEL_REASON.format(reason=reason) if reason else "",
    )


class Announcement:
    """What every learner and leader of a class is told: its first session, place and
    schedule, worded once for all of them."""

    def __init__(self, klass: Class, sessions: Sequence[Session], tz: ZoneInfo) -> None:
        scheduled = [s for s in sessions if s.status == SessionStatus.SCHEDULED]
        self.name = klass.name
        self.first = format_when(scheduled[0].starts_at.astimezone(tz)) if scheduled else "—"
        self.place = (
            klass.location or (scheduled[0].place if scheduled else None) or T.PLACE_UNKNOWN
        )
        self.schedule = _schedule_text(sessions, tz)
        self.bring = T.BRING.format(what=klass.what_to_bring) if klass.what_to_bring else ""


def announcement_for_learners(a: Announcement) -> str:
    return T.ANNOUNCE_LEARNER.format(
        name=a.name, first=a.first, place=a.place, bring=a.bring, schedule=a.schedule
    )


def announcement_for_leader(a: Announcement, units: Sequence[tuple[str, list[str]]]) -> str:
    """One message per leader: a part per unit, listing its learners."""
    return "\n\n".join(
        T.ANNOUNCE_LEADER.format(
            name=a.name,
            first=a.first,
            place=a.place,
            unit=unit_name,
            count=len(names),
            learners="\n".join(
                T.LEARNER_LINE.format(number=i, name=n) for i, n in enumerate(names, start=1)
            ),
            schedule=a.schedule,
        )
        for unit_name, names in units
    )
