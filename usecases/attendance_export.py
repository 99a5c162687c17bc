"""The check-ins of a class over a day or a period, as rows for a review file (`/xuatdiemdanh`,
`sll xuat diem-danh`): every learner × session, with the current mark straight from the
Attendance table; unmarked pairs are listed as such. The file is made in
`render/attendance_export.py`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import Attendance, Class, Enrollment, Person, Session

__all__ = ["CheckinRow", "Checkins", "class_checkins"]


@dataclass(frozen=True)
class CheckinRow:
    session_number: int | None
    starts_at: datetime
    ends_at: datetime
    topic: str | None
    number: int  # the learner's place in the class list (TT)
    full_name: str
    status: str | None  # None: not marked
    method: str | None
    marked_by: str | None
    marked_at: datetime | None


@dataclass(frozen=True)
class Checkins:
    code: str
    name: str
    start: date
    end: date
    rows: list[CheckinRow]


async def class_checkins(
    uow: UnitOfWork, *, class_id: int, start: date, end: date, tz: ZoneInfo
) -> Checkins:
    """Every learner × session of the class between two local days (inclusive)."""
    since = datetime.combine(start, time.min, tz)
    until = datetime.combine(end + timedelta(days=1), time.min, tz)
    async with uow:
        session = uow.session
        klass = await session.get(Class, class_id)
        assert klass is not None
        sessions = list(
            await session.scalars(
                select(Session)
                .where(
                    Session.class_id == class_id,
                    Session.starts_at >= since,
                    Session.starts_at < until,
                )
                .order_by(Session.starts_at)
            )
        )
        learners = (
            await session.execute(
                select(Person.id, Person.full_name)
                .join(Enrollment, Enrollment.person_id == Person.id)
                .where(Enrollment.class_id == class_id)
                .order_by(Enrollment.roster_row, Person.id)
            )
        ).all()
        marks = await _marks(session, [s.id for s in sessions])
        names = await _names(session, {m.marked_by for m in marks.values() if m.marked_by})
    rows = _rows(sessions, list(learners), marks, names)
    return Checkins(klass.code, klass.name, start, end, rows)


def _rows(
    sessions: Sequence[Session],
    learners: Sequence[tuple[int, str]],
    marks: dict[tuple[int, int], Attendance],
    names: dict[int, str],
) -> list[CheckinRow]:
    """Every learner × session, in the order of the class list; unmarked pairs as such. TT is
    the learner's place in the class list (1..n), as in every other view; the roster file's
    own row number only orders the list."""
    rows = []
    for s in sessions:
        for number, (person_id, full_name) in enumerate(learners, start=1):
            mark = marks.get((s.id, person_id))
            rows.append(
                CheckinRow(
                    session_number=s.number,
                    starts_at=s.starts_at,
                    ends_at=s.ends_at,
                    topic=s.topic,
                    number=number,
                    full_name=full_name,
                    status=mark.status if mark else None,
                    method=mark.method if mark else None,
                    marked_by=names.get(mark.marked_by) if mark and mark.marked_by else None,
                    marked_at=mark.marked_at if mark else None,
                )
            )
    return rows


async def _marks(
    session: AsyncSession, session_ids: list[int]
) -> dict[tuple[int, int], Attendance]:
    if not session_ids:
        return {}
    rows = await session.scalars(select(Attendance).where(Attendance.session_id.in_(session_ids)))
    return {(m.session_id, m.person_id): m for m in rows}


async def _names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(select(Person.id, Person.full_name).where(Person.id.in_(ids)))
    return dict(rows.all())
