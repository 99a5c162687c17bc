"""The province-year the benchmarks write: the right size, the same rows for a class whether the
whole year or a few classes are written, and the bot's CPU time read as the kernel counts it."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bench import province_data as data
from bench.checkin_burst import cpu_seconds
from db.database import Database
from db.models import Attendance, Centre, Class, Enrollment, Result, Session


def test_the_plan_is_a_province_year() -> None:
    plan = data.plan()
    assert len(plan) == data.CLASSES == 339
    assert sum(learners for learners, _ in plan) == data.PLACES == 32_399
    assert max(plan) == (data.BIG_LEARNERS, data.BIG_SESSIONS) == plan[data.BIG_CLASS - 1]


def test_classes_between_are_those_with_a_session_then() -> None:
    after = datetime(data.YEAR, 11, 19, 11, 0, tzinfo=UTC)
    until = after + timedelta(days=3)
    found = data.classes_between(after, until)
    assert found  # a working week of the year has classes
    for class_id, (_, count) in enumerate(data.plan(), start=1):
        starts = data.session_starts(class_id, count)
        assert (class_id in found) == any(after < at <= until for at in starts)


Rows = tuple[list[int], list[int], list[tuple[object, ...]], int | None]


async def _class_rows(db: Database, class_id: int) -> Rows:
    async with db.uow() as uow:
        s = uow.session
        sessions = list(await s.scalars(select(Session.id).where(Session.class_id == class_id)))
        people = list(
            await s.scalars(select(Enrollment.person_id).where(Enrollment.class_id == class_id))
        )
        marks = list(
            await s.execute(
                select(Attendance.session_id, Attendance.person_id, Attendance.status)
                .where(Attendance.session_id.in_(sessions))
                .order_by(Attendance.session_id, Attendance.person_id)
            )
        )
        results = await s.scalar(
            select(func.count()).select_from(Result).where(Result.class_id == class_id)
        )
        return sorted(sessions), sorted(people), [tuple(m) for m in marks], results


async def test_a_class_is_the_same_rows_whichever_others_are_written(tmp_path: Path) -> None:
    held_before = datetime(data.YEAR, 11, 19, 11, 0, tzinfo=UTC)
    wanted = {data.BIG_CLASS, 200}
    dbs = []  # the whole year takes seconds to write: two subsets of it show the same
    for name, only in (("year", wanted | {2, 150, data.CLASSES}), ("few", wanted)):
        db = Database(f"sqlite+aiosqlite:///{tmp_path}/{name}.sqlite3")
        await db.migrate()
        async with db.uow() as uow:
            uow.session.add(Centre(id=1, name="Trường Chính trị tỉnh"))
            await uow.commit()
        await data.load(db, 1, held_before=held_before, only=only)
        dbs.append(db)
    year, few = dbs
    try:
        async with few.uow() as uow:
            assert set(await uow.session.scalars(select(Class.id))) == wanted
        for class_id in wanted:
            assert await _class_rows(year, class_id) == await _class_rows(few, class_id)
        sessions, people, marks, results = await _class_rows(year, data.BIG_CLASS)
        assert (len(people), len(sessions)) == (data.BIG_LEARNERS, data.BIG_SESSIONS)
        assert len(marks) == data.BIG_LEARNERS * data.BIG_SESSIONS  # held in January-February
        assert results == data.BIG_LEARNERS
        async with year.uow() as uow:
            later = await uow.session.scalar(
                select(func.count())
                .select_from(Attendance)
                .join(Session, Session.id == Attendance.session_id)
                .where(Session.starts_at >= held_before)
            )
        assert later == 0  # nothing is marked before it is held
    finally:
        for db in dbs:
            await db.dispose()


def test_cpu_seconds_reads_this_process_as_os_times_does() -> None:
    total = sum(1 for _ in range(2_000_000))  # some CPU to count
    times = os.times()
    assert total and abs(cpu_seconds(os.getpid()) - (times.user + times.system)) < 0.05
