"""Keeping a bot inside its platform's flood limits while sending as close to them as it can.

Telegram allows about 30 messages a second per bot, 1 a second per private chat and 20 a
minute per group; going over earns a 429 with ``retry_after``. The limiter counts its calls
in a sliding window measured from their answers (so network jitter cannot make the server
see more than the limit in any second), spaces them so they do not arrive in bursts, keeps
each chat's own pace (one call at a time per chat, the next one a second after the answer),
and lets a sender pause a chat, or the whole bot, when the platform asks for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable

__all__ = ["DEFAULT_MARGIN", "RateLimiter"]

# The window is this much longer than the server's, for clocks and rounding.
DEFAULT_MARGIN = 0.01
# Calls are at least this fraction of the average interval apart (no bursts).
MIN_GAP = 0.7
# How often to look again while the window is full of calls not yet answered.
IN_FLIGHT_POLL = 0.005
# 429s from this many different chats within a second mean the bot, not a chat, is over.
BOT_WIDE_429S = 3
PRUNE_AT = 20_000


class _Call:
    """One call in the overall window; `done` is when its answer came (inf: in flight)."""

    __slots__ = ("done",)

    def __init__(self) -> None:
        self.done = math.inf


class RateLimiter:
    """Per bot: a sliding window overall, plus a pace per chat. ``per_second=0`` lifts the overall
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
        self._limit = max(1, math.floor(per_second)) if per_second > 0 else 0
        self._span = self._limit / per_second * stretch if per_second > 0 else 0.0
        self._min_gap = MIN_GAP / per_second if per_second > 0 else 0.0
        self._window: deque[_Call] = deque()
        self._last = -math.inf
        self._paused_until = 0.0
        self._chat_gap = stretch / per_chat_per_second if per_chat_per_second > 0 else 0.0
        self._group_gap = stretch * 60 / per_group_per_minute if per_group_per_minute > 0 else 0.0
        self._clock = clock
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
            call = await self._take_global() if self._limit else None
            try:
                yield
            finally:
                if call is not None:
                    call.done = self._clock()
                self._chat_next[chat_id] = max(
                    self._chat_next.get(chat_id, 0.0), self._clock() + gap
                )
        if len(self._chat_locks) > PRUNE_AT:
            self._prune()

    async def _take_global(self) -> _Call:
        """First come, first served: a call may start while fewer than `limit` calls are in
        flight or were answered within the last `span` seconds. Counting from the answers
        (which come after the server saw each call) makes this safe whatever the network
        jitter: no server window of one second can see `limit + 1` calls. Calls are also
        spaced `min_gap` apart so they do not arrive in bursts."""
        async with self._lock:
            while True:
                now = self._clock()
                horizon = now - self._span
                self._window = deque(c for c in self._window if c.done > horizon)
                wait = max(self._last + self._min_gap, self._paused_until) - now
                if len(self._window) >= self._limit:
                    answered = sorted(c.done for c in self._window if c.done != math.inf)
                    need = len(self._window) - self._limit + 1
                    free_at = answered[need - 1] + self._span if len(answered) >= need else None
                    wait = max(wait, free_at - now if free_at is not None else IN_FLIGHT_POLL)
                if wait <= 0:
                    break
                self.waited += wait
                await asyncio.sleep(wait)
            call = _Call()
            self._window.append(call)
            self._last = now
            return call

    def pause_chat(self, chat_id: str, seconds: float) -> None:
        now = self._clock()
        self._chat_next[chat_id] = max(self._chat_next.get(chat_id, 0.0), now + seconds)
        self._recent_429.append((now, chat_id))
        while self._recent_429 and self._recent_429[0][0] < now - 1.0:
            self._recent_429.popleft()
        if len({c for _, c in self._recent_429}) >= BOT_WIDE_429S:
            self.pause_all(seconds)

    def pause_all(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    def _prune(self) -> None:
        now = self._clock()
        self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
        self._chat_locks = {c: k for c, k in self._chat_locks.items() if k.locked()}
