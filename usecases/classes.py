"""Setting a class up: the class, its roster, its schedule, its monitors and the units' leaders.

Imports take rows already parsed from the centre's files (`sheets/`), so the same rules serve the
CLI today and a file sent in chat later. A roster import is all or nothing: any row that cannot
be placed rejects the whole file with row numbers, and a re-import updates people in place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from db.database import UnitOfWork
from db.models import (
    AuditEntry,
    ChatAccount,
    Class,
    Enrollment,
    Person,
    Session,
    SessionStatus,
    Unit,
    UnitLeader,
)
from usecases.settings import NoticeSettings
from usecases.units import parents_from_roster  # issue 18: the roster's parent unit column
from vn.phones import PhoneError, normalize_phone
from vn.text import fold, name_key, nfc

if TYPE_CHECKING:  # the parsers (and their libraries) load only when a file is read
    from sheets.roster import RosterRow
    from sheets.schedule import ScheduleRow

__all__ = [
    "ClassNotFound",
    "ClassSummary",
    "ImportRejected",
    "LearnerLine",
    "RosterReport",
    "ScheduleReport",
    "add_unit_leader",
    "create_class",
    "find_class",
    "import_roster",
    "import_schedule",
    "list_classes",
    "list_learners",
    "list_sessions",
    "set_monitor",
    "shifted_onto_weekend",
]


class ClassNotFound(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(f"Không tìm thấy lớp có mã «{code}».")


class ImportRejected(Exception):
    """Rows that cannot be placed; nothing was written."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = list(errors)


@dataclass
class RosterReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    enrolled: int = 0  # newly enrolled in this class, new or already known people
    phone_changed: list[str] = field(default_factory=list)  # names whose phone was updated
    not_in_file: list[str] = field(default_factory=list)  # enrolled before, missing now


@dataclass
class ScheduleReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    moved_session_ids: list[int] = field(default_factory=list)


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
    actor_label: str = "cli",
) -> int:
    code, name, program_type = (nfc(v or "").strip() for v in (code, name, program_type))
    code = code.upper()
    fields = (("mã lớp", code), ("tên lớp", name), ("loại chương trình", program_type))
    missing = [label for label, value in fields if not value]
    if missing:
        raise ImportRejected([f"Chưa có {', '.join(missing)}: lớp cần đủ mã, tên và loại."])
    async with uow:
        session = uow.session
        existing = await session.scalar(
            select(Class).where(Class.centre_id == centre_id, Class.code == code)
        )
        if existing is not None:
            raise ImportRejected([f"Đã có lớp mã «{code}»: {existing.name}."])
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
        session.add(
            AuditEntry(
                actor_label=actor_label, action="class.create", entity="class", entity_id=klass.id
            )
        )
        await uow.commit()
        return klass.id


async def find_class(uow: UnitOfWork, code: str) -> Class:
    async with uow:
        klass = await uow.session.scalar(select(Class).where(Class.code == nfc(code).upper()))
        if klass is None:
            raise ClassNotFound(code)
        return klass


