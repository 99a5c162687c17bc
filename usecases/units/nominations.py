"""Nominees confirmed before the class opens (issue 18, item 1).

The class announcement to a unit leader carries a button (`nomination_choices`); the leader
answers for each of their learners: will attend, or cannot with a reason and perhaps the name of
a replacement for staff to enrol. No row means no answer yet. Staff see the answers per unit
and send one reminder to the leaders who still owe some.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import (
    Class,
    Enrollment,
    Nomination,
    NominationStatus,
    Person,
    Session,
    SessionStatus,
    Unit,
    UnitLeader,
)
from texts import units as T
from usecases.audit import record
from usecases.identity import Actor
from usecases.messages import Choice
from usecases.outbox import Notice, enqueue
from usecases.refusal import Refused
from usecases.units import rules
from usecases.units.reasons import UnitReason
from vn.text import nfc

__all__ = [
    "NOMINATION_REMINDER_KIND",
    "NomineeLine",
    "NomineeList",
    "UnitNominees",
    "answer_nominee",
    "classes_to_confirm",
    "confirm_all",
    "nomination_choices",
    "nomination_status",
    "nominee_list",
    "remind_nominations",
]

COMMAND = "cudi"
NOMINATION_REMINDER_KIND = "nomination_reminder"
MAX_REASON = 500
MAX_REPLACEMENT = 200


def nomination_choices(class_id: int) -> tuple[tuple[Choice, ...], ...]:
    """The button on the class announcement to a unit leader (a typed number on Zalo)."""
    return ((Choice(T.NOMINATE_BUTTON, f"{COMMAND} {class_id}"),),)


@dataclass(frozen=True)
class NomineeLine:
    person_id: int
    full_name: str
    unit_id: int
    unit_name: str
    status: str | None  # NominationStatus, None: no answer yet
    reason: str | None = None
    replacement: str | None = None


@dataclass
class NomineeList:
    class_id: int
    class_code: str
    class_name: str
    open: bool
    lines: list[NomineeLine] = field(default_factory=list)


@dataclass(frozen=True)
class UnitNominees:
    unit_name: str
    leaders: tuple[str, ...]
    lines: tuple[NomineeLine, ...]

    @property
    def tally(self) -> rules.Tally:
        return rules.tally(line.status for line in self.lines)


# --- the leader's side ------------------------------------------------------------------------


async def classes_to_confirm(
    uow: UnitOfWork, actor: Actor, *, now: datetime
) -> list[tuple[int, str, str]]:
    """Announced classes still open for answers with learners of this leader's units."""
    async with uow:
        session = uow.session
        units = await _led_units(session, actor)
        rows = await session.execute(
            select(Class.id, Class.code, Class.name)
            .where(
                Class.announced_at.is_not(None),
                select(Enrollment.id)
                .join(Person, Person.id == Enrollment.person_id)
                .where(Enrollment.class_id == Class.id, Person.unit_id.in_(units))
                .exists(),
            )
            .order_by(Class.start_date, Class.id)
        )
        out = []
        for class_id, code, name in rows.all():
            if rules.nomination_open(await _first_start(session, class_id), now):
                out.append((class_id, code, name))
        return out


async def nominee_list(
    uow: UnitOfWork, actor: Actor, *, class_id: int, now: datetime
) -> NomineeList:
    """This leader's learners in the class (their units only) and each one's answer."""
    async with uow:
        return await _list(uow.session, actor, class_id, now)


