"""Several centres on one installation (issue 21, item 1): each centre's staff, learners and
leaders see their own centre only, whatever ids they type or forge; a person who studies at
two centres is a person at each, and each centre's notices leave through its own bot.

Two centres in one database: Bắc Yên with the sample class, Phù Yên with a class from the
other sample roster plus Lê Thị Ngọc Lan, who studies at both. Every staff command is tried
by Bắc Yên's staff with Phù Yên's class code and ids; no reply may show anything of Phù Yên,
and nothing of Phù Yên may change."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook
from sqlalchemy import func, select, text
from telegram import Bot

from bot.config import ConfigError, load_settings
from bot.dispatch import Dispatcher
from channels.incoming import Incoming
from channels.ratelimit import RateLimiter
from channels.telegram_http import AiohttpRequest
from channels.telegram_sender import TelegramSender
from db.database import Database
from db.migrate import upgrade
from db.models import (
    Attendance,
    ChatAccount,
    Invite,
    LeaveRequest,
    Notification,
    NotificationStatus,
    Person,
    Question,
)
from handlers.base import Services
from handlers.routes import ROUTES
from localapi.telegram import LocalTelegram
from scheduler.dispatcher import Job, NoticeDispatcher, interleave
from sheets.roster import parse_roster
from sheets.schedule import parse_schedule
from tests.conftest import SAMPLE_EVE as SAMPLE_NOW
from tests.conftest import SAMPLES, TZ, SampleClass, make_sample_class, old_database
from usecases import classes, identity, lecturers, linking, web_login
from usecases import delivery as D
from usecases import questions as Q
from usecases.clock import FixedClock
from usecases.delivery import rules as DR
from usecases.identity import Actor, Role
from usecases.outbox import Notice, enqueue
from usecases.settings import CentreSettings, Settings
from vn.phones import normalize_phone
from web.console import Console
from web.server import build_app

PHU_YEN = "Trung tâm Chính trị huyện Phù Yên"
A_NAME = "Sơ cấp lý luận chính trị khóa IV năm 2024"  # the sample class (conftest)
B_CODE = "PY-NT1"
B_NAME = "Bồi dưỡng nhận thức về Đảng khóa I"
B_QUESTION = "Câu hỏi riêng của lớp Phù Yên về điều lệ"
LAN = "Lê Thị Ngọc Lan"
LAN_PHONE = "0731706690"  # on both centres' rosters
PANG, PANG_PHONE = "Trần Đức Pặng", "0349390926"  # Phù Yên only
STAFF_A, STAFF_B = 7001, 7002
LAN_TG, PANG_TG = 5001, 5002
SETTINGS = Settings()


@dataclass
class Province:
    db: Database
    clock: FixedClock
    a: SampleClass
    b: SampleClass
    b_sessions: list[int]
    b_question: int
    b_leave: int
    bots: dict[int, Dispatcher]

    async def say(self, centre: int, user: int, command: str, *args: str, **kw: object) -> str:
        """What `user` reads after sending `/command args` to the centre's bot."""
        msg = Incoming(
            channel="telegram", user_id=str(user), chat_id=str(user), display_name="x",
            text=" ".join((f"/{command}", *args)), command=command, args=args,
        )  # fmt: skip
        return texts(await self.bots[centre].handle(replace(msg, **kw)))

    async def share_phone(self, centre: int, user: int, phone: str) -> str:
        msg = Incoming(
            channel="telegram", user_id=str(user), chat_id=str(user), display_name="x",
            contact_phone=phone, contact_is_own=True,
        )  # fmt: skip
        return texts(await self.bots[centre].handle(msg))


