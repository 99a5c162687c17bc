"""Results out to read: the staff preview, a learner's own, a unit leader's units'."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import select

from db.database import UnitOfWork
from db.models import Class, Person, Result, Unit, UnitLeader
from texts import results as T
from usecases.identity import Actor
from usecases.results.queries import (
    check_staff,
    class_attendance,
    class_by_code,
    class_views,
    enrolled,
    summary,
    view,
)
from usecases.results.rules import refuse_group
from usecases.results.values import ResultsPreview, ResultView, UnitSummary

__all__ = [
    "find_class_by_code",
    "list_result_classes",
    "preview_results",
    "results_for_leader",
    "results_for_learner",
]


async def find_class_by_code(uow: UnitOfWork, *, centre_id: int, code: str) -> Class:
    async with uow:
        return await class_by_code(uow.session, centre_id, code)


async def preview_results(
    uow: UnitOfWork,
    *,
    actor: Actor,
    centre_id: int,
    code: str,
    now: datetime,
    in_group: bool = False,
) -> ResultsPreview:
    """What staff check before publishing: every result, who has none yet, grade counts."""
    refuse_group(in_group)
    async with uow:
        session = uow.session
        klass = await class_by_code(session, centre_id, code)
        check_staff(actor, klass)
        views = await class_views(session, klass, now)
        people = await enrolled(session, klass.id)
        have = {v.person_id for v in views}
        grades = Counter(v.grade or T.NO_GRADE for v in views)
        return ResultsPreview(
            class_id=klass.id,
            code=klass.code,
            name=klass.name,
            enrolled=len(people),
            results=views,
            missing=[p.full_name for _, p in people if p.id not in have],
            grades=dict(grades.most_common()),
            published_at=klass.results_published_at,
        )


async def list_result_classes(uow: UnitOfWork, *, centre_id: int) -> list[tuple[str, bool]]:
    """(code, published) of the centre's classes that have results, unpublished first."""
    async with uow:
        rows = await uow.session.execute(
            select(Class.code, Class.results_published_at, Class.id)
            .where(
                Class.centre_id == centre_id,
                select(Result.id).where(Result.class_id == Class.id).exists(),
            )
            .order_by(Class.results_published_at.is_not(None), Class.id.desc())
        )
        return [(code, published is not None) for code, published, _ in rows]


async def results_for_learner(
    uow: UnitOfWork, *, person_id: int, now: datetime, in_group: bool = False
) -> list[ResultView]:
    """A learner's own results, of published classes only."""
    refuse_group(in_group)
    async with uow:
        session = uow.session
        rows = (
            await session.execute(
                select(Class, Result)
                .join(Result, Result.class_id == Class.id)
                .where(Result.person_id == person_id, Class.results_published_at.is_not(None))
                .order_by(Class.results_published_at.desc())
            )
        ).all()
        person = await session.get(Person, person_id)
        if person is None:
            return []
        unit = await session.get(Unit, person.unit_id) if person.unit_id else None
        views = []
        for klass, result in rows:
            numbers = {p.id: n for n, p in await enrolled(session, klass.id)}
            attendance = await class_attendance(session, klass.id, now)
            views.append(view(klass, numbers.get(person_id, 0), person, unit, result, attendance))
        return views


async def results_for_leader(
    uow: UnitOfWork, *, person_id: int, now: datetime, in_group: bool = False
) -> list[UnitSummary]:
    """A unit leader's view: published classes, and only the learners of the units they lead
    (read from the database here, not trusted from the caller)."""
    refuse_group(in_group)
    async with uow:
        session = uow.session
        unit_ids = set(
            await session.scalars(
                select(UnitLeader.unit_id).where(UnitLeader.person_id == person_id)
            )
        )
        if not unit_ids:
            return []
        classes = await session.scalars(
            select(Class)
            .where(
                Class.results_published_at.is_not(None),
                select(Result.id)
                .join(Person, Person.id == Result.person_id)
                .where(Result.class_id == Class.id, Person.unit_id.in_(unit_ids))
                .exists(),
            )
            .order_by(Class.results_published_at.desc())
        )
        summaries = []
        for klass in list(classes):
            views = [v for v in await class_views(session, klass, now) if v.unit_id in unit_ids]
            summaries.append(summary(klass, views))
        return summaries
