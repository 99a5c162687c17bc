"""Settings: `config.toml` read with tomllib, environment variables on top.

Every key is documented in `config.example.toml`. A missing or malformed setting stops
start-up with one line naming the key, because a centre's staff member reading a
traceback is a support call we can avoid.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from usecases.settings import (
    DEFAULT_DATABASE_URL,
    TELEGRAM_API,
    ZALO_API,
    AttendanceSettings,
    BackupSettings,
    HealthSettings,
    NoticeSettings,
    QuestionSettings,
    Settings,
    TelegramSettings,
    ZaloSettings,
)

__all__ = ["ConfigError", "Settings", "load_settings"]


# Environment variables that override a key: (variable, section, key).
ENV_OVERRIDES = (
    ("SLL_TELEGRAM_TOKEN", "telegram", "token"),
    ("SLL_TELEGRAM_API_URL", "telegram", "api_url"),
    ("SLL_TELEGRAM_BOT_USERNAME", "telegram", "bot_username"),
    ("SLL_TELEGRAM_MODE", "telegram", "mode"),
    ("SLL_TELEGRAM_WEBHOOK_URL", "telegram", "webhook_url"),
    ("SLL_TELEGRAM_WEBHOOK_SECRET", "telegram", "webhook_secret"),
    ("SLL_TELEGRAM_WEBHOOK_PORT", "telegram", "webhook_port"),
    ("SLL_TELEGRAM_STAFF_IDS", "telegram", "staff_ids"),
    ("SLL_ZALO_TOKEN", "zalo", "token"),
    ("SLL_ZALO_API_URL", "zalo", "api_url"),
    ("SLL_ZALO_MODE", "zalo", "mode"),
    ("SLL_ZALO_WEBHOOK_URL", "zalo", "webhook_url"),
    ("SLL_ZALO_WEBHOOK_SECRET", "zalo", "webhook_secret"),
    ("SLL_ZALO_POLL_TIMEOUT", "zalo", "poll_timeout"),
    ("SLL_DATABASE_URL", "database", "url"),
    ("SLL_TIMEZONE", "centre", "timezone"),
    ("SLL_CENTRE_NAME", "centre", "name"),
    ("SLL_BACKUP_DIR", "backup", "dir"),
    ("SLL_BACKUP_ENABLED", "backup", "enabled"),
    ("SLL_HEALTH_LISTEN", "health", "listen"),
    ("SLL_HEALTH_PORT", "health", "port"),
)


# Telegram's secret_token for setWebhook: 1-256 characters, A-Z, a-z, 0-9, _ and -.
TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the key."""


