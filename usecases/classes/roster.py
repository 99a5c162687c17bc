"""Importing a class's roster: all or nothing. Any row that cannot be placed rejects the whole
file with row numbers; a re-import updates people in place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import Class, Enrollment, Person, Unit
from texts import classes as T
from usecases.audit import record
from usecases.classes.rules import ClassReason, ImportRejected, person_values, require_staff
from usecases.identity import Actor
from usecases.refusal import Refused
from usecases.units import parents_from_roster
from vn.text import fold, name_key, nfc

if TYPE_CHECKING:
    from sheets.roster import RosterRow

__all__ = ["RosterReport", "class_to_set_up", "import_roster", "units_by_key"]

# Rows per IN (...) query: well under SQLite's and asyncpg's parameter limits.
QUERY_CHUNK = 500


@dataclass
class RosterReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    enrolled: int = 0  # newly enrolled in this class, new or already known people
    phone_changed: list[str] = field(default_factory=list)  # names whose phone was updated
    not_in_file: list[str] = field(default_factory=list)  # enrolled before, missing now


async def class_to_set_up(session: AsyncSession, actor: Actor, class_id: int) -> Class:
    """The class by its id, for staff of its centre only (`ClassReason.NOT_STAFF` otherwise)."""
    klass = await session.get(Class, class_id)
    if klass is None:
        raise Refused(ClassReason.NOT_FOUND, code=f"#{class_id}")
    require_staff(actor, klass.centre_id)
    return klass


async def import_roster(
    uow: UnitOfWork, *, class_id: int, rows: Sequence[RosterRow], actor: Actor
) -> RosterReport:
    report = RosterReport()
    async with uow:
        session = uow.session
        klass = await class_to_set_up(session, actor, class_id)
        known = await _KnownPeople.load(session, rows, centre_id=klass.centre_id, class_id=class_id)
        placed = _place(rows, known)
        units = await _units_for(session, klass.centre_id, rows)
        person_ids = _update_known(placed, units, report)
        new_rows = [row for row, person in placed if person is None]
        if new_rows:
            person_ids += await _insert_new(session, klass.centre_id, new_rows, units)
            report.created = len(new_rows)
        await _enroll(session, class_id, person_ids, report)
        record(
            session, actor, "class.import_roster", entity="class", entity_id=class_id,
            details={"rows": len(rows), "created": report.created, "updated": report.updated},
        )  # fmt: skip
        await uow.commit()
    return report


def _place(rows: Sequence[RosterRow], known: _KnownPeople) -> list[tuple[RosterRow, Person | None]]:
    """Each row with the known person it is (None: someone new); rejects the file if a row
    cannot be placed or two rows are the same person."""
    errors: list[str] = []
    placed: list[tuple[RosterRow, Person | None]] = []
    rows_of: dict[int, int] = {}  # person id → the first row that is them
    for row in rows:
        person, error = known.match(row)
        if error:
            errors.append(error)
        if person is not None:
            first = rows_of.setdefault(person.id, row.row)
            if first != row.row:
                errors.append(
                    T.ROW_SAME_PERSON.format(row=row.row, name=row.full_name, first=first)
                )
        placed.append((row, person))
    if errors:
        raise ImportRejected(errors)
    return placed


async def _units_for(
    session: AsyncSession, centre_id: int, rows: Sequence[RosterRow]
) -> dict[str, Unit]:
    """The centre's units by name key, with the roster's new ones added."""
    units = await units_by_key(session, centre_id)
    for key, row in {fold(r.unit_name): r for r in rows}.items():
        if key not in units:
            units[key] = Unit(centre_id=centre_id, name=nfc(row.unit_name), name_key=key)
            session.add(units[key])
    await session.flush()
    await parents_from_roster(session, centre_id, [(r.unit_name, r.parent_unit) for r in rows])
    return units


def _update_known(
    placed: Sequence[tuple[RosterRow, Person | None]], units: dict[str, Unit], report: RosterReport
) -> list[tuple[RosterRow, int]]:
    """Known people take their row's values (a row without a phone keeps the one we know)."""
    person_ids: list[tuple[RosterRow, int]] = []
    for row, person in placed:
        if person is None:
            continue
        values = person_values(row, units[fold(row.unit_name)].id)
        changed = {k: v for k, v in values.items() if getattr(person, k) != v}
        if "phone" in changed and changed["phone"] is None:
            del changed["phone"]
        if "phone" in changed and person.phone is not None:
            report.phone_changed.append(row.full_name)
        for key, value in changed.items():
            setattr(person, key, value)
        report.updated += bool(changed)
        report.unchanged += not changed
        person_ids.append((row, person.id))
    return person_ids