def texts(replies: Iterable[object]) -> str:
    """Everything a person reads: texts, button labels, file names."""
    out: list[str] = []
    for r in replies:
        out.append(r.text)  # type: ignore[attr-defined]
        for row in r.choices:  # type: ignore[attr-defined]
            out += [c.label for c in row]
        document = r.document  # type: ignore[attr-defined]
        if document is not None:
            out.append(document.filename)
            if document.filename.endswith(".xlsx"):  # a file's cells are read too
                book = load_workbook(BytesIO(document.data), read_only=True)
                for sheet in book.worksheets:
                    for row in sheet.iter_rows(values_only=True):
                        out += [str(v) for v in row if v is not None]
    return "\n".join(out)


# Phù Yên's data (its class code may be echoed back as typed, like any code that exists nowhere).
PHU_YEN_DATA = (B_NAME, B_QUESTION, PANG, "Phù Yên")
GHOSTS = {B_CODE: "ZZ-K9"}  # a class code that exists at no centre
ONE_TIME_LINK = re.compile(r"/vao/\S+")  # /web's link differs each time


async def phu_yen_class(db: Database, centre_id: int) -> SampleClass:
    """The other sample roster (a CSV) with Lan added, and the sample schedule."""
    actor = Actor.cli(centre_id)
    class_id = await classes.create_class(
        db.uow(), actor=actor, centre_id=centre_id, code=B_CODE, name=B_NAME,
        program_type="Bồi dưỡng nhận thức về Đảng", location="Hội trường Phù Yên",
    )  # fmt: skip
    roster = parse_roster(SAMPLES / "danh-sach-nhan-thuc-ve-dang-2025.csv")
    assert not roster.errors and roster.rows[0].full_name == PANG
    lan = replace(
        roster.rows[0], row=len(roster.rows) + 1, full_name=LAN,
        phone=normalize_phone(LAN_PHONE), position="Phó Bí thư Phù Yên",
    )  # fmt: skip
    await classes.import_roster(db.uow(), actor=actor, class_id=class_id, rows=[*roster.rows, lan])
    schedule = parse_schedule(SAMPLES / "lich-hoc-so-cap-llct-k4-2024.xlsx")
    await classes.import_schedule(
        db.uow(), actor=actor, class_id=class_id, rows=schedule.rows, tz=TZ
    )
    return SampleClass(class_id, B_CODE, centre_id)


@pytest.fixture
async def province(database: Database, clock: FixedClock) -> Province:
    a_id = await identity.ensure_centre(database.uow(), "Trung tâm Chính trị huyện Bắc Yên")
    b_id = await identity.ensure_centre(database.uow(), PHU_YEN, key="phu-yen")
    a = await make_sample_class(database, a_id)
    b = await phu_yen_class(database, b_id)
    await identity.sync_staff(database.uow(), a_id, (STAFF_A,))
    await identity.sync_staff(database.uow(), b_id, (STAFF_B,))
    bots = {
        c: Dispatcher(Services(database, clock, SETTINGS, centre_id=c), ROUTES)
        for c in (a_id, b_id)
    }
    b_sessions = [s.id for s in await classes.list_sessions(database.uow(), class_id=b.id)]
    p = Province(database, clock, a, b, b_sessions, 0, 0, bots)
    # Phù Yên's own life: Pặng links and asks a question and for leave.
    assert "Trần Đức Pặng" in await p.share_phone(b_id, PANG_TG, PANG_PHONE)
    pang = await person(database, b_id, PANG)
    asked = await Q.ask_question(
        database.uow(), person_id=pang, text=B_QUESTION, now=clock.now(), settings=SETTINGS
    )
    assert isinstance(asked, Q.Asked)
    p.b_question = asked.question_id
    await p.say(b_id, PANG_TG, "xinphep", str(b_sessions[1]), "Đi công tác xã")
    async with database.uow() as uow:
        leave = await uow.session.scalar(select(LeaveRequest.id))
    assert leave is not None, "Pặng's leave request was not filed"
    p.b_leave = leave
    return p


async def person(db: Database, centre_id: int, name: str) -> int:
    async with db.uow() as uow:
        found = await uow.session.scalar(
            select(Person.id).where(Person.centre_id == centre_id, Person.full_name == name)
        )
    assert found is not None, name
    return found


