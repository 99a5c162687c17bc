"""Loading what the question use cases decide on: views, staff rights, classes, sessions."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Class,
    Enrollment,
    Person,
    Question,
    QuestionStatus,
    Session,
    SessionStatus,
    StaffMember,
)
from usecases.identity import Actor
from usecases.questions.rules import (
    DONE,
    ClassChoice,
    ClassDates,
    QuestionReason,
    SessionSlot,
    current_classes,
    pick_session,
)
from usecases.questions.values import QuestionView
from usecases.refusal import Refused

__all__ = [
    "candidate_classes",
    "current_session",
    "flood_counts",
    "names",
    "refuse_if_done",
    "staff_centres",
    "staff_question",
    "view",
]


async def candidate_classes(
    session: AsyncSession, person_id: int, now: datetime, tz: ZoneInfo
) -> list[ClassChoice]:
    """The learner's current classes (not yet ended); if all have ended, all of them."""
    rows = await session.scalars(
        select(Class)
        .join(Enrollment, Enrollment.class_id == Class.id)
        .where(Enrollment.person_id == person_id)
        .order_by(Class.start_date, Class.id)
    )
    classes = [ClassDates(ClassChoice(c.id, c.code, c.name), c.end_date) for c in rows]
    return current_classes(classes, now.astimezone(tz).date())


async def flood_counts(session: AsyncSession, person_id: int, now: datetime) -> tuple[int, int]:
    """(open questions, questions sent in the last hour) of a learner."""
    open_count = await session.scalar(
        select(func.count(Question.id)).where(
            Question.person_id == person_id, Question.status == QuestionStatus.OPEN
        )
    )
    recent = await session.scalar(
        select(func.count(Question.id)).where(
            Question.person_id == person_id,
            Question.status != QuestionStatus.DRAFT,
            Question.created_at > now - timedelta(hours=1),
        )
    )
    return open_count or 0, recent or 0


async def current_session(
    session: AsyncSession, class_id: int, now: datetime, tz: ZoneInfo
) -> Session | None:
    """The session running now, else the one of today nearest in time, else none."""
    day_start = datetime.combine(now.astimezone(tz).date(), time.min, tz)
    rows = {
        s.id: s
        for s in await session.scalars(
            select(Session).where(
                Session.class_id == class_id,
                Session.status == SessionStatus.SCHEDULED,
                Session.starts_at < day_start + timedelta(days=1),
                Session.ends_at >= day_start,
            )
        )
    }
    slots = [SessionSlot(s.id, s.starts_at, s.ends_at) for s in rows.values()]
    picked = pick_session(slots, now)
    return rows[picked.id] if picked else None


async def staff_centres(session: AsyncSession, actor: Actor) -> list[int]:
    """The centres the actor is active staff of, read from the database: the CLI speaks for
    its own centre; a chat user only for what the staff list says today."""
    if actor.person_id is None:
        return sorted(actor.staff_centre_ids)
    return list(
        await session.scalars(
            select(StaffMember.centre_id).where(
                StaffMember.person_id == actor.person_id, StaffMember.active.is_(True)
            )
        )
    )


async def staff_question(
    session: AsyncSession, actor: Actor, question_id: int, *, lock: bool = False
) -> Question:
    """The question, if the actor is active staff of its class's centre; else NOT_FOUND
    (a stranger learns nothing, not even that the number exists)."""
    question = await session.get(Question, question_id, with_for_update=lock or None)
    if question is None or question.status == QuestionStatus.DRAFT:
        raise Refused(QuestionReason.NOT_FOUND, number=question_id)
    centre = await session.scalar(select(Class.centre_id).where(Class.id == question.class_id))
    if centre not in await staff_centres(session, actor):
        raise Refused(QuestionReason.NOT_FOUND, number=question_id)
    return question


async def refuse_if_done(session: AsyncSession, question: Question) -> None:
    if question.status in DONE:
        who = await session.get(Person, question.answered_by) if question.answered_by else None
        raise Refused(
            QuestionReason.ALREADY_DONE,
            number=question.id,
            who=who.full_name if who else "",
            when=question.answered_at,
            status=question.status,
        )


async def names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(select(Person.id, Person.full_name).where(Person.id.in_(ids)))
    return {i: n for i, n in rows}


async def view(session: AsyncSession, q: Question) -> QuestionView:
    klass = await session.get(Class, q.class_id)
    known = await names(session, {q.person_id} | ({q.answered_by} if q.answered_by else set()))
    s = await session.get(Session, q.session_id) if q.session_id else None
    assert klass is not None
    return QuestionView(
        id=q.id,
        class_id=q.class_id,
        class_code=klass.code,
        person_id=q.person_id,
        learner_name=known.get(q.person_id, ""),
        text=q.text,
        status=q.status,
        created_at=q.created_at,
        session_number=s.number if s else None,
        session_topic=s.topic if s else None,
        answer_text=q.answer_text,
        answered_by_name=known.get(q.answered_by) if q.answered_by else None,
        answered_at=q.answered_at,
        close_reason=q.close_reason,
        shared_with_class=bool(q.shared_with_class),
    )
