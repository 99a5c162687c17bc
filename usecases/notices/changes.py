"""Staff move or cancel one session: its reminders are re-planned or withdrawn and its
learners told, in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import Class, Session, SessionStatus
from usecases.audit import record
from usecases.classes.setup import staff_class
from usecases.identity import Actor
from usecases.notices.planning import learner_ids, session_moved, tell_change, withdraw_reminders
from usecases.notices.rules import NoticeReason
from usecases.notices.wording import cancelled_text
from usecases.refusal import Refused
from usecases.settings import Settings
from vn.text import nfc

__all__ = ["cancel_session", "find_session", "move_session"]


async def find_session(
    session: AsyncSession, actor: Actor, code: str, number: int
) -> tuple[Class, Session]:
    """A session by its class's code and its number (Buổi), with its class (of a centre the
    actor is staff of)."""
    klass = await staff_class(session, actor, code)
    found = await session.scalar(
        select(Session).where(Session.class_id == klass.id, Session.number == number)
    )
    if found is None:
        raise Refused(NoticeReason.SESSION_NOT_FOUND, code=klass.code, number=number)
    return klass, found


async def move_session(
    uow: UnitOfWork,
    *,
    actor: Actor,
    class_code: str,
    number: int,
    starts_at: datetime,
    ends_at: datetime,
    settings: Settings,
    now: datetime,
) -> tuple[Session, int]:
    """Staff move one session; learners are told and reminders re-planned in the same
    transaction. Returns the session and how many learners were told."""
    if ends_at <= starts_at:
        raise Refused(NoticeReason.ENDS_BEFORE_START)
    async with uow:
        session = uow.session
        klass, moved = await find_session(session, actor, class_code, number)
        old = moved.starts_at
        moved.starts_at, moved.ends_at = starts_at, ends_at
        moved.status = SessionStatus.SCHEDULED
        await session.flush()
        told = await session_moved(
            session, klass=klass, moved=moved, old_starts_at=old, notices=settings.notices,
            tz=settings.timezone, now=now,
        )  # fmt: skip
        record(
            session, actor, "session.move", entity="session", entity_id=moved.id,
            details={"from": old.isoformat(), "to": starts_at.isoformat()},
        )  # fmt: skip
        await uow.commit()
        return moved, told


async def cancel_session(
    uow: UnitOfWork,
    *,
    actor: Actor,
    class_code: str,
    number: int,
    reason: str | None,
    settings: Settings,
    now: datetime,
) -> tuple[Session, int]:
    """Staff cancel one session: its reminders are withdrawn and learners told."""
    async with uow:
        session = uow.session
        klass, cancelled = await find_session(session, actor, class_code, number)
        cancelled.status = SessionStatus.CANCELLED
        await withdraw_reminders(session, cancelled.id)
        told = 0
        if klass.announced_at is not None:
            learners = await learner_ids(session, klass.id)
            why = nfc(reason) if reason else None
            text = cancelled_text(klass, cancelled, why, settings.timezone)
            await tell_change(
                session, "cancelled", cancelled, learners, text, cancelled.starts_at, now
            )
            told = len(learners)
        record(
            session, actor, "session.cancel", entity="session", entity_id=cancelled.id,
            details={"reason": reason} if reason else None,
        )  # fmt: skip
        await uow.commit()
        return cancelled, told
