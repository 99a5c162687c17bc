"""Setting a class up, the decisions: who a typed "who" is, what a roster row writes, where a
shifted schedule puts each session, what a class needs. Pure: no database, no clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from usecases.refusal import Reason, Refused
from vn.phones import PhoneError, normalize_phone
from vn.text import name_key

if TYPE_CHECKING:  # the parsers (and their libraries) load only when a file is read
    from sheets.roster import RosterRow
    from sheets.schedule import ScheduleRow
    from usecases.identity import Actor

__all__ = [
    "ClassReason",
    "ImportRejected",
    "matching",
    "missing_fields",
    "person_values",
    "require_staff",
    "schedule_offset",
    "session_values",
    "shifted_onto_weekend",
]

P = TypeVar("P")


class ClassReason(Reason):
    NOT_FOUND = "classes.not_found"
    MISSING_FIELDS = "classes.missing_fields"
    EXISTS = "classes.exists"
    LEARNER_NOT_FOUND = "classes.learner_not_found"
    AMBIGUOUS_LEARNER = "classes.ambiguous_learner"
    NOT_STAFF = "classes.not_staff"


def require_staff(actor: Actor, centre_id: int) -> None:
    """Only the centre's staff set its classes up (the CLI acts as its staff); anyone else,
    the scheduler included, is refused before anything is written."""
    if not actor.is_staff_of(centre_id):
        raise Refused(ClassReason.NOT_STAFF)


class ImportRejected(Exception):
    """Rows of a file that cannot be placed; nothing was written."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = list(errors)


def missing_fields(code: str, name: str, program_type: str) -> list[str]:
    """What a new class lacks, in the words staff use (empty: nothing)."""
    fields = (("mã lớp", code), ("tên lớp", name), ("loại chương trình", program_type))
    return [label for label, value in fields if not value]


def matching(who: str, people: Sequence[tuple[int | None, str | None, str, P]]) -> list[P]:
    """The people a typed "who" names: their number in the list (TT), their phone number in
    any spelling, or their full name. `people` are (number or None, phone, name key, item)."""
    try:
        phone: str | None = normalize_phone(who)
    except PhoneError:
        phone = None
    number = int(who) if who.isdigit() and len(who) <= 4 else None
    key = name_key(who)
    return [
        item
        for n, p_phone, p_key, item in people
        if (number is not None and n == number) or (phone and p_phone == phone) or p_key == key
    ]


def person_values(row: RosterRow, unit_id: int) -> dict[str, object]:
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


def schedule_offset(rows: Sequence[ScheduleRow], shift_to: date | None) -> timedelta:
    """How far `shift_to` moves a schedule: its first day lands on that date."""
    if shift_to is None or not rows:
        return timedelta()
    return timedelta(days=(shift_to - min(r.day for r in rows)).days)


def shifted_onto_weekend(
    rows: Sequence[ScheduleRow], shift_to: date
) -> list[tuple[ScheduleRow, date]]:
    """Sessions that `shift_to` (see `import_schedule`) moves from a weekday onto a Saturday
    or Sunday, with their new day: shifting by whole days changes weekdays unless the gap is
    a whole number of weeks, and staff should see that before learners do."""
    if not rows:
        return []
    offset = schedule_offset(rows, shift_to)
    return [
        (row, row.day + offset)
        for row in rows
        if (row.day + offset).weekday() >= 5 and row.day.weekday() < 5
    ]


def session_values(
    row: ScheduleRow, offset: timedelta, tz: ZoneInfo, default_place: str | None
) -> dict[str, Any]:
    """The columns a schedule row gives its session."""
    day = row.day + offset
    starts: datetime = datetime.combine(day, row.start, tzinfo=tz)
    return {
        "number": row.number,
        "starts_at": starts,
        "ends_at": datetime.combine(day, row.end, tzinfo=tz),
        "topic": row.topic,
        "lecturer": row.lecturer,
        "place": row.place or default_place,
    }
