"""Settings: `config.toml` read with tomllib, environment variables on top.

Each setting is defined once, in `usecases/settings.py` (type and default); this module walks
those dataclasses, so a new key needs no code here. Every key is documented in
`config.example.toml`; `SLL_<SECTION>_<KEY>` overrides it from the environment. A missing,
malformed or unknown key stops start-up with one line naming it, because a centre's staff member
reading a traceback is a support call we can avoid, and a typo that passed silently is worse.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import Field, fields, is_dataclass, replace
from datetime import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_type_hints
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from usecases.settings import CHOICES, KEY, CentreSettings, Settings

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = ["ConfigError", "Settings", "env_name", "load_settings", "setting_of"]

# Older names kept working: variable -> "section.key".
ENV_ALIASES = {"SLL_TIMEZONE": "centre.timezone"}
# Telegram's secret_token for setWebhook: 1-256 characters, A-Z, a-z, 0-9, _ and -.
TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class ConfigError(Exception):
    """A setting is missing, malformed or unknown; the message starts with the key."""


def env_name(key: str) -> str:
    """`telegram.api_url` -> `SLL_TELEGRAM_API_URL`."""
    return "SLL_" + key.replace(".", "_").upper()


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
            raise ConfigError(f"{path}: không phải TOML hợp lệ ({exc})") from exc
    keys = _keys()
    centres = _centres(raw.pop("centres", []), environ)
    for section, value in raw.items():
        if not isinstance(value, dict):
            raise ConfigError(f"{section}: phải là một bảng ([{section}])")
        for name in value:
            if f"{section}.{name}" not in keys:
                raise ConfigError(f"{section}.{name}: không có khóa này (xem config.example.toml)")
    overrides = {env_name(key): key for key in keys} | ENV_ALIASES
    for variable, key in overrides.items():
        if environ.get(variable):
            section, name = key.split(".")
            raw.setdefault(section, {})[name] = environ[variable]
    return _checked(replace(_build(raw, keys), centres=centres))


# --- several centres ([[centres]], SLL_CENTRES) ---------------------------------------------

CENTRE_KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


def centre_env_name(key: str, name: str) -> str:
    """(`hoa-vang`, `telegram_token`) -> `SLL_CENTRES_HOA_VANG_TELEGRAM_TOKEN`."""
    return f"SLL_CENTRES_{key.replace('-', '_').upper()}_{name.upper()}"


# A centre's field, as the one-centre configuration names it.
_SINGLE_KEYS = {"telegram_token": "telegram.token", "zalo_token": "zalo.token"}


def setting_of(settings: Settings, centre: CentreSettings, name: str) -> str:
    """Where a centre's setting is set, for a message to whoever runs the bot:
    `telegram.token / SLL_TELEGRAM_TOKEN`, or with several centres
    `centres.hoa-vang.telegram_token / SLL_CENTRES_HOA_VANG_TELEGRAM_TOKEN`."""
    if not settings.centres:
        key = _SINGLE_KEYS.get(name, name)
        return f"{key} / {env_name(key)}"
    return f"centres.{centre.key}.{name} / {centre_env_name(centre.key, name)}"


def _centres(raw: Any, environ: Mapping[str, str]) -> tuple[CentreSettings, ...]:
    """The `[[centres]]` tables, then the environment: `SLL_CENTRES` lists the keys (adding any
    the file lacks) and `SLL_CENTRES_<KEY>_<FIELD>` sets a field, a token above all."""
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise ConfigError("centres: phải là các bảng [[centres]]")
    tables: dict[str, dict[str, Any]] = {}
    for number, table in enumerate(raw, start=1):
        key = table.get("key")
        if not isinstance(key, str) or not CENTRE_KEY.fullmatch(key):
            raise ConfigError(
                f'centres[{number}].key: cần tên ngắn gồm a–z, 0–9 và -, như "hoa-vang"'
            )
        if key in tables:
            raise ConfigError(f"centres.{key}: khai báo hai lần")
        tables[key] = dict(table)
    listed = [k.strip() for k in environ.get("SLL_CENTRES", "").split(",") if k.strip()]
    for key in listed:
        if not CENTRE_KEY.fullmatch(key):
            raise ConfigError(f"SLL_CENTRES: {key!r} không phải tên ngắn gồm a–z, 0–9 và -")
        tables.setdefault(key, {"key": key})
    by_name = {f.name: f for f in fields(CentreSettings)}
    built = []
    for key, table in tables.items():
        for name in by_name:
            variable = centre_env_name(key, name)
            if name != "key" and environ.get(variable):
                table[name] = environ[variable]
        unknown = set(table) - set(by_name)
        if unknown:
            raise ConfigError(f"centres.{key}.{sorted(unknown)[0]}: không có khóa này")
        if not table.get("name"):
            raise ConfigError(f"centres.{key}.name: bắt buộc (tên trung tâm)")
        values = {
            name: _convert(f"centres.{key}.{name}", value, by_name[name], CentreSettings)
            for name, value in table.items()
        }
        built.append(CentreSettings(**values))
    return tuple(built)


# --- walking the dataclasses ----------------------------------------------------------------


def _keys() -> dict[str, tuple[str, ...]]:
    """Every configurable key ("section.key") and the path of fields that holds it."""
    keys: dict[str, tuple[str, ...]] = {}
    hints = get_type_hints(Settings)
    for f in fields(Settings):
        kind = hints[f.name]
        if is_dataclass(kind):
            for inner in fields(kind):
                keys[f"{f.name}.{inner.name}"] = (f.name, inner.name)
        elif KEY in f.metadata:
            keys[f.metadata[KEY]] = (f.name,)
    return keys


def _build(raw: dict[str, Any], keys: dict[str, tuple[str, ...]]) -> Settings:
    """The defaults, with every key the file or the environment sets converted to its type."""
    built = Settings()
    sections: dict[str, dict[str, Any]] = {}
    top: dict[str, Any] = {}
    for key, path in keys.items():
        section, name = key.split(".")
        if name not in raw.get(section, {}):
            continue
        value = raw[section][name]
        if len(path) == 2:
            owner = getattr(built, path[0])
            converted = _convert(key, value, _field(owner, path[1]), type(owner))
            sections.setdefault(path[0], {})[path[1]] = converted
        else:
            top[path[0]] = _convert(key, value, _field(built, path[0]), Settings)
    for name, changes in sections.items():
        top[name] = replace(getattr(built, name), **changes)
    return replace(built, **top)


def _field(owner: DataclassInstance, name: str) -> Field[Any]:
    return next(f for f in fields(owner) if f.name == name)


def _convert(key: str, value: Any, f: Field[Any], owner: type) -> Any:
    kind = get_type_hints(owner)[f.name]
    parse = _PARSERS.get(kind)
    if parse is None:
        raise ConfigError(f"{key}: kiểu {kind} chưa đọc được từ cấu hình")  # a new kind of knob
    try:
        converted = parse(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{key}: {exc}, không đọc được {value!r}") from None
    allowed = f.metadata.get(CHOICES)
    if allowed and converted not in allowed:
        raise ConfigError(f"{key}: phải là một trong {', '.join(allowed)}, không phải {value!r}")
    return converted


# --- one parser per type ----------------------------------------------------------------------


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("cần một chuỗi")
    return value


def _int(value: Any) -> int:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)  # environment variables arrive as text
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("cần một số nguyên")
    return value


def _float(value: Any) -> float:
    if isinstance(value, str):
        return float(value.replace(",", "."))
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise TypeError("cần một số")
    return float(value)


def _bool(value: Any) -> bool:
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    if not isinstance(value, bool):
        raise TypeError("cần true hoặc false")
    return value


def _time(value: Any) -> time:
    hours, minutes = _str(value).split(":")
    try:
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValueError('cần một giờ như "19:00"') from None


def _ids(value: Any) -> tuple[int, ...]:
    if isinstance(value, str):  # from the environment: "123,456"
        value = [v for v in value.replace(" ", "").split(",") if v]
    if not isinstance(value, list):
        raise TypeError("cần một danh sách mã người dùng Telegram")
    try:
        return tuple(_int(v) for v in value)
    except TypeError:
        raise TypeError("cần một danh sách mã người dùng Telegram") from None


def _zone(value: Any) -> ZoneInfo:
    try:
        return ZoneInfo(_str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("múi giờ không tồn tại") from None


def _grade_scale(value: Any) -> tuple[tuple[float, str], ...]:
    if not isinstance(value, dict):
        raise TypeError('cần một bảng như { "Giỏi" = 8.0, "Khá" = 6.5 }')
    scale = tuple(sorted(((_float(v), str(k)) for k, v in value.items()), reverse=True))
    if not scale:
        raise ValueError("cần ít nhất một xếp loại")
    return scale


_PARSERS: dict[Any, Callable[[Any], Any]] = {
    str: _str,
    int: _int,
    float: _float,
    bool: _bool,
    time: _time,
    tuple[int, ...]: _ids,
    ZoneInfo: _zone,
    tuple[tuple[float, str], ...]: _grade_scale,
}


# --- rules across keys ------------------------------------------------------------------------


def _checked(settings: Settings) -> Settings:
    tg = replace(
        settings.telegram,
        api_url=settings.telegram.api_url.rstrip("/"),
        bot_username=settings.telegram.bot_username.lstrip("@"),
    )
    zl = replace(settings.zalo, api_url=settings.zalo.api_url.rstrip("/"))
    if tg.mode == "webhook" and not tg.webhook_url:
        raise ConfigError("telegram.webhook_url: bắt buộc khi telegram.mode = 'webhook'")
    if tg.mode == "webhook" and not TELEGRAM_SECRET.fullmatch(tg.webhook_secret):
        # Without it anyone who finds the URL can post updates in any person's name.
        raise ConfigError(
            "telegram.webhook_secret: bắt buộc ở chế độ webhook, 1–256 ký tự A–Z, a–z, 0–9, _ "
            "hoặc - (để không ai giả được tin nhắn gửi đến bot)"
        )
    if zl.mode == "webhook" and not (zl.webhook_url and zl.webhook_secret):
        raise ConfigError("zalo.webhook_secret: bắt buộc (cùng zalo.webhook_url) ở chế độ webhook")
    if zl.mode == "webhook" and not 8 <= len(zl.webhook_secret) <= 256:
        raise ConfigError("zalo.webhook_secret: Zalo nhận từ 8 đến 256 ký tự")
    if settings.centres:
        _check_centres(settings)
        local = not any(c.telegram_token for c in settings.centres)
    else:
        local = not tg.token
    return replace(settings, telegram=tg, zalo=zl, local_simulator=local)


def _check_centres(settings: Settings) -> None:
    """Several centres: each its own bot, and the one-centre keys left empty (they would say
    which centre?)."""
    for key, value in (
        ("telegram.token", settings.telegram.token),
        ("telegram.staff_ids", settings.telegram.staff_ids),
        ("zalo.token", settings.zalo.token),
    ):
        if value:
            raise ConfigError(f"{key}: để trống khi khai báo [[centres]]; đặt cho từng trung tâm")
    centres = settings.centres
    with_token = [c for c in centres if c.telegram_token]
    if with_token and len(with_token) < len(centres):
        missing = next(c for c in centres if not c.telegram_token)
        raise ConfigError(f"centres.{missing.key}.telegram_token: bắt buộc (mỗi trung tâm một bot)")
    for attribute in ("name", "telegram_token", "zalo_token"):
        seen: set[str] = set()
        for c in centres:
            value = getattr(c, attribute)
            if value and value in seen:
                raise ConfigError(f"centres.{c.key}.{attribute}: trùng với một trung tâm khác")
            seen.add(value)
    if sum(c.province for c in centres) > 1:
        raise ConfigError("centres.province: chỉ một trung tâm được là trường chính trị tỉnh")
