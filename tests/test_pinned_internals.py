"""The private library internals this code leans on are still there, shaped as we use them.

pyproject.toml caps python-telegram-bot and aiosqlite at the releases these were read from. When
someone lifts a cap (and re-pins requirements.lock with `./dev lock`), this file says at once,
by name, which internal moved, instead of a notice silently failing to send or SQLite calls
going back to the worker thread. The behaviour itself is tested in test_sender.py and
test_sqlite_inline.py.
"""

from __future__ import annotations

import inspect
import sqlite3

import aiosqlite
from telegram import Bot

from db.sqlite_inline import InlineConnection


def test_ptb_bot_post_takes_an_endpoint_and_a_data_dict() -> None:
    """channels/telegram_sender.py sends text with `await bot._post("sendMessage", data)`."""
    post = getattr(Bot, "_post", None)
    assert post is not None, "telegram.Bot._post is gone: see channels/telegram_sender.py"
    assert inspect.iscoroutinefunction(post), "telegram.Bot._post is no longer a coroutine"
    params = list(inspect.signature(post).parameters)
    assert params[:3] == ["self", "endpoint", "data"], (
        f"telegram.Bot._post's parameters changed to {params}: see channels/telegram_sender.py"
    )


def test_aiosqlite_connection_internals_used_by_the_inline_connection() -> None:
    """db/sqlite_inline.py overrides `_execute` and reads `_running`, `_connection`, `_conn`
    and `_thread`, and builds the connection from a connector and `iter_chunk_size`."""
    execute = getattr(aiosqlite.Connection, "_execute", None)
    assert execute is not None and inspect.iscoroutinefunction(execute), (
        "aiosqlite.Connection._execute is gone or no longer a coroutine: see db/sqlite_inline.py"
    )
    assert list(inspect.signature(execute).parameters)[:2] == ["self", "fn"]
    init = list(inspect.signature(aiosqlite.Connection.__init__).parameters)
    assert init[:3] == ["self", "connector", "iter_chunk_size"], (
        f"aiosqlite.Connection's constructor changed to {init}: see db/sqlite_inline.py"
    )
    connection = InlineConnection(lambda: sqlite3.connect(":memory:"), iter_chunk_size=64)
    for name in ("_running", "_connection", "_thread"):
        assert hasattr(connection, name), f"aiosqlite.Connection.{name} is gone"
    assert isinstance(inspect.getattr_static(aiosqlite.Connection, "_conn"), property), (
        "aiosqlite.Connection._conn is no longer a property: see db/sqlite_inline.py"
    )
