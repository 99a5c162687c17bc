"""Setting a class up: the class itself, its monitors, the units' leaders, and the lists staff
read back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import (
    ChatAccount,
    Class,
    Enrollment,
    Person,
    Session,
    SessionStatus,
    Unit,
    UnitLeader,
)
from texts import classes as T
from usecases.audit import record
from usecases.classes.roster import class_to_set_up, units_by_key
from usecases.classes.rules import ClassReason, matching, missing_fields, require_staff
from usecases.identity import Actor
from usecases.refusal import Refused
from vn.phones import normalize_phone
from vn.text import fold, name_key, nfc

__all__ = [
    "ClassSummary",
    "LearnerLine",
    "add_unit_leader",
    "class_by_code",
    "create_class",
    "find_class",
    "list_classes",
    "list_learners",
    "list_sessions",
    "set_monitor",
    "staff_class",
]


@dataclass(frozen=True)
class ClassSummary:
    id: int
    code: str
    name: str
    program_type: str
    start_date: date | None
    end_date: date | None
    learners: int
    sessions: int


async def create_class(
    uow: UnitOfWork,
    *,
    centre_id: int,
    code: str,
    name: str,
    program_type: str,
    location: str | None = None,
    what_to_bring: str | None = None,
    actor: Actor,
) -> int:
    require_staff(actor, centre_id)
    code, name, program_type = (nfc(v or "").strip() for v in (code, name, program_type))
    code = code.upper()
    missing = missing_fields(code, name, program_type)
    if missing:
        raise Refused(ClassReason.MISSING_FIELDS, fields=", ".join(missing))
    async with uow:
        session = uow.session
        existing = await session.scalar(
            select(Class).where(Class.centre_id == centre_id, Class.code == code)
        )
        if existing is not None:
            raise Refused(ClassReason.EXISTS, code=code, name=existing.name)
        klass = Class(
            centre_id=centre_id,
            code=code,
            name=nfc(name),
            program_type=nfc(program_type),
            location=nfc(location) if location else None,
            what_to_bring=nfc(what_to_bring) if what_to_bring else None,
        )
        session.add(klass)
        await session.flush()
        record(session, actor, "class.create", entity="class", entity_id=klass.id)
        await uow.commit()
        return klass.id


async def class_by_code(session: AsyncSession, code: str, centre_id: int | None = None) -> Class:
    """A class by its code, in the caller's transaction; with `centre_id`, only that centre's
    (staff act on their own)."""
    query = select(Class).where(Class.code == nfc(code).upper())
    if centre_id is not None:
        query = query.where(Class.centre_id == centre_id)
    klass = await session.scalar(query)
    if klass is None:
        raise Refused(ClassReason.NOT_FOUND, code=code)
    return klass


async def staff_class(session: AsyncSession, actor: Actor, code: str) -> Class:
    """A class by its code among the centres the actor is staff of: staff act on their own
    centre's classes, and nobody else acts on a class by its code."""
    klass = await session.scalar(
        select(Class).where(
            Class.code == nfc(code).upper(), Class.centre_id.in_(actor.staff_centre_ids)
        )
    )
    if klass is None:
        raise Refused(ClassReason.NOT_FOUND, code=code)
    return klass


async def find_class(uow: UnitOfWork, code: str) -> Class:
    async with uow:
        return await class_by_code(uow.session, code)


async def set_monitor(
    uow: UnitOfWork, *, class_id: int, who: str, actor: Actor, monitor: bool = True
) -> Person:
    """Name a class monitor by number in the class list (TT), phone number or full name;
    `monitor=False` removes them. Two learners of the same name are listed, not guessed."""
    async with uow:
        session = uow.session
        await class_to_set_up(session, actor, class_id)
        enrolled = (
            await session.execute(
                select(Enrollment, Person)
                .join(Person, Person.id == Enrollment.person_id)
                .where(Enrollment.class_id == class_id)
                .order_by(Enrollment.roster_row, Person.id)
            )
        ).all()
        people = [(i, p.phone, p.name_key, (i, e, p)) for i, (e, p) in enumerate(enrolled, 1)]
        matches = matching(who, people)
        if not matches:
            raise Refused(ClassReason.LEARNER_NOT_FOUND, who=who)
        if len(matches) > 1:
            lines = "".join(
                T.AMBIGUOUS_LINE.format(number=i, name=p.full_name)
                + (T.AMBIGUOUS_BORN.format(born=p.birth_date) if p.birth_date else "")
                for i, _, p in matches
            )
            raise Refused(ClassReason.AMBIGUOUS_LEARNER, count=len(matches), who=who, lines=lines)
        _, enrollment, person = matches[0]
        enrollment.is_monitor = monitor
        record(
            session, actor, "class.set_monitor" if monitor else "class.unset_monitor",
            entity="class", entity_id=class_id, details={"person_id": person.id},
        )  # fmt: skip
        await uow.commit()
        return person