async def phu_yen_state(p: Province) -> tuple[object, ...]:
    """What Bắc Yên's staff must not be able to change at Phù Yên."""
    async with p.db.uow() as uow:
        s = uow.session
        marks = await s.scalar(
            select(func.count()).select_from(Attendance).where(
                Attendance.session_id.in_(p.b_sessions)
            )
        )  # fmt: skip
        question = await s.get(Question, p.b_question)
        leave = await s.get(LeaveRequest, p.b_leave)
        b_people = select(Person.id).where(Person.centre_id == p.b.centre_id)
        notices = await s.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.person_id.in_(b_people))
        )
        people = (
            await s.execute(
                select(Person.full_name, Person.position, Person.unit_id).where(
                    Person.centre_id == p.b.centre_id
                )
            )
        ).all()
        assert question is not None and leave is not None
        return marks, question.status, question.answer_text, leave.status, notices, sorted(people)


STAFF_ROUTES = [r.command for r in ROUTES if r.roles is not None and Role.STAFF in r.roles]


def forged_args(p: Province) -> list[tuple[str, ...]]:
    """Phù Yên's class code and ids, in the places staff commands take them."""
    session, question, leave = str(p.b_sessions[0]), str(p.b_question), str(p.b_leave)
    return [
        (), (B_CODE,), (session,), (question,), (leave,), (B_CODE, "1"), (B_CODE, "2", "3"),
        (session, "1", "vang"), (session, "all", "comat"), (question, "Đã trả lời thay."),
        (leave, "duyet"), (leave, "tuchoi"), (B_CODE, "Thông báo giả"), (session, "2024-06-01"),
    ]  # fmt: skip


async def test_staff_of_one_centre_see_and_change_nothing_of_another(province: Province) -> None:
    p = province
    assert STAFF_ROUTES, "no staff routes found"
    before = await phu_yen_state(p)
    seen: list[str] = []
    differs: list[str] = []
    ghosts = GHOSTS | {str(s): str(900_000 + s) for s in p.b_sessions}
    for command in STAFF_ROUTES:
        for args in forged_args(p):
            for pressed in (False, True):  # typed, or a forged button press
                said = await p.say(p.a.centre_id, STAFF_A, command, *args, pressed=pressed)
                seen.append(said)
                if not any(a in ghosts for a in args):
                    continue
                # Another centre's code or session is answered as one that exists nowhere.
                ghost = tuple(ghosts.get(a, a) for a in args)
                nowhere = await p.say(p.a.centre_id, STAFF_A, command, *ghost, pressed=pressed)
                for real, fake in ghosts.items():
                    nowhere = nowhere.replace(fake, real)
                if ONE_TIME_LINK.sub("", said) != ONE_TIME_LINK.sub("", nowhere):
                    differs.append(f"/{command} {' '.join(args)}: {said!r} vs {nowhere!r}")
    everything = "\n".join(seen)
    for marker in PHU_YEN_DATA:
        assert marker not in everything, f"Bắc Yên's staff were shown {marker!r}"
    assert not differs, "\n".join(differs)
    assert await phu_yen_state(p) == before
    # The same commands do reach Phù Yên's data for Phù Yên's own staff (the test can fail).
    mine = await p.say(p.b.centre_id, STAFF_B, "cauhoi")
    assert B_QUESTION in mine


