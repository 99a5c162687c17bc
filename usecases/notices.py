"""Planning notices: what is sent to whom, and when.

Every function here writes into the outbox (`usecases.outbox.enqueue`) inside the caller's
transaction, so a class change and its notices are committed together or not at all. Keys
name what a notice is about; reminder keys carry the session's start time, so a moved session
gets fresh reminders while a re-run of the same plan adds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import (
    AuditEntry,
    Centre,
    Class,
    Enrollment,
    Notification,
    NotificationStatus,
    Person,
    Session,
    SessionStatus,
    Unit,
    UnitLeader,
)
from texts import notices as T
from usecases.classes import ClassNotFound, ImportRejected
from usecases.outbox import Notice, enqueue
from usecases.settings import NoticeSettings, Settings
from usecases.units import nomination_choices  # issue 18
from vn.dates import format_date, format_time, format_when
from vn.text import nfc, nfc_lines

__all__ = [
    "Kind",
    "SessionNotFound",
    "announce_class",
    "broadcast",
    "cancel_session",
    "enqueue_many",
    "find_class",
    "in_quiet_hours",
    "move_session",
    "plan_reminders",
    "plan_upcoming_reminders",
    "quiet_release",
    "reminder_heading",
    "reword_reminder",
    "session_moved",
]

# A change notice is urgent (sent even in quiet hours) when the session is this close.
URGENT_CHANGE_WITHIN = timedelta(hours=24)
# The periodic planner looks this far ahead for sessions missing reminders.
REMINDER_HORIZON = timedelta(days=3)
KEY_CHUNK = 500


class Kind(StrEnum):
    ANNOUNCEMENT = "announcement"
    REMINDER = "reminder"
    CHANGE = "change"
    BROADCAST = "broadcast"
    STAFF_ALERT = "staff_alert"


class SessionNotFound(Exception):
    def __init__(self, code: str, number: int) -> None:
        super().__init__(T.SESSION_NOT_FOUND.format(number=number, code=code))


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


# --- texts ----------------------------------------------------------------------------------


def _session_label(s: Session) -> str:
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


# Under this much time left on the day of the session, a reminder counts the minutes.
MINUTES_WORDING_UNDER = timedelta(hours=2)


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


def _reminder_text(klass: Class, s: Session, tz: ZoneInfo, due: datetime) -> str:
    return T.REMINDER_BODY.format(
        head=reminder_heading(klass.name, s.starts_at, due, tz),
        session=_session_label(s),
        when=format_when(s.starts_at.astimezone(tz)),
        topic=s.topic or T.TOPIC_UNKNOWN,
        place=s.place or klass.location or T.PLACE_UNKNOWN,
    )


# --- reminders ------------------------------------------------------------------------------


def reminder_times(s: Session, notices: NoticeSettings, tz: ZoneInfo) -> list[tuple[str, datetime]]:
    """(slot, due time) of a session's reminders: the evening before and N minutes before."""
    local_start = s.starts_at.astimezone(tz)
    evening = datetime.combine(
        local_start.date() - timedelta(days=1), notices.evening_before_at, tzinfo=tz
    )
    slots = [("evening", evening)]
    if notices.minutes_before > 0:
        slots.append(("before", s.starts_at - timedelta(minutes=notices.minutes_before)))
    return slots


def _reminder_key(slot: str, s: Session, person_id: int) -> str:
    starts = int(s.starts_at.timestamp())
    return f"reminder:{slot}:{s.id}:{starts}:{person_id}"


async def _learner_ids(session: AsyncSession, class_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(Enrollment.person_id)
            .where(Enrollment.class_id == class_id)
            .order_by(Enrollment.roster_row, Enrollment.person_id)
        )
    )


async def plan_reminders(
    session: AsyncSession,
    *,
    klass: Class,
    sessions: Sequence[Session],
    notices: NoticeSettings,
    tz: ZoneInfo,
    now: datetime,
    person_ids: Sequence[int] | None = None,
) -> int:
    """Reminders for these sessions to every learner of the class (in the caller's
    transaction). A reminder whose time has passed is not planned; each expires when its
    session begins. Returns how many were added."""
    if person_ids is None:
        person_ids = await _learner_ids(session, klass.id)
    planned: list[Notification] = []
    for s in sessions:
        if s.status == SessionStatus.CANCELLED or s.starts_at <= now:
            continue
        for slot, due in reminder_times(s, notices, tz):
            if due < now:
                continue
            text = _reminder_text(klass, s, tz, due)
            planned += [
                Notification(
                    idempotency_key=_reminder_key(slot, s, person_id),
                    person_id=person_id,
                    kind=Kind.REMINDER,
                    text=text,
                    due_at=due,
                    class_id=klass.id,
                    session_id=s.id,
                    expires_at=s.starts_at,
                )
                for person_id in person_ids
            ]
    return await enqueue_many(session, planned)


