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
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from db.database import Database
from db.migrate import upgrade, upgrade_sync
from db.models import ChatAccount, Person
from localapi import harness
from localapi.telegram import FakeUser, LocalTelegram
from localapi.zalo import LocalZalo
from sheets.roster import parse_roster
from sheets.schedule import parse_schedule
from usecases import classes, identity
from usecases.clock import FixedClock
from usecases.identity import Actor

REPO = Path(__file__).resolve().parents[1]
SAMPLES = Path(os.environ.get("SLL_SAMPLE_DATA", REPO.parent / "shared" / "data"))
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PG_ENV = "SLL_TEST_POSTGRES_URL"
CENTRE = "Trung tâm Chính trị huyện Bắc Yên"
# The sample class's first session is Monday 04/03/2024 7h30; tests live the evening before.
FIRST_SESSION = datetime(2024, 3, 4, 7, 30, tzinfo=TZ)
CHECK_IN_OPEN = FIRST_SESSION + timedelta(minutes=5)  # 7h35: check-in open, not yet late
SAMPLE_EVE = datetime(2024, 3, 3, 18, 0, tzinfo=TZ)
# Lê Thị Ngọc Lan, TT 1 of the sample roster, and the phone number she shares to link.
LAN_PHONE = "0731706690"

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


@asynccontextmanager
async def old_database(engine: str, tmp_path: Path, revision: str) -> AsyncIterator[Database]:
    """An empty database at an older migration `revision`, on SQLite or (skipped without it)
    a scratch PostgreSQL database dropped after: for tests of what a migration does to rows."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
    base, name = os.environ.get(PG_ENV), f"sll_old_{os.getpid()}"
    if engine == "postgres":
        if not base:
            pytest.skip(f"PostgreSQL: set {PG_ENV} to run on PostgreSQL too")
        await _pg_admin(base, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
        url = make_url(base).set(database=name).render_as_string(hide_password=False)
    await upgrade(url, revision)
    db = Database(url)
    try:
        yield db
    finally:
        await db.dispose()
        if engine == "postgres" and base:
            await _pg_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
        actor=Actor.cli(centre_id),
        centre_id=centre_id,
        code=code,
        name="Sơ cấp lý luận chính trị khóa IV năm 2024",
        program_type="Sơ cấp lý luận chính trị",
        location="Hội trường Trung tâm Chính trị huyện",
    )
    roster = parse_roster(SAMPLES / "danh-sach-so-cap-llct-k4-2024.xlsx")
    assert not roster.errors
    await classes.import_roster(
        db.uow(), actor=Actor.cli(centre_id), class_id=class_id, rows=roster.rows
    )
    schedule = parse_schedule(SAMPLES / "lich-hoc-so-cap-llct-k4-2024.xlsx")
    assert not schedule.errors
    await classes.import_schedule(
        db.uow(), actor=Actor.cli(centre_id), class_id=class_id, rows=schedule.rows, tz=TZ
    )
    return SampleClass(class_id, code, centre_id)


@pytest.fixture
async def sample_class(database: Database, centre_id: int) -> SampleClass:
    return await make_sample_class(database, centre_id)


async def add_sample_leader(db: Database, centre_id: int) -> None:
    """Hà Văn Thắng, leader of Đoàn xã Phiêng Ban (a unit of the sample roster), as
    `BotProcess.set_up_class` adds him with the staff command line."""
    await classes.add_unit_leader(
        db.uow(),
        actor=Actor.cli(centre_id),
        centre_id=centre_id,
        unit_name="Đoàn xã Phiêng Ban",
        full_name="Hà Văn Thắng",
        phone="0912345678",
    )


async def centre_of(session: AsyncSession, person_id: int) -> int:
    """The centre a person belongs to: their chat accounts are accounts of its bot."""
    centre = await session.scalar(select(Person.centre_id).where(Person.id == person_id))
    assert centre is not None, f"no person {person_id}"
    return centre


async def link_account(db: Database, channel: str, account_id: str | int, person_id: int) -> None:
    """A chat account linked to this person the day before the first session."""
    async with db.uow() as uow:
        uow.session.add(
            ChatAccount(
                centre_id=await centre_of(uow.session, person_id),
                channel=channel,
                external_id=str(account_id),
                chat_id=str(account_id),
                person_id=person_id,
                linked_at=FIRST_SESSION - timedelta(days=1),
            )
        )
        await uow.commit()


async def first_morning(
    db_url: str, channel: str, accounts: Sequence[str | int]
) -> tuple[SampleClass, list[str]]:
    """A new database with the sample class, TT 1 its monitor, and these chat accounts (on
    `channel`) linked to TT 1, TT 2, … in order. Returns the class and the learners' names in
    roster order."""
    db = Database(db_url)
    try:
        await db.migrate()
        centre_id = await identity.ensure_centre(db.uow(), CENTRE)
        sample = await make_sample_class(db, centre_id)
        await classes.set_monitor(
            db.uow(), actor=Actor.cli(sample.centre_id), class_id=sample.id, who="1"
        )
        learners = await classes.list_learners(db.uow(), class_id=sample.id)
        for account, learner in zip(accounts, learners, strict=False):
            await link_account(db, channel, account, learner.person.id)
    finally:
        await db.dispose()
    return sample, [learner.person.full_name for learner in learners]


async def link_lan(telegram: LocalTelegram, user_id: int = 1001) -> FakeUser:
    """Lan links her Telegram account by sharing her phone number (the class must exist)."""
    lan = telegram.user(user_id, "Lan")
    lan.share_contact(LAN_PHONE)
    await lan.wait_for("đã được liên kết", timeout=10)
    return lan


# --- the real bot process against the local Telegram (localapi/harness.py) ------------------

STAFF_ID = 777000


@dataclass
class BotProcess(harness.BotRun):
    """The bot a test started, with the servers and database it was given."""

    telegram: LocalTelegram = field(kw_only=True)
    db_url: str = field(kw_only=True)
    staff_id: int = field(default=STAFF_ID, kw_only=True)
    zalo: LocalZalo | None = field(default=None, kw_only=True)  # the local Zalo it also polls

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

    async def class_with_lan(self, code: str = "SC-K4") -> FakeUser:
        """`set_up_class`, then Lan links on Telegram (`link_lan`)."""
        self.set_up_class(code)
        return await link_lan(self.telegram)

    def import_results(self, code: str = "SC-K4") -> subprocess.CompletedProcess[str]:
        """The sample results, imported with `sll ket-qua nhap` (not yet published)."""
        imported = self.cli(
            "ket-qua", "nhap", code, str(SAMPLES / "ket-qua-so-cap-llct-k4-2024.xlsx")
        )
        assert imported.returncode == 0, imported.stderr
        return imported

    def publish_results(self, code: str = "SC-K4") -> None:
        """What staff confirm with `sll ket-qua cong-bo --dong-y`."""
        published = self.cli("ket-qua", "cong-bo", code, "--dong-y")
        assert published.returncode == 0, published.stderr

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


def sqlite_url(folder: Path) -> str:
    """The bot's database: a fresh SQLite file in the test's folder."""
    return f"sqlite+aiosqlite:///{folder / 'bot.sqlite3'}"


def bot_env(
    telegram: LocalTelegram, db_url: str, *, zalo: LocalZalo | None = None, **extra: str
) -> dict[str, str]:
    """The harness's environment, as staff of the sample centre with the sample data; `extra`
    last (a test may give its own SLL_CONFIG)."""
    env = harness.bot_env(
        telegram,
        db_url,
        zalo=zalo,
        SLL_TELEGRAM_STAFF_IDS=str(STAFF_ID),
        SLL_CENTRE_NAME=CENTRE,
        SLL_SAMPLE_DATA=str(SAMPLES),
    )
    if zalo is not None:  # a short long poll: a stop waits for the one in flight (no offset)
        env["SLL_ZALO_POLL_TIMEOUT"] = "2"
    env.update(extra)
    return env


async def start_bot(
    telegram: LocalTelegram,
    db_url: str,
    tmp_path: Path,
    *,
    zalo: LocalZalo | None = None,
    **extra: str,
) -> BotProcess:
    """Start `python -m bot` and wait until it serves; with `zalo`, that local Zalo too."""
    env = bot_env(telegram, db_url, zalo=zalo, **extra)
    run = harness.spawn(env, tmp_path / f"bot-{next(_counter)}.log")
    bot = BotProcess(run.process, run.log_path, env, telegram=telegram, db_url=db_url, zalo=zalo)
    await harness.wait_serving(bot, telegram, zalo)
    return bot


@asynccontextmanager
async def running_bot(
    telegram: LocalTelegram,
    tmp_path: Path,
    *,
    now: datetime,
    zalo: LocalZalo | None = None,
    **extra: str,
) -> AsyncIterator[BotProcess]:
    """The bot on the test's SQLite file, its clock at `now`, for the block; it must then shut
    down cleanly (exit code 0)."""
    bot = await start_bot(
        telegram, sqlite_url(tmp_path), tmp_path, zalo=zalo, SLL_FAKE_NOW=now.isoformat(), **extra
    )
    try:
        yield bot
    finally:
        code = await bot.stop()
    assert code == 0, f"bot did not shut down cleanly ({code}):\n{bot.log()}"


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
def bot_now() -> datetime:
    """The clock of `bot` and `bot_with_zalo`: the evening before the sample class starts. A
    test module overrides this fixture to live at another time."""
    return SAMPLE_EVE


@pytest.fixture
async def bot(
    local_telegram: LocalTelegram, tmp_path: Path, bot_now: datetime
) -> AsyncIterator[BotProcess]:
    """The real bot process (`python -m bot`), on a fresh SQLite file, polling the local
    Telegram, its clock at `bot_now`."""
    async with running_bot(local_telegram, tmp_path, now=bot_now) as process:
        yield process


@pytest.fixture
async def bot_with_zalo(
    local_telegram: LocalTelegram, local_zalo: LocalZalo, tmp_path: Path, bot_now: datetime
) -> AsyncIterator[BotProcess]:
    """`bot`, serving the local Zalo beside the local Telegram."""
    async with running_bot(local_telegram, tmp_path, now=bot_now, zalo=local_zalo) as process:
        yield process
