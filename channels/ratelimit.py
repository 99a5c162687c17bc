"""Keeping a bot inside its platform's flood limits while sending as close to them as it can.

Telegram allows about 30 messages a second per bot, 1 a second per private chat and 20 a
minute per group; going over earns a 429 with ``retry_after``. The limiter spaces sends
evenly (a burst of 30 concurrent requests would reach the server with jitter and trip its
sliding window) with a small safety margin, keeps each chat's own pace, and lets a sender
pause a chat, or the whole bot, when the platform asks for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator, Callable

__all__ = ["DEFAULT_MARGIN", "RateLimiter"]

# Send at (1 - margin) of the limit: requests reach the server with a few ms of jitter.
DEFAULT_MARGIN = 0.025
# 429s from this many different chats within a second mean the bot, not a chat, is over.
BOT_WIDE_429S = 3
PRUNE_AT = 20_000


class RateLimiter:
    """Per bot: even spacing overall, plus a pace per chat. ``per_second=0`` lifts the overall
    limit (a paid broadcast bot, or a benchmark of the bot's own bookkeeping)."""

    def __init__(
        self,
        *,
        per_second: float,
        per_chat_per_second: float = 1.0,
        per_group_per_minute: float = 20.0,
        margin: float = DEFAULT_MARGIN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        stretch = 1 + margin
        self._interval = stretch / per_second if per_second > 0 else 0.0
        self._chat_gap = stretch / per_chat_per_second if per_chat_per_second > 0 else 0.0
        self._group_gap = stretch * 60 / per_group_per_minute if per_group_per_minute > 0 else 0.0
        self._clock = clock
        self._next_global = 0.0
        self._chat_next: dict[str, float] = {}
        self._chat_locks: dict[str, asyncio.Lock] = {}
        self._lock = asyncio.Lock()
        self._recent_429: deque[tuple[float, str]] = deque()
        self.waited = 0.0  # seconds spent waiting, for benchmarks

    @contextlib.asynccontextmanager
    async def slot(self, chat_id: str, *, is_group: bool = False) -> AsyncIterator[None]:
        """Wait for one call to `chat_id`, make it inside the block. A chat has one call at a
        time, and its next turn counts from the answer (which comes after the server saw the
        call), so network jitter cannot squeeze two calls closer than the chat's limit."""
        gap = self._group_gap if is_group else self._chat_gap
        lock = self._chat_locks.get(chat_id)
        if lock is None:
            lock = self._chat_locks[chat_id] = asyncio.Lock()
        async with lock:
            while True:
                wait = self._chat_next.get(chat_id, 0.0) - self._clock()
                if wait <= 0:
                    break
                self.waited += wait
                await asyncio.sleep(wait)
            if self._interval:
                async with self._lock:  # first come, first served, evenly spaced
                    now = self._clock()
                    wait = self._next_global - now
                    if wait > 0:
                        self.waited += wait
                        await asyncio.sleep(wait)
                        now = self._clock()
                    self._next_global = max(now, self._next_global) + self._interval
            try:
                yield
            finally:
                self._chat_next[chat_id] = max(
                    self._chat_next.get(chat_id, 0.0), self._clock() + gap
                )
        if len(self._chat_locks) > PRUNE_AT:
            self._prune()

    def pause_chat(self, chat_id: str, seconds: float) -> None:
        now = self._clock()
        self._chat_next[chat_id] = max(self._chat_next.get(chat_id, 0.0), now + seconds)
        self._recent_429.append((now, chat_id))
        while self._recent_429 and self._recent_429[0][0] < now - 1.0:
            self._recent_429.popleft()
        if len({c for _, c in self._recent_429}) >= BOT_WIDE_429S:
            self.pause_all(seconds)

    def pause_all(self, seconds: float) -> None:
        self._next_global = max(self._next_global, self._clock() + seconds)

    def _prune(self) -> None:
        now = self._clock()
        self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
        self._chat_locks = {c: k for c, k in self._chat_locks.items() if k.locked()}