async def enqueue_many(session: AsyncSession, planned: Sequence[Notification]) -> int:
    """The batch form of `usecases.outbox.enqueue` for plain-text notices (a class's
    reminders are hundreds of rows): the same key rule, one query per 500 keys and one flush.
    Returns how many were new."""
    keys = [n.idempotency_key for n in planned]
    existing: set[str] = set()
    for i in range(0, len(keys), KEY_CHUNK):
        existing.update(
            await session.scalars(
                select(Notification.idempotency_key).where(
                    Notification.idempotency_key.in_(keys[i : i + KEY_CHUNK])
                )
            )
        )
    new: dict[str, Notification] = {}
    for n in planned:
        if n.idempotency_key not in existing and n.idempotency_key not in new:
            n.status = NotificationStatus.PENDING
            n.attempts = 0
            new[n.idempotency_key] = n
    session.add_all(new.values())
    await session.flush()
    return len(new)


async def plan_upcoming_reminders(
    uow: UnitOfWork, *, settings: Settings, now: datetime, horizon: timedelta = REMINDER_HORIZON
) -> int:
    """The periodic planner: reminders for every announced class's sessions in the next few
    days, so a learner enrolled after the announcement is reminded too. Idempotent."""
    async with uow:
        session = uow.session
        rows = (
            await session.execute(
                select(Session, Class)
                .join(Class, Class.id == Session.class_id)
                .where(
                    Class.announced_at.is_not(None),
                    Session.status == SessionStatus.SCHEDULED,
                    Session.starts_at > now,
                    Session.starts_at <= now + horizon,
                )
                .order_by(Session.starts_at)
            )
        ).all()
        added = 0
        for s, klass in rows:
            added += await plan_reminders(
                session,
                klass=klass,
                sessions=[s],
                notices=settings.notices,
                tz=settings.timezone,
                now=now,
            )
        await uow.commit()
        return added


async def _withdraw_reminders(session: AsyncSession, session_id: int) -> None:
    await session.execute(
        update(Notification)
        .where(
            Notification.session_id == session_id,
            Notification.kind == Kind.REMINDER,
            Notification.status == NotificationStatus.PENDING,
        )
        .values(status=NotificationStatus.CANCELLED, last_error="session changed")
    )


# --- changes --------------------------------------------------------------------------------


async def session_moved(
    session: AsyncSession,
    *,
    klass: Class,
    moved: Session,
    old_starts_at: datetime,
    notices: NoticeSettings,
    tz: ZoneInfo,
    now: datetime,
) -> int:
    """A session's time changed (in the caller's transaction): withdraw its pending
    reminders, plan new ones, and tell each learner. Only for an announced class: before the
    announcement nobody has been told anything. Returns how many learners were told."""
    if klass.announced_at is None:
        return 0
    await _withdraw_reminders(session, moved.id)
    learners = await _learner_ids(session, klass.id)
    await plan_reminders(
        session, klass=klass, sessions=[moved], notices=notices, tz=tz, now=now,
        person_ids=learners,
    )  # fmt: skip
    text = T.MOVED.format(
        name=klass.name,
        session=_session_label(moved),
        old=format_when(old_starts_at.astimezone(tz)),
        new=format_when(moved.starts_at.astimezone(tz)),
        place=moved.place or klass.location or T.PLACE_UNKNOWN,
    )
    await _tell_change(
        session, "moved", moved, klass.id, learners, text, min(old_starts_at, moved.starts_at), now
    )
    return len(learners)


async def _tell_change(
    session: AsyncSession,
    what: str,
    lesson: Session,
    class_id: int,
    learners: Sequence[int],
    text: str,
    affected_from: datetime,
    now: datetime,
) -> None:
    """A change notice to each learner, urgent (through quiet hours) when the change touches
    the next day; keyed by the session's new start so each change is told once."""
    urgent = affected_from - now < URGENT_CHANGE_WITHIN
    stamp = int(lesson.starts_at.timestamp())
    for person_id in learners:
        await enqueue(
            session,
            Notice(
                key=f"change:{what}:{lesson.id}:{stamp}:{person_id}",
                person_id=person_id,
                kind=Kind.CHANGE,
                text=text,
                due_at=now,
                class_id=class_id,
                session_id=lesson.id,
                urgent=urgent,
            ),
        )


async def find_class(session: AsyncSession, code: str, centre_id: int | None = None) -> Class:
    """A class by its code; with `centre_id`, only that centre's (staff act on their own)."""
    query = select(Class).where(Class.code == nfc(code).upper())
    if centre_id is not None:
        query = query.where(Class.centre_id == centre_id)
    klass = await session.scalar(query)
    if klass is None:
        raise ClassNotFound(code)
    return klass


