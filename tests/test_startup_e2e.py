"""Clean failures at start-up (issue 13 item 7): a wrong token, an unreachable Telegram, a bad
database URL, or a second bot on the same SQLite file each stop `python -m bot` with one
Vietnamese line naming the cause, a non-zero exit, no traceback and no token."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from localapi import harness
from localapi.telegram import LocalTelegram
from localapi.zalo import LocalZalo
from tests.conftest import BotProcess, bot_env
from texts import startup as T

WRONG_TOKEN = "123456789:AAE-wrong-token-never-printed"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _the_one_line(result: subprocess.CompletedProcess[str], *secrets: str) -> str:
    """The failure line, after checking everything else the operator must not see."""
    output = result.stdout + result.stderr
    assert result.returncode not in (0, None), output
    assert "Traceback" not in output and " ERROR " not in output, output
    for secret in secrets:
        assert secret not in output
    lines = [line for line in result.stderr.splitlines() if line.startswith(T.PREFIX)]
    assert len(lines) == 1, output
    return lines[0]


@pytest.mark.parametrize(
    ("case", "cause"),
    [
        ("wrong token", "Telegram từ chối token"),
        ("unreachable api", "không kết nối được Telegram tại http://127.0.0.1:"),
        ("unparsable database url", "địa chỉ cơ sở dữ liệu «sqlite-file.db» không hợp lệ"),
        ("unknown database driver", "«mysql://sll@127.0.0.1/sll» không hợp lệ"),
        ("database refuses connections", "không mở được cơ sở dữ liệu «postgresql+asyncpg://"),
    ],
)
async def test_a_misconfigured_bot_stops_with_one_line_naming_the_cause(
    local_telegram: LocalTelegram, tmp_path: Path, case: str, cause: str
) -> None:
    env = bot_env(local_telegram, f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}")
    if case == "wrong token":
        env["SLL_TELEGRAM_TOKEN"] = WRONG_TOKEN
    elif case == "unreachable api":
        env["SLL_TELEGRAM_API_URL"] = f"http://127.0.0.1:{_closed_port()}"
    elif case == "unparsable database url":
        env["SLL_DATABASE_URL"] = "sqlite-file.db"
    elif case == "unknown database driver":
        env["SLL_DATABASE_URL"] = "mysql://sll@127.0.0.1/sll"
    else:
        env["SLL_DATABASE_URL"] = f"postgresql+asyncpg://sll:mat-khau@127.0.0.1:{_closed_port()}/x"
    line = _the_one_line(await harness.run_to_exit(env), env["SLL_TELEGRAM_TOKEN"], "mat-khau")
    assert cause in line


async def test_a_second_bot_on_the_same_sqlite_file_refuses_to_start(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    lan = local_telegram.user(1001, "Lan")
    second = await harness.run_to_exit(bot.env)
    line = _the_one_line(second, bot.env["SLL_TELEGRAM_TOKEN"])
    assert "một bot khác đang chạy trên cùng tệp cơ sở dữ liệu" in line
    assert "released" not in second.stderr  # it never reached the outbox
    lan.send_command("help")  # the live bot carries on
    await lan.wait_for("Chào bạn")


async def test_a_webhook_port_in_use_stops_start_up_with_one_line(
    local_telegram: LocalTelegram, tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = bot_env(
            local_telegram, f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
            SLL_TELEGRAM_MODE="webhook", SLL_TELEGRAM_WEBHOOK_PORT=str(port),
            SLL_TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
            SLL_TELEGRAM_WEBHOOK_SECRET="bi-mat-cua-trung-tam",
        )  # fmt: skip
        line = _the_one_line(await harness.run_to_exit(env), env["SLL_TELEGRAM_TOKEN"])
    assert f"không mở được cổng 127.0.0.1:{port} để nhận tin Telegram" in line
    assert "SLL_TELEGRAM_WEBHOOK_PORT" in line


async def test_a_zalo_token_zalo_refuses_stops_start_up_naming_the_setting(
    local_telegram: LocalTelegram, local_zalo: LocalZalo, tmp_path: Path
) -> None:
    env = bot_env(
        local_telegram, f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}", zalo=local_zalo
    )
    env["SLL_ZALO_TOKEN"] = "zalo-token-that-was-reset"
    line = _the_one_line(await harness.run_to_exit(env), "zalo-token-that-was-reset")
    assert "Zalo từ chối token của bot" in line and "SLL_ZALO_TOKEN" in line
