"""Start-up checks that turn a misconfiguration into one line instead of a traceback, and the
lock that keeps a second bot off a SQLite file another bot is using.

A second process on the same file would, on start, release the notices the live process has
claimed for sending (scheduler/dispatcher.py), so both would send them: the lock is taken
before anything touches the database and held for the life of the process.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from telegram.error import InvalidToken, NetworkError

from db.database import Database
from db.engine import is_sqlite
from texts import startup as T

__all__ = ["StartupError", "open_database", "single_process", "telegram_step"]

R = TypeVar("R")


class StartupError(Exception):
    """The bot cannot start; the message is the one line to show (Vietnamese, no secrets)."""


def safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url[:80]


def _reason(exc: BaseException) -> str:
    """The cause in a few words: the OS's reason for a socket or file, else the first line."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    cause = exc.orig if hasattr(exc, "orig") and exc.orig is not None else exc  # DBAPIError
    text = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    return text[:200]


@contextmanager
def single_process(database_url: str) -> Iterator[None]:
    """Hold an exclusive lock on `<db>.lock` beside a SQLite file while the bot runs."""
    try:
        sqlite = is_sqlite(database_url)
    except ArgumentError as exc:
        raise StartupError(
            T.BAD_DATABASE_URL.format(url=safe_url(database_url), reason=_reason(exc))
        ) from None
    if not sqlite:
        yield  # PostgreSQL: several workers share the outbox with SKIP LOCKED
        return
    database = make_url(database_url).database
    if not database or database == ":memory:":
        yield
        return
    path = Path(database).resolve()
    lock = path.with_name(path.name + ".lock")
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise StartupError(T.LOCK_FAILED.format(lock=lock, reason=_reason(exc))) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StartupError(T.ALREADY_RUNNING.format(path=path, lock=lock)) from None
        yield  # the lock goes with the process, even if it is killed
    finally:
        os.close(fd)


@asynccontextmanager
async def open_database(url: str) -> AsyncIterator[Database]:
    """The migrated database, or one line saying why it cannot be opened."""
    try:
        db = Database(url)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        reason = _reason(exc)
        raise StartupError(T.BAD_DATABASE_URL.format(url=safe_url(url), reason=reason)) from None
    try:
        try:
            await db.migrate()
        except Exception as exc:  # any driver's refusal: connection, auth, missing database
            raise StartupError(
                T.DATABASE_UNREACHABLE.format(url=safe_url(url), reason=_reason(exc))
            ) from None
        yield db
    finally:
        await db.dispose()


async def telegram_step(step: Callable[[], Awaitable[R]], api_url: str, token: str) -> R:
    """Run one call to Telegram during start-up, naming a refused token or an unreachable API
    (the token, part of every request's URL, is cut out of the reason)."""
    try:
        return await step()
    except InvalidToken:
        raise StartupError(T.TELEGRAM_TOKEN_REFUSED) from None
    except NetworkError as exc:  # TimedOut is one too
        reason = _reason(exc.__cause__ or exc)
        reason = reason.replace(token, "…") if token else reason
        raise StartupError(T.TELEGRAM_UNREACHABLE.format(url=api_url, reason=reason)) from None
