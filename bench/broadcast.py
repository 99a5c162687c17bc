"""Benchmark: a 5,000-learner broadcast through the real bot process (`python -m bot`: its
dispatcher, rate limiter and PTB sender) against the local Telegram enforcing Telegram's
limits, with a few 429s, 5xx and blocked users (403) injected.

Run from the repo root:

    python -m bench.broadcast              # Telegram's limits (30 msg/s): rate_ratio ≥ 0.95
    python -m bench.broadcast --no-limit   # limits lifted: the bot's own sustained rate
    python -m bench.broadcast --channel zalo

The notices are written straight into the bot's SQLite file before it starts (one per
learner, due now); the bench then counts, on the server, what each learner received.
``lost`` counts learners who got nothing and whose notice is not recorded as failed for a
reason (the blocked ones are failed as unreachable: reported, not lost); ``duplicates`` counts
messages beyond the first per learner; ``seconds`` runs from the first message to the last;
``rate_ratio`` is the achieved rate over 30 msg/s (over the configured limit with --no-limit
it is the same figure, with ``rate`` giving msg/s). The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from db.database import Database
from db.models import ChatAccount, Notification, NotificationStatus, Person
from localapi import harness
from localapi.telegram import LocalTelegram
from localapi.zalo import LocalZalo
from usecases import identity
from usecases.outbox import Notice, enqueue_all

LEARNERS = 5_000
TELEGRAM_LIMIT = 30.0
FIRST_USER_ID = 10_000_000
STAFF_ID = 777000
CENTRE = "Trung tâm Chính trị (benchmark)"
KIND = "broadcast"
TEXT = "📣 Thông báo: lớp Sơ cấp LLCT khóa IV khai giảng Thứ Hai, 04/03/2024, 7h30."
# Injected faults: "a few" of each.
P_5XX = 0.002
P_429 = 0.002
BLOCKED = 5
SEED = 20240304
DONE_TIMEOUT_SECONDS = 900
STOP_GRACE = 20.0  # seconds from SIGTERM to SIGKILL
BULK_SHARE = 0.99


@dataclass
class Server:
    """The local Telegram or Zalo, seen the same way by the bench."""

    channel: str
    telegram: LocalTelegram | None = None
    zalo: LocalZalo | None = None

    async def start(self, *, limit: bool, per_second: float) -> None:
        if self.channel == "zalo":
            self.zalo = LocalZalo(
                enforce_limits=limit, global_per_second=per_second, per_chat_per_second=1.0
            )
            await self.zalo.start()
        self.telegram = LocalTelegram(enforce_limits=limit and self.channel == "telegram")
        await self.telegram.start()
        self.telegram.user(STAFF_ID, "Cán bộ")

    async def stop(self) -> None:
        if self.zalo is not None:
            await self.zalo.stop()
        if self.telegram is not None:
            await self.telegram.stop()

    def add_user(self, user_id: int) -> None:
        if self.zalo is not None:
            self.zalo.user(str(user_id), f"Học viên {user_id}")
        else:
            assert self.telegram is not None
            self.telegram.user(user_id, f"Học viên {user_id}")

    def block(self, user_id: int) -> None:
        if self.zalo is not None:
            self.zalo.block(str(user_id))
        else:
            assert self.telegram is not None
            self.telegram.block(user_id)

    def faults(self, *, p_5xx: float, p_429: float, seed: int) -> None:
        if self.zalo is not None:
            self.zalo.set_random_failures(p_5xx=p_5xx, p_429=p_429, seed=seed)
        else:
            assert self.telegram is not None
            self.telegram.set_random_failures(p_5xx=p_5xx, p_429=p_429, seed=seed)

    def received(self, user_ids: set[int]) -> list[tuple[int, float]]:
        """(user id, server time) of every message the learners received."""
        if self.zalo is not None:
            wanted = {str(u) for u in user_ids}
            return [(int(m.chat_id), m.sent_at) for m in self.zalo.sent() if m.chat_id in wanted]
        assert self.telegram is not None
        return [(m.chat_id, m.sent_at) for m in self.telegram.sent() if m.chat_id in user_ids]


async def seed(
    db: Database,
    server: Server,
    n: int,
    *,
    channel: str,
    first_user_id: int = FIRST_USER_ID,
    due: datetime | None = None,
    centre_id: int | None = None,
) -> list[int]:
    """n learners of the centre (the benchmark's own by default), each with a chat account and
    one notice due now; returns their user ids."""
    now = due or datetime.now(UTC)
    user_ids = [first_user_id + i for i in range(n)]
    for user_id in user_ids:
        server.add_user(user_id)
    if centre_id is None:
        centre_id = await identity.ensure_centre(db.uow(), CENTRE)
    async with db.uow() as uow:
        people = [
            Person(centre_id=centre_id, full_name=f"Học viên {i}", name_key=f"hoc vien {i}")
            for i in user_ids
        ]
        uow.session.add_all(people)
        await uow.session.flush()
        uow.session.add_all(
            ChatAccount(
                centre_id=centre_id,
                channel=channel,
                external_id=str(u),
                chat_id=str(u),
                person_id=p.id,
                last_seen_at=now,
            )
            for u, p in zip(user_ids, people, strict=True)
        )
        await enqueue_all(
            uow.session,
            [
                Notice(key=f"bench:{u}", person_id=p.id, kind=KIND, text=TEXT, due_at=now)
                for u, p in zip(user_ids, people, strict=True)
            ],
        )
        await uow.commit()
    return user_ids


def write_config(folder: Path, *, per_second: float, channel: str, tick: int = 5) -> Path:
    """Quiet hours off (the bench runs at any hour); the sender's limit as asked; the outbox
    looks for notices written by another process every `tick` seconds."""
    path = folder / "config.toml"
    lines = [
        "[notices]",
        'quiet_start = "00:00"',
        'quiet_end = "00:00"',
        f"safety_tick_seconds = {tick}",
        "[telegram]",
        f"per_second = {per_second if channel == 'telegram' else TELEGRAM_LIMIT}",
        "[zalo]",
        f"per_second = {per_second if channel == 'zalo' else 10.0}",
        "per_chat_per_second = 1.0",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def bot_env(server: Server, db_url: str, config: Path) -> dict[str, str]:
    assert server.telegram is not None
    return harness.bot_env(
        server.telegram,
        db_url,
        zalo=server.zalo,
        config=config,
        SLL_TELEGRAM_STAFF_IDS=str(STAFF_ID),
        SLL_CENTRE_NAME=CENTRE,
    )


async def until_sent(db: Database, run: harness.BotRun, started: float) -> None:
    """Until every notice of the bench is settled; the bot must keep running meanwhile."""
    while await outstanding(db):
        if not run.running():
            raise SystemExit(f"bot exited:\n{run.log()[-3000:]}")
        if time.monotonic() - started > DONE_TIMEOUT_SECONDS:
            raise SystemExit("broadcast did not finish in time")
        await asyncio.sleep(0.5)


async def outstanding(db: Database) -> int:
    """Notices of the bench not yet settled (pending or being sent)."""
    async with db.uow() as uow:
        return (
            await uow.session.scalar(
                select(func.count())
                .select_from(Notification)
                .where(
                    Notification.kind == KIND,
                    Notification.status.in_(
                        [NotificationStatus.PENDING, NotificationStatus.SENDING]
                    ),
                )
            )
            or 0
        )


async def failed_people(db: Database) -> set[int]:
    """User ids whose notice is recorded as failed (with its reason)."""
    async with db.uow() as uow:
        rows = await uow.session.scalars(
            select(ChatAccount.external_id)
            .join(Notification, Notification.person_id == ChatAccount.person_id)
            .where(Notification.kind == KIND, Notification.status == NotificationStatus.FAILED)
        )
        return {int(r) for r in rows}


def tally(
    user_ids: list[int], received: list[tuple[int, float]], failed: set[int]
) -> dict[str, Any]:
    counts = Counter(u for u, _ in received)
    delivered = sum(1 for u in user_ids if counts[u] > 0)
    lost = sum(1 for u in user_ids if counts[u] == 0 and u not in failed)
    duplicates = sum(max(c - 1, 0) for c in counts.values())
    times = sorted(t for _, t in received)
    seconds = (times[-1] - times[0]) if len(times) > 1 else 0.0
    # The bulk, without the tail of retries that wait out their backoff.
    bulk = times[: max(int(len(times) * BULK_SHARE), 2)]
    bulk_seconds = bulk[-1] - bulk[0] if len(bulk) > 1 else 0.0
    return {
        "messages": len(user_ids),
        "delivered": delivered,
        "failed_unreachable": len(failed),
        "lost": lost,
        "duplicates": duplicates,
        "seconds": round(seconds, 2),
        "rate": round(delivered / seconds, 1) if seconds else None,
        "bulk_rate": round(len(bulk) / bulk_seconds, 1) if bulk_seconds else None,
    }


async def prepare(folder: Path, server: Server, n: int, channel: str) -> tuple[Database, list[int]]:
    db_url = f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"
    db = Database(db_url)
    await db.migrate()
    await identity.ensure_centre(db.uow(), CENTRE)
    user_ids = await seed(db, server, n, channel=channel)
    return db, user_ids


async def broadcast(
    *, learners: int, limit: bool, channel: str, blocked: int = BLOCKED
) -> dict[str, Any]:
    per_second = TELEGRAM_LIMIT if limit else 0.0
    server = Server(channel)
    await server.start(limit=limit, per_second=TELEGRAM_LIMIT)
    with tempfile.TemporaryDirectory(prefix="sll-bench-") as tmp:
        folder = Path(tmp)
        db, user_ids = await prepare(folder, server, learners, channel)
        step = max(len(user_ids) // (blocked + 1), 1)
        for user_id in user_ids[step::step][:blocked]:
            server.block(user_id)
        server.faults(p_5xx=P_5XX, p_429=P_429, seed=SEED)
        config = write_config(folder, per_second=per_second, channel=channel)
        run = harness.spawn(bot_env(server, db.url, config), folder / "bot.log")
        try:
            await until_sent(db, run, time.monotonic())
        finally:
            await run.stop(STOP_GRACE)
        failed = await failed_people(db)
        await db.dispose()
        result = tally(user_ids, server.received(set(user_ids)), failed)
        assert server.telegram is not None
        if server.zalo is not None:
            refused = server.zalo.stats.rate_limited
        else:
            refused = server.telegram.stats.answered_429 - server.telegram.stats.injected["429"]
    await server.stop()
    rate = result["rate"] or 0.0
    return {
        "bench": "broadcast",
        "channel": channel,
        "limits": limit,
        **result,
        "rate_ratio": round(rate / TELEGRAM_LIMIT, 3),
        "limit_429s_answered": refused,
        "injected": {"p_5xx": P_5XX, "p_429": P_429, "blocked": blocked},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.broadcast", description=__doc__)
    parser.add_argument("--no-limit", action="store_true", help="lift the server's limits")
    parser.add_argument("--channel", choices=("telegram", "zalo"), default="telegram")
    parser.add_argument("--learners", type=int, default=LEARNERS)
    args = parser.parse_args(argv)
    result = asyncio.run(
        broadcast(learners=args.learners, limit=not args.no_limit, channel=args.channel)
    )
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
