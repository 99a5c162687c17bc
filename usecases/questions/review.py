"""What staff review: a class found by its code, and all its questions with their answers."""

from __future__ import annotations

from sqlalchemy import select

from db.database import UnitOfWork
from db.models import Class, Question, QuestionStatus
from usecases.identity import Actor
from usecases.questions.queries import view
from usecases.questions.rules import ClassChoice, QuestionReason, normal_code
from usecases.questions.values import QuestionView
from usecases.refusal import Refused

__all__ = ["class_questions", "find_class_for_staff"]


async def find_class_for_staff(uow: UnitOfWork, *, actor: Actor, code: str) -> ClassChoice:
    """A class of one of the actor's centres, by its code."""
    async with uow:
        klass = await uow.session.scalar(
            select(Class).where(
                Class.code == normal_code(code), Class.centre_id.in_(actor.staff_centre_ids)
            )
        )
        if klass is None:
            raise Refused(QuestionReason.CLASS_NOT_FOUND, code=code)
        return ClassChoice(klass.id, klass.code, klass.name)


async def class_questions(uow: UnitOfWork, *, class_id: int) -> list[QuestionView]:
    """All questions of a class (not drafts) with their answers, oldest first."""
    async with uow:
        session = uow.session
        rows = await session.scalars(
            select(Question)
            .where(Question.class_id == class_id, Question.status != QuestionStatus.DRAFT)
            .order_by(Question.created_at, Question.id)
        )
        return [await view(session, q) for q in rows]
