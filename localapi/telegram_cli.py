"""Run a local Telegram Bot API server on its own, for a bot or a demo in another process.

    python -m localapi.telegram_cli --port 8081 --user 1001:Lan:+84912345678 --user 1002:Minh

Point the bot at it with ``base_url=http://HOST:PORT/bot`` and
``base_file_url=http://HOST:PORT/file/bot``; drive users through the control API described in
:mod:`localapi.telegram`. Stops on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from localapi.telegram import LocalTelegram


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m localapi.telegram_cli", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:LOCAL")
    parser.add_argument("--bot-username", default="so_lien_lac_bot")
    parser.add_argument("--enforce-limits", action="store_true", help="answer 429 like Telegram")
    parser.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="ID:NAME[:PHONE]",
        help="create a user (repeatable)",
    )
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    server = LocalTelegram(
        token=args.token, bot_username=args.bot_username, enforce_limits=args.enforce_limits
    )
    for spec in args.user:
        user_id, _, rest = spec.partition(":")
        name, _, phone = rest.partition(":")
        server.user(int(user_id), name or None, phone=phone or None)
    await server.start(args.host, args.port)
    print(f"local Telegram at {server.url}  token={server.token}", flush=True)
    print(f"  base_url={server.url}/bot  base_file_url={server.url}/file/bot", flush=True)
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, done.set)
    try:
        await done.wait()
    finally:
        await server.stop()


def main(argv: list[str] | None = None) -> None:
    asyncio.run(_serve(_parse_args(argv)))


if __name__ == "__main__":
    main()
