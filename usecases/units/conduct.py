"""Conduct, rèn luyện (issue 18, item 5): staff record a reminder, a criticism or a violation of
the study rules for a learner, with a reason, kept with who and when; a violation tells the
learner's unit leaders at once; results carry each learner's conduct alongside the scores
(`conduct_lines`, through `notes.results_notes`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import Class, ConductRecord, Enrollment, Person, Unit, UnitLeader
from texts import units as T
from usecases.audit import record
from usecases.identity import Actor
from usecases.outbox import Notice, enqueue_all, for_each
from usecases.refusal import Refused
from usecases.units import rules
from usecases.units.reasons import UnitReason
from vn.text import nfc, nfc_lines

__all__ = [
    "CONDUCT_KIND",
    "ConductLine",
    "class_conduct",
    "conduct_lines",
    "conduct_summary",
    "record_conduct",
]

CONDUCT_KIND = "conduct_violation"  # the outbox kind of the leader's notice
MAX_REASON = 1000


@dataclass(frozen=True)
class ConductLine:
    record_id: int
    person_id: int
    full_name: str
    unit_name: str | None
    kind: str
    reason: str
    by: str
    at: datetime
    leaders_told: int = 0


async def record_conduct(
    uow: UnitOfWork,
    actor: Actor,
    *,
    centre_id: int,
    code: str,
    number: int,
    kind: str,
    reason: str,
    now: datetime,
) -> ConductLine:
    """Record it for learner `number` (TT on the class list); a violation is enqueued to the
    learner's unit leaders in the same transaction."""
    _staff_only(actor, centre_id)
    text = nfc_lines(reason).strip()[:MAX_REASON]
    if kind not in rules.CONDUCT_KINDS:
        raise Refused(UnitReason.CONDUCT_KIND)
    if not text:
        raise Refused(UnitReason.CONDUCT_REASON)
    async with uow:
        session = uow.session
        klass = await _class(session, centre_id, code)
        enrolled = await _enrolled(session, klass.id)
        if not 1 <= number <= len(enrolled):
            raise Refused(UnitReason.NO_SUCH_NUMBER, number=number, code=klass.code)
        person, unit_name = enrolled[number - 1]
        row = ConductRecord(
            class_id=klass.id, person_id=person.id, kind=kind, reason=text,
            recorded_by=actor.person_id, recorded_by_label=actor.label, at=now,
        )  # fmt: skip
        session.add(row)
        await session.flush()
        told = 0
        if rules.tells_leader_at_once(kind) and person.unit_id is not None:
            told = await _tell_leaders(session, klass, row, person, unit_name, now)
        record(
            session, actor, f"units.conduct.{kind}", entity="conduct", entity_id=row.id,
            details={"class_id": klass.id, "person_id": person.id, "leaders_told": told},
        )  # fmt: skip
        await uow.commit()
        return ConductLine(
            row.id, person.id, person.full_name, unit_name, kind, text, actor.label, now, told
        )


async def _tell_leaders(
    session: AsyncSession,
    klass: Class,
    row: ConductRecord,
    person: Person,
    unit_name: str | None,
    now: datetime,
) -> int:
    leaders = await session.scalars(
        select(UnitLeader.person_id).where(UnitLeader.unit_id == person.unit_id)
    )
    text = T.CONDUCT_VIOLATION_LEADER.format(
        name=person.full_name, unit=unit_name or T.NO_UNIT, code=klass.code,
        class_name=klass.name, reason=row.reason,
    )  # fmt: skip
    notice = Notice(
        key="", person_id=0, kind=CONDUCT_KIND, text=text, due_at=now, class_id=klass.id
    )
    others = [p for p in leaders if p != person.id]
    return await enqueue_all(session, for_each(notice, others, lambda p: f"conduct:{row.id}:{p}"))


async def class_conduct(
    uow: UnitOfWork, actor: Actor, *, centre_id: int, code: str
) -> tuple[Class, list[ConductLine]]:
    """Everything recorded for the class, oldest first (staff only)."""
    _staff_only(actor, centre_id)
    async with uow:
        session = uow.session
        klass = await _class(session, centre_id, code)
        rows = await session.execute(
            select(ConductRecord, Person.full_name, Unit.name)
            .join(Person, Person.id == ConductRecord.person_id)
            .outerjoin(Unit, Unit.id == Person.unit_id)
            .where(ConductRecord.class_id == klass.id)
            .order_by(ConductRecord.at, ConductRecord.id)
        )
        lines = [
            ConductLine(r.id, r.person_id, name, unit, r.kind, r.reason, r.recorded_by_label, r.at)
            for r, name, unit in rows.all()
        ]
        return klass, lines


async def conduct_lines(
    session: AsyncSession, class_id: int, person_ids: Collection[int]
) -> dict[int, str]:
    """Each learner's conduct in a few words for results ("1 nhắc nhở, 1 vi phạm (vi phạm: …)")
    — only learners with something recorded; the results summary calls this in its own
    transaction, for the learners it is about."""
    rows = await session.execute(
        select(ConductRecord.person_id, ConductRecord.kind, ConductRecord.reason)
        .where(ConductRecord.class_id == class_id, ConductRecord.person_id.in_(person_ids))
        .order_by(ConductRecord.at, ConductRecord.id)
    )
    kinds: dict[int, list[str]] = {}
    violations: dict[int, list[str]] = {}
    for pid, kind, reason in rows.all():
        kinds.setdefault(pid, []).append(kind)
        if kind == "violation":
            violations.setdefault(pid, []).append(reason)
    return {pid: conduct_summary(k, violations.get(pid, [])) for pid, k in kinds.items()}


def conduct_summary(kinds: list[str], violations: list[str]) -> str:
    counts = T.NAME_JOIN.join(
        T.CONDUCT_COUNT.format(count=n, kind=T.CONDUCT_NAMES[k])
        for k, n in rules.conduct_tally(kinds)
    )
    why = T.CONDUCT_VIOLATIONS.format(reasons="; ".join(violations)) if violations else ""
    return counts + why


def _staff_only(actor: Actor, centre_id: int) -> None:
    if not actor.is_staff_of(centre_id):
        raise Refused(UnitReason.STAFF_ONLY)


async def _class(session: AsyncSession, centre_id: int, code: str) -> Class:
    klass = await session.scalar(
        select(Class).where(Class.centre_id == centre_id, Class.code == nfc(code).upper())
    )
    if klass is None:
        raise Refused(UnitReason.CLASS_NOT_FOUND, code=code)
    return klass


async def _enrolled(session: AsyncSession, class_id: int) -> list[tuple[Person, str | None]]:
    """(person, unit name) in the order of the centre's list: the TT staff type."""
    rows = await session.execute(
        select(Person, Unit.name)
        .join(Enrollment, Enrollment.person_id == Person.id)
        .outerjoin(Unit, Unit.id == Person.unit_id)
        .where(Enrollment.class_id == class_id)
        .order_by(Enrollment.roster_row, Person.id)
    )
    return [(p, u) for p, u in rows.all()]
