"""The staff side: the queue of open questions, answering, closing, sharing with the class."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select

from db.database import UnitOfWork
from db.models import Class, Enrollment, Question, QuestionStatus
from texts import questions as T
from usecases import audit
from usecases.identity import Actor
from usecases.outbox import Notice, enqueue
from usecases.paging import window
from usecases.questions.queries import refuse_if_done, staff_centres, staff_question, view
from usecases.questions.rules import (
    KIND_ANSWER,
    KIND_CLOSED,
    KIND_IN_CLASS,
    KIND_SHARED,
    PAGE_SIZE,
    QuestionReason,
    excerpt,
    normal_code,
    refuse_share,
    staff_text,
)
from usecases.questions.values import QuestionView, QueuePage
from usecases.refusal import Refused

__all__ = [
    "answer_question",
    "close_question",
    "mark_answered_in_class",
    "open_questions",
    "question_for_staff",
    "share_answer",
]


async def open_questions(
    uow: UnitOfWork,
    *,
    actor: Actor,
    class_code: str | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> QueuePage:
    """Open questions of the staff member's centres, oldest first, one page at a time."""
    async with uow:
        session = uow.session
        centres = await staff_centres(session, actor)
        where = [Question.status == QuestionStatus.OPEN, Class.centre_id.in_(centres)]
        counts = (
            await session.execute(
                select(Class.code, func.count(Question.id))
                .join(Question, Question.class_id == Class.id)
                .where(*where)
                .group_by(Class.code)
                .order_by(Class.code)
            )
        ).all()
        code = None
        if class_code:
            code = normal_code(class_code)
            klass = await session.scalar(
                select(Class.id).where(Class.code == code, Class.centre_id.in_(centres))
            )
            if klass is None:
                raise Refused(QuestionReason.CLASS_NOT_FOUND, code=class_code)
            where.append(Question.class_id == klass)
        base = select(Question).join(Class, Class.id == Question.class_id).where(*where)
        total = await session.scalar(select(func.count()).select_from(base.subquery())) or 0
        shown = window(total, page, page_size)
        rows = await session.scalars(
            base.order_by(Question.created_at, Question.id).offset(shown.offset).limit(shown.size)
        )
        items = tuple([await view(session, q) for q in rows])
        return QueuePage(
            items, total, shown.page, shown.pages, code, tuple((c, n) for c, n in counts)
        )


async def question_for_staff(uow: UnitOfWork, *, actor: Actor, question_id: int) -> QuestionView:
    """One open question, for the answer prompt; refused if done or not this staff's."""
    async with uow:
        session = uow.session
        question = await staff_question(session, actor, question_id)
        await refuse_if_done(session, question)
        return await view(session, question)


async def answer_question(
    uow: UnitOfWork, *, actor: Actor, question_id: int, text: str, now: datetime
) -> QuestionView:
    """The answer goes to the learner through the outbox; the question closes with who/when."""
    answer = staff_text(text)

    def word(q: Question) -> str:
        return T.ANSWER_TO_LEARNER.format(number=q.id, question=excerpt(q.text), answer=answer)

    done = _Done(QuestionStatus.ANSWERED, KIND_ANSWER, word, answer=answer)
    return await _close(uow, actor, question_id, now, done)


async def mark_answered_in_class(
    uow: UnitOfWork, *, actor: Actor, question_id: int, now: datetime
) -> QuestionView:
    def word(q: Question) -> str:
        return T.IN_CLASS_TO_LEARNER.format(number=q.id, question=excerpt(q.text))

    done = _Done(QuestionStatus.ANSWERED_IN_CLASS, KIND_IN_CLASS, word)
    return await _close(uow, actor, question_id, now, done)


async def close_question(
    uow: UnitOfWork, *, actor: Actor, question_id: int, reason: str, now: datetime
) -> QuestionView:
    """Closed without an answer; the learner is told the reason."""
    why = staff_text(reason, empty=QuestionReason.REASON_EMPTY)

    def word(q: Question) -> str:
        return T.CLOSED_TO_LEARNER.format(number=q.id, question=excerpt(q.text), reason=why)

    done = _Done(QuestionStatus.CLOSED, KIND_CLOSED, word, reason=why)
    return await _close(uow, actor, question_id, now, done)


async def share_answer(uow: UnitOfWork, *, actor: Actor, question_id: int, now: datetime) -> int:
    """The question (without the asker's name) and its answer to every other learner of the
    class; returns how many were sent. Once per question."""
    async with uow:
        session = uow.session
        question = await staff_question(session, actor, question_id, lock=True)
        refuse_share(
            question.id, question.status, question.answer_text, bool(question.shared_with_class)
        )
        klass = await session.get(Class, question.class_id)
        assert klass is not None
        learners = await session.scalars(
            select(Enrollment.person_id).where(
                Enrollment.class_id == question.class_id,
                Enrollment.person_id != question.person_id,
            )
        )
        text = T.SHARED_TO_CLASS.format(
            code=klass.code, question=question.text, answer=question.answer_text
        )
        count = 0
        for person_id in learners:
            row = await enqueue(
                session,
                Notice(
                    key=f"question:share:{question.id}:{person_id}",
                    person_id=person_id,
                    kind=KIND_SHARED,
                    text=text,
                    due_at=now,
                    class_id=question.class_id,
                ),
            )
            count += row is not None
        question.shared_with_class = True
        audit.record(
            session,
            actor,
            "question.share",
            entity="question",
            entity_id=question.id,
            details={"learners": count},
        )
        await uow.commit()
        return count


class _Done:
    """How a question is closed: its new status, the notice kind and words, what is kept."""

    def __init__(
        self,
        status: QuestionStatus,
        kind: str,
        word: Callable[[Question], str],
        *,
        answer: str | None = None,
        reason: str | None = None,
    ) -> None:
        self.status, self.kind, self.word = status, kind, word
        self.answer, self.reason = answer, reason


async def _close(
    uow: UnitOfWork, actor: Actor, question_id: int, now: datetime, done: _Done
) -> QuestionView:
    """Answered / answered in class / closed: once, by one staff member, learner told."""
    async with uow:
        session = uow.session
        question = await staff_question(session, actor, question_id, lock=True)
        await refuse_if_done(session, question)
        question.status = done.status
        question.answer_text = done.answer
        question.close_reason = done.reason
        question.answered_by = actor.person_id
        question.answered_at = now
        await enqueue(
            session,
            Notice(
                key=f"question:{done.kind}:{question.id}",
                person_id=question.person_id,
                kind=done.kind,
                text=done.word(question),
                due_at=now,
                class_id=question.class_id,
            ),
        )
        audit.record(session, actor, done.kind, entity="question", entity_id=question.id)
        await session.flush()
        shown = await view(session, question)
        await uow.commit()
        return shown
