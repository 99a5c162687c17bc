"""`python -m bot`: run the bot. With no Telegram token it runs against the built-in local
Telegram and plays a short demo journey, so a newcomer sees it work."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

from bot import logs
from bot.app import Runtime, run
from bot.config import ConfigError, load_settings
from bot.startup import StartupError
from texts import startup as TS
from usecases.clock import Clock, clock_from_env
from usecases.settings import DEFAULT_DATABASE_URL, Settings

# PTB 22: report retry_after as a timedelta (and without a deprecation warning).
os.environ.setdefault("PTB_TIMEDELTA", "true")

DEMO_DATABASE_URL = "sqlite+aiosqlite:///data/demo.sqlite3"
DEMO_STAFF_ID = 900001


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("--config", help="path to config.toml (default: ./config.toml)")
    parser.add_argument(
        "--once", action="store_true", help="demo only: stop after the scripted journey"
    )
    parser.add_argument(
        "--log-format",
        choices=logs.FORMATS,
        default=os.environ.get("SLL_LOG_FORMAT", "text"),
        help="text (default) or json: one JSON object per line, for log shipping",
    )
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"Lỗi cấu hình: {exc}", file=sys.stderr)
        return 2
    logs.configure(args.log_format)

    on_ready = None
    if settings.local_simulator:
        from bot import demo

        if settings.database_url == DEFAULT_DATABASE_URL:
            # The demo starts from a clean file each time, away from real data.
            settings = replace(settings, database_url=DEMO_DATABASE_URL)
            Path("data/demo.sqlite3").unlink(missing_ok=True)
        settings = with_demo_staff(settings)
        on_ready = demo.journey(stop_after=args.once)
    return asyncio.run(_serve(settings, clock_from_env(), on_ready))


def with_demo_staff(settings: Settings) -> Settings:
    """The demo's staff member, for the (first) centre when it names none."""
    if settings.centres:
        first, *rest = settings.centres
        if not first.staff_ids:
            first = replace(first, staff_ids=(DEMO_STAFF_ID,))
        return replace(settings, centres=(first, *rest))
    if settings.telegram.staff_ids:
        return settings
    return replace(settings, telegram=replace(settings.telegram, staff_ids=(DEMO_STAFF_ID,)))


async def _serve(
    settings: Settings, clock: Clock, on_ready: Callable[[Runtime], Awaitable[None]] | None
) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    async def ready(runtime: Runtime) -> None:
        if on_ready is not None:
            runtime.extras["stop"] = stop
            await on_ready(runtime)

    try:
        await run(settings, stop, clock=clock, on_ready=ready)
    except StartupError as exc:
        print(f"{TS.PREFIX}{exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
