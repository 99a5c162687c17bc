"""The daily digest: each active staff member is told of the questions that waited too long."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.database import UnitOfWork
from db.models import Class, Question, QuestionStatus, StaffMember
from texts import questions as T
from usecases.messages import Choice
from usecases.outbox import Notice, enqueue
from usecases.questions.rules import DIGEST_SHOWN, KIND_DIGEST, digest_key, excerpt, when_text
from usecases.settings import Settings

__all__ = ["digest_text", "plan_digest"]


def digest_text(stale: Sequence[tuple[Question, str]], hours: int, tz: ZoneInfo) -> str:
    """The digest's words: the oldest questions first, the rest counted."""
    lines = [T.DIGEST_HEADER.format(count=len(stale), hours=hours)]
    lines += [
        T.DIGEST_LINE.format(
            number=q.id, code=code, when=when_text(q.created_at, tz), text=excerpt(q.text)
        )
        for q, code in stale[:DIGEST_SHOWN]
    ]
    if len(stale) > DIGEST_SHOWN:
        lines.append(T.DIGEST_MORE.format(count=len(stale) - DIGEST_SHOWN))
    lines.append(T.DIGEST_FOOTER)
    return "".join(lines)


async def plan_digest(uow: UnitOfWork, *, now: datetime, settings: Settings) -> int:
    """Each active staff member gets one message a day listing the questions of their centre
    that have waited longer than `stale_after_hours`; returns how many notices were planned.
    The key names the local day, so a second run that day adds nothing."""
    tz = settings.timezone
    hours = settings.questions.stale_after_hours
    cutoff = now - timedelta(hours=hours)
    day = now.astimezone(tz).date()
    async with uow:
        session = uow.session
        staff = await session.execute(
            select(StaffMember.person_id, StaffMember.centre_id).where(StaffMember.active.is_(True))
        )
        planned = 0
        for person_id, centre_id in staff.all():
            stale = await session.execute(
                select(Question, Class.code)
                .join(Class, Class.id == Question.class_id)
                .where(
                    Class.centre_id == centre_id,
                    Question.status == QuestionStatus.OPEN,
                    Question.created_at <= cutoff,
                )
                .order_by(Question.created_at, Question.id)
            )
            rows = stale.all()
            if not rows:
                continue
            row = await enqueue(
                session,
                Notice(
                    key=digest_key(day, person_id, centre_id),
                    person_id=person_id,
                    kind=KIND_DIGEST,
                    text=digest_text(rows, hours, tz),
                    due_at=now,
                    choices=((Choice(T.QUEUE_BUTTON, "cauhoi"),),),
                ),
            )
            planned += row is not None
        await uow.commit()
        return planned
