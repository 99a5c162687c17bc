"""The knobs of the product, as plain values, each defined once here: its type and default.

The wiring (`bot/config.py`) fills them from `config.toml` and the environment by walking these
dataclasses: a section is a field holding a settings dataclass (`[telegram]` is
`Settings.telegram`), a key is one of its fields; a top-level field names its `section.key` in
its metadata. Use cases and handlers only read them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import time
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

__all__ = [
    "CHOICES",
    "DEFAULT_DATABASE_URL",
    "KEY",
    "TELEGRAM_API",
    "ZALO_API",
    "AttendanceSettings",
    "BackupSettings",
    "CentreSettings",
    "HealthSettings",
    "LecturerSettings",
    "NoticeSettings",
    "QuestionSettings",
    "Settings",
    "TelegramSettings",
    "UnitSettings",
    "WebSettings",
    "ZaloSettings",
]

# The project's own data folder, wherever the command is run from: a staff command started in
# another directory must reach the same database as the bot, not start an empty one there.
DEFAULT_DATABASE_URL = (
    f"sqlite+aiosqlite:///{Path(__file__).resolve().parents[1] / 'data' / 'so-lien-lac.sqlite3'}"
)
TELEGRAM_API = "https://api.telegram.org"
ZALO_API = "https://bot-api.zaloplatforms.com"
# Field metadata the loader reads: the allowed values of a key, and where a top-level field
# lives in config.toml.
CHOICES = "choices"
KEY = "key"
MODES = {CHOICES: ("polling", "webhook")}


@dataclass(frozen=True)
class TelegramSettings:
    token: str = ""
    api_url: str = TELEGRAM_API
    bot_username: str = ""  # for invite links printed by the CLI; the bot learns it from getMe
    mode: str = field(default="polling", metadata=MODES)
    webhook_url: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: str = ""
    webhook_path: str = "telegram"  # where the webhook listener takes updates
    staff_ids: tuple[int, ...] = ()
    per_second: float = 30.0
    per_chat_per_second: float = 1.0
    per_group_per_minute: float = 20.0


@dataclass(frozen=True)
class ZaloSettings:
    token: str = ""
    api_url: str = ZALO_API
    mode: str = field(default="polling", metadata=MODES)
    webhook_url: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8444
    webhook_secret: str = ""
    per_second: float = 10.0
    per_chat_per_second: float = 0.5
    # Server-side wait of one getUpdates long poll; a stop waits for the one in flight.
    poll_timeout: int = 10


@dataclass(frozen=True)
class NoticeSettings:
    evening_before_at: time = time(19, 0)
    minutes_before: int = 60
    quiet_start: time = time(21, 30)
    quiet_end: time = time(6, 0)
    merge_window_seconds: int = 60
    safety_tick_seconds: int = 30
    max_attempts: int = 8


@dataclass(frozen=True)
class AttendanceSettings:
    open_minutes_before: int = 30
    close_minutes_after: int = 60
    late_after_minutes: int = 15
    radius_m: int = 300
    require_location: bool = False


@dataclass(frozen=True)
class QuestionSettings:
    max_open_per_learner: int = 5
    max_per_hour: int = 10
    max_length: int = 2000
    stale_after_hours: int = 24
    digest_at: time = time(7, 0)


@dataclass(frozen=True)
class BackupSettings:
    enabled: bool = True
    dir: str = ""  # empty: a "sao-luu" folder beside the SQLite file (data/sao-luu on PostgreSQL)
    at: time = time(2, 30)  # the daily copy, at night
    keep_daily: int = 7
    keep_weekly: int = 4


@dataclass(frozen=True)
class HealthSettings:
    listen: str = "127.0.0.1"
    port: int = 8480  # /healthz and /metrics; 0: no health listener
    outbox_alert_minutes: int = 15  # staff are told once when a due notice waits longer


@dataclass(frozen=True)
class LecturerSettings:
    plan_every_seconds: int = 60  # how soon a lecturer hears of a moved or cancelled session
    evening_before_at: time = time(19, 0)  # reminders, as learners' under [notices]
    minutes_before: int = 60
    digest_at: time = time(7, 30)  # the morning after, lecturers see learners' ratings


@dataclass(frozen=True)
class WebSettings:
    listen: str = "127.0.0.1"
    port: int = 8490  # the staff web console; 0: not served
    public_url: str = ""  # how staff reach it (https://… behind a proxy); empty: http://listen:port
    link_minutes: int = 10  # a login link from /web works this long, once
    session_minutes: int = 60  # a session ends after this long without a page


@dataclass(frozen=True)
class UnitSettings:
    """Two-way with home units (issue 18)."""

    # Attendance rules: the share of a course's sessions a learner may miss without leave (more
    # is over the limit), a warning above `warn_absent_share`; consecutive absences without
    # leave that reach the limit (a warning at `warn_consecutive`, 0: none).
    max_absent_share: float = 0.2
    warn_absent_share: float = 0.1
    late_counts_as_present: bool = True
    max_consecutive: int = 2
    warn_consecutive: int = 0
    check_every_seconds: int = 600  # how often closed sessions and new results are looked at
    # A leader whose unit has not pressed "✅ Đã nhận" on a class's results this many days
    # after publishing gets one reminder; 0: no reminder.
    ack_remind_after_days: int = 3


@dataclass(frozen=True)
class CentreSettings:
    """One centre of a provincial installation (`[[centres]]`, issue 21): its own name, staff
    and bots. Every other setting is the installation's, shared by its centres."""

    key: str  # short latin name: in webhook paths, environment variables and `sll --trung-tam`
    name: str
    telegram_token: str = ""
    telegram_api_url: str = ""  # empty: [telegram] api_url
    telegram_bot_username: str = ""  # for invite links printed by the CLI
    # Webhook mode: this centre's own public URL (its own domain, say); empty:
    # <[telegram] webhook_url>/<key>, which the reverse proxy routes by path.
    telegram_webhook_url: str = ""
    staff_ids: tuple[int, ...] = ()
    zalo_token: str = ""  # empty: this centre has no Zalo bot
    zalo_api_url: str = ""  # empty: [zalo] api_url
    province: bool = False  # the provincial school: its staff see every centre of the province


