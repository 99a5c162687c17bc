"""The district between school and commune (issue 18, item 6): a unit may have a parent unit;
the parent's leaders get one summary of a published class covering all their sub-units'
learners, with a spreadsheet grouped by sub-unit, and see their sub-units' acknowledgments.

The summaries are planned by a job from published classes (no hook in publishing); the key
makes each once per class and leader. Privacy: a parent's leader sees only the learners of
the units under it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import (
    AckKind,
    Acknowledgment,
    Class,
    Enrollment,
    Person,
    Result,
    Unit,
    UnitLeader,
)
from texts import units as T
from usecases.audit import record
from usecases.identity import Actor
from usecases.messages import Document
from usecases.outbox import Notice, enqueue
from usecases.refusal import Refused
from usecases.units import rules
from usecases.units.reasons import UnitReason
from vn.numbers import format_score
from vn.text import fold, nfc

__all__ = [
    "PARENT_KIND",
    "LearnerResult",
    "ParentSummary",
    "SubUnitAck",
    "parents_from_roster",
    "plan_parent_summaries",
    "scores_text",
    "set_parent",
    "sub_unit_acks",
]

PARENT_KIND = "parent_results"
CATCH_UP = timedelta(days=7)  # classes published longer ago get no new parent summary
RECENT_CLASSES = 10
LINES_IN_TEXT = 40


@dataclass(frozen=True)
class LearnerResult:
    full_name: str
    scores: dict[str, Any]
    grade: str | None


@dataclass
class ParentSummary:
    class_code: str
    class_name: str
    parent_name: str
    groups: list[tuple[str, list[LearnerResult]]] = field(default_factory=list)


@dataclass(frozen=True)
class SubUnitAck:
    class_code: str
    unit_name: str
    acked_by: str | None


async def set_parent(
    uow: UnitOfWork, actor: Actor, *, centre_id: int, unit: str, parent: str | None
) -> tuple[str, str | None]:
    """Put `unit` under `parent` (made if new), or under nothing; refuses a cycle."""
    if not actor.is_staff_of(centre_id):
        raise Refused(UnitReason.STAFF_ONLY)
    async with uow:
        session = uow.session
        child = await _unit(session, centre_id, unit)
        if child is None:
            raise Refused(UnitReason.UNIT_NOT_FOUND, name=unit)
        above = None
        if parent is not None:
            above = await _unit(session, centre_id, parent)
            if above is None:
                above = Unit(centre_id=centre_id, name=nfc(parent).strip(), name_key=fold(parent))
                session.add(above)
                await session.flush()
            parents = await _parents(session, centre_id)
            if rules.would_cycle(parents, child.id, above.id):
                raise Refused(UnitReason.PARENT_CYCLE, unit=child.name, parent=above.name)
        child.parent_id = above.id if above is not None else None
        record(
            session, actor, "units.parent", entity="unit", entity_id=child.id,
            details={"parent_id": child.parent_id},
        )  # fmt: skip
        await uow.commit()
        return child.name, above.name if above is not None else None


async def parents_from_roster(
    session: AsyncSession, centre_id: int, pairs: Iterable[tuple[str, str | None]]
) -> int:
    """The roster's "Huyện" / "Đơn vị cấp trên" column, in the import's transaction: each unit
    under the parent named (made if new). A blank cell leaves the unit as it was; a name that
    would make a cycle is left out. Returns how many units changed."""
    changed = 0
    for unit_name, parent_name in {fold(u): (u, p) for u, p in pairs if p}.values():
        child = await _unit(session, centre_id, unit_name)
        if child is None or parent_name is None:
            continue
        above = await _unit(session, centre_id, parent_name)
        if above is None:
            above = Unit(
                centre_id=centre_id, name=nfc(parent_name).strip(), name_key=fold(parent_name)
            )
            session.add(above)
            await session.flush()
        if child.parent_id == above.id:
            continue
        if rules.would_cycle(await _parents(session, centre_id), child.id, above.id):
            continue
        child.parent_id = above.id
        changed += 1
    await session.flush()
    return changed


async def _unit(session: AsyncSession, centre_id: int, name: str) -> Unit | None:
    return await session.scalar(
        select(Unit).where(Unit.centre_id == centre_id, Unit.name_key == fold(name))
    )


async def _parents(session: AsyncSession, centre_id: int) -> dict[int, int | None]:
    rows = await session.execute(select(Unit.id, Unit.parent_id).where(Unit.centre_id == centre_id))
    return {uid: pid for uid, pid in rows.all()}


async def plan_parent_summaries(
    uow: UnitOfWork, *, now: datetime, render: Callable[[ParentSummary], Document]
) -> int:
    """For each class published lately, each parent unit with sub-units in it: one summary, and
    its spreadsheet (`render`), to each of the parent's leaders."""
    async with uow:
        session = uow.session
        classes = list(
            await session.scalars(
                select(Class).where(
                    Class.results_published_at.is_not(None),
                    Class.results_published_at <= now,
                    Class.results_published_at >= now - CATCH_UP,
                )
            )
        )
        added = 0
        for klass in classes:
            added += await _summaries_of(session, klass, now, render)
        await uow.commit()
        return added