async def test_a_learner_at_two_centres_is_a_person_at_each(province: Province) -> None:
    p = province
    a, b = p.a.centre_id, p.b.centre_id
    assert LAN in await p.share_phone(a, LAN_TG, LAN_PHONE)
    assert LAN in await p.share_phone(b, LAN_TG, LAN_PHONE)  # the same Telegram user
    lan_a, lan_b = await person(p.db, a, LAN), await person(p.db, b, LAN)
    assert lan_a != lan_b
    async with p.db.uow() as uow:
        accounts = (
            await uow.session.execute(
                select(ChatAccount.centre_id, ChatAccount.person_id).where(
                    ChatAccount.external_id == str(LAN_TG)
                )
            )
        ).all()
        position_a = await uow.session.scalar(select(Person.position).where(Person.id == lan_a))
    assert sorted(accounts) == sorted([(a, lan_a), (b, lan_b)])
    assert position_a != "Phó Bí thư Phù Yên"  # Phù Yên's roster changed its own Lan only

    schedule_a = await p.say(a, LAN_TG, "lichhoc")
    schedule_b = await p.say(b, LAN_TG, "lichhoc")
    assert A_NAME in schedule_a and B_NAME not in schedule_a
    assert B_NAME in schedule_b and A_NAME not in schedule_b
    # At Bắc Yên Lan is also the class monitor, and teaches a topic: every learner, monitor
    # and lecturer command with Phù Yên's ids shows nothing of Phù Yên.
    staff = Actor.cli(a)
    await classes.set_monitor(p.db.uow(), class_id=p.a.id, who=LAN, actor=staff)
    await lecturers.add_lecturer(
        p.db.uow(), actor=staff, centre_id=a, full_name=LAN, phone=LAN_PHONE
    )
    roles = {Role.LEARNER, Role.MONITOR, Role.LECTURER}
    lan = await identity.identify(
        p.db.uow(), centre_id=a, channel="telegram", user_id=str(LAN_TG), chat_id=str(LAN_TG),
        display_name="", now=p.clock.now(),
    )  # fmt: skip
    assert lan.roles == roles
    learner_routes = [r.command for r in ROUTES if r.roles is not None and not r.roles]
    learner_routes += [r.command for r in ROUTES if r.roles and r.roles & roles]
    assert any(r.roles and Role.LECTURER in r.roles for r in ROUTES)
    before = await phu_yen_state(p)
    seen = [
        await p.say(a, LAN_TG, command, *args)
        for command in learner_routes
        for args in forged_args(p)
    ]
    everything = "\n".join(seen)
    for marker in PHU_YEN_DATA:
        assert marker not in everything, f"Lan at Bắc Yên was shown {marker!r}"
    assert await phu_yen_state(p) == before


async def test_a_code_or_phone_of_another_centre_links_no_one(province: Province) -> None:
    p = province
    codes = await linking.create_invites(p.db.uow(), class_id=p.b.id, now=p.clock.now())
    code = next(c for who, c, _ in codes if who.full_name != PANG)
    stranger = 5099
    refused = await p.say(p.a.centre_id, stranger, "start", code)
    assert "không đúng" in refused.lower() or "không tìm thấy" in refused.lower(), refused
    assert PANG not in refused and B_NAME not in refused
    # Pặng's phone is not on Bắc Yên's rosters: sharing it there links nobody.
    await p.share_phone(p.a.centre_id, stranger, PANG_PHONE)
    async with p.db.uow() as uow:
        linked = await uow.session.scalar(
            select(ChatAccount.person_id).where(
                ChatAccount.centre_id == p.a.centre_id,
                ChatAccount.external_id == str(stranger),
            )
        )
        used = await uow.session.scalar(select(Invite.used_at).where(Invite.code == code))
    assert linked is None and used is None
    # At its own centre the same code works.
    assert "liên kết" in (await p.say(p.b.centre_id, stranger, "start", code)).lower()


async def test_a_leader_sees_only_the_learners_of_their_centre(province: Province) -> None:
    p = province
    leader = await classes.add_unit_leader(
        p.db.uow(), actor=Actor.cli(p.a.centre_id), centre_id=p.a.centre_id,
        unit_name="Đoàn xã Phiêng Ban", full_name="Hà Văn Thắng", phone="0912345678",
    )  # fmt: skip
    assert leader.id
    leader_tg = 5003
    await p.share_phone(p.a.centre_id, leader_tg, "0912345678")
    leader_routes = [r.command for r in ROUTES if r.roles and Role.LEADER in r.roles]
    assert leader_routes
    seen = [
        await p.say(p.a.centre_id, leader_tg, command, *args)
        for command in leader_routes
        for args in forged_args(p)
    ]
    everything = "\n".join(seen)
    for marker in PHU_YEN_DATA:
        assert marker not in everything, f"a Bắc Yên leader was shown {marker!r}"


