"""Time as a dependency, so rules about windows and due times are tested without sleeping."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "FixedClock", "OffsetClock", "SystemClock", "clock_from_env"]


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that moves only when told to (unit tests)."""

    def __init__(self, start: datetime) -> None:
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when.astimezone(UTC)

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now


class OffsetClock:
    """Real time, shifted to start at a chosen moment (the demo and end-to-end tests use it to
    live inside the sample class's dates)."""

    def __init__(self, start: datetime) -> None:
        self._offset = start.astimezone(UTC) - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset


def clock_from_env(environ: Mapping[str, str] = os.environ) -> Clock:
    """The bot's and the CLI's clock: SLL_FAKE_NOW=2024-03-03T18:00+07:00 lets demos and tests
    live inside the sample's dates (time then runs on from there)."""
    start = environ.get("SLL_FAKE_NOW")
    return OffsetClock(datetime.fromisoformat(start)) if start else SystemClock()
