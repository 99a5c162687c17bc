"""Configuration: config.toml, environment overrides, one clear line for a bad key."""

from __future__ import annotations

import subprocess
import sys
from datetime import time
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

REPO = Path(__file__).resolve().parents[1]
WEBHOOK = '[telegram]\nmode = "webhook"\nwebhook_url = "https://x.vn/tg"\n'


def test_the_example_config_is_complete_and_valid() -> None:
    settings = load_settings(REPO / "config.example.toml", environ={})
    assert settings.timezone.key == "Asia/Ho_Chi_Minh"
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.notices.evening_before_at == time(19, 0)
    assert settings.grade_scale[0] == (9.0, "Xuất sắc")
    assert settings.local_simulator  # no token: the demo runs against the local Telegram


def test_no_config_file_means_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "absent.toml", environ={})
    assert settings.telegram.api_url == "https://api.telegram.org"
    assert settings.telegram.staff_ids == ()


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[telegram]\ntoken = "from-file"\nstaff_ids = [1]\n[database]\nurl = "sqlite+aiosqlite:///x"\n',
        encoding="utf-8",
    )
    settings = load_settings(
        path,
        environ={
            "SLL_TELEGRAM_TOKEN": "123:from-env",
            "SLL_DATABASE_URL": "postgresql+asyncpg://u@h/db",
            "SLL_TELEGRAM_STAFF_IDS": "11, 22",
            "SLL_TELEGRAM_API_URL": "http://127.0.0.1:8081/",
        },
    )
    assert settings.telegram.token == "123:from-env"
    assert settings.database_url == "postgresql+asyncpg://u@h/db"
    assert settings.telegram.staff_ids == (11, 22)
    assert settings.telegram.api_url == "http://127.0.0.1:8081"
    assert not settings.local_simulator


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('[notices]\nevening_before_at = "7pm"\n', "notices.evening_before_at"),
        ('[notices]\nminutes_before = "sixty"\n', "notices.minutes_before"),
        ('[centre]\ntimezone = "Asia/Hanoi_Typo"\n', "centre.timezone"),
        ('[telegram]\nmode = "push"\n', "telegram.mode"),
        ('[telegram]\nmode = "webhook"\n', "telegram.webhook_url"),
        (f"{WEBHOOK}", "telegram.webhook_secret"),
        (f'{WEBHOOK}webhook_secret = "a b"\n', "telegram.webhook_secret"),
        ('[telegram]\nstaff_ids = ["abc"]\n', "telegram.staff_ids"),
        ("[results]\ngrade_scale = 5\n", "results.grade_scale"),
        ("telegram = 3\n", "telegram"),
    ],
)
def test_a_bad_setting_is_named(tmp_path: Path, toml: str, key: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})
    assert str(caught.value).startswith(key)


def test_the_bot_refuses_to_start_with_one_line_naming_the_key(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[notices]\nquiet_start = "late"\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "notices.quiet_start" in lines[0]


def test_an_unknown_key_or_section_is_named(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    for toml, key in (
        ("[telegram]\ntokne = 'x'\n", "telegram.tokne"),
        ("[telegramm]\ntoken = 'x'\n", "telegramm.token"),
    ):
        path.write_text(toml, encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            load_settings(path, environ={})
        assert str(caught.value).startswith(key)


def test_every_key_is_in_the_example_and_has_its_environment_variable() -> None:
    """One definition (usecases/settings.py), documented once (config.example.toml)."""
    from bot.config import _keys, env_name

    example = (REPO / "config.example.toml").read_text(encoding="utf-8")
    import tomllib

    documented = {f"{s}.{k}" for s, table in tomllib.loads(example).items() for k in table}
    assert documented == set(_keys())
    settings = load_settings(
        REPO / "config.example.toml",
        environ={env_name("health.port"): "9999", env_name("notices.quiet_end"): "05:30"},
    )
    assert settings.health.port == 9999 and settings.notices.quiet_end == time(5, 30)