async def test_only_staff_of_the_provincial_school_hold_the_province_role(
    database: Database,
) -> None:
    district = await identity.ensure_centre(database.uow(), "Huyện", key="huyen")
    school = await identity.ensure_centre(database.uow(), "Trường", key="tinh", province=True)
    await identity.sync_staff(database.uow(), district, (8001,))
    await identity.sync_staff(database.uow(), school, (8002,))
    seen = {}
    for centre, user in ((district, 8001), (school, 8002)):
        seen[user] = await identity.identify(
            database.uow(), centre_id=centre, channel="telegram", user_id=str(user),
            chat_id=str(user), display_name="", now=SAMPLE_NOW,
        )  # fmt: skip
    assert seen[8002].province and seen[8002].staff_centre_ids == {school}
    assert not seen[8001].province and seen[8001].staff_centre_ids == {district}
    # The staff of one centre writing to the other centre's bot is nobody there.
    elsewhere = await identity.identify(
        database.uow(), centre_id=school, channel="telegram", user_id="8001", chat_id="8001",
        display_name="", now=SAMPLE_NOW,
    )  # fmt: skip
    assert not elsewhere.is_staff and not elsewhere.province and elsewhere.person_id is None


async def test_each_centres_notices_leave_through_its_own_bot(
    province: Province,
) -> None:
    p = province
    a, b = p.a.centre_id, p.b.centre_id
    await p.share_phone(a, LAN_TG, LAN_PHONE)
    await p.share_phone(b, LAN_TG, LAN_PHONE)
    servers = {a: LocalTelegram(token="1:A", bot_username="a_bot"), b: LocalTelegram(token="2:B")}
    bots: dict[int, Bot] = {}
    for centre, server in servers.items():
        await server.start()
        server.user(LAN_TG, LAN)
        bots[centre] = Bot(server.token, base_url=f"{server.url}/bot", request=AiohttpRequest())
        await bots[centre].initialize()
    try:
        unlimited = RateLimiter(per_second=0, per_chat_per_second=0)
        senders = {(c, "telegram"): TelegramSender(bot, unlimited) for c, bot in bots.items()}
        lans = {centre: await person(p.db, centre, LAN) for centre in (a, b)}
        async with p.db.uow() as uow:
            for centre, text in ((a, "Tin của Bắc Yên"), (b, "Tin của Phù Yên")):
                lan = lans[centre]
                await enqueue(
                    uow.session,
                    Notice(key=f"t:{centre}", person_id=lan, kind="t", text=text,
                           due_at=p.clock.now()),
                )  # fmt: skip
            await uow.commit()
        d = NoticeDispatcher(p.db, p.clock, SETTINGS, senders)
        await d.start(loop=False)
        try:
            await d.run_until_idle()
        finally:
            await d.stop()
        got = {c: [m.text for m in s.sent(LAN_TG)] for c, s in servers.items()}
        assert got[a] == ["Tin của Bắc Yên"] and got[b] == ["Tin của Phù Yên"]
        async with p.db.uow() as uow:
            statuses = set(await uow.session.scalars(select(Notification.status).where(
                Notification.kind == "t")))  # fmt: skip
        assert statuses == {NotificationStatus.SENT}
    finally:
        for centre, server in servers.items():
            await bots[centre].shutdown()
            await server.stop()


# --- configuration -------------------------------------------------------------------------


