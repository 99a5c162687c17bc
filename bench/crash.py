"""Benchmark: restart safety. A 2,000-notice broadcast through the real bot process against
the local Telegram (enforcing Telegram's limits); the bot is killed with SIGKILL at random
moments while it sends, ten times, and started again each time on the same SQLite file.

Run from the repo root: `python -m bench.crash`. Counts on the server what each learner
received: ``lost`` = learners who got nothing (target 0), ``duplicates`` = messages beyond
the first (target ≤ ``kills``: at most the message in flight is sent twice). The last line
printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.broadcast import (
    STOP_GRACE,
    TELEGRAM_LIMIT,
    Server,
    bot_env,
    failed_people,
    outstanding,
    prepare,
    tally,
    until_sent,
    write_config,
)
from localapi import harness

NOTICES = 2_000
KILLS = 10
SEED = 20240305
# A kill lands this many seconds after the restarted bot sent its first message.
KILL_AFTER = (0.5, 4.0)


async def crash(*, notices: int, kills: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    server = Server("telegram")
    await server.start(limit=True, per_second=TELEGRAM_LIMIT)
    assert server.telegram is not None
    with tempfile.TemporaryDirectory(prefix="sll-crash-") as tmp:
        folder = Path(tmp)
        db, user_ids = await prepare(folder, server, notices, "telegram")
        wanted = set(user_ids)
        config = write_config(folder, per_second=TELEGRAM_LIMIT, channel="telegram")
        env = bot_env(server, db.url, config)
        log_path = folder / "bot.log"
        done_kills = 0
        started = time.monotonic()
        while True:
            before = len(server.received(wanted))
            run = harness.spawn(env, log_path)
            if done_kills < kills:
                # Wait for it to send, then kill it mid-stream.
                while len(server.received(wanted)) == before and run.running():
                    if not await outstanding(db):
                        break
                    await asyncio.sleep(0.02)
                await asyncio.sleep(rng.uniform(*KILL_AFTER))
                if run.running() and await outstanding(db):
                    run.kill()
                    done_kills += 1
                    continue
            await until_sent(db, run, started)
            await run.stop(STOP_GRACE)
            break
        failed = await failed_people(db)
        await db.dispose()
        result = tally(user_ids, server.received(wanted), failed)
    await server.stop()
    return {
        "bench": "crash",
        "messages": result["messages"],
        "kills": done_kills,
        "delivered": result["delivered"],
        "lost": result["lost"],
        "duplicates": result["duplicates"],
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.crash", description=__doc__)
    parser.add_argument("--notices", type=int, default=NOTICES)
    parser.add_argument("--kills", type=int, default=KILLS)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    result = asyncio.run(crash(notices=args.notices, kills=args.kills, seed=args.seed))
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
