"""Benchmark: 500 learners of one session check in within one second.

Run from the repo root: `python -m bench.checkin_burst`. Builds a SQLite file with one class of
500 learners, one session and its room code, links each learner's Telegram account, then starts
the real bot process (`python -m bot`) against the in-process local Telegram, its clock five
minutes after the session's start. Every learner sends `/diemdanh <code>` within one second;
latency is measured from the update's availability to the bot's answer in that chat. The last
line is one JSON object for CI to collect.

The absolute latency depends on the machine; what does not is the bot's work per check-in. In
the same run the same 500 learners then send `/help` (the cheapest command: no database), and
the bot process's CPU time (utime + stime from /proc/<pid>/stat) is read before and after each
burst: check-ins per CPU-second over `/help` replies per CPU-second says how much dearer a
check-in is than merely answering, on any machine (1.0: no dearer; keep it high).

`--postgres postgresql+asyncpg://postgres@127.0.0.1:5432/test` runs the same burst on a scratch
database created on that server (and dropped after) instead of a SQLite file.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time as clock
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from db.database import Database
from db.models import Attendance, ChatAccount
from localapi import harness
from localapi.telegram import FakeUser, LocalTelegram, UpdateRecord
from sheets.roster import RosterRow
from sheets.schedule import ScheduleRow
from usecases import attendance, classes, identity
from usecases.identity import Actor
from usecases.settings import AttendanceSettings

LEARNERS = 500
BURST_SECONDS = 1.0
TARGET_P99_MS = 1000.0
ANSWER_TIMEOUT = 120.0
POLL_SECONDS = 0.05
CONFIRMED = "Đã điểm danh"  # the answer to a check-in that was recorded
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CENTRE = "Trung tâm Chính trị huyện Bắc Yên"
DAY = date(2024, 3, 4)
START = datetime.combine(DAY, time(7, 30), tzinfo=TZ)
FIRST_USER_ID = 500_000


async def prepare(db_url: str, count: int = LEARNERS) -> tuple[str, int]:
    """The class, its session and room code, and `count` linked accounts; returns (code,
    session)."""
    db = Database(db_url)
    try:
        await db.migrate()
        centre_id = await identity.ensure_centre(db.uow(), CENTRE)
        staff = Actor.cli(centre_id)
        class_id = await classes.create_class(
            db.uow(),
            actor=staff,
            centre_id=centre_id,
            code="BENCH-500",
            name="Bồi dưỡng nhận thức về Đảng",
            program_type="Bồi dưỡng",
        )
        rows = [
            RosterRow(
                n,
                f"Học viên Số {n}",
                date(1990, 1, 1) + timedelta(days=n),
                None,
                None,
                None,
                f"Đơn vị {n % 20}",
                f"+8491{n:07d}",
                None,
            )
            for n in range(1, count + 1)
        ]
        await classes.import_roster(db.uow(), actor=staff, class_id=class_id, rows=rows)
        schedule = [ScheduleRow(1, 1, DAY, time(7, 30), time(11), "Chuyên đề 1", None, None)]
        await classes.import_schedule(
            db.uow(), actor=staff, class_id=class_id, rows=schedule, tz=TZ
        )
        session_id = (await classes.list_sessions(db.uow(), class_id=class_id))[0].id
        view = await attendance.room_code(
            db.uow(),
            actor=staff,
            session_id=session_id,
            settings=AttendanceSettings(),
        )
        learners = await classes.list_learners(db.uow(), class_id=class_id)
        async with db.uow() as uow:
            for i, line in enumerate(learners):
                uid = str(FIRST_USER_ID + i)
                uow.session.add(
                    ChatAccount(
                        centre_id=centre_id,
                        channel="telegram",
                        external_id=uid,
                        chat_id=uid,
                        person_id=line.person.id,
                        linked_at=START - timedelta(days=1),
                    )
                )
            await uow.commit()
        return view.code, session_id
    finally:
        await db.dispose()


async def recorded(db_url: str, session_id: int) -> int:
    db = Database(db_url)
    try:
        async with db.uow() as uow:
            count = await uow.session.scalar(
                select(func.count())
                .select_from(Attendance)
                .where(Attendance.session_id == session_id)
            )
            return int(count or 0)
    finally:
        await db.dispose()


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far, user + system, all threads (Linux /proc)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "; utime is field 14
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def per_cpu_second(count: int, cpu: float) -> float | None:
    return round(count / cpu, 1) if cpu > 0 else None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


async def _pg_admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def main(postgres: str | None = None) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        db_url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        if postgres:
            scratch = f"sll_bench_{os.getpid()}"
            await _pg_admin(postgres, f'CREATE DATABASE "{scratch}"')
            db_url = make_url(postgres).set(database=scratch).render_as_string(False)
        try:
            return await burst(db_url, Path(folder))
        finally:
            if postgres:
                await _pg_admin(postgres, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


async def burst(db_url: str, folder: Path) -> dict[str, object]:
    code, session_id = await prepare(db_url)
    telegram = LocalTelegram()
    await telegram.start()
    env = harness.bot_env(
        telegram,
        db_url,
        SLL_CENTRE_NAME=CENTRE,
        SLL_FAKE_NOW=(START + timedelta(minutes=5)).isoformat(),
    )
    try:
        async with harness.serving(env, folder / "bot.log", telegram) as bot:
            pid = bot.process.pid
            cpu_before = cpu_seconds(pid)
            users, records, spread = await send_burst(telegram, "diemdanh", code)
            await answered(records)
            checkin_cpu = cpu_seconds(pid) - cpu_before
            latencies = [r.latency * 1000 for r in records if r.latency is not None]
            confirmed = sum(
                1 for u in users if any(CONFIRMED in (m.text or "") for m in u.messages())
            )
            texts = [m.text or "" for u in users for m in u.messages()]
            odd = [text[:120] for text in texts if CONFIRMED not in text]
            cpu_before = cpu_seconds(pid)
            _, helps, _ = await send_burst(telegram, "help")
            await answered(helps)
            help_cpu = cpu_seconds(pid) - cpu_before
    finally:
        await telegram.stop()
    for answer in odd[:5]:  # answers that were not a confirmation, and why
        print(f"unexpected answer: {answer}", file=sys.stderr)
    errors = [
        line
        for line in (folder / "bot.log").read_text(errors="replace").splitlines()
        if "ERROR" in line or "Error" in line
    ]
    for line in errors[:10]:
        print(line, file=sys.stderr)
    rows = await recorded(db_url, session_id)
    print(
        f"{len(records)} check-ins sent in {spread:.2f} s; {len(latencies)} answered, "
        f"{confirmed} confirmed in chat, {rows} attendance rows",
        file=sys.stderr,
    )
    checkin_rate = per_cpu_second(len(latencies), checkin_cpu)
    help_rate = per_cpu_second(sum(1 for r in helps if r.answered_at is not None), help_cpu)
    print(
        f"bot CPU: {checkin_cpu:.2f} s for the check-ins ({checkin_rate}/CPU-s), "
        f"{help_cpu:.2f} s for {len(helps)} /help ({help_rate}/CPU-s)",
        file=sys.stderr,
    )
    return {
        "bench": "checkin_burst",
        "checkins": len(records),
        "recorded": rows,
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 99), 1) if latencies else None,
        "bot_cpu_checkins_s": round(checkin_cpu, 2),
        "bot_cpu_help_s": round(help_cpu, 2),
        "checkins_per_cpu_s": checkin_rate,
        "help_per_cpu_s": help_rate,
        "checkin_help_ratio": (
            round(checkin_rate / help_rate, 2) if checkin_rate and help_rate else None
        ),
    }


async def answered(records: list[UpdateRecord]) -> None:
    """Until the bot has answered every one of these updates (or ANSWER_TIMEOUT passes)."""
    for _ in range(int(ANSWER_TIMEOUT / POLL_SECONDS)):
        if all(r.answered_at is not None for r in records):
            return
        await asyncio.sleep(POLL_SECONDS)


async def send_burst(
    telegram: LocalTelegram,
    command: str,
    *args: str,
    learners: int = LEARNERS,
    seconds: float = BURST_SECONDS,
) -> tuple[list[FakeUser], list[UpdateRecord], float]:
    """Every learner sends `/<command> <args>` (`/diemdanh <code>`), spread evenly over
    `seconds` (0: all at once); returns the learners, the updates they made and the seconds it
    took."""
    users = [telegram.user(FIRST_USER_ID + i, f"HV{i}") for i in range(learners)]
    first_update = len(telegram.updates)
    began = clock.monotonic()
    for i, user in enumerate(users):
        user.send_command(command, *args)
        delay = began + (i + 1) * seconds / learners - clock.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
    return users, telegram.updates[first_update:], clock.monotonic() - began


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.checkin_burst", description=__doc__)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server to run on")
    result = asyncio.run(main(parser.parse_args().postgres))
    print(json.dumps(result))
    p99 = result["p99_ms"]
    ok = result["recorded"] == LEARNERS and isinstance(p99, float) and p99 < TARGET_P99_MS
    sys.exit(0 if ok else 1)