def test_centres_come_from_the_file_and_the_environment(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[[centres]]\nkey = "bac-yen"\nname = "Trung tâm Bắc Yên"\nstaff_ids = [1, 2]\n'
        '[[centres]]\nkey = "tinh"\nname = "Trường Chính trị tỉnh"\nprovince = true\n',
        encoding="utf-8",
    )
    env = {
        "SLL_CENTRES": "phu-yen",
        "SLL_CENTRES_PHU_YEN_NAME": "Trung tâm Phù Yên",
        "SLL_CENTRES_BAC_YEN_TELEGRAM_TOKEN": "111:AAA",
        "SLL_CENTRES_TINH_TELEGRAM_TOKEN": "222:BBB",
        "SLL_CENTRES_PHU_YEN_TELEGRAM_TOKEN": "333:CCC",
        "SLL_CENTRES_PHU_YEN_STAFF_IDS": "9,10",
        "SLL_TELEGRAM_MODE": "webhook",
        "SLL_TELEGRAM_WEBHOOK_URL": "https://so.example.vn/telegram",
        "SLL_TELEGRAM_WEBHOOK_SECRET": "s3cret",
    }
    s = load_settings(config, env)
    assert [c.key for c in s.centre_list] == ["bac-yen", "tinh", "phu-yen"]
    assert s.centres[0] == CentreSettings(
        key="bac-yen", name="Trung tâm Bắc Yên", telegram_token="111:AAA", staff_ids=(1, 2)
    )
    assert s.centres[1].province and not s.local_simulator
    phu_yen = s.for_centre(s.centres[2])
    assert phu_yen.centre_name == "Trung tâm Phù Yên"
    assert phu_yen.telegram.token == "333:CCC" and phu_yen.telegram.staff_ids == (9, 10)
    assert phu_yen.telegram.webhook_url == "https://so.example.vn/telegram/phu-yen"
    assert phu_yen.telegram.webhook_path == "telegram/phu-yen"
    assert phu_yen.telegram.webhook_port == s.telegram.webhook_port + 2


def test_one_centre_is_configured_as_before() -> None:
    s = load_settings(Path("/nonexistent.toml"), {"SLL_TELEGRAM_TOKEN": "1:A",
                                                   "SLL_CENTRE_NAME": "TT Mộc Châu"})  # fmt: skip
    (only,) = s.centre_list
    assert only.name == "TT Mộc Châu" and only.telegram_token == "1:A"
    assert s.for_centre(only) is s


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"SLL_CENTRES": "Bắc Yên"}, "SLL_CENTRES"),
        ({"SLL_CENTRES": "a"}, "centres.a.name"),
        ({"SLL_CENTRES": "a,b", "SLL_CENTRES_A_NAME": "X", "SLL_CENTRES_B_NAME": "X"},
         "centres.b.name"),
        ({"SLL_CENTRES": "a,b", "SLL_CENTRES_A_NAME": "X", "SLL_CENTRES_B_NAME": "Y",
          "SLL_CENTRES_A_TELEGRAM_TOKEN": "1:A"}, "centres.b.telegram_token"),
        ({"SLL_CENTRES": "a", "SLL_CENTRES_A_NAME": "X", "SLL_TELEGRAM_TOKEN": "1:A"},
         "telegram.token"),
        ({"SLL_CENTRES": "a,b", "SLL_CENTRES_A_NAME": "X", "SLL_CENTRES_B_NAME": "Y",
          "SLL_CENTRES_A_PROVINCE": "true", "SLL_CENTRES_B_PROVINCE": "true"}, "centres.province"),
    ],
)  # fmt: skip
def test_a_wrong_list_of_centres_stops_start_up_naming_the_key(
    env: dict[str, str], names: str
) -> None:
    with pytest.raises(ConfigError) as wrong:
        load_settings(Path("/nonexistent.toml"), env)
    assert str(wrong.value).startswith(names), wrong.value


# --- the web console ------------------------------------------------------------------------


