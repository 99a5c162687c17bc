"""Benchmark: the staff web console at a province's volume (issue 19).

A year of a provincial school, written with bulk inserts into a fresh SQLite file: 339 classes
and 32,399 learner places, every held session marked (about 330,000 attendance rows), and one
class of 150 learners × 40 sessions. The console runs in this process (its real aiohttp app,
middleware and templates) with a logged-in staff session; a timing middleware measures the
server time of each page, from the request reaching the app to the response leaving it.

Reported, as medians of several runs and as ratios to a trivial page (the login page: a
template and no database) measured in the same run:

- the attendance grid of the 150 × 40 class (`/lop/<id>`),
- the yearly statistics page (`/thong-ke?loai=year&ky=2025`);

and also to a signed-in page with almost nothing on it (the empty leave queue: the session's
lookup, the staff member's roles, one small query), which is what every page pays first.

Run from the repo root:  python -m bench.web [--runs 15] [--postgres URL]
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from db.database import Database
from db.models import Attendance, Class, Enrollment, Person, Session, Unit
from usecases import identity, web_login
from usecases.clock import FixedClock
from usecases.settings import Settings
from web.auth import COOKIE
from web.console import Console
from web.server import build_app

CLASSES = 339
PLACES = 32_399
BIG_LEARNERS, BIG_SESSIONS = 150, 40
SESSIONS_PER_CLASS = 10
UNITS = 250
YEAR = 2025
NOW = datetime(YEAR + 1, 1, 15, 9, 0, tzinfo=UTC)
STAFF_TG = 777000
CENTRE = "Trường Chính trị tỉnh (benchmark)"
STATUSES = ("present", "present", "present", "present", "late", "excused", "absent")
BATCH = 20_000
PROGRAMS = ("Sơ cấp LLCT", "Nhận thức về Đảng", "Đảng viên mới")


def plan() -> list[tuple[int, int]]:
    """(learners, sessions) per class: the big one, then the rest of the places shared out."""
    rest, others = PLACES - BIG_LEARNERS, CLASSES - 1
    sizes = [rest // others + (1 if i < rest % others else 0) for i in range(others)]
    return [(BIG_LEARNERS, BIG_SESSIONS)] + [(n, SESSIONS_PER_CLASS) for n in sizes]


async def _bulk(db: Database, model: Any, rows: list[dict[str, Any]]) -> None:
    async with db.uow() as uow:
        for i in range(0, len(rows), BATCH):
            await uow.session.execute(insert(model), rows[i : i + BATCH])
        await uow.commit()


async def load(db: Database, centre_id: int) -> int:
    """Write the year; returns the id of the 150 × 40 class."""
    units = [{"id": i + 1, "centre_id": centre_id, "name": f"Đơn vị {i + 1}",
              "name_key": f"don vi {i + 1}"} for i in range(UNITS)]  # fmt: skip
    classes, sessions, people, enrollments, marks = [], [], [], [], []
    person_id = session_id = 100_000  # clear of the staff member's own rows
    for class_id, (learners, count) in enumerate(plan(), start=1):
        start = date(YEAR, 1, 6) + timedelta(days=(class_id * 7) % 340)
        classes.append({"id": class_id, "centre_id": centre_id, "code": f"L{class_id:03d}",
                        "name": f"Lớp bồi dưỡng số {class_id}",
                        "program_type": PROGRAMS[class_id % len(PROGRAMS)],
                        "start_date": start,
                        "end_date": start + timedelta(days=count)})  # fmt: skip
        ids = []
        for n in range(count):
            session_id += 1
            at = datetime(start.year, start.month, start.day, 0, 30, tzinfo=UTC) + timedelta(days=n)
            sessions.append({"id": session_id, "class_id": class_id, "number": n + 1,
                             "starts_at": at, "ends_at": at + timedelta(hours=4),
                             "status": "scheduled", "updated_at": at})  # fmt: skip
            ids.append((session_id, at))
        for row in range(1, learners + 1):
            person_id += 1
            people.append({"id": person_id, "full_name": f"Học viên {person_id}",
                           "name_key": f"hoc vien {person_id}", "unit_id": person_id % UNITS + 1,
                           "created_at": NOW, "updated_at": NOW})  # fmt: skip
            enrollments.append({"class_id": class_id, "person_id": person_id,
                                "is_monitor": row == 1, "roster_row": row})  # fmt: skip
            for k, (sid, at) in enumerate(ids):
                marks.append({"session_id": sid, "person_id": person_id, "method": "checkin",
                              "status": STATUSES[(person_id + k) % len(STATUSES)],
                              "marked_at": at})  # fmt: skip
    for model, rows in ((Unit, units), (Class, classes), (Session, sessions), (Person, people),
                        (Enrollment, enrollments), (Attendance, marks)):  # fmt: skip
        await _bulk(db, model, rows)
    return 1


def timer(times: dict[str, list[float]]) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def measure(request: web.Request, handler: Any) -> web.StreamResponse:
        started = time.perf_counter()
        try:
            return await handler(request)  # type: ignore[no-any-return]
        finally:
            times.setdefault(request.path, []).append(time.perf_counter() - started)

    return measure


async def _pg_admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def main(runs: int, postgres: str | None) -> dict[str, Any]:
    """On a fresh SQLite file, or a scratch database on that PostgreSQL server (dropped after)."""
    with tempfile.TemporaryDirectory() as tmp:
        if not postgres:
            return await measure(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}", runs)
        scratch = f"sll_bench_web_{os.getpid()}"
        await _pg_admin(postgres, f'CREATE DATABASE "{scratch}"')
        try:
            url = make_url(postgres).set(database=scratch).render_as_string(False)
            return await measure(url, runs)
        finally:
            await _pg_admin(postgres, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


async def measure(url: str, runs: int) -> dict[str, Any]:
    db = Database(url)
    await db.migrate()
    centre_id = await identity.ensure_centre(db.uow(), CENTRE)
    started = time.perf_counter()
    big = await load(db, centre_id)
    load_seconds = time.perf_counter() - started
    await identity.sync_staff(db.uow(), centre_id, (STAFF_TG,))
    actor = await identity.identify(
        db.uow(), channel="telegram", user_id=str(STAFF_TG), chat_id=str(STAFF_TG),
        display_name="", now=NOW,
    )  # fmt: skip
    token = await web_login.issue_link(db.uow(), actor=actor, now=NOW, minutes=10)
    cookie, _ = await web_login.open_session(db.uow(), token=token, now=NOW)
    settings = replace(Settings(), web=replace(Settings().web, port=1))
    app = build_app(Console(db, FixedClock(NOW), settings, centre_id))
    times: dict[str, list[float]] = {}
    app.middlewares.insert(0, timer(times))
    pages = {"trivial": "/vao/khong-dung", "signed_in_empty": "/xin-phep",
             "grid": f"/lop/{big}", "stats_year": f"/thong-ke?loai=year&ky={YEAR}"}  # fmt: skip
    async with TestClient(TestServer(app), cookies={COOKIE: cookie}) as client:
        for _ in range(runs + 1):  # the first round warms caches and is not counted
            for path in pages.values():
                response = await client.get(path)
                assert response.status == 200, (path, response.status)
                await response.read()
    await db.dispose()
    medians = {
        name: statistics.median(times[path.split("?")[0]][1:]) for name, path in pages.items()
    }
    return {
        "database": "sqlite" if db.is_sqlite else "postgresql",
        "classes": CLASSES,
        "places": PLACES,
        "grid": f"{BIG_LEARNERS}x{BIG_SESSIONS}",
        "load_seconds": round(load_seconds, 1),
        "runs": runs,
        "trivial_ms": round(medians["trivial"] * 1000, 2),
        "signed_in_empty_ms": round(medians["signed_in_empty"] * 1000, 2),
        "grid_ms": round(medians["grid"] * 1000, 1),
        "stats_year_ms": round(medians["stats_year"] * 1000, 1),
        "grid_ratio": round(medians["grid"] / medians["trivial"], 1),
        "stats_year_ratio": round(medians["stats_year"] / medians["trivial"], 1),
        # the same figures over a signed-in page with one small query (the session's lookup)
        "grid_ratio_signed_in": round(medians["grid"] / medians["signed_in_empty"], 1),
        "stats_year_ratio_signed_in": round(medians["stats_year"] / medians["signed_in_empty"], 1),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--postgres", help="a scratch PostgreSQL database URL (its tables are written)"
    )
    args = parser.parse_args()
    result = asyncio.run(main(args.runs, args.postgres))
    print(f"Loaded {result['classes']} classes, {result['places']} places in "
          f"{result['load_seconds']} s ({result['database']}).")  # fmt: skip
    print(f"Trivial page {result['trivial_ms']} ms; grid {result['grid']} {result['grid_ms']} ms "
          f"= {result['grid_ratio']}×; yearly statistics {result['stats_year_ms']} ms "
          f"= {result['stats_year_ratio']}× (medians of {result['runs']}).")  # fmt: skip
    print(json.dumps(result))
