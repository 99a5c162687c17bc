"""Shared fixtures: a real database (SQLite file, and PostgreSQL when SLL_TEST_POSTGRES_URL is
set), a clock that moves only when told, the sample class, and the real bot process running
against the local Telegram.

Schemas come from the Alembic migrations, once per test run, copied per test (a file copy on
SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL), so each test starts clean and fast.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from db.database import Database
from db.migrate import upgrade_sync
from localapi.telegram import LocalTelegram
from localapi.zalo import LocalZalo
from sheets.roster import parse_roster
from sheets.schedule import parse_schedule
from usecases import classes, identity
from usecases.clock import FixedClock

REPO = Path(__file__).resolve().parents[1]
SAMPLES = Path(os.environ.get("SLL_SAMPLE_DATA", REPO.parent / "shared" / "data"))
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PG_ENV = "SLL_TEST_POSTGRES_URL"
CENTRE = "Trung tâm Chính trị huyện Bắc Yên"
# The sample class's first session is Monday 04/03/2024 7h30; tests live the evening before.
SAMPLE_EVE = datetime(2024, 3, 3, 18, 0, tzinfo=TZ)

_counter = itertools.count()

# PTB 22 warns when it builds RetryAfter with an int unless told to use timedeltas; the bot
# process sets the same in bot/__main__.py.
os.environ.setdefault("PTB_TIMEDELTA", "true")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade_sync(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str | None]:
    url = os.environ.get(PG_ENV)
    if not url:
        yield None
        return
    name = f"sll_tpl_{os.getpid()}"
    asyncio.run(_pg_admin(url, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'))
    upgrade_sync(make_url(url).set(database=name).render_as_string(hide_password=False))
    yield name
    asyncio.run(_pg_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _pg_admin(url: str, *statements: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        for statement in statements:
            await conn.execute(text(statement))
    await engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
async def database(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    pg_template: str | None,
) -> AsyncIterator[Database]:
    """A migrated, empty database; each test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copy(sqlite_template, path)
        db = Database(f"sqlite+aiosqlite:///{path}")
        yield db
        await db.dispose()
        return
    base = os.environ.get(PG_ENV)
    if not base or pg_template is None:
        pytest.skip(f"PostgreSQL: set {PG_ENV} to run on PostgreSQL too")
    name = f"sll_t_{os.getpid()}_{next(_counter)}"
    await _pg_admin(base, f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    db = Database(make_url(base).set(database=name).render_as_string(hide_password=False))
    yield db
    await db.dispose()
    await _pg_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def sqlite_db(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Database]:
    """SQLite only, for tests whose subject is not the database."""
    path = tmp_path / "test.sqlite3"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite+aiosqlite:///{path}")
    yield db
    await db.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(SAMPLE_EVE)


@pytest.fixture
async def centre_id(database: Database) -> int:
    return await identity.ensure_centre(database.uow(), CENTRE)


@dataclass
class SampleClass:
    id: int
    code: str
    centre_id: int


async def make_sample_class(db: Database, centre_id: int, code: str = "SC-K4") -> SampleClass:
    """The sample roster (45 learners) and schedule (16 sessions) in one class."""
    class_id = await classes.create_class(
        db.uow(),
        centre_id=centre_id,
        code=code,
        name="Sơ cấp lý luận chính trị khóa IV năm 2024",
        program_type="Sơ cấp lý luận chính trị",
        location="Hội trường Trung tâm Chính trị huyện",
    )
    roster = parse_roster(SAMPLES / "danh-sach-so-cap-llct-k4-2024.xlsx")
    assert not roster.errors
    await classes.import_roster(db.uow(), class_id=class_id, rows=roster.rows)
    schedule = parse_schedule(SAMPLES / "lich-hoc-so-cap-llct-k4-2024.xlsx")
    assert not schedule.errors
    await classes.import_schedule(db.uow(), class_id=class_id, rows=schedule.rows, tz=TZ)
    return SampleClass(class_id, code, centre_id)


@pytest.fixture
async def sample_class(database: Database, centre_id: int) -> SampleClass:
    return await make_sample_class(database, centre_id)


# --- the real bot process against the local Telegram ---------------------------------------


@dataclass
class BotProcess:
    telegram: LocalTelegram
    db_url: str
    staff_id: int
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    zalo: LocalZalo | None = None  # the local Zalo it also polls, if started with one

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def stop(self) -> int:
        """SIGTERM and wait, off the event loop: the bot's last requests need the in-process
        local Telegram to answer."""
        return await asyncio.to_thread(self._stop)

    def _stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def set_up_class(self, code: str = "SC-K4") -> None:
        """What staff do first, with the staff command line: the sample class, its roster and
        schedule, and the leader of one of its units."""
        steps = [
            ["lop", "tao", code, "--ten", "Sơ cấp LLCT khóa IV", "--loai", "Sơ cấp LLCT"],
            ["lop", "nhap-hoc-vien", code, str(SAMPLES / "danh-sach-so-cap-llct-k4-2024.xlsx")],
            ["lop", "nhap-lich", code, str(SAMPLES / "lich-hoc-so-cap-llct-k4-2024.xlsx")],
            ["don-vi", "lanh-dao", "Đoàn xã Phiêng Ban", "--ten", "Hà Văn Thắng",
             "--sdt", "0912345678"],
        ]  # fmt: skip
        for args in steps:
            result = self.cli(*args)
            assert result.returncode == 0, result.stderr

    def invite_code(self, name: str, code: str = "SC-K4") -> str:
        """The invite code printed by `sll lop loi-moi` for this person."""
        listing = self.cli("lop", "loi-moi", code)
        assert listing.returncode == 0, listing.stderr
        line = next(line for line in listing.stdout.splitlines() if name in line)
        return next(cell.strip() for cell in line.split("│") if len(cell.strip()) == 10)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run the staff command line against the bot's database."""
        return subprocess.run(
            [sys.executable, "-m", "cli", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )


STAFF_ID = 777000


def bot_env(telegram: LocalTelegram, db_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLL_")}
    env["SLL_HEALTH_PORT"] = "0"  # many bots start in one run; the health tests choose a port
    env["SLL_WEB_PORT"] = "0"  # likewise the web console: its tests choose a free port
    env.update(
        SLL_CONFIG=str(REPO / "tests" / "no-config.toml"),
        SLL_TELEGRAM_TOKEN=telegram.token,
        SLL_TELEGRAM_API_URL=telegram.url,
        SLL_DATABASE_URL=db_url,
        SLL_TELEGRAM_STAFF_IDS=str(STAFF_ID),
        SLL_CENTRE_NAME=CENTRE,
        SLL_SAMPLE_DATA=str(SAMPLES),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)  # a test may give its own SLL_CONFIG
    return env


async def start_bot(
    telegram: LocalTelegram,
    db_url: str,
    tmp_path: Path,
    *,
    zalo: LocalZalo | None = None,
    **extra: str,
) -> BotProcess:
    """Start `python -m bot`; with `zalo`, it serves that local Zalo beside Telegram."""
    if zalo is not None:
        # A short long poll: a stop waits for the one in flight (Zalo has no offset).
        extra = {
            "SLL_ZALO_TOKEN": zalo.token,
            "SLL_ZALO_API_URL": zalo.url,
            "SLL_ZALO_POLL_TIMEOUT": "2",
            **extra,
        }
    env = bot_env(telegram, db_url, **extra)
    log_path = tmp_path / f"bot-{next(_counter)}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: ASYNC220 - returns at once; we talk to it over HTTP
            [sys.executable, "-m", "bot"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    bot = BotProcess(telegram, db_url, STAFF_ID, process, log_path, env, zalo)
    for _ in range(300):  # the bot is ready once it polls for updates (on each channel)
        polls_zalo = zalo is None or zalo.stats.requests["getUpdates"]
        if polls_zalo and any(  # or, in webhook mode, once it has set its webhook
            telegram.stats.requests[name]
            for name in ("getupdates", "getUpdates", "setwebhook", "setWebhook")
        ):
            return bot
        if process.poll() is not None:
            raise AssertionError(f"bot exited early:\n{bot.log()}")
        await asyncio.sleep(0.1)
    await bot.stop()
    raise AssertionError(f"bot did not start polling:\n{bot.log()}")


@pytest.fixture
async def local_telegram() -> AsyncIterator[LocalTelegram]:
    server = LocalTelegram()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def local_zalo() -> AsyncIterator[LocalZalo]:
    """The in-process local Zalo Bot API server (`localapi/zalo.py`)."""
    server = LocalZalo()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bot(local_telegram: LocalTelegram, tmp_path: Path) -> AsyncIterator[BotProcess]:
    """The real bot process (`python -m bot`), on a fresh SQLite file, polling the local
    Telegram; the clock is the evening before the sample class starts."""
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    process = await start_bot(local_telegram, db_url, tmp_path, SLL_FAKE_NOW=SAMPLE_EVE.isoformat())
    yield process
    code = await process.stop()
    assert code == 0, f"bot did not shut down cleanly ({code}):\n{process.log()}"