def load_settings(
    path: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read `config.toml` (if present) and apply environment overrides."""
    environ = os.environ if environ is None else environ
    path = Path(path or environ.get("SLL_CONFIG", "config.toml"))
    raw: dict[str, Any] = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    for var, section, key in ENV_OVERRIDES:
        if environ.get(var):
            raw.setdefault(section, {})[key] = environ[var]
    return _build(raw)


def _build(raw: dict[str, Any]) -> Settings:
    centre = _section(raw, "centre")
    tg = _section(raw, "telegram")
    zl = _section(raw, "zalo")
    db = _section(raw, "database")
    nt = _section(raw, "notices")
    at = _section(raw, "attendance")
    qs = _section(raw, "questions")
    rs = _section(raw, "results")
    bk = _section(raw, "backup")
    hl = _section(raw, "health")

    tz_name = _get(centre, "centre.timezone", str, "Asia/Ho_Chi_Minh")
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"centre.timezone: unknown time zone {tz_name!r}") from exc

    telegram = TelegramSettings(
        token=_get(tg, "telegram.token", str, ""),
        api_url=_get(tg, "telegram.api_url", str, TELEGRAM_API).rstrip("/"),
        bot_username=_get(tg, "telegram.bot_username", str, "").lstrip("@"),
        mode=_choice(tg, "telegram.mode", ("polling", "webhook"), "polling"),
        webhook_url=_get(tg, "telegram.webhook_url", str, ""),
        webhook_listen=_get(tg, "telegram.webhook_listen", str, "127.0.0.1"),
        webhook_port=_get(tg, "telegram.webhook_port", int, 8443),
        webhook_secret=_get(tg, "telegram.webhook_secret", str, ""),
        staff_ids=_ids(tg, "telegram.staff_ids"),
        staff_group_id=_get(tg, "telegram.staff_group_id", int, None),
        per_second=_get(tg, "telegram.per_second", float, 30.0),
        per_chat_per_second=_get(tg, "telegram.per_chat_per_second", float, 1.0),
        per_group_per_minute=_get(tg, "telegram.per_group_per_minute", float, 20.0),
    )
    if telegram.mode == "webhook" and not telegram.webhook_url:
        raise ConfigError("telegram.webhook_url: required when telegram.mode = 'webhook'")
    if telegram.mode == "webhook" and not TELEGRAM_SECRET.fullmatch(telegram.webhook_secret):
        # Without it anyone who finds the URL can post updates in any person's name.
        raise ConfigError(
            "telegram.webhook_secret: bắt buộc ở chế độ webhook, 1–256 ký tự A–Z, a–z, 0–9, _ "
            "hoặc - (để không ai giả được tin nhắn gửi đến bot)"
        )
    zalo = ZaloSettings(
        token=_get(zl, "zalo.token", str, ""),
        api_url=_get(zl, "zalo.api_url", str, ZALO_API).rstrip("/"),
        mode=_choice(zl, "zalo.mode", ("polling", "webhook"), "polling"),
        webhook_url=_get(zl, "zalo.webhook_url", str, ""),
        webhook_listen=_get(zl, "zalo.webhook_listen", str, "127.0.0.1"),
        webhook_port=_get(zl, "zalo.webhook_port", int, 8444),
        webhook_secret=_get(zl, "zalo.webhook_secret", str, ""),
        per_second=_get(zl, "zalo.per_second", float, 10.0),
        per_chat_per_second=_get(zl, "zalo.per_chat_per_second", float, 0.5),
        poll_timeout=_get(zl, "zalo.poll_timeout", int, 10),
    )
    if zalo.mode == "webhook" and not (zalo.webhook_url and zalo.webhook_secret):
        raise ConfigError("zalo.webhook_secret: required (with zalo.webhook_url) in webhook mode")
    if zalo.mode == "webhook" and not 8 <= len(zalo.webhook_secret) <= 256:
        raise ConfigError("zalo.webhook_secret: Zalo accepts 8 to 256 characters")
    notices = NoticeSettings(
        evening_before_at=_time(nt, "notices.evening_before_at", time(19, 0)),
        minutes_before=_get(nt, "notices.minutes_before", int, 60),
        quiet_start=_time(nt, "notices.quiet_start", time(21, 30)),
        quiet_end=_time(nt, "notices.quiet_end", time(6, 0)),
        merge_window_seconds=_get(nt, "notices.merge_window_seconds", int, 60),
        safety_tick_seconds=_get(nt, "notices.safety_tick_seconds", int, 30),
        max_attempts=_get(nt, "notices.max_attempts", int, 8),
    )
    attendance = AttendanceSettings(
        open_minutes_before=_get(at, "attendance.open_minutes_before", int, 30),
        close_minutes_after=_get(at, "attendance.close_minutes_after", int, 60),
        late_after_minutes=_get(at, "attendance.late_after_minutes", int, 15),
        radius_m=_get(at, "attendance.radius_m", int, 300),
        require_location=_get(at, "attendance.require_location", bool, False),
    )
    questions = QuestionSettings(
        max_open_per_learner=_get(qs, "questions.max_open_per_learner", int, 5),
        max_per_hour=_get(qs, "questions.max_per_hour", int, 10),
        max_length=_get(qs, "questions.max_length", int, 2000),
        stale_after_hours=_get(qs, "questions.stale_after_hours", int, 24),
        digest_at=_time(qs, "questions.digest_at", time(7, 0)),
    )
    backup = BackupSettings(
        enabled=_get(bk, "backup.enabled", bool, True),
        dir=_get(bk, "backup.dir", str, ""),
        at=_time(bk, "backup.at", time(2, 30)),
        keep_daily=_get(bk, "backup.keep_daily", int, 7),
        keep_weekly=_get(bk, "backup.keep_weekly", int, 4),
    )
    health = HealthSettings(
        listen=_get(hl, "health.listen", str, "127.0.0.1"),
        port=_get(hl, "health.port", int, 8480),
        outbox_alert_minutes=_get(hl, "health.outbox_alert_minutes", int, 15),
    )
    return Settings(
        centre_name=_get(centre, "centre.name", str, "Trung tâm Chính trị"),
        timezone=tz,
        database_url=_get(db, "database.url", str, DEFAULT_DATABASE_URL),
        telegram=telegram,
        zalo=zalo,
        notices=notices,
        attendance=attendance,
        questions=questions,
        backup=backup,
        health=health,
        grade_scale=_grade_scale(rs),
        survey_after_days=_get(rs, "results.survey_after_days", int, 30),
        local_simulator=not telegram.token,
    )


def _section(raw: dict[str, Any], name: str) -> dict[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{name}: must be a table ([{name}])")
    return value


def _get(section: dict[str, Any], key: str, kind: type, default: Any) -> Any:
    name = key.rsplit(".", 1)[1]
    if name not in section:
        return default
    value = section[name]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind is int and isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)  # environment variables arrive as text
    if kind is bool and isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(f"{key}: expected {kind.__name__}, got {value!r}")
    return value


def _choice(section: dict[str, Any], key: str, allowed: tuple[str, ...], default: str) -> str:
    value = _get(section, key, str, default)
    if value not in allowed:
        raise ConfigError(f"{key}: must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _time(section: dict[str, Any], key: str, default: time) -> time:
    value = _get(section, key, str, None)
    if value is None:
        return default
    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise ConfigError(f'{key}: expected a time like "19:00", got {value!r}') from exc


def _ids(section: dict[str, Any], key: str) -> tuple[int, ...]:
    value = section.get(key.rsplit(".", 1)[1], [])
    if isinstance(value, str):  # from the environment: "123,456"
        value = [v for v in value.replace(" ", "").split(",") if v]
    try:
        return tuple(int(v) for v in value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{key}: expected a list of Telegram user ids, got {value!r}") from exc


def _grade_scale(section: dict[str, Any]) -> tuple[tuple[float, str], ...]:
    value = section.get("grade_scale")
    if value is None:
        return Settings.__dataclass_fields__["grade_scale"].default  # type: ignore[return-value]
    try:
        scale = tuple(sorted(((float(v), str(k)) for k, v in value.items()), reverse=True))
    except (AttributeError, TypeError, ValueError) as exc:
        raise ConfigError(
            'results.grade_scale: expected a table like { "Giỏi" = 8.0, "Khá" = 6.5 }'
        ) from exc
    if not scale:
        raise ConfigError("results.grade_scale: must name at least one grade")
    return scale
