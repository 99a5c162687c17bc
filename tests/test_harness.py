"""The bot-process harness (localapi/harness.py) shared by the e2e tests and the benchmarks."""

from __future__ import annotations

from pathlib import Path

import pytest

from localapi import harness
from localapi.telegram import LocalTelegram


def test_the_bot_gets_no_stray_setting_from_the_callers_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLL_TELEGRAM_MODE", "webhook")  # e.g. left over in a developer's shell
    telegram = LocalTelegram()
    telegram.url = "http://127.0.0.1:1"
    env = harness.bot_env(telegram, "sqlite+aiosqlite:///x.sqlite3", SLL_FAKE_NOW="2024-03-04")
    assert "SLL_TELEGRAM_MODE" not in env
    assert env["SLL_TELEGRAM_API_URL"] == "http://127.0.0.1:1"
    assert env["SLL_CONFIG"] == str(harness.NO_CONFIG) and env["SLL_FAKE_NOW"] == "2024-03-04"
    assert "SLL_ZALO_TOKEN" not in env  # no Zalo unless given one


async def test_a_bot_that_cannot_start_is_reported_with_its_own_words(
    local_telegram: LocalTelegram, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[notices]\nquiet_start = "late"\n', encoding="utf-8")
    env = harness.bot_env(local_telegram, f"sqlite+aiosqlite:///{tmp_path / 'b.sqlite3'}",
                          config=config)  # fmt: skip
    run = harness.spawn(env, tmp_path / "bot.log")
    with pytest.raises(harness.NotServing) as stopped:
        await harness.wait_serving(run, local_telegram)
    assert "notices.quiet_start" in str(stopped.value)  # the bot's one line, from its log
    assert not run.running() and run.process.returncode == 2
