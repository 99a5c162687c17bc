"""Backups: taken while check-ins go on, they hold every check-in committed before and none
half-written; they restore; old ones are pruned 7 daily + 4 weekly; a bad file is refused."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from db import backup
from db.database import Database
from db.models import Attendance, AttendanceChange, Person
from localapi.telegram import LocalTelegram
from tests.conftest import CENTRE, PG_ENV, SAMPLE_EVE, _pg_admin, make_sample_class, running_bot
from tests.test_attendance import FIRST, code_of, make_world
from usecases import attendance as A
from usecases import identity
from usecases.identity import Actor
from usecases.settings import AttendanceSettings

NOW = datetime(2024, 3, 4, 7, 25)


async def test_a_backup_during_a_check_in_burst_holds_what_was_committed_and_restores(
    sqlite_db: Database, tmp_path: Path
) -> None:
    centre = await identity.ensure_centre(sqlite_db.uow(), CENTRE)
    world = await make_world(sqlite_db, await make_sample_class(sqlite_db, centre))
    code = await code_of(world)
    committed: list[int] = []
    a_third_in = asyncio.Event()

    async def check_in(person_id: int) -> None:
        learner = Actor(
            account_id=person_id, channel="telegram", chat_id=str(person_id), person_id=person_id
        )
        await A.check_in(
            sqlite_db.uow(),
            actor=learner,
            code=code,
            now=FIRST - timedelta(minutes=5),
            settings=AttendanceSettings(),
        )
        committed.append(person_id)
        if len(committed) >= len(world.learners) // 3:
            a_third_in.set()

    async def burst() -> None:
        for person_id in world.learners:
            await check_in(person_id)
            await asyncio.sleep(0.005)  # learners arrive one after another

    burst_task = asyncio.create_task(burst())
    await a_third_in.wait()
    before = set(committed)
    url = sqlite_db.url
    copy = await asyncio.to_thread(backup.make_backup, url, tmp_path / "sao-luu", NOW)
    after = set(committed)
    await burst_task
    assert len(after) < len(world.learners), "the backup did not overlap the burst"

    restored_file = tmp_path / "restored.sqlite3"
    assert backup.restore(f"sqlite+aiosqlite:///{restored_file}", copy, NOW) is None
    restored = Database(f"sqlite+aiosqlite:///{restored_file}")
    try:
        async with restored.uow() as uow:
            marked = set(
                (
                    await uow.session.scalars(
                        select(Attendance.person_id).where(
                            Attendance.session_id == world.sessions[0]
                        )
                    )
                ).all()
            )
            changes = set(
                (
                    await uow.session.scalars(
                        select(Attendance.person_id).join(
                            AttendanceChange, AttendanceChange.attendance_id == Attendance.id
                        )
                    )
                ).all()
            )
            people = await uow.session.scalar(select(func.count()).select_from(Person))
    finally:
        await restored.dispose()
    assert before <= marked <= after  # all committed before it; nothing from after it ended
    assert changes == marked  # every mark with its history row: none half-written
    async with sqlite_db.uow() as uow:
        assert people == await uow.session.scalar(select(func.count()).select_from(Person))


def test_restore_keeps_the_replaced_database_and_refuses_a_file_that_is_no_backup(
    tmp_path: Path, sqlite_template: Path
) -> None:
    live = tmp_path / "live.sqlite3"
    shutil.copy(sqlite_template, live)
    url = f"sqlite+aiosqlite:///{live}"
    copy = backup.make_backup(url, tmp_path / "sao-luu", NOW)
    assert copy.name == "so-lien-lac-2024-03-04-072500.sqlite3"

    with sqlite3.connect(live) as conn:
        conn.execute(
            "INSERT INTO centres (name, created_at) VALUES ('Sau khi sao lưu', '2024-03-04')"
        )
    kept = backup.restore(url, copy, NOW + timedelta(hours=1))
    assert kept is not None and kept.exists()
    with sqlite3.connect(kept) as conn:
        assert conn.execute("SELECT count(*) FROM centres").fetchone() == (1,)
    with sqlite3.connect(live) as conn:
        assert conn.execute("SELECT count(*) FROM centres").fetchone() == (0,)

    junk = tmp_path / "hong.sqlite3"
    junk.write_bytes(os.urandom(4096))
    with pytest.raises(backup.BackupError, match="không phải bản sao lưu"):
        backup.restore(url, junk, NOW)
    with sqlite3.connect(live) as conn:  # untouched by the refused restore
        assert conn.execute("SELECT count(*) FROM centres").fetchone() == (0,)


def test_pruning_keeps_seven_daily_and_four_weekly_copies(tmp_path: Path) -> None:
    start = datetime(2024, 1, 1, 2, 30)  # a Monday
    taken = []
    for day in range(60):
        for hour in (0, 12):  # two copies some days (a manual one, the nightly one)
            when = start + timedelta(days=day, hours=hour)
            path = tmp_path / f"{backup.PREFIX}{when.strftime(backup.STAMP)}.sqlite3"
            path.write_bytes(b"")
            taken.append((path, when))
    (tmp_path / "ghi-chu.txt").write_text("not a backup")

    backup.prune(tmp_path, backup.Retention(daily=7, weekly=4))
    left = [when for _, when in backup.backup_files(tmp_path)]
    newest_day = taken[-1][1].date()
    daily = [w for w in left if (newest_day - w.date()).days < 7]
    weekly = [w for w in left if (newest_day - w.date()).days >= 7]
    assert sorted(w.date() for w in daily) == [newest_day - timedelta(d) for d in range(6, -1, -1)]
    assert all(w.hour == 14 for w in daily)  # the newest copy of each day
    assert len(weekly) == 4 and len({w.isocalendar()[:2] for w in weekly}) == 4
    assert (tmp_path / "ghi-chu.txt").exists()


async def test_postgresql_backup_restores_into_another_database(
    database: Database, centre_id: int, tmp_path: Path
) -> None:
    if database.is_sqlite:
        pytest.skip("the PostgreSQL variant of the backup test")
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed here")
    await make_sample_class(database, centre_id)
    copy = await asyncio.to_thread(backup.make_backup, database.url, tmp_path, NOW)
    assert copy.suffix == ".dump"

    base = os.environ[PG_ENV]
    name = f"sll_restore_{os.getpid()}"
    await _pg_admin(base, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(backup.restore, url, copy, NOW)
        restored = Database(url)
        async with restored.uow() as uow:
            people = await uow.session.scalar(select(func.count()).select_from(Person))
        await restored.dispose()
    finally:
        await _pg_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert people == 45


async def test_staff_back_up_while_the_bot_runs_and_cannot_restore_under_it(
    local_telegram: LocalTelegram, tmp_path: Path
) -> None:
    async with running_bot(local_telegram, tmp_path, now=SAMPLE_EVE) as bot:
        bot.set_up_class()
        made = bot.cli("sao-luu", "--den", str(tmp_path / "sao-luu"))
        assert made.returncode == 0, made.stderr
        (copy,) = (tmp_path / "sao-luu").glob("so-lien-lac-*.sqlite3")
        refused = bot.cli("khoi-phuc", "--dong-y", str(copy))
        assert refused.returncode == 1
        assert "Bot đang chạy" in refused.stderr and "Traceback" not in refused.stderr
    restored = bot.cli("khoi-phuc", "--dong-y", str(copy))
    assert restored.returncode == 0, restored.stderr
    assert "Đã khôi phục" in restored.stdout
    listing = bot.cli("lop", "ds")  # the class set up before the backup is there
    assert listing.returncode == 0 and "SC-K4" in listing.stdout