async def answer_nominee(
    uow: UnitOfWork,
    actor: Actor,
    *,
    class_id: int,
    person_id: int,
    attend: bool | None,
    reason: str | None = None,
    replacement: str | None = None,
    now: datetime,
) -> NomineeList:
    """Record will attend (`attend=True`) or cannot with `reason`; `attend=None` adds the
    `replacement` to an earlier "cannot". Returns the list as it now stands."""
    async with uow:
        session = uow.session
        nominees = await _list(session, actor, class_id, now)
        line = next((x for x in nominees.lines if x.person_id == person_id), None)
        if line is None:
            raise Refused(UnitReason.NOT_YOUR_LEARNER)
        if not nominees.open:
            raise Refused(UnitReason.NOMINATION_CLOSED, code=nominees.class_code)
        row = await session.scalar(
            select(Nomination).where(
                Nomination.class_id == class_id, Nomination.person_id == person_id
            )
        )
        if row is None:
            row = Nomination(class_id=class_id, person_id=person_id, status="")
            session.add(row)
        if attend is None:
            if row.status != NominationStatus.DECLINED:
                raise Refused(UnitReason.NOT_DECLINED, name=line.full_name)
            row.replacement = nfc(replacement or "").strip()[:MAX_REPLACEMENT] or None
        else:
            row.status = NominationStatus.CONFIRMED if attend else NominationStatus.DECLINED
            row.reason = None if attend else (nfc(reason or "").strip()[:MAX_REASON] or None)
            row.replacement = None if attend else row.replacement
        row.answered_by, row.answered_at = actor.person_id, now
        record(
            session, actor, "units.nomination", entity="class", entity_id=class_id,
            details={"person_id": person_id, "status": row.status,
                     "replacement": row.replacement is not None},
        )  # fmt: skip
        await session.flush()
        updated = await _list(session, actor, class_id, now)
        await uow.commit()
        return updated


async def confirm_all(
    uow: UnitOfWork, actor: Actor, *, class_id: int, now: datetime
) -> NomineeList:
    """Every learner of this leader's units still without an answer: will attend."""
    async with uow:
        session = uow.session
        nominees = await _list(session, actor, class_id, now)
        if not nominees.open:
            raise Refused(UnitReason.NOMINATION_CLOSED, code=nominees.class_code)
        pending = [x.person_id for x in nominees.lines if x.status is None]
        for person_id in pending:
            session.add(
                Nomination(
                    class_id=class_id,
                    person_id=person_id,
                    status=NominationStatus.CONFIRMED,
                    answered_by=actor.person_id,
                    answered_at=now,
                )
            )
        record(
            session, actor, "units.nomination.all", entity="class", entity_id=class_id,
            details={"confirmed": len(pending)},
        )  # fmt: skip
        await session.flush()
        updated = await _list(session, actor, class_id, now)
        await uow.commit()
        return updated


async def _led_units(session: AsyncSession, actor: Actor) -> set[int]:
    """Read from the database, not trusted from the caller."""
    if actor.person_id is None:
        return set()
    return set(
        await session.scalars(
            select(UnitLeader.unit_id).where(UnitLeader.person_id == actor.person_id)
        )
    )


async def _first_start(session: AsyncSession, class_id: int) -> datetime | None:
    return await session.scalar(
        select(func.min(Session.starts_at)).where(
            Session.class_id == class_id, Session.status == SessionStatus.SCHEDULED
        )
    )


async def _list(session: AsyncSession, actor: Actor, class_id: int, now: datetime) -> NomineeList:
    klass = await session.get(Class, class_id)
    units = await _led_units(session, actor)
    if klass is None or klass.announced_at is None or not units:
        raise Refused(UnitReason.NOT_YOURS)
    lines = [x for x in await _lines(session, class_id) if x.unit_id in units]
    if not lines:
        raise Refused(UnitReason.NOT_YOURS)
    is_open = rules.nomination_open(await _first_start(session, class_id), now)
    return NomineeList(klass.id, klass.code, klass.name, is_open, lines)


async def _lines(session: AsyncSession, class_id: int) -> list[NomineeLine]:
    rows = await session.execute(
        select(
            Person.id,
            Person.full_name,
            Unit.id,
            Unit.name,
            Nomination.status,
            Nomination.reason,
            Nomination.replacement,
        )
        .join(Enrollment, Enrollment.person_id == Person.id)
        .join(Unit, Unit.id == Person.unit_id)
        .outerjoin(
            Nomination,
            (Nomination.class_id == Enrollment.class_id) & (Nomination.person_id == Person.id),
        )
        .where(Enrollment.class_id == class_id)
        .order_by(Enrollment.roster_row, Person.id)
    )
    return [NomineeLine(*row) for row in rows.all()]