async def _find_session(
    session: AsyncSession, code: str, number: int, centre_id: int | None
) -> tuple[Class, Session]:
    klass = await find_class(session, code, centre_id)
    found = await session.scalar(
        select(Session).where(Session.class_id == klass.id, Session.number == number)
    )
    if found is None:
        raise SessionNotFound(klass.code, number)
    return klass, found


async def move_session(
    uow: UnitOfWork,
    *,
    class_code: str,
    number: int,
    starts_at: datetime,
    ends_at: datetime,
    settings: Settings,
    now: datetime,
    actor_label: str = "cli",
    centre_id: int | None = None,
) -> tuple[Session, int]:
    """Staff move one session; learners are told and reminders re-planned in the same
    transaction. Returns the session and how many learners were told."""
    if ends_at <= starts_at:
        raise ImportRejected([T.BAD_DATE.format(error="giờ kết thúc trước giờ bắt đầu")])
    async with uow:
        session = uow.session
        klass, moved = await _find_session(session, class_code, number, centre_id)
        old = moved.starts_at
        moved.starts_at, moved.ends_at = starts_at, ends_at
        moved.status = SessionStatus.SCHEDULED
        await session.flush()
        told = await session_moved(
            session, klass=klass, moved=moved, old_starts_at=old, notices=settings.notices,
            tz=settings.timezone, now=now,
        )  # fmt: skip
        session.add(
            AuditEntry(
                actor_label=actor_label,
                action="session.move",
                entity="session",
                entity_id=moved.id,
                details={"from": old.isoformat(), "to": starts_at.isoformat()},
            )
        )
        await uow.commit()
        return moved, told


async def cancel_session(
    uow: UnitOfWork,
    *,
    class_code: str,
    number: int,
    reason: str | None,
    settings: Settings,
    now: datetime,
    actor_label: str = "cli",
    centre_id: int | None = None,
) -> tuple[Session, int]:
    """Staff cancel one session: its reminders are withdrawn and learners told."""
    tz = settings.timezone
    async with uow:
        session = uow.session
        klass, cancelled = await _find_session(session, class_code, number, centre_id)
        cancelled.status = SessionStatus.CANCELLED
        await _withdraw_reminders(session, cancelled.id)
        told = 0
        if klass.announced_at is not None:
            learners = await _learner_ids(session, klass.id)
            text = T.CANCELLED.format(
                name=klass.name,
                session=_session_label(cancelled),
                when=format_when(cancelled.starts_at.astimezone(tz)),
                reason=T.CANCEL_REASON.format(reason=nfc(reason)) if reason else "",
            )
            await _tell_change(
                session, "cancelled", cancelled, klass.id, learners, text,
                cancelled.starts_at, now,
            )  # fmt: skip
            told = len(learners)
        session.add(
            AuditEntry(
                actor_label=actor_label,
                action="session.cancel",
                entity="session",
                entity_id=cancelled.id,
                details={"reason": reason} if reason else None,
            )
        )
        await uow.commit()
        return cancelled, told


# --- announcement ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Announced:
    learners: int
    leaders: int
    reminders: int

    @property
    def total(self) -> int:
        return self.learners + self.leaders


