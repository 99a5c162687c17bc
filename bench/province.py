"""Benchmark: a province-year on one installation (issue 21), against an empty database.

Two databases are filled with the same code (`bench.province_data`), at 18:00 on an evening of
the year (19 November 2025, Vietnam time):

- the year: 339 classes, 32,399 learner places, every session held so far marked (about
  300,000 attendance rows), questions, published results of the finished classes, a linked
  Telegram account per learner, and 100,000 due notices waiting in the outbox;
- the empty database: only what each measured operation needs, with the same ids: the largest
  class (150 learners × 40 sessions) and the 12 classes with a session in the next three days,
  and 100 due notices (so that it too has a first notice to send).

Each operation runs on both, alternately, several times; reported are the medians and the
ratio year / empty (1.0: a year of data costs nothing):

- bot start-up: `python -m bot` (harness) from spawn until it serves (the harness looks every
  0.1 s, so this is to 0.1 s), and until its first due notice (oldest first) reaches the local
  Telegram; the due notices are pending again before every start;
- the evening reminder wave: `usecases.notices.plan_upcoming_reminders` at 18:00, which plans
  the 19:00 reminders and the next days' (the same reminders on both; withdrawn between runs);
- yearly statistics: `usecases.stats.compute_stats` for 2025;
- the attendance export of the largest class: `usecases.attendance.attendance_matrix` and
  `render.attendance.attendance_sheet` (xlsx).

Run from the repo root:  python -m bench.province [--runs 5] [--quick] [--postgres URL]
`--postgres` runs the same on a scratch database created on that server (and dropped after),
after SQLite. The database size is printed; the last line printed is one JSON object. Exits 1
when the two databases did not plan the very same reminder wave (the comparison would be void).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, text, update

from bench import province_data as data
from db.database import Database
from db.models import (
    Attendance,
    ChatAccount,
    Notification,
    NotificationStatus,
    Person,
    Question,
    Result,
)
from localapi import harness
from localapi.telegram import LocalTelegram
from render.attendance import attendance_sheet
from usecases import identity, notices, province, stats
from usecases.attendance import attendance_matrix
from usecases.identity import Actor
from usecases.notices import Kind
from usecases.settings import AttendanceSettings, Settings

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(data.YEAR, 11, 19, 18, 0, tzinfo=TZ)
CENTRE = "Trường Chính trị tỉnh (benchmark)"
DUE_NOTICES = 100_000
FIGURES = (
    "startup", "first_notice", "reminder_wave", "stats_year", "province_year", "export_largest",
)  # fmt: skip
EMPTY_DUE_NOTICES = 100  # so that the empty database has a first notice to send too
FIRST_SEND_TIMEOUT = 60.0


@dataclass
class Place:
    """One filled database: its URL and centre."""

    url: str
    centre_id: int
    folder: Path


async def fill(url: str, folder: Path, *, year: bool) -> tuple[Place, float]:
    """The year (all of it and the due notices) or the empty database (the classes the
    operations touch); returns it and the seconds it took to write."""
    db = Database(url)
    try:
        await db.migrate()
        started = time.perf_counter()
        centre_id = await identity.ensure_centre(db.uow(), CENTRE)
        wave = data.classes_between(NOW, NOW + notices.REMINDER_HORIZON)
        only = None if year else wave | {data.BIG_CLASS}
        await data.load(db, centre_id, held_before=NOW, only=only)
        await _accounts(db)
        await _due_notices(db, DUE_NOTICES if year else EMPTY_DUE_NOTICES)
        return Place(url, centre_id, folder), time.perf_counter() - started
    finally:
        await db.dispose()


async def _accounts(db: Database) -> None:
    """A linked Telegram account for every learner."""
    async with db.uow() as uow:
        people = (
            await uow.session.execute(
                select(Person.id, Person.centre_id).where(Person.id > data.FIRST_ID)
            )
        ).all()
    linked = NOW - timedelta(days=30)
    await data.bulk(db, ChatAccount, [
        {"centre_id": centre, "channel": "telegram", "external_id": str(i), "chat_id": str(i),
         "person_id": i, "status": "active", "linked_at": linked}
        for i, centre in people
    ])  # fmt: skip


async def _due_notices(db: Database, count: int) -> None:
    """`count` broadcasts due in the last hour, to the learners in turn."""
    rows = []
    for n in range(count):
        due = NOW - timedelta(seconds=3600 * n // count)
        person_id = data.FIRST_ID + 1 + n % data.PLACES
        rows.append({"idempotency_key": f"bench:{n}", "person_id": person_id,
                     "kind": Kind.BROADCAST.value, "text": f"Thông báo số {n}", "due_at": due,
                     "status": NotificationStatus.PENDING.value, "attempts": 0, "urgent": False,
                     "created_at": due, "updated_at": due})  # fmt: skip
    await data.bulk(db, Notification, rows)


async def _with_db(url: str, work: Callable[[Database], Awaitable[Any]]) -> Any:
    db = Database(url)
    try:
        return await work(db)
    finally:
        await db.dispose()


async def _pending_again(db: Database) -> None:
    """The due notices back to pending, unsent, as before the first start."""
    async with db.uow() as uow:
        await uow.session.execute(
            update(Notification)
            .where(Notification.kind == Kind.BROADCAST.value)
            .values(
                status=NotificationStatus.PENDING.value,
                attempts=0,
                locked_until=None,
                sent_at=None,
                last_error=None,
                channel=None,
                chat_id=None,
                sent_message_id=None,
            )
        )
        await uow.session.execute(update(ChatAccount).values(status="active", status_reason=None))
        await uow.commit()


async def startup(place: Place) -> dict[str, float]:
    """Seconds from spawning `python -m bot` until it serves (the harness's test), and until
    it sends its first due notice."""
    await _with_db(place.url, _pending_again)
    telegram = LocalTelegram()
    await telegram.start()
    for n in range(data.PLACES):  # every learner has pressed Start: no send is refused
        telegram.user(data.FIRST_ID + 1 + n)
    env = harness.bot_env(telegram, place.url, SLL_CENTRE_NAME=CENTRE, SLL_FAKE_NOW=NOW.isoformat())
    try:
        started = time.perf_counter()
        run = harness.spawn(env, place.folder / "bot.log")
        try:
            await harness.wait_serving(run, telegram)
            serving = time.perf_counter() - started
            for _ in range(int(FIRST_SEND_TIMEOUT / 0.02)):
                if telegram.stats.requests["sendMessage"]:
                    break
                await asyncio.sleep(0.02)
            else:
                raise RuntimeError(f"no notice sent within {FIRST_SEND_TIMEOUT} s")
            return {"startup": serving, "first_notice": time.perf_counter() - started}
        finally:
            await run.stop()
    finally:
        await telegram.stop()


async def reminder_wave(place: Place) -> dict[str, float]:
    """The planner at 18:00, its earlier reminders withdrawn first; seconds."""

    async def work(db: Database) -> float:
        async with db.uow() as uow:
            await uow.session.execute(
                delete(Notification).where(Notification.kind == Kind.REMINDER.value)
            )
            await uow.commit()
        started = time.perf_counter()
        await notices.plan_upcoming_reminders(db.uow(), settings=Settings(), now=NOW)
        return time.perf_counter() - started

    return {"reminder_wave": float(await _with_db(place.url, work))}


async def stats_year(place: Place) -> dict[str, float]:
    async def work(db: Database) -> float:
        started = time.perf_counter()
        await stats.compute_stats(
            db.uow(), actor=Actor.cli(place.centre_id), centre_id=place.centre_id,
            period=stats.parse_period("year", str(data.YEAR)), now=NOW, tz=TZ,
        )  # fmt: skip
        return time.perf_counter() - started

    return {"stats_year": float(await _with_db(place.url, work))}


async def province_year(place: Place) -> dict[str, float]:
    """The provincial school's yearly view (issue 21): every centre's figures, the evaluation
    answers by program type, the totals; here the year's classes are all one centre's."""

    async def work(db: Database) -> float:
        started = time.perf_counter()
        await province.compute_province(
            db.uow(), actor=Actor.cli(place.centre_id, province=True),
            period=stats.parse_period("year", str(data.YEAR)), now=NOW, tz=TZ,
        )  # fmt: skip
        return time.perf_counter() - started

    return {"province_year": float(await _with_db(place.url, work))}


async def export_largest(place: Place) -> dict[str, float]:
    async def work(db: Database) -> float:
        started = time.perf_counter()
        matrix = await attendance_matrix(
            db.uow(), actor=Actor.cli(place.centre_id), settings=AttendanceSettings(),
            class_id=data.BIG_CLASS,
        )  # fmt: skip
        attendance_sheet(matrix, today=NOW.date(), tz=TZ)
        return time.perf_counter() - started

    return {"export_largest": float(await _with_db(place.url, work))}


MEASURES: dict[str, Callable[[Place], Awaitable[dict[str, float]]]] = {
    "startup": startup,
    "reminder_wave": reminder_wave,
    "stats_year": stats_year,
    "province_year": province_year,
    "export_largest": export_largest,
}


async def facts(place: Place) -> dict[str, Any]:
    """The database's size and what it holds."""

    async def work(db: Database) -> dict[str, Any]:
        counted = {}
        async with db.uow() as uow:
            for name, model in (("attendance", Attendance), ("results", Result),
                                ("questions", Question), ("notices", Notification)):  # fmt: skip
                counted[name] = await uow.session.scalar(select(func.count()).select_from(model))
            reminders = await uow.session.scalar(
                select(func.count()).where(Notification.kind == Kind.REMINDER.value)
            )
            outbox = await uow.session.execute(
                select(Notification.kind, Notification.status, func.count())
                .group_by(Notification.kind, Notification.status)
                .order_by(Notification.kind, Notification.status)
            )
            by_kind = {f"{kind} {status}": n for kind, status, n in outbox}
            if db.is_sqlite:
                await uow.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
                size = await asyncio.to_thread(os.path.getsize, place.url.split("///", 1)[1])
            else:
                size = await uow.session.scalar(text("SELECT pg_database_size(current_database())"))
        return {"size_mb": round(int(size or 0) / 2**20, 1), "rows": counted,
                "wave_reminders": reminders, "outbox": by_kind}  # fmt: skip

    result: dict[str, Any] = await _with_db(place.url, work)
    return result


async def measure(empty: Place, year: Place, runs: int) -> dict[str, Any]:
    """Each operation on both databases, alternately, `runs` times after one warm-up run."""
    times: dict[str, dict[str, list[float]]] = {f: {"empty": [], "year": []} for f in FIGURES}
    for name, operation in MEASURES.items():
        for n in range(runs + 1):
            for label, place in (("empty", empty), ("year", year)):
                measured = await operation(place)
                for figure, seconds in measured.items():
                    if n:  # the first round warms caches and is not counted
                        times[figure][label].append(seconds)
        print(f"  {name}: done", file=sys.stderr)
    figures: dict[str, Any] = {}
    for name, by in times.items():
        e, y = statistics.median(by["empty"]), statistics.median(by["year"])
        figures[name] = {"empty_ms": round(e * 1000, 1), "year_ms": round(y * 1000, 1),
                         "ratio": round(y / e, 2)}  # fmt: skip
    return figures


async def bench(url_of: Callable[[str], Any], database: str, runs: int) -> dict[str, Any]:
    """Fill both databases (`url_of(name)`: an async context manager giving a URL), measure."""
    with tempfile.TemporaryDirectory() as tmp:
        async with url_of("empty") as empty_url, url_of("year") as year_url:
            empty, _ = await fill(empty_url, Path(tmp), year=False)
            year, load_seconds = await fill(year_url, Path(tmp), year=True)
            print(f"{database}: the year written in {load_seconds:.1f} s", file=sys.stderr)
            figures = await measure(empty, year, runs)
            year_facts, empty_facts = await facts(year), await facts(empty)
    return {"database": database, "load_seconds": round(load_seconds, 1), **year_facts,
            "empty_size_mb": empty_facts["size_mb"],
            "empty_wave_reminders": empty_facts["wave_reminders"], **figures}  # fmt: skip


def sqlite_in(folder: Path) -> Callable[[str], Any]:
    @asynccontextmanager
    async def url_of(name: str) -> AsyncIterator[str]:
        yield f"sqlite+aiosqlite:///{folder / f'{name}.sqlite3'}"

    return url_of


def postgres_on(server: str) -> Callable[[str], Any]:
    return lambda name: data.scratch_database(server, f"province_{name}")


async def main(runs: int, postgres: str | None) -> dict[str, Any]:
    result: dict[str, Any] = {"bench": "province", "runs": runs, "classes": data.CLASSES,
                              "places": data.PLACES, "due_notices": DUE_NOTICES}  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        result["sqlite"] = await bench(sqlite_in(Path(folder)), "sqlite", runs)
    if postgres:
        result["postgresql"] = await bench(postgres_on(postgres), "postgresql", runs)
    return result


def summary(figures: dict[str, Any]) -> str:
    lines = [f"{figures['database']}: {figures['size_mb']} MB with the year "
             f"(empty {figures['empty_size_mb']} MB), rows {figures['rows']}"]  # fmt: skip
    for name in FIGURES:
        f = figures[name]
        lines.append(f"  {name:15} empty {f['empty_ms']:>9} ms  year {f['year_ms']:>9} ms  "
                     f"= {f['ratio']}×")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.province", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (median)")
    parser.add_argument("--quick", action="store_true", help="3 runs")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server to run on too")
    args = parser.parse_args()
    outcome = asyncio.run(main(3 if args.quick else args.runs, args.postgres))
    for database in ("sqlite", "postgresql"):
        if database in outcome:
            print(summary(outcome[database]))
    print(json.dumps(outcome, ensure_ascii=False))
    # The wave is a fair comparison only if both databases planned the very same reminders.
    same_wave = all(
        outcome[d]["wave_reminders"] == outcome[d]["empty_wave_reminders"] > 0
        for d in ("sqlite", "postgresql")
        if d in outcome
    )
    sys.exit(0 if same_wave else 1)