# --- the staff's side -------------------------------------------------------------------------


async def nomination_status(
    uow: UnitOfWork, actor: Actor, *, centre_id: int, code: str
) -> tuple[Class, list[UnitNominees]]:
    """Per unit of the class: its leaders and each learner's answer."""
    if not actor.is_staff_of(centre_id):
        raise Refused(UnitReason.STAFF_ONLY)
    async with uow:
        session = uow.session
        klass = await _class(session, centre_id, code)
        return klass, await _by_unit(session, klass.id)


async def remind_nominations(
    uow: UnitOfWork, actor: Actor, *, centre_id: int, code: str, now: datetime
) -> tuple[int, int]:
    """One reminder, with the button, to each leader of a unit with a learner still without
    an answer; the key makes it once per class and leader. Returns (new, already reminded)."""
    if not actor.is_staff_of(centre_id):
        raise Refused(UnitReason.STAFF_ONLY)
    async with uow:
        session = uow.session
        klass = await _class(session, centre_id, code)
        if not rules.nomination_open(await _first_start(session, klass.id), now):
            raise Refused(UnitReason.NOMINATION_CLOSED, code=klass.code)
        lines = await _lines(session, klass.id)
        unanswered = {x.unit_id for x in lines if x.status is None}
        leaders: dict[int, set[int]] = {}
        for leader_id, unit_id in await session.execute(
            select(UnitLeader.person_id, UnitLeader.unit_id).where(
                UnitLeader.unit_id.in_({x.unit_id for x in lines})
            )
        ):
            leaders.setdefault(leader_id, set()).add(unit_id)
        new = old = 0
        for leader_id in rules.leaders_to_nudge(leaders, unanswered):
            count = sum(1 for x in lines if x.status is None and x.unit_id in leaders[leader_id])
            made = await enqueue(
                session,
                Notice(
                    key=f"nomination_reminder:{klass.id}:{leader_id}",
                    person_id=leader_id,
                    kind=NOMINATION_REMINDER_KIND,
                    text=T.NOMINATE_REMINDER.format(code=klass.code, name=klass.name, count=count),
                    due_at=now,
                    choices=nomination_choices(klass.id),
                    class_id=klass.id,
                ),
            )
            new, old = new + (made is not None), old + (made is None)
        record(
            session, actor, "units.nomination.remind", entity="class", entity_id=klass.id,
            details={"reminded": new},
        )  # fmt: skip
        await uow.commit()
        return new, old


async def _class(session: AsyncSession, centre_id: int, code: str) -> Class:
    klass = await session.scalar(
        select(Class).where(Class.centre_id == centre_id, Class.code == nfc(code).upper())
    )
    if klass is None:
        raise Refused(UnitReason.CLASS_NOT_FOUND, code=code)
    if klass.announced_at is None:
        raise Refused(UnitReason.NOT_ANNOUNCED, code=klass.code)
    return klass


async def _by_unit(session: AsyncSession, class_id: int) -> list[UnitNominees]:
    lines = await _lines(session, class_id)
    names: dict[int, list[str]] = {}
    for unit_id, name in await session.execute(
        select(UnitLeader.unit_id, Person.full_name)
        .join(Person, Person.id == UnitLeader.person_id)
        .where(UnitLeader.unit_id.in_({x.unit_id for x in lines}))
        .order_by(Person.full_name)
    ):
        names.setdefault(unit_id, []).append(name)
    units: dict[int, list[NomineeLine]] = {}
    for line in lines:
        units.setdefault(line.unit_id, []).append(line)
    return sorted(
        (
            UnitNominees(mine[0].unit_name, tuple(names.get(uid, ())), tuple(mine))
            for uid, mine in units.items()
        ),
        key=lambda u: u.unit_name,
    )