async def announce_class(
    uow: UnitOfWork,
    *,
    class_code: str,
    settings: Settings,
    now: datetime,
    actor_label: str = "cli",
    centre_id: int | None = None,
) -> Announced:
    """The class announcement to each learner and to each leader of the learners' units (one
    per leader, listing their learners), plus every session's reminders. Announcing again
    adds only what is missing (new learners, new leaders)."""
    tz = settings.timezone
    async with uow:
        session = uow.session
        klass = await find_class(session, class_code, centre_id)
        sessions = list(
            await session.scalars(
                select(Session).where(Session.class_id == klass.id).order_by(Session.starts_at)
            )
        )
        scheduled = [s for s in sessions if s.status == SessionStatus.SCHEDULED]
        first = format_when(scheduled[0].starts_at.astimezone(tz)) if scheduled else "—"
        place = klass.location or (scheduled[0].place if scheduled else None) or T.PLACE_UNKNOWN
        schedule = _schedule_text(sessions, tz)
        bring = T.BRING.format(what=klass.what_to_bring) if klass.what_to_bring else ""
        learner_text = T.ANNOUNCE_LEARNER.format(
            name=klass.name, first=first, place=place, bring=bring, schedule=schedule
        )
        learners = (
            await session.execute(
                select(Person.id, Person.full_name, Person.unit_id)
                .join(Enrollment, Enrollment.person_id == Person.id)
                .where(Enrollment.class_id == klass.id)
                .order_by(Enrollment.roster_row, Person.id)
            )
        ).all()
        n_learners = 0
        for person_id, _, _ in learners:
            row = await enqueue(
                session,
                Notice(
                    key=f"announce:{klass.id}:{person_id}",
                    person_id=person_id,
                    kind=Kind.ANNOUNCEMENT,
                    text=learner_text,
                    due_at=now,
                    class_id=klass.id,
                ),
            )
            n_learners += row is not None
        by_unit: dict[int, list[str]] = {}
        for _, name, unit_id in learners:
            if unit_id is not None:
                by_unit.setdefault(unit_id, []).append(name)
        leaders = (
            await session.execute(
                select(UnitLeader.person_id, Unit.id, Unit.name)
                .join(Unit, Unit.id == UnitLeader.unit_id)
                .where(UnitLeader.unit_id.in_(list(by_unit)))
                .order_by(UnitLeader.person_id, Unit.name)
            )
        ).all()
        per_leader: dict[int, list[tuple[str, list[str]]]] = {}
        for leader_id, unit_id, unit_name in leaders:
            per_leader.setdefault(leader_id, []).append((unit_name, by_unit[unit_id]))
        n_leaders = 0
        for leader_id, units in per_leader.items():
            parts = []
            for unit_name, names in units:
                parts.append(
                    T.ANNOUNCE_LEADER.format(
                        name=klass.name,
                        first=first,
                        place=place,
                        unit=unit_name,
                        count=len(names),
                        learners="\n".join(
                            T.LEARNER_LINE.format(number=i, name=n)
                            for i, n in enumerate(names, start=1)
                        ),
                        schedule=schedule,
                    )
                )
            row = await enqueue(
                session,
                Notice(
                    key=f"announce-leader:{klass.id}:{leader_id}",
                    person_id=leader_id,
                    kind=Kind.ANNOUNCEMENT,
                    text="\n\n".join(parts),
                    due_at=now,
                    class_id=klass.id,
                    choices=nomination_choices(klass.id),  # issue 18: confirm nominees
                ),
            )
            n_leaders += row is not None
        if klass.announced_at is None:
            klass.announced_at = now
        reminders = await plan_reminders(
            session,
            klass=klass,
            sessions=scheduled,
            notices=settings.notices,
            tz=tz,
            now=now,
            person_ids=[p for p, _, _ in learners],
        )
        session.add(
            AuditEntry(
                actor_label=actor_label,
                action="class.announce",
                entity="class",
                entity_id=klass.id,
                details={"learners": n_learners, "leaders": n_leaders, "reminders": reminders},
            )
        )
        await uow.commit()
        return Announced(n_learners, n_leaders, reminders)


# --- broadcast ------------------------------------------------------------------------------


async def broadcast(
    uow: UnitOfWork,
    *,
    text: str,
    settings: Settings,
    now: datetime,
    class_code: str | None = None,
    unit_id: int | None = None,
    actor_label: str = "cli",
    actor_person_id: int | None = None,
    centre_id: int | None = None,
) -> int:
    """A staff message to every learner of a class, or of a unit (learners in any class).
    Each broadcast is one audit entry, whose id makes its keys unique. Returns the count."""
    text = nfc_lines(text)  # its line breaks kept; long texts are split at them when sent
    if not text:
        raise ImportRejected([T.EMPTY_TEXT])
    async with uow:
        session = uow.session
        class_id = None
        if class_code is not None:
            klass = await find_class(session, class_code, centre_id)
            class_id = klass.id
            people = await _learner_ids(session, klass.id)
            centre_id = klass.centre_id
        else:
            people = list(
                await session.scalars(
                    select(Person.id)
                    .join(Enrollment, Enrollment.person_id == Person.id)
                    .where(Person.unit_id == unit_id)
                    .distinct()
                    .order_by(Person.id)
                )
            )
            unit = await session.get(Unit, unit_id)
            if unit is None or centre_id not in (None, unit.centre_id):
                raise ImportRejected([T.UNIT_NOT_FOUND])
            centre_id = unit.centre_id
        centre = await session.get(Centre, centre_id) if centre_id else None
        entry = AuditEntry(
            actor_label=actor_label,
            actor_person_id=actor_person_id,
            action="notice.broadcast",
            entity="class" if class_id else "unit",
            entity_id=class_id or unit_id,
            details={"recipients": len(people)},
        )
        session.add(entry)
        await session.flush()
        body = T.BROADCAST.format(centre=centre.name if centre else settings.centre_name, text=text)
        for person_id in people:
            await enqueue(
                session,
                Notice(
                    key=f"broadcast:{entry.id}:{person_id}",
                    person_id=person_id,
                    kind=Kind.BROADCAST,
                    text=body,
                    due_at=now,
                    class_id=class_id,
                ),
            )
        await uow.commit()
        return len(people)
