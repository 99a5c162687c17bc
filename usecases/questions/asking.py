"""The learner's side: ask (or keep a draft, then send or drop it), and see one's own."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import Class, Enrollment, Person, Question, QuestionStatus
from texts import questions as T
from usecases.identity import active_staff_ids
from usecases.messages import Choice
from usecases.outbox import Notice, enqueue_all, for_each
from usecases.questions.queries import candidate_classes, current_session, flood_counts, view
from usecases.questions.rules import (
    KIND_NEW,
    MINE_SHOWN,
    QuestionReason,
    check_flood,
    clean_text,
    draft_key,
    when_text,
)
from usecases.questions.values import Asked, Draft, NeedsClass, QuestionView
from usecases.refusal import Refused
from usecases.settings import Settings

__all__ = ["ask_question", "draft_question", "drop_draft", "my_questions", "send_draft"]


async def ask_question(
    uow: UnitOfWork,
    *,
    person_id: int,
    text: str,
    now: datetime,
    settings: Settings,
    has_media: bool = False,
    class_id: int | None = None,
) -> Asked | NeedsClass:
    """`/hoi <text>`: store and send the question, or keep it as a draft if the learner must
    first say which of their classes it is for."""
    cleaned = clean_text(text, has_media=has_media, limits=settings.questions)
    async with uow:
        session = uow.session
        candidates = await candidate_classes(session, person_id, now, settings.timezone)
        if class_id is not None:
            candidates = [c for c in candidates if c.id == class_id]
        if not candidates:
            raise Refused(QuestionReason.NO_CLASS)
        check_flood(*await flood_counts(session, person_id, now), settings.questions)
        if len(candidates) > 1:
            draft = await _new_draft(session, person_id, candidates[0].id, cleaned, now)
            await uow.commit()
            return NeedsClass(draft.id, tuple(candidates), draft_key(cleaned))
        question = Question(class_id=candidates[0].id, person_id=person_id, text=cleaned)
        session.add(question)
        asked = await _submit(session, question, now, settings)
        await uow.commit()
        return asked


async def draft_question(
    uow: UnitOfWork,
    *,
    person_id: int,
    text: str,
    now: datetime,
    settings: Settings,
    has_media: bool = False,
) -> Draft:
    """Free text not part of another flow: keep it, so the learner can send it with a button.
    A person has at most one draft; a new one replaces the last."""
    cleaned = clean_text(text, has_media=has_media, limits=settings.questions)
    async with uow:
        session = uow.session
        candidates = await candidate_classes(session, person_id, now, settings.timezone)
        if not candidates:
            raise Refused(QuestionReason.NO_CLASS)
        draft = await _new_draft(session, person_id, candidates[0].id, cleaned, now)
        await uow.commit()
        return Draft(draft.id, cleaned, tuple(candidates))


async def send_draft(
    uow: UnitOfWork,
    *,
    person_id: int,
    question_id: int,
    now: datetime,
    settings: Settings,
    class_id: int | None = None,
    key: str | None = None,
) -> Asked:
    """The learner confirms their draft (for the class they chose, if they have several).
    `key` (from the button) must be the draft's: a button under an older draft sends nothing."""
    async with uow:
        session = uow.session
        question = await session.get(Question, question_id, with_for_update=True)
        if question is None or question.person_id != person_id:
            raise Refused(QuestionReason.NOT_FOUND, number=question_id)
        if question.status == QuestionStatus.DRAFT and key and key != draft_key(question.text):
            raise Refused(QuestionReason.DRAFT_REPLACED)
        if question.status != QuestionStatus.DRAFT:
            raise Refused(QuestionReason.ALREADY_SENT, number=question_id)
        if class_id is not None:
            enrolled = await session.scalar(
                select(Enrollment.id).where(
                    Enrollment.class_id == class_id, Enrollment.person_id == person_id
                )
            )
            if enrolled is None:
                raise Refused(QuestionReason.NOT_FOUND, number=question_id)
            question.class_id = class_id
        check_flood(*await flood_counts(session, person_id, now), settings.questions)
        asked = await _submit(session, question, now, settings)
        await uow.commit()
        return asked


async def drop_draft(
    uow: UnitOfWork, *, person_id: int, question_id: int, key: str | None = None
) -> None:
    """ "Không": the free text was not a question; forget it (not a newer draft, see `key`)."""
    async with uow:
        if key:
            text = await uow.session.scalar(
                select(Question.text).where(
                    Question.id == question_id, Question.status == QuestionStatus.DRAFT
                )
            )
            if text is not None and draft_key(text) != key:
                return
        await uow.session.execute(
            delete(Question).where(
                Question.id == question_id,
                Question.person_id == person_id,
                Question.status == QuestionStatus.DRAFT,
            )
        )
        await uow.commit()


async def my_questions(
    uow: UnitOfWork, *, person_id: int, limit: int = MINE_SHOWN
) -> tuple[list[QuestionView], int]:
    """The learner's own questions, newest first, and how many they have in all."""
    async with uow:
        session = uow.session
        where = (Question.person_id == person_id, Question.status != QuestionStatus.DRAFT)
        total = await session.scalar(select(func.count(Question.id)).where(*where)) or 0
        rows = await session.scalars(
            select(Question).where(*where).order_by(Question.created_at.desc()).limit(limit)
        )
        return [await view(session, q) for q in rows], total


async def _new_draft(
    session: AsyncSession, person_id: int, class_id: int, text: str, now: datetime
) -> Question:
    await session.execute(
        delete(Question).where(
            Question.person_id == person_id, Question.status == QuestionStatus.DRAFT
        )
    )
    draft = Question(
        class_id=class_id,
        person_id=person_id,
        text=text,
        status=QuestionStatus.DRAFT,
        created_at=now,
    )
    session.add(draft)
    await session.flush()
    return draft


async def _submit(
    session: AsyncSession, question: Question, now: datetime, settings: Settings
) -> Asked:
    """Open the question and tell each active staff member of its centre, in one go."""
    tz = settings.timezone
    running = await current_session(session, question.class_id, now, tz)
    question.session_id = running.id if running else None
    question.status = QuestionStatus.OPEN
    question.created_at = now
    await session.flush()
    klass = await session.get(Class, question.class_id)
    learner = await session.get(Person, question.person_id)
    assert klass is not None and learner is not None
    session_part = ""
    if running is not None and running.number is not None:
        topic = f" — {running.topic}" if running.topic else ""
        session_part = T.SESSION_PART.format(number=running.number, topic=topic)
    text = T.NEW_TO_STAFF.format(
        number=question.id,
        code=klass.code,
        name=learner.full_name,
        session=session_part,
        when=when_text(now, tz),
        text=question.text,
    )
    notice = Notice(
        key="",
        person_id=0,
        kind=KIND_NEW,
        text=text,
        due_at=now,
        choices=((Choice(T.ANSWER_BUTTON, f"traloi {question.id}"),),),
        class_id=klass.id,
        session_id=question.session_id,
    )
    staff = await active_staff_ids(session, klass.centre_id)
    await enqueue_all(session, for_each(notice, staff, lambda p: f"question:new:{question.id}:{p}"))
    return Asked(question.id, klass.code, now)
