"""Loading and saving the evaluation after training: some time after a course ends, each unit
leader whose learners attended is asked a few questions (ratings 1–5) and an optional comment.

The daily check (`plan_surveys`) is idempotent: the outbox key names the class and the leader,
so a leader is asked once per class, whatever the scheduler does. Answers are rows of
`SurveyAnswer` (one per class, leader and question), so answering again corrects the rating.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import Class, Enrollment, Notification, Person, SurveyAnswer, Unit, UnitLeader
from texts import survey as T
from usecases.outbox import Notice, enqueue
from usecases.refusal import Refused
from usecases.survey.rules import (
    COMMENT_KEY,
    QUESTIONS,
    SurveyReason,
    SurveyStep,
    check_answer,
    due_window,
    next_step,
    question_text,
    rating_choices,
)
from vn.dates import format_date

__all__ = [
    "KIND",
    "answer_survey",
    "comment_survey",
    "pending_survey",
    "plan_surveys",
]

KIND = "survey"


async def _leader_units(session: AsyncSession, class_id: int, person_id: int) -> dict[int, int]:
    """Units this person leads that had learners in the class → learners of each."""
    rows = await session.scalars(
        select(Person.unit_id)
        .join(Enrollment, Enrollment.person_id == Person.id)
        .join(UnitLeader, UnitLeader.unit_id == Person.unit_id)
        .where(Enrollment.class_id == class_id, UnitLeader.person_id == person_id)
    )
    # The join on UnitLeader leaves only learners with a unit.
    return dict(Counter(unit_id for unit_id in rows if unit_id is not None))


async def plan_surveys(uow: UnitOfWork, *, now: datetime, after_days: int, tz: ZoneInfo) -> int:
    """Ask every leader of every course that ended `after_days` ago (and not much longer);
    returns how many surveys were newly enqueued."""
    window_start, due_end = due_window(now.astimezone(tz).date(), after_days)
    created = 0
    async with uow:
        session = uow.session
        classes = await session.scalars(
            select(Class).where(Class.end_date >= window_start, Class.end_date <= due_end)
        )
        for klass in list(classes):
            rows = await session.execute(
                select(UnitLeader.person_id, Unit.name, Person.id)
                .join(Unit, Unit.id == UnitLeader.unit_id)
                .join(Person, Person.unit_id == Unit.id)
                .join(Enrollment, Enrollment.person_id == Person.id)
                .where(Enrollment.class_id == klass.id)
            )
            per_leader: dict[int, tuple[set[str], set[int]]] = {}
            for leader_id, unit_name, learner_id in rows.all():
                units, learners = per_leader.setdefault(leader_id, (set(), set()))
                units.add(unit_name)
                learners.add(learner_id)
            for leader_id, (units, learners) in sorted(per_leader.items()):
                intro = T.INTRO.format(
                    name=klass.name,
                    code=klass.code,
                    end=format_date(klass.end_date) if klass.end_date else "",
                    count=len(QUESTIONS),
                    learners=len(learners),
                    units=T.UNIT_JOIN.join(sorted(units)),
                )
                row = await enqueue(
                    session,
                    Notice(
                        key=f"survey:{klass.id}:{leader_id}",
                        person_id=leader_id,
                        kind=KIND,
                        text=f"{intro}\n\n{question_text(1)}",
                        choices=rating_choices(klass.id, 1),
                        due_at=now,
                        class_id=klass.id,
                    ),
                )
                created += row is not None
        await uow.commit()
    return created


async def _step(session: AsyncSession, klass: Class, person_id: int) -> SurveyStep:
    answered = {
        a.question_key: a
        for a in await session.scalars(
            select(SurveyAnswer).where(
                SurveyAnswer.class_id == klass.id, SurveyAnswer.person_id == person_id
            )
        )
    }
    rated = {key for key, a in answered.items() if a.rating is not None}
    return next_step(klass.id, klass.code, rated, COMMENT_KEY in answered)


async def _load(session: AsyncSession, class_id: int, person_id: int) -> tuple[Class, int]:
    klass = await session.get(Class, class_id)
    units = await _leader_units(session, class_id, person_id) if klass else {}
    if klass is None or not units:
        raise Refused(SurveyReason.NOT_YOURS)
    return klass, min(units)


async def _save(
    session: AsyncSession,
    *,
    class_id: int,
    unit_id: int,
    person_id: int,
    key: str,
    rating: int | None,
    comment: str | None,
    now: datetime,
) -> None:
    answer = await session.scalar(
        select(SurveyAnswer).where(
            SurveyAnswer.class_id == class_id,
            SurveyAnswer.person_id == person_id,
            SurveyAnswer.question_key == key,
        )
    )
    if answer is None:
        answer = SurveyAnswer(
            class_id=class_id, unit_id=unit_id, person_id=person_id, question_key=key
        )
        session.add(answer)
    answer.rating, answer.comment, answer.answered_at = rating, comment, now


async def answer_survey(
    uow: UnitOfWork, *, person_id: int, class_id: int, number: int, rating: int, now: datetime
) -> SurveyStep:
    """Record one rating (1–5) from a leader whose unit had learners in the class."""
    check_answer(number, rating)
    async with uow:
        session = uow.session
        klass, unit_id = await _load(session, class_id, person_id)
        await _save(
            session,
            class_id=class_id,
            unit_id=unit_id,
            person_id=person_id,
            key=QUESTIONS[number - 1],
            rating=rating,
            comment=None,
            now=now,
        )
        await session.flush()
        step = await _step(session, klass, person_id)
        await uow.commit()
        return step


async def comment_survey(
    uow: UnitOfWork, *, person_id: int, class_id: int, comment: str | None, now: datetime
) -> SurveyStep:
    """The optional comment at the end (`None` when skipped); closes the survey."""
    async with uow:
        session = uow.session
        klass, unit_id = await _load(session, class_id, person_id)
        await _save(
            session,
            class_id=class_id,
            unit_id=unit_id,
            person_id=person_id,
            key=COMMENT_KEY,
            rating=None,
            comment=(comment or "").strip() or None,
            now=now,
        )
        await session.flush()
        step = await _step(session, klass, person_id)
        await uow.commit()
        return step


async def pending_survey(uow: UnitOfWork, *, person_id: int) -> SurveyStep | None:
    """The first survey this leader was sent and has not finished, if any."""
    async with uow:
        session = uow.session
        class_ids = await session.scalars(
            select(Notification.class_id)
            .where(Notification.person_id == person_id, Notification.kind == KIND)
            .order_by(Notification.id)
        )
        for class_id in list(class_ids):
            klass = await session.get(Class, class_id) if class_id else None
            if klass is None:
                continue
            step = await _step(session, klass, person_id)
            if not step.done:
                return step
        return None
