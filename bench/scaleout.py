"""Benchmark: the scale-out measured — 1, then 2 bot processes sharing one PostgreSQL.

Run from the repo root: `python -m bench.scaleout` (`--quick`: smaller; `--postgres URL`: the
server on which a scratch database is created per run and dropped after).

Part A, the check-in burst: the class of `bench.checkin_burst` (one session, its room code,
linked learners) on a scratch database; 1, then 2 real bot processes (`python -m bot`) in
webhook mode behind HAProxy (`bench.proxy`, round robin), the local Telegram POSTing each
update to the proxy with the webhook's secret, over up to 40 connections at once as Telegram
does. Every learner sends `/diemdanh <code>` at once; the figure is check-ins answered per
second, from the first update to the last answer, and every check-in must be recorded exactly
once (one attendance row, one confirmation each).

Part B, the raw send rate: notices for `--messages` learners written into the shared outbox
once the 1 or 2 bots serve, the local Telegram's limits lifted (as `bench.broadcast
--no-limit`); the bots claim them with ``FOR UPDATE SKIP LOCKED``. The figure is msg/s from
the first message to the last, with lost 0 and duplicated 0.

During each run the CPU time of each bot process, of the PostgreSQL backends serving the
scratch database, of HAProxy and of this process (the load generator and the local Telegram)
is read from /proc, with the whole machine's busy time: the bench prints what saturates. The
last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench import broadcast, checkin_burst, proxy
from bench.province_data import scratch_database
from db.database import Database
from localapi import harness
from localapi.telegram import LocalTelegram
from usecases import identity

POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
SECRET = "scaleout_bench-secret"
PROCESSES = (1, 2)
CHECKINS, QUICK_CHECKINS = 500, 200
MESSAGES, QUICK_MESSAGES = 5_000, 1_000
SEND_TIMEOUT = 600.0
SATURATED = 0.85  # a share of a core (or of the machine) that counts as full
GROUPS = ("bots", "postgres", "load_generator", "proxy")


# ---- CPU from /proc ---------------------------------------------------------------------------


def _machine_busy() -> float:
    """CPU-seconds the whole machine has been busy (all cores, not idle nor iowait)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def _postgres_backends(database: str) -> list[int]:
    """PostgreSQL's backend processes connected to `database` (their title names it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "postgres":
                continue
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if f" {database} " in title:
            found.append(int(entry.name))
    return found


def _cpu(pid: int) -> float:
    try:
        return checkin_burst.cpu_seconds(pid)
    except OSError:
        return 0.0


class CpuMeter:
    """CPU-seconds per group between `start` and `stop`, as cores used over the wall time.

    PostgreSQL backends come and go (a pool may reconnect): each one's time is counted from its
    first sighting, and the backends are looked up again at the end."""

    def __init__(self, bots: list[int], proxy_pid: int, database: str) -> None:
        self.pids = {"bots": bots, "proxy": [proxy_pid], "load_generator": [os.getpid()]}
        self.database = database
        self.before: dict[int, float] = {}
        self.began = 0.0
        self.machine = 0.0
        self.used: dict[str, float] = {}  # CPU-seconds per group, once stopped
        self.each_bot: list[float] = []  # cores of each bot process, once stopped

    def start(self) -> None:
        pids = [p for group in self.pids.values() for p in group]
        self.before = {p: _cpu(p) for p in pids + _postgres_backends(self.database)}
        self.began, self.machine = time.monotonic(), _machine_busy()

    def stop(self) -> dict[str, float]:
        wall = max(time.monotonic() - self.began, 1e-9)
        used = {
            group: sum(_cpu(p) - self.before.get(p, 0.0) for p in pids)
            for group, pids in self.pids.items()
        }
        used["postgres"] = sum(
            _cpu(p) - self.before.get(p, 0.0) for p in _postgres_backends(self.database)
        )
        used["machine"] = _machine_busy() - self.machine
        # The rest of the machine: other programs on it (and the kernel's work for ours).
        used["others"] = max(used["machine"] - sum(used[g] for g in GROUPS), 0.0)
        self.used = used
        self.each_bot = [
            round((_cpu(p) - self.before.get(p, 0.0)) / wall, 2) for p in self.pids["bots"]
        ]
        cores = {group: round(seconds / wall, 2) for group, seconds in used.items()}
        cores["per_bot"] = round(cores["bots"] / max(len(self.pids["bots"]), 1), 2)
        return cores


def saturation(cores: dict[str, float], ncpu: int) -> str:
    """What limits a run, from the cores each part used (pure: `cores` as `CpuMeter.stop`)."""
    top = max(GROUPS, key=lambda group: cores.get(group, 0.0))
    if cores.get("machine", 0.0) >= SATURATED * ncpu:
        return (
            f"the machine: {cores['machine']:.2f} of {ncpu} cores busy, the most by "
            f"{top} ({cores[top]:.2f} cores; other programs {cores.get('others', 0.0):.2f})"
        )
    if cores.get("per_bot", 0.0) >= SATURATED:
        return f"bot CPU: each bot process uses {cores['per_bot']:.2f} of its one core"
    for group in ("postgres", "load_generator", "proxy"):
        if cores.get(group, 0.0) >= SATURATED:
            return f"{group}: {cores[group]:.2f} cores"
    return (
        f"no CPU ({cores.get('machine', 0.0):.2f} of {ncpu} cores busy): the time goes in "
        "waits (database round trips and commits, the proxy and HTTP hops)"
    )


# ---- bots behind the proxy ------------------------------------------------------------------


@asynccontextmanager
async def bots_behind_proxy(
    folder: Path, telegram: LocalTelegram, env: dict[str, str], processes: int, tag: str
) -> AsyncIterator[tuple[list[harness.BotRun], int]]:
    """`processes` bots in webhook mode, each on its own port behind one HAProxy whose address
    is the webhook's URL; serving for the block, stopped after. Yields (the bots, HAProxy's pid)."""
    ports = [proxy.free_port() for _ in range(processes)]
    async with proxy.haproxy(folder, ports) as (front, proxy_pid):
        runs: list[harness.BotRun] = []
        try:
            for i, port in enumerate(ports):
                hook = {
                    "SLL_TELEGRAM_MODE": "webhook",
                    "SLL_TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
                    "SLL_TELEGRAM_WEBHOOK_PORT": str(port),
                    "SLL_TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{front}/telegram",
                    "SLL_TELEGRAM_WEBHOOK_SECRET": SECRET,
                }
                runs.append(harness.spawn({**env, **hook}, folder / f"{tag}-bot{i}.log"))
            for run in runs:
                await harness.wait_serving(run, telegram)
            yield runs, proxy_pid
        finally:
            for run in runs:
                await run.stop()


def _log_errors(runs: list[harness.BotRun]) -> None:
    for run in runs:
        errors = [line for line in run.log().splitlines() if "ERROR" in line]
        for line in errors[:5]:
            print(f"{run.log_path.name}: {line}", file=sys.stderr)


# ---- Part A: the check-in burst ---------------------------------------------------------------


async def checkin_run(postgres: str, processes: int, learners: int, folder: Path) -> dict[str, Any]:
    async with scratch_database(postgres, f"scale_a{processes}") as db_url:
        code, session_id = await checkin_burst.prepare(db_url, learners)
        telegram = LocalTelegram()
        await telegram.start()
        env = harness.bot_env(
            telegram,
            db_url,
            SLL_CENTRE_NAME=checkin_burst.CENTRE,
            SLL_FAKE_NOW=(checkin_burst.START + timedelta(minutes=5)).isoformat(),
        )
        try:
            async with bots_behind_proxy(folder, telegram, env, processes, "a") as (runs, pid):
                meter = CpuMeter([r.process.pid for r in runs], pid, make_name(db_url))
                meter.start()
                users, records, _ = await checkin_burst.send_burst(
                    telegram, "diemdanh", code, learners=learners, seconds=0.0
                )
                await checkin_burst.answered(records)
                cores = meter.stop()
                bot_cpu, each_bot = meter.used["bots"], meter.each_bot
                _log_errors(runs)
            confirmations = Counter(
                user.user_id
                for user in users
                for message in user.messages()
                if checkin_burst.CONFIRMED in (message.text or "")
            )
            deliveries = telegram.stats.webhook_deliveries
        finally:
            await telegram.stop()
        rows = await checkin_burst.recorded(db_url, session_id)
    answered = [r for r in records if r.answered_at is not None]
    span = max(r.answered_at or 0.0 for r in answered) - min(r.available_at for r in records)
    once = rows == learners and all(confirmations[u.user_id] == 1 for u in users)
    return {
        "processes": processes,
        "checkins": learners,
        "answered": len(answered),
        "recorded": rows,
        "exactly_once": once,
        "webhook_posts": deliveries,
        "seconds": round(span, 2),
        "per_second": round(len(answered) / span, 1) if span > 0 else None,
        "per_bot_cpu_s": checkin_burst.per_cpu_second(len(answered), bot_cpu),
        "cores": cores,
        "cores_each_bot": each_bot,
        "saturates": saturation(cores, os.cpu_count() or 1),
    }


def make_name(db_url: str) -> str:
    return db_url.rsplit("/", 1)[-1].split("?", 1)[0]


# ---- Part B: the raw send rate ----------------------------------------------------------------


async def _until_sent(db: Database, runs: list[harness.BotRun]) -> None:
    started = time.monotonic()
    while await broadcast.outstanding(db):
        if not all(run.running() for run in runs):
            raise SystemExit("a bot exited:\n" + "\n".join(r.log()[-2000:] for r in runs))
        if time.monotonic() - started > SEND_TIMEOUT:
            raise SystemExit("the send did not finish in time")
        await asyncio.sleep(0.2)


async def send_run(postgres: str, processes: int, messages: int, folder: Path) -> dict[str, Any]:
    async with scratch_database(postgres, f"scale_b{processes}") as db_url:
        db = Database(db_url)
        await db.migrate()
        await identity.ensure_centre(db.uow(), broadcast.CENTRE)
        server = broadcast.Server("telegram")
        await server.start(limit=False, per_second=broadcast.TELEGRAM_LIMIT)
        assert server.telegram is not None
        config = broadcast.write_config(folder, per_second=0.0, channel="telegram", tick=1)
        env = broadcast.bot_env(server, db_url, config)
        try:
            async with bots_behind_proxy(folder, server.telegram, env, processes, "b") as (
                runs,
                pid,
            ):
                meter = CpuMeter([r.process.pid for r in runs], pid, make_name(db_url))
                user_ids = await broadcast.seed(db, server, messages, channel="telegram")
                meter.start()  # the notices are committed: the bots may claim them
                await _until_sent(db, runs)
                cores = meter.stop()
                bot_cpu, each_bot = meter.used["bots"], meter.each_bot
                _log_errors(runs)
            failed = await broadcast.failed_people(db)
            result = broadcast.tally(user_ids, server.received(set(user_ids)), failed)
        finally:
            await server.stop()
            await db.dispose()
    return {
        "processes": processes,
        **{k: result[k] for k in ("messages", "delivered", "lost", "duplicates", "seconds")},
        "per_second": result["rate"],
        "per_bot_cpu_s": checkin_burst.per_cpu_second(result["delivered"], bot_cpu),
        "cores": cores,
        "cores_each_bot": each_bot,
        "saturates": saturation(cores, os.cpu_count() or 1),
    }


# ---- the whole bench --------------------------------------------------------------------------


def ratio(runs: list[dict[str, Any]]) -> float | None:
    one, two = runs[0]["per_second"], runs[-1]["per_second"]
    return round(two / one, 2) if one and two else None


def _say(part: str, run: dict[str, Any]) -> None:
    print(
        f"{part}, {run['processes']} process(es): {run['per_second']}/s, "
        f"{run['per_bot_cpu_s']} per bot CPU-second; each bot {run['cores_each_bot']} cores; "
        f"CPU in cores "
        f"{json.dumps(run['cores'])}; saturates: {run['saturates']}",
        file=sys.stderr,
    )


async def main(postgres: str, *, checkins: int, messages: int) -> dict[str, Any]:
    proxy.ensure_haproxy()
    with tempfile.TemporaryDirectory(prefix="sll-scaleout-") as tmp:
        bursts, sends = [], []
        for processes in PROCESSES:
            folder = Path(tmp) / f"a{processes}"
            folder.mkdir()
            bursts.append(await checkin_run(postgres, processes, checkins, folder))
            _say("check-ins", bursts[-1])
        for processes in PROCESSES:
            folder = Path(tmp) / f"b{processes}"
            folder.mkdir()
            sends.append(await send_run(postgres, processes, messages, folder))
            _say("sends", sends[-1])
    return {
        "bench": "scaleout",
        "cpus": os.cpu_count(),
        "checkins": {"runs": bursts, "ratio_2_over_1": ratio(bursts)},
        "sends": {"runs": sends, "ratio_2_over_1": ratio(sends)},
    }


def ok(result: dict[str, Any]) -> bool:
    bursts, sends = result["checkins"]["runs"], result["sends"]["runs"]
    return all(run["exactly_once"] for run in bursts) and all(
        run["lost"] == 0 and run["duplicates"] == 0 for run in sends
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.scaleout", description=__doc__)
    parser.add_argument("--postgres", metavar="URL", default=POSTGRES)
    parser.add_argument("--quick", action="store_true", help="fewer check-ins and messages")
    args = parser.parse_args()
    result = asyncio.run(
        main(
            args.postgres,
            checkins=QUICK_CHECKINS if args.quick else CHECKINS,
            messages=QUICK_MESSAGES if args.quick else MESSAGES,
        )
    )
    print(json.dumps(result, ensure_ascii=False))
    sys.exit(0 if ok(result) else 1)
