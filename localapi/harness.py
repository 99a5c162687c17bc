"""The real bot process (`python -m bot`) against the local Telegram (and local Zalo): one way
to start it, to know it serves, and to stop it, for the end-to-end tests and the benchmarks.

The bot runs as a subprocess of the repository, its environment built from a clean copy of the
caller's (no stray ``SLL_*`` setting leaks in), its output appended to one log file. The local
servers run in the caller's event loop, so waiting and stopping never block that loop: the bot's
last requests need them to answer.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from localapi.telegram import LocalTelegram
from localapi.zalo import LocalZalo

__all__ = [
    "NO_CONFIG", "REPO", "BotRun", "NotServing", "bot_env", "run_to_exit", "serving", "spawn",
    "wait_serving",
]  # fmt: skip

REPO = Path(__file__).resolve().parents[1]
# A config file that sets nothing: every setting comes from the environment.
NO_CONFIG = REPO / "tests" / "no-config.toml"
STOP_TIMEOUT = 15.0
_READY_POLLS = 300  # times 0.1 s
# What bot/app.py logs once everything has started (after its first getUpdates, the outbox's
# own Bot still calls getMe: a test that then blocks its loop must not starve that call).
_RUNNING = re.compile(r"bot @\S* running \(")  # in the text and the JSON log formats alike


class NotServing(Exception):
    """The bot exited, or never polled, before it served; the message ends with its log."""


def bot_env(
    telegram: LocalTelegram,
    db_url: str,
    *,
    zalo: LocalZalo | None = None,
    config: Path = NO_CONFIG,
    **extra: str,
) -> dict[str, str]:
    """The bot's environment: the caller's without ``SLL_*``, pointed at these servers and this
    database; `extra` (``SLL_FAKE_NOW``, ``SLL_CENTRE_NAME``, …) last, so it may override."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLL_")}
    env.update(
        SLL_CONFIG=str(config),
        SLL_TELEGRAM_TOKEN=telegram.token,
        SLL_TELEGRAM_API_URL=telegram.url,
        SLL_DATABASE_URL=db_url,
        PYTHONUNBUFFERED="1",
        PTB_TIMEDELTA="true",  # as bot/__main__ sets: PTB 22's RetryAfter without a warning
        # Many bots may run at once: no fixed ports (the health and web tests choose their own).
        SLL_HEALTH_PORT="0",
        SLL_WEB_PORT="0",
    )
    if zalo is not None:
        env.update(SLL_ZALO_TOKEN=zalo.token, SLL_ZALO_API_URL=zalo.url)
    env.update(extra)
    return env


@dataclass
class BotRun:
    """One `python -m bot` process, the log it writes and the environment it was given."""

    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str]

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def running(self) -> bool:
        return self.process.poll() is None

    def terminate(self, grace: float = STOP_TIMEOUT) -> int:
        """SIGTERM and wait (SIGKILL after `grace` seconds); the exit code. Blocks: from the
        loop that runs the local servers, use `stop`."""
        if self.running():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    async def stop(self, grace: float = STOP_TIMEOUT) -> int:
        """`terminate`, off the event loop."""
        return await asyncio.to_thread(self.terminate, grace)

    def kill(self) -> None:
        """SIGKILL, as a crash: no clean shutdown."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


def spawn(env: dict[str, str], log_path: Path) -> BotRun:
    """Start `python -m bot`, its output appended to `log_path`; returns at once."""
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    return BotRun(process, log_path, env)


async def run_to_exit(
    env: dict[str, str], seconds: float = 90.0
) -> subprocess.CompletedProcess[str]:
    """`python -m bot` run until it exits by itself (a start that must fail; killed after
    `seconds`), its output captured; off the event loop, so the local servers can answer it."""
    return await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "bot"], cwd=REPO, env=env, capture_output=True,
        text=True, timeout=seconds,
    )  # fmt: skip


def _serves(run: BotRun, telegram: LocalTelegram, zalo: LocalZalo | None) -> bool:
    """It polls each channel for updates (or, in webhook mode, has set Telegram's webhook),
    and has logged that it runs."""
    polls_zalo = zalo is None or zalo.stats.requests["getUpdates"] > 0
    polls_telegram = any(
        telegram.stats.requests[name]
        for name in ("getupdates", "getUpdates", "setwebhook", "setWebhook")
    )
    return polls_zalo and polls_telegram and _RUNNING.search(run.log()) is not None


async def wait_serving(run: BotRun, telegram: LocalTelegram, zalo: LocalZalo | None = None) -> None:
    """Until the bot serves; if it exits or does not serve within 30 s, it is stopped and
    `NotServing` raised with its log."""
    for _ in range(_READY_POLLS):
        if _serves(run, telegram, zalo):
            return
        if not run.running():
            raise NotServing(f"bot exited early ({run.process.returncode}):\n{run.log()}")
        await asyncio.sleep(0.1)
    await run.stop()
    raise NotServing(f"bot did not start polling:\n{run.log()}")


@asynccontextmanager
async def serving(
    env: dict[str, str], log_path: Path, telegram: LocalTelegram, zalo: LocalZalo | None = None
) -> AsyncIterator[BotRun]:
    """The bot, started and serving for the block, stopped after it (however it ends)."""
    run = spawn(env, log_path)
    try:
        await wait_serving(run, telegram, zalo)
        yield run
    finally:
        await run.stop()
