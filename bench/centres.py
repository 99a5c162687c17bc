"""Benchmark: each centre's bot has its own sending budget (issue 21). One bot process
broadcasts to 2×N learners of one centre through its one bot, then to N learners of each of
two centres through their two bots, every bot against its own local Telegram enforcing
Telegram's 30 messages/s per bot. Both runs in the same process tree, one after the other.

    python -m bench.centres                 # N = 1,500 per centre
    python -m bench.centres --learners 600

Reported: delivered, lost (received nothing and not recorded as failed) and duplicates for
each run; each run's rate in messages/s; `rate_ratio` = two centres' combined rate over one
centre's (2 when each bot keeps its own budget, 1 if the bots shared one). The last line
printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.broadcast import (
    FIRST_USER_ID,
    STAFF_ID,
    STOP_GRACE,
    TELEGRAM_LIMIT,
    Server,
    failed_people,
    seed,
    tally,
    until_sent,
    write_config,
)
from db.database import Database
from localapi import harness
from localapi.telegram import LocalTelegram
from usecases import identity

LEARNERS = 1_500
CENTRES = (("bac-yen", "Trung tâm Chính trị huyện Bắc Yên"),
           ("phu-yen", "Trung tâm Chính trị huyện Phù Yên"))  # fmt: skip


async def _servers(count: int) -> list[Server]:
    servers = []
    for i in range(count):
        telegram = LocalTelegram(token=f"{700000 + i}:BENCH", enforce_limits=True)
        await telegram.start()
        telegram.user(STAFF_ID, "Cán bộ")
        servers.append(Server("telegram", telegram=telegram))
    return servers


def _env(servers: list[Server], db_url: str, config: Path) -> dict[str, str]:
    first = servers[0].telegram
    assert first is not None
    centres: dict[str, str] = {"SLL_TELEGRAM_TOKEN": "", "SLL_CENTRES": ""}
    keys = []
    for (key, name), server in zip(CENTRES, servers, strict=False):
        assert server.telegram is not None
        prefix = f"SLL_CENTRES_{key.replace('-', '_').upper()}_"
        centres |= {
            f"{prefix}NAME": name,
            f"{prefix}TELEGRAM_TOKEN": server.telegram.token,
            f"{prefix}TELEGRAM_API_URL": server.telegram.url,
            f"{prefix}STAFF_IDS": str(STAFF_ID),
        }
        keys.append(key)
    centres["SLL_CENTRES"] = ",".join(keys)
    return harness.bot_env(first, db_url, config=config) | centres


async def run(centres: int, learners_each: int) -> dict[str, Any]:
    """`centres` centres (1 or 2) with `learners_each` learners each, one broadcast."""
    servers = await _servers(centres)
    try:
        with tempfile.TemporaryDirectory(prefix="sll-bench-") as tmp:
            folder = Path(tmp)
            db = Database(f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}")
            await db.migrate()
            users: list[int] = []
            for i, ((key, name), server) in enumerate(zip(CENTRES, servers, strict=False)):
                centre_id = await identity.ensure_centre(db.uow(), name, key=key)
                users += await seed(
                    db, server, learners_each, channel="telegram", centre_id=centre_id,
                    first_user_id=FIRST_USER_ID + i * learners_each,
                )  # fmt: skip
            config = write_config(folder, per_second=TELEGRAM_LIMIT, channel="telegram")
            bot = harness.spawn(_env(servers, db.url, config), folder / "bot.log")
            try:
                await until_sent(db, bot, time.monotonic())
            finally:
                await bot.stop(STOP_GRACE)
            failed = await failed_people(db)
            await db.dispose()
            received = [r for s in servers for r in s.received(set(users))]
            return {"centres": centres, **tally(users, received, failed)}
    finally:
        for server in servers:
            await server.stop()


async def bench(learners: int) -> dict[str, Any]:
    one = await run(1, 2 * learners)
    two = await run(2, learners)
    return {
        "bench": "centres",
        "learners": 2 * learners,
        "one_centre": one,
        "two_centres": two,
        "rate_ratio": round(two["rate"] / one["rate"], 2) if one["rate"] and two["rate"] else None,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.centres", description=__doc__)
    parser.add_argument("--learners", type=int, default=LEARNERS, help="per centre")
    args = parser.parse_args(argv)
    result = asyncio.run(bench(args.learners))
    one, two = result["one_centre"], result["two_centres"]
    print(
        f"one bot: {one['delivered']} in {one['seconds']} s ({one['rate']}/s); two bots: "
        f"{two['delivered']} in {two['seconds']} s ({two['rate']}/s); ratio {result['rate_ratio']}"
    )
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