async def _summaries_of(
    session: AsyncSession,
    klass: Class,
    now: datetime,
    render: Callable[[ParentSummary], Document],
) -> int:
    parents = await _parents(session, klass.centre_id)
    rows = (
        await session.execute(
            select(Person.full_name, Person.unit_id, Unit.name, Result.scores, Result.grade)
            .join(Result, Result.person_id == Person.id)
            .join(Unit, Unit.id == Person.unit_id)
            .join(
                Enrollment, (Enrollment.person_id == Person.id) & (Enrollment.class_id == klass.id)
            )
            .where(Result.class_id == klass.id)
            .order_by(Unit.name, Enrollment.roster_row, Person.id)
        )
    ).all()
    in_class = {uid for _, uid, _, _, _ in rows}
    added = 0
    for parent_id in sorted({p for p in parents.values() if p is not None}):
        subs = rules.descendants(parents, parent_id) & in_class
        if not subs:
            continue
        parent = await session.get_one(Unit, parent_id)
        summary = ParentSummary(klass.code, klass.name, parent.name)
        for unit_name in sorted({u for _, uid, u, _, _ in rows if uid in subs}):
            learners = [
                LearnerResult(n, s, g) for n, uid, u, s, g in rows if uid in subs and u == unit_name
            ]
            summary.groups.append((unit_name, learners))
        leaders = await session.scalars(
            select(UnitLeader.person_id).where(UnitLeader.unit_id == parent_id)
        )
        for leader_id in list(leaders):
            added += await _send(session, klass, summary, leader_id, now, render)
    return added


async def _send(
    session: AsyncSession,
    klass: Class,
    summary: ParentSummary,
    leader_id: int,
    now: datetime,
    render: Callable[[ParentSummary], Document],
) -> int:
    made = await enqueue(
        session,
        Notice(
            key=f"parent_results:{klass.id}:{leader_id}",
            person_id=leader_id,
            kind=PARENT_KIND,
            text=parent_text(summary),
            due_at=now,
            class_id=klass.id,
        ),
    )
    if made is None:
        return 0
    await enqueue(
        session,
        Notice(
            key=f"parent_results_file:{klass.id}:{leader_id}",
            person_id=leader_id,
            kind=f"{PARENT_KIND}_file",
            text=T.PARENT_FILE_CAPTION.format(parent=summary.parent_name, code=summary.class_code),
            due_at=now,
            document=render(summary),
            class_id=klass.id,
        ),
    )
    return 1


def scores_text(learner: LearnerResult) -> str:
    """ "8,5 / 9 — Khá", as the unit summary writes them."""
    scores = " / ".join(_score(v) for v in learner.scores.values()) or "—"
    return f"{scores} — {learner.grade}" if learner.grade else scores


def parent_text(summary: ParentSummary) -> str:
    count = sum(len(learners) for _, learners in summary.groups)
    lines = [
        T.PARENT_HEADER.format(
            code=summary.class_code, name=summary.class_name, parent=summary.parent_name,
            count=count, units=len(summary.groups),
        )
    ]  # fmt: skip
    shown = 0
    for unit_name, learners in summary.groups:
        lines.append(T.PARENT_UNIT.format(unit=unit_name, count=len(learners)))
        for i, x in enumerate(learners, start=1):
            if shown < LINES_IN_TEXT:
                lines.append(
                    T.PARENT_LINE.format(number=i, name=x.full_name, result=scores_text(x))
                )
            shown += 1
    if shown > LINES_IN_TEXT:
        lines.append(T.PARENT_MORE.format(count=shown - LINES_IN_TEXT))
    return "\n".join(lines)


async def sub_unit_acks(uow: UnitOfWork, actor: Actor) -> list[SubUnitAck]:
    """For a parent unit's leader: each sub-unit of the latest published classes, and whether
    it acknowledged the results (by whom)."""
    async with uow:
        session = uow.session
        if actor.person_id is None:
            return []
        led = list(
            await session.execute(
                select(Unit.id, Unit.centre_id)
                .join(UnitLeader, UnitLeader.unit_id == Unit.id)
                .where(UnitLeader.person_id == actor.person_id)
            )
        )
        subs: set[int] = set()
        for unit_id, centre_id in led:
            subs |= rules.descendants(await _parents(session, centre_id), unit_id)
        if not subs:
            return []
        return await _acks_of(session, subs)


async def _acks_of(session: AsyncSession, subs: set[int]) -> list[SubUnitAck]:
    classes = await session.execute(
        select(Class.id, Class.code)
        .where(
            Class.results_published_at.is_not(None),
            select(Enrollment.id)
            .join(Person, Person.id == Enrollment.person_id)
            .where(Enrollment.class_id == Class.id, Person.unit_id.in_(subs))
            .exists(),
        )
        .order_by(Class.results_published_at.desc())
        .limit(RECENT_CLASSES)
    )
    out = []
    for class_id, code in classes.all():
        units = await session.execute(
            select(Unit.id, Unit.name)
            .join(Person, Person.unit_id == Unit.id)
            .join(Enrollment, Enrollment.person_id == Person.id)
            .where(Enrollment.class_id == class_id, Unit.id.in_(subs))
            .distinct()
            .order_by(Unit.name)
        )
        for unit_id, unit_name in units.all():
            by = await session.scalar(
                select(Person.full_name)
                .join(Acknowledgment, Acknowledgment.person_id == Person.id)
                .join(UnitLeader, UnitLeader.person_id == Person.id)
                .where(
                    Acknowledgment.kind == AckKind.RESULTS.value,
                    Acknowledgment.subject_id == class_id,
                    UnitLeader.unit_id == unit_id,
                )
                .order_by(Acknowledgment.at)
                .limit(1)
            )
            out.append(SubUnitAck(code, unit_name, by))
    return out


def _score(value: object) -> str:
    try:
        return format_score(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)
