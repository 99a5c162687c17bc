"""No forged updates (issue 13 item 2): in webhook mode the bot needs a secret, and a request
without it is refused and changes nothing. The real bot process, the local Telegram posting
genuine updates to the bot's webhook, and a forger posting beside it."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from db.database import Database
from db.models import ChatAccount
from localapi import harness
from localapi.telegram import LocalTelegram
from tests.conftest import bot_env, start_bot

SECRET = "bi-mat_cua-trung-tam_2024"
FORGER_ID = 4242


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_mode_without_a_secret_refuses_to_start(
    local_telegram: LocalTelegram, tmp_path: Path
) -> None:
    env = bot_env(
        local_telegram,
        f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        SLL_TELEGRAM_MODE="webhook",
        SLL_TELEGRAM_WEBHOOK_URL="https://bot.example.vn/telegram",
    )
    result = await harness.run_to_exit(env, seconds=60)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "telegram.webhook_secret" in lines[0], result.stderr
    assert not local_telegram.stats.requests["setWebhook"]


async def _post(url: str, update: dict[str, object], headers: dict[str, str]) -> int:
    async with aiohttp.ClientSession() as session:
        for _ in range(100):  # the webhook server may still be starting
            try:
                async with session.post(url, json=update, headers=headers) as response:
                    return response.status
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.1)
    raise AssertionError(f"nothing listens at {url}")


async def _accounts(db_url: str) -> set[str]:
    db = Database(db_url)
    try:
        async with db.uow() as uow:
            return set(await uow.session.scalars(select(ChatAccount.external_id)))
    finally:
        await db.dispose()


@pytest.mark.parametrize("secret_header", [None, "doan-mo-bi-mat", SECRET + "x"])
async def test_a_forged_update_gets_403_and_changes_nothing(
    local_telegram: LocalTelegram, tmp_path: Path, secret_header: str | None
) -> None:
    port = _free_port()
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    bot = await start_bot(
        local_telegram, db_url, tmp_path,
        SLL_TELEGRAM_MODE="webhook",
        SLL_TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
        SLL_TELEGRAM_WEBHOOK_PORT=str(port),
        SLL_TELEGRAM_WEBHOOK_SECRET=SECRET,
    )  # fmt: skip
    try:
        forged = {
            "update_id": 99,
            "message": {
                "message_id": 1,
                "date": 1709467200,
                "chat": {"id": FORGER_ID, "type": "private", "first_name": "Giả"},
                "from": {"id": FORGER_ID, "is_bot": False, "first_name": "Giả"},
                "text": "/start",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            },
        }
        headers = {"Content-Type": "application/json"}
        if secret_header is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret_header
        url = f"http://127.0.0.1:{port}/telegram"
        assert await _post(url, forged, headers) == 403

        # A genuine person, through Telegram and its secret, is still answered …
        lan = local_telegram.user(1001, "Lan")
        lan.send_command("start")
        await lan.wait_for("Chia sẻ số điện thoại")
        # … and the forged update left no trace: no account, no reply to its sender.
        accounts = await _accounts(db_url)
        assert "1001" in accounts and str(FORGER_ID) not in accounts
        assert local_telegram.stats.webhook_errors == 0
    finally:
        code = await bot.stop()
    assert code == 0, bot.log()
