"""Backups that restore: a consistent copy while the bot runs, verified, pruned, put back.

SQLite: the online backup API copies the database inside one read transaction, so the copy is
the database as it was at one instant (WAL lets check-ins go on meanwhile). PostgreSQL: `pg_dump`
takes one snapshot in the same way. Either copy is opened before it is called a backup.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

__all__ = [
    "BackupError",
    "Retention",
    "backup_files",
    "default_backup_dir",
    "make_backup",
    "prune",
    "restore",
    "to_prune",
]

PREFIX = "so-lien-lac-"
STAMP = "%Y-%m-%d-%H%M%S"
_NAME = re.compile(rf"^{PREFIX}(\d{{4}}-\d\d-\d\d-\d{{6}})\.(sqlite3|dump)$")


class BackupError(Exception):
    """A backup or restore that could not be made; the message is for staff, in Vietnamese."""


@dataclass(frozen=True)
class Retention:
    daily: int = 7  # the newest copy of each of the last N days that have one
    weekly: int = 4  # and of each of the N ISO weeks before those


def default_backup_dir(url: str) -> Path:
    """Beside the SQLite file; for PostgreSQL, under data/ (a server sets [backup] dir)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return Path(parsed.database).resolve().parent / "sao-luu"
    return Path("data/sao-luu").resolve()


def make_backup(url: str, dest_dir: Path, now: datetime) -> Path:
    """Copy the database to `dest_dir`, named with the time, and check that the copy opens.

    Blocking (a file copy or a subprocess): the bot runs it in a thread."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        final = dest_dir / f"{PREFIX}{now.strftime(STAMP)}.sqlite3"
        work = final.with_suffix(".partial")
        _sqlite_copy(_sqlite_path(parsed), work)
        _verify_sqlite(work)
    else:
        final = dest_dir / f"{PREFIX}{now.strftime(STAMP)}.dump"
        work = final.with_suffix(".partial")
        _pg("pg_dump", parsed, "--format=custom", "--no-owner", f"--file={work}")
        _run(["pg_restore", "--list", str(work)], "pg_restore")
    work.replace(final)  # only a verified copy gets a backup's name
    return final


def restore(url: str, backup: Path, now: datetime) -> Path | None:
    """Put `backup` in place of the database; return where the replaced SQLite file was kept.

    The caller makes sure no bot is using the database and that staff confirmed."""
    if not backup.is_file():
        raise BackupError(f"Không tìm thấy tệp sao lưu {backup}.")
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _verify_sqlite(backup)
        target = _sqlite_path(parsed)
        kept = None
        if target.exists():
            kept = target.with_name(f"{target.name}.truoc-khoi-phuc-{now.strftime(STAMP)}")
            _sqlite_copy(target, kept)  # the replaced database, whole (WAL included)
        incoming = target.with_suffix(".restoring")
        shutil.copyfile(backup, incoming)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        incoming.replace(target)
        return kept
    if backup.suffix != ".dump":
        raise BackupError("Cơ sở dữ liệu PostgreSQL chỉ khôi phục được từ tệp .dump (pg_dump).")
    _pg("pg_restore", parsed, "--clean", "--if-exists", "--no-owner", str(backup))
    return None


def backup_files(dest_dir: Path) -> list[tuple[Path, datetime]]:
    """The backups in `dest_dir` this module made, oldest first (other files are left alone)."""
    if not dest_dir.is_dir():
        return []
    found = []
    for path in dest_dir.iterdir():
        match = _NAME.match(path.name)
        if match:
            found.append((path, datetime.strptime(match.group(1), STAMP)))
    return sorted(found, key=lambda item: item[1])


def to_prune(taken: Iterable[tuple[Path, datetime]], keep: Retention) -> list[Path]:
    """Which backups to delete: all but the newest of each of the last `keep.daily` days and of
    each of the `keep.weekly` ISO weeks before them."""
    newest_per_day: dict[date, Path] = {}
    for path, when in sorted(taken, key=lambda item: item[1]):
        newest_per_day[when.date()] = path
    days = sorted(newest_per_day, reverse=True)
    kept = {newest_per_day[day] for day in days[: keep.daily]}
    weeks: dict[tuple[int, int], Path] = {}
    for day in days[keep.daily :]:
        weeks.setdefault(day.isocalendar()[:2], newest_per_day[day])  # newest day first
    kept |= set(list(weeks.values())[: keep.weekly])
    return [path for path, _ in taken if path not in kept]


def prune(dest_dir: Path, keep: Retention) -> list[Path]:
    doomed = to_prune(backup_files(dest_dir), keep)
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def _sqlite_path(parsed: URL) -> Path:
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được.")
    return Path(parsed.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"Không tìm thấy cơ sở dữ liệu {source}.")
    target.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)  # all pages in one step: one read transaction, one instant
        # A copy is one self-contained file: no -wal/-shm beside it (the bot turns WAL back on).
        dst.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        raise BackupError(f"Không sao lưu được cơ sở dữ liệu: {exc}.") from exc
    finally:
        dst.close()
        src.close()


def _verify_sqlite(path: Path) -> None:
    """A backup is one that opens, passes SQLite's integrity check and has a schema revision."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (check,) = conn.execute("PRAGMA integrity_check").fetchone()
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupError(f"Tệp {path.name} không phải bản sao lưu dùng được ({exc}).") from exc
    if check != "ok" or revision is None:
        raise BackupError(f"Tệp {path.name} không phải bản sao lưu dùng được ({check}).")


def _pg(program: str, parsed: URL, *args: str) -> None:
    """Run pg_dump / pg_restore on the URL's database; the password goes by environment."""
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    target = parsed.set(drivername="postgresql", password=None)
    dsn = target.render_as_string(hide_password=False)
    _run([program, f"--dbname={dsn}", *args], program, env=env)


def _run(argv: list[str], program: str, env: dict[str, str] | None = None) -> None:
    if shutil.which(argv[0]) is None:
        raise BackupError(
            f"Chưa cài {program} (gói postgresql-client): apt-get install postgresql-client."
        )
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["không rõ lý do"])[-1]
        raise BackupError(f"{program} không thành công: {reason}")
