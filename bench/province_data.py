"""A provincial Political School's year, written fast with bulk inserts, for the benchmarks
(`bench.web`, `bench.province`).

339 classes and 32,399 learner places (one class of 150 learners × 40 sessions, the rest about
96 learners × 10 sessions), 250 units, every held session marked (about 330,000 attendance rows
when the whole year is held), five answered questions per class and a published result per
learner of each finished class. Every id is fixed by the plan alone, so a benchmark can write a
few classes of the year into another database (`only=`) and get the very same rows for them.

`scratch_database` gives a benchmark its own PostgreSQL database, dropped after.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from db.database import Database
from db.models import Attendance, Class, Enrollment, Person, Question, Result, Session, Unit

__all__ = [
    "BIG_CLASS", "BIG_LEARNERS", "BIG_SESSIONS", "CLASSES", "PLACES", "UNITS", "YEAR",
    "bulk", "classes_between", "load", "plan", "scratch_database", "session_starts",
]  # fmt: skip

CLASSES = 339
PLACES = 32_399
BIG_CLASS = 1  # the 150 × 40 class: the largest attendance sheet
BIG_LEARNERS, BIG_SESSIONS = 150, 40
SESSIONS_PER_CLASS = 10
UNITS = 250
YEAR = 2025
QUESTIONS_PER_CLASS = 5
FIRST_ID = 100_000  # people and sessions start above it, clear of a benchmark's own rows
STATUSES = ("present", "present", "present", "present", "late", "excused", "absent")
GRADES = ("Giỏi", "Khá", "Khá", "Trung bình")
BATCH = 20_000
PROGRAMS = ("Sơ cấp LLCT", "Nhận thức về Đảng", "Đảng viên mới")


def plan() -> list[tuple[int, int]]:
    """(learners, sessions) per class: the big one, then the rest of the places shared out."""
    rest, others = PLACES - BIG_LEARNERS, CLASSES - 1
    sizes = [rest // others + (1 if i < rest % others else 0) for i in range(others)]
    return [(BIG_LEARNERS, BIG_SESSIONS)] + [(n, SESSIONS_PER_CLASS) for n in sizes]


def class_start(class_id: int) -> date:
    return date(YEAR, 1, 6) + timedelta(days=(class_id * 7) % 340)


def session_starts(class_id: int, count: int) -> list[datetime]:
    """One session a day at 07:30 in Vietnam (00:30 UTC) from the class's first day."""
    start = class_start(class_id)
    first = datetime(start.year, start.month, start.day, 0, 30, tzinfo=UTC)
    return [first + timedelta(days=n) for n in range(count)]


def classes_between(after: datetime, until: datetime) -> set[int]:
    """The classes with a session starting in (after, until]."""
    return {
        class_id
        for class_id, (_, count) in enumerate(plan(), start=1)
        if any(after < at <= until for at in session_starts(class_id, count))
    }


@dataclass
class _Rows:
    """The rows of each table, in insert order."""

    tables: dict[Any, list[dict[str, Any]]] = field(
        default_factory=lambda: {
            m: [] for m in (Unit, Class, Session, Person, Enrollment, Attendance, Question, Result)
        }
    )

    def add(self, model: Any, **row: Any) -> None:
        self.tables[model].append(row)


