"""Engine and session factory for SQLite (embedded default) and PostgreSQL (asyncpg)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from db import sqlite_inline

__all__ = ["create_engine", "is_sqlite", "make_sessionmaker"]

SQLITE_POOL_SIZE = 1
SQLITE_POOL_TIMEOUT = 120  # seconds a unit of work may wait for the connection under a burst


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, *, application_name: str = "", **kwargs: Any) -> AsyncEngine:
    """Create the engine; on SQLite also create the folder and turn on WAL and foreign keys.

    Statement parameters are never put into error messages: a failed write would otherwise
    carry a learner's name, phone or question text into the log (DESIGN §5).
    """
    kwargs.setdefault("hide_parameters", True)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # One connection, so the bot's transactions queue in asyncio rather than in SQLite's
        # busy handler, whose sleeps turned a burst of 500 check-ins into seconds of waiting.
        # SQLite has one writer anyway, and every transaction here is short (no network I/O
        # inside a unit of work).
        kwargs.setdefault("pool_size", SQLITE_POOL_SIZE)
        kwargs.setdefault("max_overflow", 0)
        kwargs.setdefault("pool_timeout", SQLITE_POOL_TIMEOUT)
        # Statements run in the loop's thread; only lock waits go to a thread (sqlite_inline).
        kwargs.setdefault("connect_args", {}).setdefault("async_creator_fn", sqlite_inline.connect)
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if application_name:  # shown in pg_stat_activity: a restore sees a running bot (db/lock.py)
        settings = kwargs.setdefault("connect_args", {}).setdefault("server_settings", {})
        settings["application_name"] = application_name
    return create_async_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers (staff reports) run while the sender writes; foreign keys are off in
    # SQLite unless asked for on every connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
