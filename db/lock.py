"""Who else is using this database: one bot per SQLite file, and no restore under a live bot.

SQLite: an exclusive `flock` on `<database>.lock` beside the file, held for a process's life
(the kernel lets it go when the process dies, even by SIGKILL). PostgreSQL: several bots may
share one database (SKIP LOCKED); each names itself in `application_name`, so a restore can see
them in pg_stat_activity.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from db.engine import create_engine, is_sqlite

__all__ = [
    "BOT_APPLICATION_NAME",
    "DatabaseInUse",
    "Held",
    "bots_connected",
    "exclusive",
    "hold",
    "lock_path",
]

BOT_APPLICATION_NAME = "so-lien-lac-bot"


class DatabaseInUse(Exception):
    """Another process holds the database's lock."""

    def __init__(self, path: Path, lock: Path) -> None:
        super().__init__(str(path))
        self.path, self.lock = path, lock


def lock_path(database_url: str) -> Path | None:
    """The lock file of a SQLite database file; None for PostgreSQL or an in-memory database."""
    if not is_sqlite(database_url):
        return None
    database = make_url(database_url).database
    if not database or database == ":memory:":
        return None
    path = Path(database).resolve()
    return path.with_name(path.name + ".lock")


class Held:
    """A lock this process holds until `release()` (or until it exits)."""

    def __init__(self, fd: int | None) -> None:
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def hold(database_url: str) -> Held:
    """Take the SQLite file's lock, or raise DatabaseInUse at once; nothing to take on
    PostgreSQL. OSError (a folder that cannot be written) is the caller's to report."""
    lock = lock_path(database_url)
    if lock is None:
        return Held(None)
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise DatabaseInUse(lock.with_name(lock.name.removesuffix(".lock")), lock) from None
    return Held(fd)  # the kernel lets it go with the process, even if it is killed


@contextmanager
def exclusive(database_url: str) -> Iterator[None]:
    held = hold(database_url)
    try:
        yield
    finally:
        held.release()


async def bots_connected(database_url: str) -> int:
    """How many bot connections PostgreSQL shows on this database (0 on SQLite: use the lock)."""
    if is_sqlite(database_url):
        return 0
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            found = await conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND application_name = :name"
                ),
                {"name": BOT_APPLICATION_NAME},
            )
    finally:
        await engine.dispose()
    return int(found or 0)
