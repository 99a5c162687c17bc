"""Planning reminders and change notices into the outbox, in the caller's transaction, so a
class change and its notices are committed together or not at all."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import Class, Enrollment, Notification, NotificationStatus, Session, SessionStatus
from usecases.notices import rules
from usecases.notices.rules import Kind
from usecases.notices.wording import moved_text, reminder_text
from usecases.outbox import Notice, enqueue_all, for_each
from usecases.settings import NoticeSettings, Settings

__all__ = [
    "learner_ids",
    "plan_reminders",
    "plan_upcoming_reminders",
    "session_moved",
    "tell_change",
    "withdraw_reminders",
]


async def learner_ids(session: AsyncSession, class_id: int) -> list[int]:
    """The class's learners, in roster order."""
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
        person_ids = await learner_ids(session, klass.id)
    planned: list[Notice] = []
    for s in sessions:
        cancelled = s.status == SessionStatus.CANCELLED
        for slot, due in rules.reminder_slots(
            s.starts_at, cancelled=cancelled, notices=notices, tz=tz, now=now
        ):
            reminder = Notice(
                key="", person_id=0, kind=Kind.REMINDER, text=reminder_text(klass, s, tz, due),
                due_at=due, class_id=klass.id, session_id=s.id, expires_at=s.starts_at,
            )  # fmt: skip
            key = partial(rules.reminder_key, slot, s.id, s.starts_at)
            planned += for_each(reminder, person_ids, key)
    return await enqueue_all(session, planned)


async def plan_upcoming_reminders(
    uow: UnitOfWork,
    *,
    settings: Settings,
    now: datetime,
    horizon: timedelta = rules.REMINDER_HORIZON,
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
                session, klass=klass, sessions=[s], notices=settings.notices,
                tz=settings.timezone, now=now,
            )  # fmt: skip
        await uow.commit()
        return added


async def withdraw_reminders(session: AsyncSession, session_id: int) -> None:
    await session.execute(
        update(Notification)
        .where(
            Notification.session_id == session_id,
            Notification.kind == Kind.REMINDER,
            Notification.status == NotificationStatus.PENDING,
        )
        .values(status=NotificationStatus.CANCELLED, last_error="session changed")
    )


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
    await withdraw_reminders(session, moved.id)
    learners = await learner_ids(session, klass.id)
    await plan_reminders(
        session, klass=klass, sessions=[moved], notices=notices, tz=tz, now=now,
        person_ids=learners,
    )  # fmt: skip
    text = moved_text(klass, moved, old_starts_at, tz)
    affected_from = min(old_starts_at, moved.starts_at)
    await tell_change(session, "moved", moved, learners, text, affected_from, now)
    return len(learners)


async def tell_change(
    session: AsyncSession,
    what: str,
    lesson: Session,
    learners: Sequence[int],
    text: str,
    affected_from: datetime,
    now: datetime,
) -> None:
    """A change notice to each learner, urgent (through quiet hours) when the change touches
    the next day; keyed by the session's new start so each change is told once."""
    change = Notice(
        key="", person_id=0, kind=Kind.CHANGE, text=text, due_at=now, class_id=lesson.class_id,
        session_id=lesson.id, urgent=rules.is_urgent(affected_from, now),
    )  # fmt: skip
    key = partial(rules.change_key, what, lesson.id, lesson.starts_at)
    await enqueue_all(session, for_each(change, learners, key))
