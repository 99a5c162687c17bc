"""SQLite statements run in the event loop; a write that must wait for another process's lock
(the staff CLI) waits on a worker thread, so the bot keeps answering meanwhile."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from db import sqlite_inline
from db.database import Database
from db.models import Centre
from usecases import identity

# A loop that waited on the lock itself would stall for SQLite's busy timeout (seconds); a
# loop that runs on stalls for milliseconds, however loaded the machine.
BLOCKED_LOOP_SECONDS = 2.0
INSERT_CENTRE = "INSERT INTO centres (name, created_at) VALUES (?, '2024-03-03 11:00:00')"


@pytest.fixture
def other_process(sqlite_db: Database) -> Iterator[sqlite3.Connection]:
    """A second connection to the same file, as the staff CLI would hold."""
    path = sqlite_db.engine.url.database
    assert path is not None
    connection = sqlite3.connect(path, isolation_level=None)
    yield connection
    connection.close()


async def centres(db: Database) -> list[str]:
    async with db.uow() as uow:
        return list(await uow.session.scalars(select(Centre.name).order_by(Centre.name)))


async def test_a_write_waits_for_another_writer_while_the_loop_runs_on(
    sqlite_db: Database, other_process: sqlite3.Connection
) -> None:
    await centres(sqlite_db)  # the bot's connection is open before the other writer starts
    other_process.execute("BEGIN IMMEDIATE")
    other_process.execute(INSERT_CENTRE, ("Trung tâm A",))
    write = asyncio.create_task(identity.ensure_centre(sqlite_db.uow(), "Trung tâm B"))
    longest_stall = 0.0
    for _ in range(20):  # the loop keeps turning while the write waits for the lock
        before = time.monotonic()
        await asyncio.sleep(0.01)
        longest_stall = max(longest_stall, time.monotonic() - before)
    assert not write.done()
    assert longest_stall < BLOCKED_LOOP_SECONDS
    other_process.execute("COMMIT")
    await asyncio.wait_for(write, timeout=10)
    assert await centres(sqlite_db) == ["Trung tâm A", "Trung tâm B"]


async def test_reads_do_not_wait_for_another_writer(
    sqlite_db: Database, other_process: sqlite3.Connection
) -> None:
    await identity.ensure_centre(sqlite_db.uow(), "Trung tâm A")
    other_process.execute("BEGIN IMMEDIATE")
    other_process.execute(INSERT_CENTRE, ("Trung tâm B",))
    try:  # WAL: the committed state, at once
        assert await asyncio.wait_for(centres(sqlite_db), timeout=2) == ["Trung tâm A"]
    finally:
        other_process.execute("ROLLBACK")


async def test_a_write_gives_up_after_the_busy_timeout(
    sqlite_db: Database, other_process: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_inline, "BUSY_TIMEOUT_MS", 200)
    other_process.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(OperationalError, match="locked"):
            await identity.ensure_centre(sqlite_db.uow(), "Trung tâm B")
    finally:
        other_process.execute("ROLLBACK")
    # The connection is usable again, back in the loop with no busy timeout.
    await identity.ensure_centre(sqlite_db.uow(), "Trung tâm B")
    assert await centres(sqlite_db) == ["Trung tâm B"]


async def test_a_write_cancelled_while_it_waits_leaves_the_connection_usable(
    sqlite_db: Database, other_process: sqlite3.Connection
) -> None:
    """The bot stopping, or a timeout, cancels a write that waits on the worker thread; the
    connection's next calls wait their turn behind it instead of racing it."""
    await centres(sqlite_db)
    other_process.execute("BEGIN IMMEDIATE")
    write = asyncio.create_task(identity.ensure_centre(sqlite_db.uow(), "Trung tâm B"))
    await asyncio.sleep(0.1)
    write.cancel()
    other_process.execute("ROLLBACK")
    with pytest.raises(asyncio.CancelledError):
        await write  # its rollback waited behind the call still on the thread
    await identity.ensure_centre(sqlite_db.uow(), "Trung tâm C")
    assert await centres(sqlite_db) == ["Trung tâm C"]


async def test_other_errors_are_raised_at_once(sqlite_db: Database) -> None:
    await identity.ensure_centre(sqlite_db.uow(), "Trung tâm A")
    async with sqlite_db.uow() as uow:
        uow.session.add(Centre(name="Trung tâm A"))  # the name is unique
        with pytest.raises(Exception, match="UNIQUE"):
            await uow.commit()