async def import_roster(
    uow: UnitOfWork, *, class_id: int, rows: Sequence[RosterRow], actor_label: str = "cli"
) -> RosterReport:
    report = RosterReport()
    async with uow:
        session = uow.session
        klass = await session.get(Class, class_id)
        assert klass is not None
        known = await _KnownPeople.load(uow, rows, class_id=class_id)
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
                        f"Dòng {row.row}: «{row.full_name}» là cùng một người với dòng "
                        f"{first} (trùng số điện thoại hoặc họ tên và ngày sinh); mỗi người "
                        "chỉ ghi một dòng."
                    )
            placed.append((row, person))
        if errors:
            raise ImportRejected(errors)

        units = await _units_by_key(uow, klass.centre_id)
        for key, row in {fold(r.unit_name): r for r in rows}.items():
            if key not in units:
                units[key] = Unit(centre_id=klass.centre_id, name=nfc(row.unit_name), name_key=key)
                session.add(units[key])
        await session.flush()
        await parents_from_roster(
            session, klass.centre_id, [(r.unit_name, r.parent_unit) for r in rows]
        )

        person_ids: list[tuple[RosterRow, int]] = []
        new_rows: list[RosterRow] = []
        for row, person in placed:
            if person is None:
                new_rows.append(row)
                continue
            values = _person_values(row, units[fold(row.unit_name)].id)
            changed = {k: v for k, v in values.items() if getattr(person, k) != v}
            if "phone" in changed and changed["phone"] is None:
                del changed["phone"]  # a row without a phone keeps the one we know
            if "phone" in changed and person.phone is not None:
                report.phone_changed.append(row.full_name)
            for key, value in changed.items():
                setattr(person, key, value)
            report.updated += bool(changed)
            report.unchanged += not changed
            person_ids.append((row, person.id))
        if new_rows:
            # One bulk INSERT … RETURNING rather than thousands of tracked objects.
            now = datetime.now(UTC)
            values = [
                _person_values(r, units[fold(r.unit_name)].id)
                | {"created_at": now, "updated_at": now}
                for r in new_rows
            ]
            new_ids = await session.scalars(
                insert(Person).returning(Person.id, sort_by_parameter_order=True), values
            )
            person_ids += zip(new_rows, new_ids, strict=True)
            report.created = len(new_rows)

        enrolled = {
            e.person_id: e
            for e in await session.scalars(
                select(Enrollment).where(Enrollment.class_id == class_id)
            )
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
        session.add(
            AuditEntry(
                actor_label=actor_label,
                action="class.import_roster",
                entity="class",
                entity_id=class_id,
                details={"rows": len(rows), "created": report.created, "updated": report.updated},
            )
        )
        await uow.commit()
    return report


def _person_values(row: RosterRow, unit_id: int) -> dict[str, object]:
    return {
        "full_name": row.full_name,
        "name_key": name_key(row.full_name),
        "birth_date": row.birth_date,
        "gender": row.gender,
        "ethnicity": row.ethnicity,
        "position": row.position,
        "phone": row.phone,
        "unit_id": unit_id,
        "note": row.note,
    }


async def _units_by_key(uow: UnitOfWork, centre_id: int) -> dict[str, Unit]:
    units = await uow.session.scalars(select(Unit).where(Unit.centre_id == centre_id))
    return {u.name_key: u for u in units}


# Rows per IN (...) query: well under SQLite's and asyncpg's parameter limits.
QUERY_CHUNK = 500


@dataclass
class _KnownPeople:
    """People already in the database that a roster's rows may be, loaded in a few queries
    (a 5,000-row roster must not cost 10,000 round trips)."""

    by_phone: dict[str, Person]
    by_name: dict[str, list[Person]]
    in_class: dict[str, list[Person]]  # enrolled in the class being imported, by name key

    @classmethod
    async def load(
        cls, uow: UnitOfWork, rows: Sequence[RosterRow], *, class_id: int
    ) -> _KnownPeople:
        phones = sorted({r.phone for r in rows if r.phone})
        keys = sorted({name_key(r.full_name) for r in rows})
        by_phone: dict[str, Person] = {}
        by_name: dict[str, list[Person]] = {}
        for column, values in ((Person.phone, phones), (Person.name_key, keys)):
            for i in range(0, len(values), QUERY_CHUNK):
                chunk = values[i : i + QUERY_CHUNK]
                for person in await uow.session.scalars(select(Person).where(column.in_(chunk))):
                    if person.phone:
                        by_phone[person.phone] = person
                    by_name.setdefault(person.name_key, [])
                    if person not in by_name[person.name_key]:
                        by_name[person.name_key].append(person)
        in_class: dict[str, list[Person]] = {}
        for person in await uow.session.scalars(
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
                return None, (
                    f"Dòng {row.row}: số điện thoại của «{row.full_name}» đang là số của "
                    f"«{person.full_name}» trong danh sách đã có. Vui lòng kiểm tra lại."
                )
            return person, None
        if row.birth_date is not None:
            same = [p for p in self.by_name.get(key, []) if p.birth_date == row.birth_date]
            if len(same) == 1:
                return same[0], None
            return None, None
        same = self.in_class.get(key, [])
        if len(same) == 1:
            return same[0], None
        return None, None


def shifted_onto_weekend(
    rows: Sequence[ScheduleRow], shift_to: date
) -> list[tuple[ScheduleRow, date]]:
    """Sessions that `shift_to` (see `import_schedule`) moves from a weekday onto a Saturday
    or Sunday, with their new day: shifting by whole days changes weekdays unless the gap is
    a whole number of weeks, and staff should see that before learners do."""
    if not rows:
        return []
    offset = timedelta(days=(shift_to - min(r.day for r in rows)).days)
    return [
        (row, row.day + offset)
        for row in rows
        if (row.day + offset).weekday() >= 5 and row.day.weekday() < 5
    ]


async def import_schedule(
    uow: UnitOfWork,
    *,
    class_id: int,
    rows: Sequence[ScheduleRow],
    tz: ZoneInfo,
    shift_to: date | None = None,
    actor_label: str = "cli",
    notices: NoticeSettings | None = None,
    now: datetime | None = None,
) -> ScheduleReport:
    """Create or update sessions, matched by their number (Buổi), else by start time.

    `shift_to` moves the whole schedule so its first day falls on that date, keeping weekdays'
    spacing: a centre reuses last year's timetable for this year's course.

    Once the class is announced, a moved session's learners are told and its reminders
    re-planned, and new sessions get reminders, all in this same transaction.
    """
    from usecases import notices as planning  # here: that module imports this one

    now = now or datetime.now(UTC)
    notices = notices or NoticeSettings()
    old_starts: dict[int, datetime] = {}
    added: list[Session] = []
    report = ScheduleReport()
    offset = timedelta()
    if shift_to is not None and rows:
        offset = timedelta(days=(shift_to - min(r.day for r in rows)).days)
    async with uow:
        session = uow.session
        klass = await session.get(Class, class_id)
        assert klass is not None
        existing = list(await session.scalars(select(Session).where(Session.class_id == class_id)))
        by_number = {s.number: s for s in existing if s.number is not None}
        by_start = {s.starts_at: s for s in existing}
        for row in rows:
            day = row.day + offset
            starts = datetime.combine(day, row.start, tzinfo=tz)
            ends = datetime.combine(day, row.end, tzinfo=tz)
            current = by_number.get(row.number) if row.number is not None else by_start.get(starts)
            values = {
                "number": row.number,
                "starts_at": starts,
                "ends_at": ends,
                "topic": row.topic,
                "lecturer": row.lecturer,
                "place": row.place or klass.location,
            }
            if current is None:
                added.append(Session(class_id=class_id, **values))
                session.add(added[-1])
                report.created += 1
                continue
            changed = {k: v for k, v in values.items() if getattr(current, k) != v}
            if "starts_at" in changed or "ends_at" in changed:
                report.moved_session_ids.append(current.id)
                old_starts[current.id] = current.starts_at
            for key, value in changed.items():
                setattr(current, key, value)
            if current.status == SessionStatus.CANCELLED:
                current.status = SessionStatus.SCHEDULED
                changed["status"] = SessionStatus.SCHEDULED
            report.updated += bool(changed)
            report.unchanged += not changed
        await session.flush()
        first, last = (
            await session.execute(
                select(func.min(Session.starts_at), func.max(Session.starts_at)).where(
                    Session.class_id == class_id
                )
            )
        ).one()
        if first is not None:
            klass.start_date = first.astimezone(tz).date()
            klass.end_date = last.astimezone(tz).date()
        for moved_id, old_start in old_starts.items():
            moved = await session.get(Session, moved_id)
            assert moved is not None
            await planning.session_moved(
                session, klass=klass, moved=moved, old_starts_at=old_start, notices=notices,
                tz=tz, now=now,
            )  # fmt: skip
        if added and klass.announced_at is not None:
            await planning.plan_reminders(
                session, klass=klass, sessions=added, notices=notices, tz=tz, now=now
            )
        session.add(
            AuditEntry(
                actor_label=actor_label,
                action="class.import_schedule",
                entity="class",
                entity_id=class_id,
                details={"rows": len(rows), "created": report.created, "updated": report.updated},
            )
        )
        await uow.commit()
    return report


async def set_monitor(
    uow: UnitOfWork, *, class_id: int, who: str, actor_label: str = "cli", monitor: bool = True
) -> Person:
    """Name a class monitor by number in the class list (TT), phone number or full name;
    `monitor=False` removes them. Two learners of the same name are listed, not guessed."""
    async with uow:
        session = uow.session
        enrolled = (
            await session.execute(
                select(Enrollment, Person)
                .join(Person, Person.id == Enrollment.person_id)
                .where(Enrollment.class_id == class_id)
                .order_by(Enrollment.roster_row, Person.id)
            )
        ).all()
        try:
            phone: str | None = normalize_phone(who)
        except PhoneError:
            phone = None
        number = int(who) if who.isdigit() and len(who) <= 4 else None
        matches = [
            (e, p)
            for i, (e, p) in enumerate(enrolled, start=1)
            if i == number or (phone and p.phone == phone) or p.name_key == name_key(who)
        ]
        if not matches:
            raise ImportRejected([f"Không tìm thấy học viên «{who}» trong lớp."])
        if len(matches) > 1:
            numbers = {id(e): i for i, (e, _) in enumerate(enrolled, start=1)}
            raise ImportRejected(
                [f"Có {len(matches)} học viên khớp «{who}»; hãy chọn theo số thứ tự (TT):"]
                + [
                    f"TT {numbers[id(e)]}: {p.full_name}"
                    + (f", sinh {p.birth_date:%d/%m/%Y}" if p.birth_date else "")
                    for e, p in matches
                ]
            )
        enrollment, person = matches[0]
        enrollment.is_monitor = monitor
        session.add(
            AuditEntry(
                actor_label=actor_label,
                action="class.set_monitor" if monitor else "class.unset_monitor",
                entity="class",
                entity_id=class_id,
                details={"person_id": person.id},
            )
        )
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
    actor_label: str = "cli",
) -> Person:
    """Record a unit's leader, who receives absence alerts and the unit's results."""
    e164 = normalize_phone(phone) if phone else None
    async with uow:
        session = uow.session
        units = await _units_by_key(uow, centre_id)
        unit = units.get(fold(unit_name))
        if unit is None:
            unit = Unit(centre_id=centre_id, name=nfc(unit_name), name_key=fold(unit_name))
            session.add(unit)
            await session.flush()
        person = None
        if e164:
            person = await session.scalar(select(Person).where(Person.phone == e164))
        if person is None:
            person = Person(
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
        session.add(
            AuditEntry(
                actor_label=actor_label,
                action="unit.add_leader",
                entity="unit",
                entity_id=unit.id,
                details={"person_id": person.id},
            )
        )
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
            accounts.setdefault(person_id, []).append(channel)
        return [
            LearnerLine(i, p, unit, e.is_monitor, tuple(sorted(accounts.get(p.id, []))))
            for i, (e, p, unit) in enumerate(rows, start=1)
        ]
