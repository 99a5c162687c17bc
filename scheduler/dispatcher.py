"""The dispatcher: takes due notices from the outbox and hands them to the channel senders.

One loop claims batches (`usecases.delivery.claim_due`), a pool of workers sends them under
each channel's rate limiter, and a recorder writes the outcomes back in batches, so the
database bookkeeping keeps up with a thousand messages a second on SQLite. The loop sleeps
until the next due time (it tells the scheduler when that is) or a wake-up, whichever comes
first; nothing it holds in memory matters after a crash, because every claim is a lease in
the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import zip_longest
from typing import Protocol

from db.database import Database
from texts import notices as T
from usecases import delivery as D
from usecases.clock import Clock
from usecases.messages import Choice, Document, choices_from_json
from usecases.settings import Settings

__all__ = ["Job", "NoticeDispatcher", "Sender", "SenderKey", "interleave", "merge"]

log = logging.getLogger(__name__)

WORKERS = 32
RECORD_RETRY_SECONDS = 1.0
# Another process (the staff CLI) may write due notices; a cheap indexed look this often.
IDLE_POLL_SECONDS = 2.0


# A sender serves one centre's bot on a channel, `(centre_id, channel)`, or, keyed by the
# channel alone, every centre (tests and benchmarks with one bot).
SenderKey = str | tuple[int, str]


class Sender(Protocol):
    @property
    def channel(self) -> str:
        """The channel it sends on (a `Channel` value)."""
        ...

    async def send(
        self,
        chat_id: str,
        text: str,
        choices: tuple[tuple[Choice, ...], ...] = (),
        document: Document | None = None,
    ) -> D.SendResult: ...


@dataclass(frozen=True)
class Job:
    """One message to one person: one notice, or several merged."""

    rows: tuple[D.Due, ...]
    text: str

    @property
    def first(self) -> D.Due:
        return self.rows[0]


def merge(due: Sequence[D.Due], window_seconds: float) -> list[Job]:
    """Group each person's notices due within the window into one message; a notice with a
    file or buttons goes alone (its buttons belong to its own text)."""
    jobs: list[Job] = []
    by_person: dict[tuple[int, int | None], list[D.Due]] = {}
    for d in due:
        if d.attachment_id is not None or d.choices or window_seconds <= 0:
            jobs.append(Job((d,), d.text))
        else:
            by_person.setdefault((d.person_id, d.account_id), []).append(d)
    for rows in by_person.values():
        rows.sort(key=lambda d: (d.due_at, d.id))
        group: list[D.Due] = []
        for d in rows:
            if group and (d.due_at - group[0].due_at).total_seconds() > window_seconds:
                jobs.append(_job(group))
                group = []
            group.append(d)
        jobs.append(_job(group))
    jobs.sort(key=lambda j: (j.first.due_at, j.first.id))
    return jobs


def interleave(jobs: Sequence[Job]) -> list[Job]:
    """Take the centres' jobs in turn, each centre's in order: the workers then wait on every
    centre's bot at once, not on one centre's budget while another's stands idle."""
    by_centre: dict[int, list[Job]] = {}
    for job in jobs:
        targets = job.first.targets
        by_centre.setdefault(targets[0].centre_id if targets else 0, []).append(job)
    turns = zip_longest(*by_centre.values())
    return [job for turn in turns for job in turn if job is not None]


def _job(rows: list[D.Due]) -> Job:
    return Job(tuple(rows), T.MERGE_SEPARATOR.join(d.text for d in rows))


