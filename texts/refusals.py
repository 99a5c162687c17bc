"""How every refusal is worded: one table, keyed by `Reason` values.

Each feature keeps its own wording in its texts module as ``REFUSALS`` (``{reason value:
text}``) and is listed here once; `say` is the one function that turns a `Refused` into words,
for chat, the CLI and the web alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

__all__ = ["REFUSALS", "say"]


class _Refusal(Protocol):  # read-only: a `Refused` (reason: a StrEnum member) satisfies it
    @property
    def reason(self) -> str: ...
    @property
    def details(self) -> Mapping[str, Any]: ...


def _all() -> dict[str, str]:
    table: dict[str, str] = {}
    for module in ():  # each feature's texts module with a REFUSALS table is listed here
        table.update(module.REFUSALS)
    return table


REFUSALS: dict[str, str] = _all()


def say(refused: _Refusal) -> str:
    """The refusal in words; its details fill the placeholders."""
    return REFUSALS[str(refused.reason)].format(**refused.details)