SINGLE_CENTRE_KEY = "trung-tam"


@dataclass(frozen=True)
class Settings:
    centre_name: str = field(default="Trung tâm Chính trị", metadata={KEY: "centre.name"})
    timezone: ZoneInfo = field(
        default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"), metadata={KEY: "centre.timezone"}
    )
    database_url: str = field(default=DEFAULT_DATABASE_URL, metadata={KEY: "database.url"})
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    zalo: ZaloSettings = field(default_factory=ZaloSettings)
    notices: NoticeSettings = field(default_factory=NoticeSettings)
    attendance: AttendanceSettings = field(default_factory=AttendanceSettings)
    questions: QuestionSettings = field(default_factory=QuestionSettings)
    backup: BackupSettings = field(default_factory=BackupSettings)
    health: HealthSettings = field(default_factory=HealthSettings)
    lecturers: LecturerSettings = field(default_factory=LecturerSettings)
    web: WebSettings = field(default_factory=WebSettings)
    units: UnitSettings = field(default_factory=UnitSettings)
    # Grade from the average score when the results sheet gives none, highest threshold first.
    grade_scale: tuple[tuple[float, str], ...] = field(
        default=(
            (9.0, "Xuất sắc"),
            (8.0, "Giỏi"),
            (6.5, "Khá"),
            (5.0, "Trung bình"),
            (0.0, "Không đạt"),
        ),
        metadata={KEY: "results.grade_scale"},
    )
    survey_after_days: int = field(default=30, metadata={KEY: "results.survey_after_days"})
    # Several centres on one installation; empty: one centre, from [centre], [telegram], [zalo].
    centres: tuple[CentreSettings, ...] = ()
    # Derived, not configured: no token means the demo against the built-in local Telegram.
    local_simulator: bool = False

    @property
    def centre_list(self) -> tuple[CentreSettings, ...]:
        """The centres this installation serves: the configured list, or the one centre."""
        if self.centres:
            return self.centres
        one = CentreSettings(
            key=SINGLE_CENTRE_KEY,
            name=self.centre_name,
            telegram_token=self.telegram.token,
            staff_ids=self.telegram.staff_ids,
            zalo_token=self.zalo.token,
        )
        return (one,)

    def for_centre(self, centre: CentreSettings) -> Settings:
        """The settings one centre's bots run with: its name, staff and tokens; with several
        centres, each its own webhook path (`<webhook_url>/<key>`) and port (the base port
        plus the centre's place in the list)."""
        if not self.centres:
            return self
        index = self.centres.index(centre)
        tg, zl = self.telegram, self.zalo
        telegram = replace(
            tg,
            token=centre.telegram_token,
            api_url=centre.telegram_api_url or tg.api_url,
            bot_username=centre.telegram_bot_username.lstrip("@"),
            staff_ids=centre.staff_ids,
            webhook_url=centre.telegram_webhook_url
            or (f"{tg.webhook_url}/{centre.key}" if tg.webhook_url else ""),
            # Its own URL is served at that URL's path; else at <webhook_path>/<key>.
            webhook_path=urlsplit(centre.telegram_webhook_url).path.strip("/")
            or f"{tg.webhook_path}/{centre.key}",
            webhook_port=tg.webhook_port + index,
        )
        zalo = replace(
            zl,
            token=centre.zalo_token,
            api_url=centre.zalo_api_url or zl.api_url,
            webhook_url=f"{zl.webhook_url}/{centre.key}" if zl.webhook_url else "",
            webhook_port=zl.webhook_port + index,
        )
        return replace(self, centre_name=centre.name, telegram=telegram, zalo=zalo)