async def add_unit_leader(
    uow: UnitOfWork,
    *,
    centre_id: int,
    unit_name: str,
    full_name: str,
    phone: str | None,
    position: str | None = None,
    actor: Actor,
) -> Person:
    """Record a unit's leader, who receives absence alerts and the unit's results."""
    require_staff(actor, centre_id)
    e164 = normalize_phone(phone) if phone else None
    async with uow:
        session = uow.session
        units = await units_by_key(session, centre_id)
        unit = units.get(fold(unit_name))
        if unit is None:
            unit = Unit(centre_id=centre_id, name=nfc(unit_name), name_key=fold(unit_name))
            session.add(unit)
            await session.flush()
        person = None
        if e164:
            person = await session.scalar(
                select(Person).where(Person.centre_id == centre_id, Person.phone == e164)
            )
        if person is None:
            person = Person(
                centre_id=centre_id,
                full_name=nfc(full_name),
                name_key=name_key(full_name),
                phone=e164,
                position=position,
                unit_id=unit.id,
            )
            session.add(person)
            await session.flush()
        already = await session.scalar(
            select(UnitLeader).where(
                UnitLeader.unit_id == unit.id, UnitLeader.person_id == person.id
            )
        )
        if already is None:
            session.add(UnitLeader(unit_id=unit.id, person_id=person.id))
        record(
            session, actor, "unit.add_leader", entity="unit", entity_id=unit.id,
            details={"person_id": person.id},
        )  # fmt: skip
        await uow.commit()
        return person


async def list_classes(uow: UnitOfWork, *, centre_id: int | None = None) -> list[ClassSummary]:
    async with uow:
        learners = select(func.count()).where(Enrollment.class_id == Class.id).scalar_subquery()
        sessions = (
            select(func.count())
            .where(Session.class_id == Class.id, Session.status == SessionStatus.SCHEDULED)
            .scalar_subquery()
        )
        query = select(Class, learners, sessions).order_by(Class.start_date.desc(), Class.code)
        if centre_id is not None:
            query = query.where(Class.centre_id == centre_id)
        return [
            ClassSummary(c.id, c.code, c.name, c.program_type, c.start_date, c.end_date, n, s)
            for c, n, s in (await uow.session.execute(query)).all()
        ]


async def list_sessions(uow: UnitOfWork, *, class_id: int) -> list[Session]:
    async with uow:
        return list(
            await uow.session.scalars(
                select(Session).where(Session.class_id == class_id).order_by(Session.starts_at)
            )
        )


@dataclass(frozen=True)
class LearnerLine:
    number: int
    person: Person
    unit_name: str | None
    is_monitor: bool
    linked_channels: tuple[str, ...]


async def list_learners(uow: UnitOfWork, *, class_id: int) -> list[LearnerLine]:
    async with uow:
        session = uow.session
        rows = (
            await session.execute(
                select(Enrollment, Person, Unit.name)
                .join(Person, Person.id == Enrollment.person_id)
                .outerjoin(Unit, Unit.id == Person.unit_id)
                .where(Enrollment.class_id == class_id)
                .order_by(Enrollment.roster_row, Person.id)
            )
        ).all()
        accounts: dict[int, list[str]] = {}
        for person_id, channel in await session.execute(
            select(ChatAccount.person_id, ChatAccount.channel).where(
                ChatAccount.person_id.in_([p.id for _, p, _ in rows])
            )
        ):
            if person_id is not None:
                accounts.setdefault(person_id, []).append(channel)
        return [
            LearnerLine(i, p, unit, e.is_monitor, tuple(sorted(accounts.get(p.id, []))))
            for i, (e, p, unit) in enumerate(rows, start=1)
        ]
