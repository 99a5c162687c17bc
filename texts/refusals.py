"""How every refusal is worded: one table, keyed by `Reason` values.

Each feature keeps its own wording in its texts module as ``REFUSALS`` (``{reason value:
text}``) and is listed here once; `say` is the one function that turns a `Refused` into words,
for chat, the CLI and the web alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from importlib import import_module
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from vn.dates import format_when

__all__ = ["REFUSALS", "say"]


class _Refusal(Protocol):
    # Read-only, so a `Refused` (whose reason is a `Reason`, a str) fits.
    @property
    def reason(self) -> str: ...

    @property
    def details(self) -> Mapping[str, Any]: ...


# Every feature whose texts module has a REFUSALS table, once.
FEATURES = (
    "attendance",
    "classes",
    "leave",
    "lecturers",
    "linking",
    "notices",
    "province",
    "questions",
    "results",
    "stats",
    "survey",
    "units",
    "web",
)


def _all() -> dict[str, str]:
    table: dict[str, str] = {}
    for name in FEATURES:
        table.update(import_module(f"texts.{name}").REFUSALS)
    return table


REFUSALS: dict[str, str] = _all()


def say(refused: _Refusal, tz: ZoneInfo | None = None) -> str:
    """The refusal in words; its details fill the placeholders. With the centre's `tz`, a
    detail that can `describe(tz)` itself (a session, a time of day) or a moment is put in the
    centre's time as people read it."""
    details = refused.details
    if tz is not None:
        details = {k: _word(v, tz) for k, v in details.items()}
    return REFUSALS[str(refused.reason)].format(**details)


def _word(value: object, tz: ZoneInfo) -> object:
    describe = getattr(value, "describe", None)
    if callable(describe):
        return describe(tz)
    if isinstance(value, datetime):
        return format_when(value.astimezone(tz))
    return value
