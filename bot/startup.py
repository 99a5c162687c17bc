"""Start-up checks that turn a misconfiguration into one line instead of a traceback, and the
lock that keeps a second bot off a SQLite file another bot is using.

A second process on the same file would, on start, release the notices the live process has
claimed for sending (scheduler/dispatcher.py), so both would send them: the lock is taken
before anything touches the database and held for the life of the process.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import TypeVar

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from telegram.error import InvalidToken, NetworkError

from channels.zalo import ZaloClient
from channels.zalo.errors import ZaloError, ZaloInvalidToken
from db.database import Database
from db.lock import BOT_APPLICATION_NAME, DatabaseInUse, hold, lock_path
from texts import startup as T

__all__ = [
    "StartupError",
    "listening",
    "open_database",
    "single_process",
    "telegram_step",
    "zalo_step",
]

log = logging.getLogger(__name__)
TELEGRAM_KEY = "telegram.token / SLL_TELEGRAM_TOKEN"

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
        lock = lock_path(database_url)
        held = hold(database_url)
    except ArgumentError as exc:
        raise StartupError(
            T.BAD_DATABASE_URL.format(url=safe_url(database_url), reason=_reason(exc))
        ) from None
    except DatabaseInUse as exc:
        raise StartupError(T.ALREADY_RUNNING.format(path=exc.path, lock=exc.lock)) from None
    except OSError as exc:
        raise StartupError(T.LOCK_FAILED.format(lock=lock, reason=_reason(exc))) from None
    try:
        yield
    finally:
        held.release()


@asynccontextmanager
async def open_database(url: str) -> AsyncIterator[Database]:
    """The migrated database, or one line saying why it cannot be opened."""
    try:
        db = Database(url, application_name=BOT_APPLICATION_NAME)
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


async def telegram_step(
    step: Callable[[], Awaitable[R]], api_url: str, token: str, token_key: str = TELEGRAM_KEY
) -> R:
    """Run one call to Telegram during start-up, naming a refused token (and the setting that
    holds it) or an unreachable API (the token, part of every request's URL, is cut out of
    the reason)."""
    try:
        return await step()
    except InvalidToken:
        raise StartupError(T.TELEGRAM_TOKEN_REFUSED.format(key=token_key)) from None
    except NetworkError as exc:  # TimedOut is one too
        reason = _reason(exc.__cause__ or exc)
        reason = reason.replace(token, "…") if token else reason
        raise StartupError(T.TELEGRAM_UNREACHABLE.format(url=api_url, reason=reason)) from None


async def zalo_step(client: ZaloClient, token_key: str) -> None:
    """Ask Zalo who the bot is before serving: a refused token stops start-up (it would be
    refused for ever), but Zalo being unreachable does not (an outage of Zalo must not keep
    the Telegram side from serving; the adapter retries)."""
    try:
        await client.get_me()
    except ZaloInvalidToken:
        raise StartupError(T.ZALO_TOKEN_REFUSED.format(key=token_key)) from None
    except ZaloError as exc:
        log.warning("zalo: getMe failed at start-up (%s); serving Telegram meanwhile", exc)


@contextmanager
def listening(what: str, address: str, port_key: str) -> Iterator[None]:
    """A listener that cannot bind its port stops start-up with one line, not a traceback."""
    try:
        yield
    except OSError as exc:
        raise StartupError(
            T.PORT_IN_USE.format(what=what, address=address, reason=_reason(exc), key=port_key)
        ) from None
