"""One person's updates handled in order while many people's run at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

__all__ = ["PerPersonOrder"]


class PerPersonOrder:
    """A lock per person with updates in flight, dropped when their last one is done, so the
    table does not grow with every person who ever wrote. asyncio locks are FIFO: a code
    followed at once by "1" is handled in that order."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}

    @asynccontextmanager
    async def turn(self, person: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(person, asyncio.Lock())
        self._waiting[person] = self._waiting.get(person, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._waiting[person] -= 1
            if not self._waiting[person]:
                del self._waiting[person], self._locks[person]

    def __len__(self) -> int:
        return len(self._locks)
