"""Telling lecturers in time: their sessions when a class is announced, a change at once,
reminders before each session, and /lichday.

Nothing else has to call this: a periodic job (and the schedule import) compares each
session's lecturer, time, place and status with what its lecturer was last told
(`LecturerBrief`), and `rules.changes` says what to tell. A re-run tells nothing twice.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import (
    Class,
    Enrollment,
    Lecturer,
    LecturerBrief,
    Notification,
    NotificationStatus,
    Session,
    SessionStatus,
)
from texts import lecturers as T
from usecases.identity import Actor
from usecases.lecturers.rules import AWAY, Change, Event, SessionState, Told, changes
from usecases.lecturers.rules import reminder_times as _reminder_times
from usecases.outbox import Notice, enqueue
from usecases.settings import Settings
from vn.dates import format_time, format_when

__all__ = [
    "KIND_CHANGE",
    "KIND_REMINDER",
    "LecturerSession",
    "plan_lecturer_notices",
    "upcoming_for_lecturer",
]

KIND_ANNOUNCE = "lecturer_schedule"
KIND_CHANGE = "lecturer_change"
KIND_REMINDER = "lecturer_reminder"
REMINDER_HORIZON = timedelta(days=3)
URGENT_WITHIN = timedelta(hours=24)


@dataclass(frozen=True)
class _Ctx:
    now: datetime
    tz: ZoneInfo
    settings: Settings
    person_of: dict[int, int]  # lecturer id -> person id
    sizes: dict[int, int]  # class id -> learners


async def plan_lecturer_notices(uow: UnitOfWork, *, settings: Settings, now: datetime) -> int:
    """Tell every lecturer what changed in their announced, upcoming sessions, and plan their
    reminders. Returns how many notices were added."""
    async with uow:
        session = uow.session
        told_ids = select(LecturerBrief.session_id)
        rows = (
            await session.execute(
                select(Session, Class)
                .join(Class, Class.id == Session.class_id)
                .where(
                    Class.announced_at.is_not(None),
                    Session.starts_at > now,
                    or_(Session.lecturer_id.is_not(None), Session.id.in_(told_ids)),
                )
                .order_by(Session.starts_at)
            )
        ).all()
        if not rows:
            return 0
        ctx = await _context(session, settings, now, {k.id for _, k in rows})
        briefs = await _briefs(session, [s.id for s, _ in rows])
        added, new = 0, defaultdict(list)
        for s, klass in rows:
            for event in changes(_state(s), [_told(b) for b in briefs[s.id].values()]):
                if event.change == Change.NEW:
                    new[(event.lecturer_id, klass.id)].append(s)
                else:
                    added += await _tell(session, ctx, event, s, klass)
            _remember(session, s, briefs[s.id], now)
            added += await _remind(session, ctx, s, klass, briefs[s.id].get(s.lecturer_id or 0))
        for (lecturer_id, _), sessions in new.items():
            added += await _announce(session, ctx, lecturer_id, sessions, rows)
        await uow.commit()
        return added


async def _context(
    session: AsyncSession, settings: Settings, now: datetime, class_ids: set[int]
) -> _Ctx:
    person_of = {
        lid: pid for lid, pid in await session.execute(select(Lecturer.id, Lecturer.person_id))
    }
    counts = await session.execute(
        select(Enrollment.class_id, func.count())
        .where(Enrollment.class_id.in_(class_ids))
        .group_by(Enrollment.class_id)
    )
    sizes = {class_id: count for class_id, count in counts}
    return _Ctx(now, settings.timezone, settings, person_of, sizes)


async def _briefs(
    session: AsyncSession, session_ids: Sequence[int]
) -> defaultdict[int, dict[int, LecturerBrief]]:
    out: defaultdict[int, dict[int, LecturerBrief]] = defaultdict(dict)
    for b in await session.scalars(
        select(LecturerBrief).where(LecturerBrief.session_id.in_(session_ids))
    ):
        out[b.session_id][b.lecturer_id] = b
    return out


def _state(s: Session) -> SessionState:
    cancelled = s.status == SessionStatus.CANCELLED
    return SessionState(s.id, s.lecturer_id, s.starts_at, s.ends_at, s.place, cancelled)


def _told(b: LecturerBrief) -> Told:
    return Told(b.lecturer_id, b.starts_at, b.ends_at, b.place, b.status, b.told_at)


def _remember(
    session: AsyncSession, s: Session, briefs: dict[int, LecturerBrief], now: datetime
) -> None:
    """What each lecturer knows now: the session as it is, or that it is no longer theirs."""
    for lecturer_id, brief in briefs.items():
        if lecturer_id != s.lecturer_id and brief.status != AWAY:
            brief.status, brief.told_at = AWAY, now
    if s.lecturer_id is None:
        return
    mine = briefs.get(s.lecturer_id)
    if mine is None and s.status == SessionStatus.CANCELLED:
        return  # never told of it: nothing to take back
    if mine is None:
        mine = LecturerBrief(session_id=s.id, lecturer_id=s.lecturer_id)
        session.add(mine)
        briefs[s.lecturer_id] = mine
    state = (s.starts_at, s.ends_at, s.place, s.status)
    if (mine.starts_at, mine.ends_at, mine.place, mine.status) != state:
        mine.starts_at, mine.ends_at, mine.place, mine.status = state
        mine.told_at = now


def _fields(ctx: _Ctx, s: Session, klass: Class) -> dict[str, object]:
    return {
        "klass": klass.name,
        "size": ctx.sizes.get(klass.id, 0),
        "when": format_when(s.starts_at.astimezone(ctx.tz)),
        "end": format_time(s.ends_at.astimezone(ctx.tz).time()),
        "topic": s.topic or T.TOPIC_UNKNOWN,
        "place": s.place or klass.location or T.PLACE_UNKNOWN,
    }


_TEXTS = {
    Change.MOVED: T.MOVED,
    Change.CANCELLED: T.CANCELLED,
    Change.RESTORED: T.RESTORED,
    Change.AWAY: T.AWAY,
    Change.TO_YOU: T.TO_YOU,
}


async def _tell(session: AsyncSession, ctx: _Ctx, event: Event, s: Session, klass: Class) -> int:
    person_id = ctx.person_of.get(event.lecturer_id)
    if person_id is None:
        return 0
    if event.change in (Change.MOVED, Change.CANCELLED, Change.AWAY):
        await _withdraw_reminders(session, s.id, person_id)
    fields = _fields(ctx, s, klass)
    before = event.before
    if before is not None:
        fields["old_when"] = format_when(before.starts_at.astimezone(ctx.tz))
        fields["old_place"] = before.place or T.PLACE_UNKNOWN
    # Keyed by the state it replaces: two planners running at once write one notice.
    stamp = int(before.told_at.timestamp()) if before and before.told_at else 0
    touched = min(s.starts_at, before.starts_at) if before else s.starts_at
    notice = Notice(
        key=f"lect:{event.change}:{s.id}:{event.lecturer_id}:{stamp}:{int(s.starts_at.timestamp())}",
        person_id=person_id,
        kind=KIND_CHANGE,
        text=_TEXTS[event.change].format(**fields),
        due_at=ctx.now,
        class_id=klass.id,
        session_id=s.id,
        urgent=touched - ctx.now < URGENT_WITHIN,
    )
    return 1 if await enqueue(session, notice) else 0


async def _announce(
    session: AsyncSession,
    ctx: _Ctx,
    lecturer_id: int,
    sessions: list[Session],
    rows: Sequence[tuple[Session, Class]],
) -> int:
    """One message per lecturer and class: every session of theirs in it."""
    person_id = ctx.person_of.get(lecturer_id)
    if person_id is None:
        return 0
    klass = next(k for s, k in rows if s.id == sessions[0].id)
    lines = "\n".join(T.ANNOUNCE_LINE.format(**_fields(ctx, s, klass)) for s in sessions)
    ids = ",".join(str(s.id) for s in sessions)
    digest = hashlib.sha1(ids.encode(), usedforsecurity=False).hexdigest()[:12]
    notice = Notice(
        key=f"lect:new:{lecturer_id}:{klass.id}:{digest}",
        person_id=person_id,
        kind=KIND_ANNOUNCE,
        text=T.ANNOUNCE.format(
            klass=klass.name, size=ctx.sizes.get(klass.id, 0), count=len(sessions), lines=lines
        ),
        due_at=ctx.now,
        class_id=klass.id,
    )
    return 1 if await enqueue(session, notice) else 0


async def _remind(
    session: AsyncSession, ctx: _Ctx, s: Session, klass: Class, brief: LecturerBrief | None
) -> int:
    """The evening-before and before-the-session reminders of the session's lecturer, keyed by
    what they were told last (a session restored, or given back, is reminded of again)."""
    if s.lecturer_id is None or s.status == SessionStatus.CANCELLED or brief is None:
        return 0
    if s.starts_at > ctx.now + REMINDER_HORIZON:
        return 0
    person_id = ctx.person_of.get(s.lecturer_id)
    if person_id is None:
        return 0
    n = ctx.settings.lecturers
    added = 0
    for slot, due in _reminder_times(
        s.starts_at, evening_at=n.evening_before_at, minutes_before=n.minutes_before, tz=ctx.tz
    ):
        if due < ctx.now:
            continue
        text = (T.REMINDER_EVENING if slot == "evening" else T.REMINDER_BEFORE).format(
            **_fields(ctx, s, klass)
        )
        notice = Notice(
            key=f"lect:remind:{slot}:{s.id}:{int(brief.told_at.timestamp())}:{person_id}",
            person_id=person_id,
            kind=KIND_REMINDER,
            text=text,
            due_at=due,
            class_id=klass.id,
            session_id=s.id,
            expires_at=s.starts_at,
        )
        added += 1 if await enqueue(session, notice) else 0
    return added


async def _withdraw_reminders(session: AsyncSession, session_id: int, person_id: int) -> None:
    await session.execute(
        update(Notification)
        .where(
            Notification.kind == KIND_REMINDER,
            Notification.session_id == session_id,
            Notification.person_id == person_id,
            Notification.status == NotificationStatus.PENDING,
        )
        .values(status=NotificationStatus.CANCELLED)
    )


# --- /lichday ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LecturerSession:
    session_id: int
    class_name: str
    class_size: int
    starts_at: datetime
    ends_at: datetime
    topic: str | None
    place: str | None
    cancelled: bool


async def upcoming_for_lecturer(
    uow: UnitOfWork, actor: Actor, *, now: datetime, limit: int = 10
) -> list[LecturerSession]:
    """The speaker's own upcoming sessions (as a lecturer), soonest first."""
    if not actor.lecturer_ids:
        return []
    async with uow:
        session = uow.session
        size = (
            select(func.count())
            .where(Enrollment.class_id == Class.id)
            .correlate(Class)
            .scalar_subquery()
        )
        rows = await session.execute(
            select(Session, Class.name, Class.location, size)
            .join(Class, Class.id == Session.class_id)
            .where(Session.lecturer_id.in_(actor.lecturer_ids), Session.ends_at > now)
            .order_by(Session.starts_at)
            .limit(limit)
        )
        return [
            LecturerSession(
                s.id,
                name,
                count or 0,
                s.starts_at,
                s.ends_at,
                s.topic,
                s.place or location,
                s.status == SessionStatus.CANCELLED,
            )
            for s, name, location, count in rows
        ]
