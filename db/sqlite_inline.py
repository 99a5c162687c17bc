"""SQLite calls run in the event loop's own thread; only waiting for a lock leaves it.

aiosqlite runs every call (open a cursor, execute, fetch, close, commit) on a worker thread and
hands the result back through the event loop. A check-in makes some thirty such calls, and under
a burst each one waits for its turn in a busy loop while the bot's one SQLite connection stays
held, so the connection, not SQLite, set the pace (bench.checkin_burst: p99 2.0 s; 0.6 s inline).
A statement on a local SQLite file takes microseconds, so it runs in place.

The one call that can take long is one that waits for another process's write lock (the staff
CLI importing a roster). The connection's busy timeout is therefore 0 in the loop: such a call
fails at once, and is retried on aiosqlite's worker thread with the real timeout, so the bot goes
on answering while it waits.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import partial
from typing import Any

import aiosqlite

__all__ = ["BUSY_TIMEOUT_MS", "InlineConnection", "connect"]

# How long a write waits for another process's lock (off the event loop) before failing.
BUSY_TIMEOUT_MS = 15_000


class InlineConnection(aiosqlite.Connection):
    # Calls on the worker thread not yet finished. While there is one, every later call queues
    # behind it on that thread: a task cancelled while it waits (shutdown, a timeout) must not
    # let the next call (SQLAlchemy closing the connection) use it from two threads at once.
    _in_thread = 0

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        # aiosqlite leaves Connection._execute unannotated.
        if self._in_thread:
            return await super()._execute(fn, *args, **kwargs)  # type: ignore[no-untyped-call]
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        try:
            return fn(*args, **kwargs)
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                raise
        self._in_thread += 1
        return await super()._execute(  # type: ignore[no-untyped-call]
            self._waiting, partial(fn, *args, **kwargs)
        )

    def _waiting(self, call: Callable[[], Any]) -> Any:
        """On the worker thread: the same call, with SQLite's busy handler allowed to wait."""
        connection = self._conn
        connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        try:
            return call()
        finally:
            connection.execute("PRAGMA busy_timeout=0")
            self._in_thread -= 1


def connect(database: str, **kwargs: Any) -> InlineConnection:
    """Like `aiosqlite.connect`, for SQLAlchemy's `async_creator_fn` connect argument."""
    kwargs.update(check_same_thread=False, timeout=0)  # used from two threads, one at a time

    def connector() -> sqlite3.Connection:
        connection: sqlite3.Connection = sqlite3.connect(database, **kwargs)
        return connection

    connection = InlineConnection(connector, iter_chunk_size=64)
    connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own connections
    return connection