class NoticeDispatcher:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: Settings,
        senders: Mapping[SenderKey, Sender],
        *,
        workers: int = WORKERS,
        batch: int = D.CLAIM_BATCH,
        on_next_due: Callable[[datetime], None] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.senders = dict(senders)
        # Each centre's bot sends at its own pace: claims take a share of every centre's due
        # notices (one sender for all centres: no need).
        keys = self.senders.keys()
        self.centre_ids: tuple[int, ...] = ()
        if keys and all(isinstance(k, tuple) for k in keys):
            self.centre_ids = tuple(sorted({k[0] for k in keys if isinstance(k, tuple)}))
        self.workers = workers
        self.batch = batch
        self.max_in_flight = 2 * batch
        self.on_next_due = on_next_due
        self.sent = 0  # messages the platforms accepted, for logs and benchmarks
        # Told of every send's channel and result (the wiring counts them for /metrics).
        self.on_result: Callable[[str, D.SendResult], None] = lambda _channel, _result: None
        self._queue: asyncio.Queue[Job] = asyncio.Queue()
        self._in_flight: set[int] = set()  # claimed row ids not yet sent
        self._outcomes: list[D.Outcome] = []
        self._outcome_ready = asyncio.Event()
        self._flush_lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._room = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False

    # -- control --------------------------------------------------------------------------

    def wake(self) -> None:
        """Look at the outbox now (the scheduler's wake-up, or a use case that just wrote)."""
        self._wake.set()

    async def start(self, *, loop: bool = True) -> None:
        """Start the workers and the recorder, and (unless a test pumps by hand) the loop."""
        if self.db.is_sqlite:
            # SQLite has one sender process: claims left by its previous life (killed
            # mid-send) are released now instead of waiting for their leases to run out.
            released = await D.release_claims(self.db.uow())
            if released:
                log.info("released %d notices claimed before a restart", released)
        self._stopping = False
        self._tasks = [
            *(
                asyncio.create_task(self._worker(), name=f"notice-worker-{i}")
                for i in range(self.workers)
            ),
            asyncio.create_task(self._recorder(), name="notice-recorder"),
        ]
        if loop:
            self._tasks.append(asyncio.create_task(self._loop(), name="notice-loop"))

    async def stop(self) -> None:
        """Stop sending, write what was sent, give back what was claimed but not sent."""
        self._stopping = True
        self._wake.set()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        await self._flush()
        if self._in_flight:
            await D.release_claims(self.db.uow(), sorted(self._in_flight))
            self._in_flight.clear()

    async def run_until_idle(self) -> None:
        """Send everything due now and wait for it to be recorded (tests drive the clock)."""
        while True:
            claimed = await self.pump()
            await self._queue.join()
            await self._flush()
            if not claimed:
                return

    # -- the loop -------------------------------------------------------------------------

    async def pump(self) -> int:
        """Claim one batch of due notices and queue it for the workers; returns the count."""
        limit = min(self.batch, self.max_in_flight - len(self._in_flight))
        if limit <= 0:
            return 0
        due = await D.claim_due(
            self.db.uow(), settings=self.settings, now=self.clock.now(), limit=limit,
            centre_ids=self.centre_ids,
        )  # fmt: skip
        if not due:
            return 0
        self._in_flight.update(d.id for d in due)
        for job in interleave(merge(due, self.settings.notices.merge_window_seconds)):
            self._queue.put_nowait(job)
        return len(due)

    async def _loop(self) -> None:
        tick = float(self.settings.notices.safety_tick_seconds)
        while not self._stopping:
            try:
                while len(self._in_flight) > self.max_in_flight // 2:
                    self._room.clear()
                    await self._room.wait()
                claimed = await self.pump()
                if claimed:
                    continue
                timeout = min(tick, IDLE_POLL_SECONDS)
                upcoming = await D.next_wake(self.db.uow())
                if upcoming is not None:
                    delay = (upcoming - self.clock.now()).total_seconds()
                    timeout = min(tick, max(delay, 0.05))
                    if self.on_next_due is not None and delay > 0:
                        self.on_next_due(upcoming)
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox loop failed; retrying")
                await asyncio.sleep(RECORD_RETRY_SECONDS)

    async def _worker(self) -> None:
        while True:
            job = await self._queue.get()
            try:
                outcomes = await self._send(job)
            except asyncio.CancelledError:
                self._queue.task_done()
                raise
            except Exception as exc:
                log.exception("sending notice %s failed", job.first.id)
                outcomes = [D.Outcome(d, None, D.TryAgain(type(exc).__name__)) for d in job.rows]
            self._outcomes.extend(outcomes)
            self._outcome_ready.set()
            for d in job.rows:
                self._in_flight.discard(d.id)
            if len(self._in_flight) <= self.max_in_flight // 2:
                self._room.set()
            self._queue.task_done()

    async def _send(self, job: Job) -> list[D.Outcome]:
        first = job.first
        target = next((t for t in first.targets if self._sender_for(t) is not None), None)
        if target is None:
            return [D.Outcome(d, None, D.Unreachable("not_linked")) for d in job.rows]
        document = None
        if first.attachment_id is not None:
            document = await D.load_document(self.db.uow(), first.attachment_id)
        sender = self._sender_for(target)
        assert sender is not None
        result = await sender.send(
            target.chat_id, job.text, choices_from_json(first.choices), document
        )
        if isinstance(result, D.Delivered):
            self.sent += 1
        self.on_result(target.channel, result)
        return [D.Outcome(d, target, result) for d in job.rows]

    def _sender_for(self, target: D.Target) -> Sender | None:
        """The bot of the account's centre on its channel (or one sender for every centre)."""
        return self.senders.get((target.centre_id, target.channel)) or self.senders.get(
            target.channel
        )

    async def _recorder(self) -> None:
        while True:
            await self._outcome_ready.wait()
            self._outcome_ready.clear()
            await self._flush()

    async def _flush(self) -> None:
        """Write every outcome collected so far in one transaction (one writer at a time, so
        a caller that flushes knows everything sent before is recorded when it returns)."""
        async with self._flush_lock:
            await self._flush_now()

    async def _flush_now(self) -> None:
        if not self._outcomes:
            return
        batch, self._outcomes = self._outcomes, []
        try:
            await D.record_outcomes(
                self.db.uow(), batch, settings=self.settings, now=self.clock.now()
            )
        except asyncio.CancelledError:
            # `stop()` cancelled the recorder mid-write: these were sent, and `stop()` writes
            # them once it has cancelled us (writing a sent notice twice is harmless; losing
            # it would send it again after the claim's lease).
            self._outcomes = batch + self._outcomes
            raise
        except Exception:
            log.exception("recording %d outcomes failed; will retry", len(batch))
            self._outcomes = batch + self._outcomes
            await asyncio.sleep(RECORD_RETRY_SECONDS)
            self._outcome_ready.set()
            return
        if any(not isinstance(o.result, D.Delivered) for o in batch):
            self._wake.set()  # retries and fallbacks are due soon