async def test_the_web_console_shows_staff_their_centre_only_whatever_the_url_says(
    province: Province,
) -> None:
    p = province
    staff = await identity.identify(
        p.db.uow(), centre_id=p.a.centre_id, channel="telegram", user_id=str(STAFF_A),
        chat_id=str(STAFF_A), display_name="", now=p.clock.now(),
    )  # fmt: skip
    token = await web_login.issue_link(p.db.uow(), actor=staff, now=p.clock.now(), minutes=10)
    settings = replace(SETTINGS, web=replace(SETTINGS.web, port=1))
    pang = await person(p.db, p.b.centre_id, PANG)
    session = p.b_sessions[0]
    before = await phu_yen_state(p)
    async with TestClient(TestServer(build_app(Console(p.db, p.clock, settings)))) as client:
        login = await client.post(f"/vao/{token}")
        assert login.status == 200
        found = re.search(r'name="csrf" value="([0-9a-f]+)"', await login.text())
        assert found
        csrf = found.group(1)
        pages = ["/", "/lop", "/cau-hoi", "/xin-phep", "/ket-qua", "/thong-ke", "/thong-bao",
                 f"/lop/{p.b.id}", f"/buoi/{session}/hoc-vien/{pang}", f"/ket-qua/{B_CODE}",
                 f"/ket-qua/{B_CODE}/cong-bo"]  # fmt: skip
        forms = {
            f"/buoi/{session}/hoc-vien/{pang}": {"status": "present", "reason": "giả"},
            f"/cau-hoi/{p.b_question}": {"answer": "Trả lời thay"},
            f"/cau-hoi/{p.b_question}/xong": {"how": "closed", "reason": "giả"},
            f"/xin-phep/{p.b_leave}": {"decision": "y", "reason": ""},
            f"/ket-qua/{B_CODE}/cong-bo": {},
            f"/thong-bao/{B_CODE}/gui-lai": {},
        }
        shown: list[str] = []
        for path in pages:
            response = await client.get(path)
            assert response.status in (200, 403, 404), (path, response.status)
            shown.append(await response.text())
        for path, fields in forms.items():
            response = await client.post(path, data=fields | {"csrf": csrf})
            assert response.status in (200, 303, 400, 403, 404), (path, response.status)
            shown.append(await response.text())
        # The forged class page is the same "not found" as a class that exists nowhere.
        ghost = await client.get("/lop/999999")
        assert ghost.status == 404
        forged = await client.get(f"/lop/{p.b.id}")
        assert forged.status == 404 and await forged.text() == await ghost.text()
        ghost = await client.get("/ket-qua/ZZ-K9")
        forged = await client.get(f"/ket-qua/{B_CODE}")
        assert forged.status == ghost.status
        assert (await forged.text()).replace(B_CODE, "ZZ-K9") == await ghost.text()
    everything = "\n".join(shown)
    for marker in PHU_YEN_DATA:
        assert marker not in everything, f"the console showed Bắc Yên's staff {marker!r}"
    assert await phu_yen_state(p) == before