def _class_rows(
    rows: _Rows, centre_id: int, class_id: int, people: range, sessions: list[tuple[int, datetime]],
    held_before: datetime,
) -> None:  # fmt: skip
    """One class: its row, sessions, learners, enrolments, marks, questions and results."""
    start, last = sessions[0][1], sessions[-1][1]
    finished = last + timedelta(hours=4) <= held_before
    announced = start - timedelta(days=7)
    rows.add(Class, id=class_id, centre_id=centre_id, code=f"L{class_id:03d}",
             name=f"Lớp bồi dưỡng số {class_id}", program_type=PROGRAMS[class_id % len(PROGRAMS)],
             start_date=start.date(), end_date=last.date(),
             announced_at=announced if announced <= held_before else None,
             results_published_at=last + timedelta(days=3) if finished else None)  # fmt: skip
    held = [(sid, at) for sid, at in sessions if at + timedelta(hours=4) <= held_before]
    for n, (sid, at) in enumerate(sessions):
        closed = at + timedelta(hours=5) if (sid, at) in held else None
        rows.add(Session, id=sid, class_id=class_id, number=n + 1, starts_at=at,
                 ends_at=at + timedelta(hours=4), status="scheduled", closed_at=closed,
                 updated_at=at)  # fmt: skip
    for row, person_id in enumerate(people, start=1):
        rows.add(Person, id=person_id, centre_id=centre_id, full_name=f"Học viên {person_id}",
                 name_key=f"hoc vien {person_id}", unit_id=person_id % UNITS + 1,
                 created_at=start, updated_at=start)  # fmt: skip
        rows.add(Enrollment, class_id=class_id, person_id=person_id, is_monitor=row == 1,
                 roster_row=row)  # fmt: skip
        for k, (sid, at) in enumerate(held):
            rows.add(Attendance, session_id=sid, person_id=person_id, method="checkin",
                     status=STATUSES[(person_id + k) % len(STATUSES)], marked_at=at)  # fmt: skip
        if finished:
            score = 5 + (person_id * 7) % 50 / 10
            rows.add(Result, class_id=class_id, person_id=person_id, scores={"Điểm": f"{score}"},
                     grade=GRADES[person_id % len(GRADES)], updated_at=last)  # fmt: skip
    for q in range(min(QUESTIONS_PER_CLASS, len(held))):
        sid, at = held[q]
        rows.add(Question, class_id=class_id, session_id=sid, person_id=people[q % len(people)],
                 text=f"Câu hỏi {q + 1} về chuyên đề {q + 1}?", status="answered",
                 created_at=at + timedelta(hours=1), answer_text="Trả lời tại lớp.",
                 answered_at=at + timedelta(hours=3))  # fmt: skip


async def bulk(db: Database, model: Any, rows: list[dict[str, Any]]) -> None:
    async with db.uow() as uow:
        for i in range(0, len(rows), BATCH):
            await uow.session.execute(insert(model), rows[i : i + BATCH])
        await uow.commit()


async def load(
    db: Database,
    centre_id: int,
    *,
    held_before: datetime | None = None,
    only: Iterable[int] | None = None,
) -> int:
    """Write the year (or only these classes of it), every session that ended before
    `held_before` held and marked (all of them when None); returns the 150 × 40 class's id."""
    wanted = None if only is None else set(only)
    held_before = held_before or datetime(YEAR + 1, 1, 1, tzinfo=UTC) + timedelta(days=60)
    rows = _Rows()
    for i in range(UNITS):
        rows.add(Unit, id=i + 1, centre_id=centre_id, name=f"Đơn vị {i + 1}",
                 name_key=f"don vi {i + 1}")  # fmt: skip
    person_id = session_id = FIRST_ID
    for class_id, (learners, count) in enumerate(plan(), start=1):
        people = range(person_id + 1, person_id + learners + 1)
        sessions = list(enumerate(session_starts(class_id, count), start=session_id + 1))
        person_id, session_id = person_id + learners, session_id + count
        if wanted is None or class_id in wanted:
            _class_rows(rows, centre_id, class_id, people, sessions, held_before)
    for model, table in rows.tables.items():
        await bulk(db, model, table)
    return BIG_CLASS


async def _pg_admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@asynccontextmanager
async def scratch_database(server: str, name: str) -> AsyncIterator[str]:
    """A new database on that PostgreSQL server for the block (its URL), dropped after."""
    scratch = f"sll_bench_{name}_{os.getpid()}"
    await _pg_admin(server, f'CREATE DATABASE "{scratch}"')
    try:
        yield make_url(server).set(database=scratch).render_as_string(False)
    finally:
        await _pg_admin(server, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