async def _insert_new(
    session: AsyncSession, centre_id: int, new_rows: Sequence[RosterRow], units: dict[str, Unit]
) -> list[tuple[RosterRow, int]]:
    """One bulk INSERT … RETURNING rather than thousands of tracked objects."""
    now = datetime.now(UTC)
    new_people = [
        person_values(r, units[fold(r.unit_name)].id)
        | {"centre_id": centre_id, "created_at": now, "updated_at": now}
        for r in new_rows
    ]
    new_ids = await session.scalars(
        insert(Person).returning(Person.id, sort_by_parameter_order=True), new_people
    )
    return list(zip(new_rows, new_ids, strict=True))


async def _enroll(
    session: AsyncSession,
    class_id: int,
    person_ids: Sequence[tuple[RosterRow, int]],
    report: RosterReport,
) -> None:
    """Enroll whoever is new to the class, keep each one's row, and name who is missing."""
    enrolled = {
        e.person_id: e
        for e in await session.scalars(select(Enrollment).where(Enrollment.class_id == class_id))
    }
    seen: set[int] = set()
    new_enrollments: list[dict[str, object]] = []
    for row, person_id in person_ids:
        seen.add(person_id)
        if person_id in enrolled:
            enrolled[person_id].roster_row = row.row
        else:
            new_enrollments.append(
                {"class_id": class_id, "person_id": person_id, "roster_row": row.row}
            )
    if new_enrollments:
        await session.execute(insert(Enrollment), new_enrollments)
        report.enrolled = len(new_enrollments)
    missing = enrolled.keys() - seen
    if missing:
        report.not_in_file = list(
            await session.scalars(select(Person.full_name).where(Person.id.in_(missing)))
        )


async def units_by_key(session: AsyncSession, centre_id: int) -> dict[str, Unit]:
    units = await session.scalars(select(Unit).where(Unit.centre_id == centre_id))
    return {u.name_key: u for u in units}


@dataclass
class _KnownPeople:
    """People already in the database that a roster's rows may be, loaded in a few queries
    (a 5,000-row roster must not cost 10,000 round trips)."""

    by_phone: dict[str, Person]
    by_name: dict[str, list[Person]]
    in_class: dict[str, list[Person]]  # enrolled in the class being imported, by name key

    @classmethod
    async def load(
        cls, session: AsyncSession, rows: Sequence[RosterRow], *, centre_id: int, class_id: int
    ) -> _KnownPeople:
        """Only the centre's own people: one who studied at another centre is another person
        here (issue 21)."""
        phones = sorted({r.phone for r in rows if r.phone})
        keys = sorted({name_key(r.full_name) for r in rows})
        by_phone: dict[str, Person] = {}
        by_name: dict[str, list[Person]] = {}
        for column, values in ((Person.phone, phones), (Person.name_key, keys)):
            for i in range(0, len(values), QUERY_CHUNK):
                chunk = values[i : i + QUERY_CHUNK]
                for person in await session.scalars(
                    select(Person).where(Person.centre_id == centre_id, column.in_(chunk))
                ):
                    if person.phone:
                        by_phone[person.phone] = person
                    by_name.setdefault(person.name_key, [])
                    if person not in by_name[person.name_key]:
                        by_name[person.name_key].append(person)
        in_class: dict[str, list[Person]] = {}
        for person in await session.scalars(
            select(Person)
            .join(Enrollment, Enrollment.person_id == Person.id)
            .where(Enrollment.class_id == class_id)
        ):
            in_class.setdefault(person.name_key, []).append(person)
        return cls(by_phone, by_name, in_class)

    def match(self, row: RosterRow) -> tuple[Person | None, str | None]:
        """The same person across files: by phone first, else by name and birth date (a
        changed phone is then an update), else, with no birth date, by name among the
        class's own learners (re-importing the same file never adds anyone)."""
        key = name_key(row.full_name)
        if row.phone and row.phone in self.by_phone:
            person = self.by_phone[row.phone]
            if person.name_key != key:
                return None, T.ROW_PHONE_OF_OTHER.format(
                    row=row.row, name=row.full_name, other=person.full_name
                )
            return person, None
        if row.birth_date is not None:
            same = [p for p in self.by_name.get(key, []) if p.birth_date == row.birth_date]
            return (same[0], None) if len(same) == 1 else (None, None)
        same = self.in_class.get(key, [])
        return (same[0], None) if len(same) == 1 else (None, None)