# --- the migration ----------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
async def test_the_migration_gives_existing_people_and_accounts_their_centre(
    engine: str, tmp_path: Path
) -> None:
    """A database made before there were several centres: each person gets the centre their
    staff post, class, unit or lecturing ties them to, else the first; accounts their person's."""
    statements = [
        "INSERT INTO centres (id, name, created_at) VALUES (1, 'Một', '2024-01-01'), "
        "(2, 'Hai', '2024-01-01')",
        "INSERT INTO units (id, centre_id, name, name_key) VALUES (1, 2, 'Đơn vị', 'don vi')",
        "INSERT INTO people (id, full_name, name_key, phone, unit_id, created_at, updated_at) "
        "VALUES (1, 'Cán bộ', 'can bo', NULL, NULL, '2024-01-01', '2024-01-01'), "
        "(2, 'Học viên', 'hoc vien', '+84912000001', NULL, '2024-01-01', '2024-01-01'), "
        "(3, 'Lãnh đạo', 'lanh dao', NULL, 1, '2024-01-01', '2024-01-01'), "
        "(4, 'Ai đó', 'ai do', NULL, NULL, '2024-01-01', '2024-01-01')",
        "INSERT INTO staff_members (centre_id, person_id, active) VALUES (2, 1, true)",
        "INSERT INTO classes (id, centre_id, code, name, program_type, created_at) "
        "VALUES (1, 2, 'K1', 'Lớp', 'Sơ cấp', '2024-01-01')",
        "INSERT INTO enrollments (class_id, person_id, is_monitor) VALUES (1, 2, false)",
        "INSERT INTO chat_accounts (channel, external_id, chat_id, status, person_id) VALUES "
        "('telegram', '11', '11', 'active', 2), ('telegram', '12', '12', 'active', NULL)",
    ]
    async with old_database(engine, tmp_path, "0005") as db:
        async with db.engine.begin() as conn:
            for statement in statements:
                await conn.execute(text(statement))
        await upgrade(db.url)
        async with db.engine.begin() as conn:
            people = dict((await conn.execute(text("SELECT id, centre_id FROM people"))).all())
            accounts = dict(
                (await conn.execute(text("SELECT external_id, centre_id FROM chat_accounts"))).all()
            )
            kept = [
                (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar()
                for table in ("classes", "enrollments", "staff_members", "units")
            ]
            # The same phone at the other centre is now another person there.
            await conn.execute(text(
                "INSERT INTO people (id, centre_id, full_name, name_key, phone, created_at,"
                " updated_at) VALUES (5, 1, 'Học viên', 'hoc vien', '+84912000001', '2024-01-01',"
                " '2024-01-01')"
            ))  # fmt: skip
    assert kept == [1, 1, 1, 1]  # rebuilding `centres` on SQLite deleted nothing
    assert people == {1: 2, 2: 2, 3: 2, 4: 1}
    assert accounts == {"11": 2, "12": 1}


# --- each bot its own budget ------------------------------------------------------------------


def test_the_workers_take_the_centres_jobs_in_turn() -> None:
    def job(number: int, centre: int) -> Job:
        target = DR.Target(account_id=number, channel="telegram", chat_id=str(number),
                           centre_id=centre)  # fmt: skip
        due = DR.Due(
            id=number, person_id=number, kind="t", text=str(number), choices=None,
            attachment_id=None, due_at=SAMPLE_NOW, attempts=0, account_id=None,
            targets=(target,),
        )  # fmt: skip
        return Job((due,), due.text)

    jobs = [job(1, 1), job(2, 1), job(3, 1), job(4, 2), job(5, 2)]
    assert [j.text for j in interleave(jobs)] == ["1", "4", "2", "5", "3"]
    assert interleave([]) == []


async def test_a_claim_takes_a_share_of_every_centres_due_notices(province: Province) -> None:
    """Bắc Yên's long broadcast is older than Phù Yên's notices; a claim still takes both."""
    p = province
    a_people = [x.person.id for x in await classes.list_learners(p.db.uow(), class_id=p.a.id)]
    b_people = [x.person.id for x in await classes.list_learners(p.db.uow(), class_id=p.b.id)]
    async with p.db.uow() as uow:
        for i, pid in enumerate(a_people[:20] + b_people[:20]):
            await enqueue(
                uow.session,
                Notice(key=f"share:{i}", person_id=pid, kind="share", text=f"Tin {i}",
                       due_at=p.clock.now() - timedelta(minutes=60 - i)),
            )  # fmt: skip
        await uow.commit()
    due = await D.claim_due(
        p.db.uow(), settings=SETTINGS, now=p.clock.now(), limit=10,
        centre_ids=(p.a.centre_id, p.b.centre_id),
    )  # fmt: skip
    claimed = [d.person_id for d in due if d.kind == "share"]
    assert len([x for x in claimed if x in a_people]) == 5
    assert len([x for x in claimed if x in b_people]) == 5
    oldest_first = await D.claim_due(p.db.uow(), settings=SETTINGS, now=p.clock.now(), limit=10)
    assert all(d.person_id in a_people for d in oldest_first if d.kind == "share")
