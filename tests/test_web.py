"""The staff web console (issue 19), through HTTP against the real aiohttp app and database:
login by one-time link, sessions, CSRF, role checks, and the pages calling the use cases.
The browser tests are in test_web_e2e.py."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.dispatch import Dispatcher
from channels.incoming import Incoming
from db.database import Database
from db.models import (
    AuditEntry,
    ChatAccount,
    Enrollment,
    Notification,
    Person,
    Question,
    WebLink,
    WebSession,
)
from db.models import Session as DbSession
from handlers.base import Services
from handlers.routes import ROUTES
from sheets.results import parse_results
from tests.conftest import SAMPLE_EVE, SAMPLES, TZ, SampleClass
from texts import refusals
from texts import web as T
from usecases import identity, web_login
from usecases import leave as L
from usecases import questions as Q
from usecases import results as R
from usecases.clock import FixedClock
from usecases.identity import Actor
from usecases.refusal import Refused
from usecases.settings import Settings
from web.auth import COOKIE
from web.console import Console
from web.server import build_app

STAFF_TG = 777001
NOW = SAMPLE_EVE


# --- rules (no database) -------------------------------------------------------------------


def test_a_link_works_once_and_only_until_it_expires() -> None:
    later = NOW + timedelta(minutes=10)
    assert web_login.link_refusal(expires_at=later, used_at=None, now=NOW) is None
    assert web_login.link_refusal(expires_at=later, used_at=NOW, now=NOW) == "web.link_used"
    assert web_login.link_refusal(expires_at=later, used_at=None, now=later) == "web.link_expired"


def test_a_session_ends_after_inactivity_or_logout() -> None:
    idle = timedelta(minutes=60)
    alive = web_login.session_alive
    assert alive(last_seen_at=NOW, ended_at=None, now=NOW + timedelta(minutes=59), idle=idle)
    assert not alive(last_seen_at=NOW, ended_at=None, now=NOW + timedelta(minutes=60), idle=idle)
    assert not alive(last_seen_at=NOW, ended_at=NOW, now=NOW, idle=idle)


def test_the_csrf_token_belongs_to_its_session() -> None:
    token = web_login.csrf_token("cookie-a")
    assert web_login.csrf_matches("cookie-a", token)
    assert not web_login.csrf_matches("cookie-b", token)
    assert not web_login.csrf_matches("cookie-a", "")


# --- through HTTP --------------------------------------------------------------------------


class Web:
    def __init__(self, client: TestClient, db: Database, clock: FixedClock, staff_token: str):
        self.client, self.db, self.clock, self.staff_token = client, db, clock, staff_token

    async def login(self, token: str | None = None) -> str:
        """Open the link and press the button, as a person does; returns the page's CSRF."""
        response = await self.client.post(f"/vao/{token or self.staff_token}")
        assert response.status == 200, await response.text()
        return csrf_of(await response.text())


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found, html
    return found.group(1)


async def staff_actor(db: Database, centre_id: int) -> identity.Actor:
    await identity.sync_staff(db.uow(), centre_id, (STAFF_TG,))
    return await identity.identify(
        db.uow(), centre_id=centre_id, channel="telegram", user_id=str(STAFF_TG),
        chat_id=str(STAFF_TG),
        display_name="Cán bộ", now=NOW,
    )  # fmt: skip


@pytest.fixture
async def site(database: Database, sample_class: SampleClass) -> AsyncIterator[Web]:
    clock = FixedClock(NOW)
    settings = replace(Settings(), web=replace(Settings().web, port=1))
    actor = await staff_actor(database, sample_class.centre_id)
    token = await web_login.issue_link(database.uow(), actor=actor, now=NOW, minutes=10)
    console = Console(database, clock, settings)
    async with TestClient(TestServer(build_app(console))) as client:
        yield Web(client, database, clock, token)


async def test_the_link_opens_a_session_cookie_that_is_httponly_and_strict(site: Web) -> None:
    response = await site.client.post(f"/vao/{site.staff_token}", allow_redirects=False)
    assert response.status == 303
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    async with site.db.uow() as uow:
        stored = (await uow.session.scalars(select(WebSession.token_hash))).all()
        links = (await uow.session.scalars(select(WebLink.token_hash))).all()
    assert stored == [web_login.token_hash(cookie.value)]  # only the hash is kept
    assert site.staff_token not in links and cookie.value not in stored


async def test_a_link_used_twice_or_late_is_refused(site: Web, database: Database) -> None:
    assert (await site.client.get(f"/vao/{site.staff_token}")).status == 200  # a preview: unused
    await site.login()
    again = await site.client.post(f"/vao/{site.staff_token}")
    assert again.status == 403
    assert refusals.say(Refused(web_login.WebReason.LINK_USED)) in await again.text()

    async with database.uow() as uow:
        account = await uow.session.scalar(select(ChatAccount))
        assert account is not None
    actor = await staff_actor(database, (await _centre(database)))
    late = await web_login.issue_link(database.uow(), actor=actor, now=NOW, minutes=10)
    site.clock.advance(minutes=10)
    refused = await site.client.post(f"/vao/{late}")
    assert refused.status == 403
    assert refusals.say(Refused(web_login.WebReason.LINK_EXPIRED)) in await refused.text()
    assert (await site.client.post("/vao/made-up")).status == 403


async def _centre(db: Database) -> int:
    return await identity.ensure_centre(db.uow(), "Trung tâm Chính trị huyện Bắc Yên")


async def test_pages_need_a_live_session_and_logout_ends_it(site: Web) -> None:
    assert (await site.client.get("/lop")).status == 401
    csrf = await site.login()
    assert (await site.client.get("/lop")).status == 200
    site.clock.advance(minutes=61)  # an hour without a page
    assert (await site.client.get("/lop")).status == 401

    site.staff_token = await _new_link(site)
    csrf = await site.login()
    out = await site.client.post("/dang-xuat", data={"csrf": csrf})
    assert T.LOGGED_OUT in await out.text()
    assert (await site.client.get("/lop")).status == 401


async def _new_link(site: Web) -> str:
    actor = await staff_actor(site.db, await _centre(site.db))
    return await web_login.issue_link(site.db.uow(), actor=actor, now=site.clock.now(), minutes=10)


async def _first_learner(db: Database, class_id: int) -> Person:
    async with db.uow() as uow:
        person = await uow.session.scalar(
            select(Person)
            .join(Enrollment, Enrollment.person_id == Person.id)
            .where(Enrollment.class_id == class_id)
            .order_by(Enrollment.roster_row)
        )
        assert person is not None
        return person


async def test_a_mark_is_corrected_with_a_reason_and_its_history_shown(
    site: Web, sample_class: SampleClass
) -> None:
    await site.login()
    grid = await (await site.client.get(f"/lop/{sample_class.id}")).text()
    learner = await _first_learner(site.db, sample_class.id)
    assert learner.full_name in grid
    cell = re.search(rf'href="(/buoi/\d+/hoc-vien/{learner.id})"', grid)
    assert cell, grid
    form = await (await site.client.get(cell.group(1))).text()
    done = await site.client.post(
        cell.group(1), data={"csrf": csrf_of(form), "status": "excused", "reason": "Giấy ốm"}
    )
    page = await done.text()
    assert done.status == 200 and "Giấy ốm" in page and "vắng có phép" in page
    async with site.db.uow() as uow:
        entry = await uow.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "attendance.correct")
        )
    assert entry is not None and entry.actor_label.startswith("web:")
    grid = await (await site.client.get(f"/lop/{sample_class.id}")).text()
    sessions = grid.split('id="cac-buoi"')[1]
    assert re.search(r"Buổi 1</td><td>[^<]+</td>\s*(<td[^>]*>0</td>){2}<td[^>]*>1</td>", sessions)


async def test_a_form_without_the_csrf_token_changes_nothing(
    site: Web, sample_class: SampleClass
) -> None:
    await site.login()
    grid = await (await site.client.get(f"/lop/{sample_class.id}")).text()
    learner = await _first_learner(site.db, sample_class.id)
    cell = re.search(rf'href="(/buoi/\d+/hoc-vien/{learner.id})"', grid)
    assert cell
    for forged in ({}, {"csrf": "0" * 64}):
        response = await site.client.post(
            cell.group(1), data={**forged, "status": "absent", "reason": "giả"}
        )
        assert response.status == 403
        assert T.BAD_FORM in await response.text()
    async with site.db.uow() as uow:
        assert (
            await uow.session.scalar(
                select(AuditEntry).where(AuditEntry.action == "attendance.correct")
            )
            is None
        )


async def test_a_session_of_someone_not_staff_sees_no_page(
    site: Web, sample_class: SampleClass
) -> None:
    learner = await _first_learner(site.db, sample_class.id)
    cookie = "learner-cookie"
    async with site.db.uow() as uow:
        account = ChatAccount(centre_id=sample_class.centre_id, channel="telegram",
                              external_id="5001", chat_id="5001", person_id=learner.id)  # fmt: skip
        uow.session.add(account)
        await uow.session.flush()
        uow.session.add(
            WebSession(token_hash=web_login.token_hash(cookie), account_id=account.id,
                       created_at=NOW, last_seen_at=NOW)
        )  # fmt: skip
        await uow.commit()
    site.client.session.cookie_jar.update_cookies({COOKIE: cookie})
    for path in ("/", "/lop", f"/lop/{sample_class.id}", "/cau-hoi"):
        response = await site.client.get(path)
        assert response.status == 403, path
        html = await response.text()
        assert T.FORBIDDEN in html and sample_class.code not in html
    # and a learner cannot even get a link
    learner_actor = identity.Actor(account_id=1, channel="telegram", chat_id="5001",
                                   person_id=learner.id)  # fmt: skip
    with pytest.raises(Refused):
        await web_login.issue_link(site.db.uow(), actor=learner_actor, now=NOW, minutes=10)


async def test_an_answer_on_the_page_goes_to_the_learner(
    site: Web, sample_class: SampleClass
) -> None:
    learner = await _first_learner(site.db, sample_class.id)
    in_class = NOW + timedelta(hours=14)  # Monday morning, during the first session
    site.clock.set(in_class)
    await Q.ask_question(
        site.db.uow(), person_id=learner.id, text="Khi nào thi cuối khóa?", now=in_class,
        settings=Settings(),
    )  # fmt: skip
    site.staff_token = await _new_link(site)
    await site.login()
    queue = await (await site.client.get("/cau-hoi")).text()
    assert "Khi nào thi cuối khóa?" in queue and learner.full_name in queue
    action = re.search(r'action="(/cau-hoi/\d+)"', queue)
    assert action
    sent = await site.client.post(
        action.group(1), data={"csrf": csrf_of(queue), "answer": "Thứ Sáu tuần sau."}
    )
    assert T.ANSWERED.split("{")[0] in await sent.text()
    async with site.db.uow() as uow:
        question = await uow.session.scalar(select(Question))
        notice = await uow.session.scalar(
            select(Notification).where(Notification.person_id == learner.id)
            .where(Notification.text.contains("Thứ Sáu tuần sau."))
        )  # fmt: skip
    assert question is not None and question.status == "answered"
    assert notice is not None


async def test_pages_escape_what_people_typed(site: Web, sample_class: SampleClass) -> None:
    learner = await _first_learner(site.db, sample_class.id)
    in_class = NOW + timedelta(hours=14)
    site.clock.set(in_class)
    await Q.ask_question(
        site.db.uow(), person_id=learner.id, text="<script>alert(1)</script>", now=in_class,
        settings=Settings(),
    )  # fmt: skip
    site.staff_token = await _new_link(site)
    await site.login()
    queue = await (await site.client.get("/cau-hoi")).text()
    assert "<script>alert(1)" not in queue and "&lt;script&gt;" in queue


def roster_csv(bad_phone_on_row: int | None = None) -> bytes:
    """The sample CSV roster; with one phone number broken on that spreadsheet row."""
    lines = (SAMPLES / "danh-sach-nhan-thuc-ve-dang-2025.csv").read_text("utf-8-sig").splitlines()
    if bad_phone_on_row is not None:
        cells = lines[bad_phone_on_row - 1].split(",")
        cells[-1] = "12ab"
        lines[bad_phone_on_row - 1] = ",".join(cells)
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


async def _enrolled(db: Database, class_id: int) -> int:
    async with db.uow() as uow:
        return len((await uow.session.scalars(
            select(Enrollment.person_id).where(Enrollment.class_id == class_id)
        )).all())  # fmt: skip


async def test_a_roster_with_a_bad_row_names_the_row_and_writes_nothing(
    site: Web, sample_class: SampleClass
) -> None:
    await site.login()
    csrf = csrf_of(await (await site.client.get("/nhap")).text())
    before = await _enrolled(site.db, sample_class.id)
    form = FormData({"csrf": csrf, "kind": "roster", "class_id": str(sample_class.id)})
    form.add_field("file", roster_csv(bad_phone_on_row=4), filename="ds.csv")
    checked = await site.client.post("/nhap", data=form)
    html = await checked.text()
    assert checked.status == 400 and "Dòng 4:" in html
    assert await _enrolled(site.db, sample_class.id) == before

    form = FormData({"csrf": csrf, "kind": "roster", "class_id": str(sample_class.id)})
    form.add_field("file", roster_csv(), filename="ds.csv")
    preview = await (await site.client.post("/nhap", data=form)).text()
    assert "Trần Đức Pặng" in preview and 'action="/nhap/luu"' in preview
    assert await _enrolled(site.db, sample_class.id) == before  # a preview writes nothing
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', preview.split("/nhap/luu")[1]))
    saved = await site.client.post("/nhap/luu", data=fields)
    assert saved.status == 200, await saved.text()
    assert await _enrolled(site.db, sample_class.id) > before


async def test_results_are_published_after_a_confirmation(
    site: Web, sample_class: SampleClass
) -> None:
    parsed = parse_results(SAMPLES / "ket-qua-so-cap-llct-k4-2024.xlsx")
    await R.import_results(
        site.db.uow(), class_id=sample_class.id, rows=parsed.rows,
        grade_scale=Settings().grade_scale, tz=TZ, actor=Actor.cli(sample_class.centre_id),
    )  # fmt: skip
    await site.login()
    listing = await (await site.client.get("/ket-qua")).text()
    assert sample_class.code in listing and T.NOT_PUBLISHED in listing
    confirm = await (await site.client.get(f"/ket-qua/{sample_class.code}/cong-bo")).text()
    assert T.PUBLISH_CONFIRM.format(code=sample_class.code) in confirm
    async with site.db.uow() as uow:
        assert await uow.session.scalar(select(Notification.id)) is None  # asking sent nothing
    done = await site.client.post(
        f"/ket-qua/{sample_class.code}/cong-bo", data={"csrf": csrf_of(confirm)}
    )
    assert done.status == 200
    async with site.db.uow() as uow:
        sent = (await uow.session.scalars(select(Notification.person_id))).all()
    assert len(sent) >= len(parsed.rows)
    again = await site.client.post(
        f"/ket-qua/{sample_class.code}/cong-bo", data={"csrf": csrf_of(confirm)}
    )
    assert again.status == 400  # once only


async def test_every_page_answers_a_staff_member(site: Web, sample_class: SampleClass) -> None:
    await site.login()
    for path, expected in (
        ("/", T.TODAY_TITLE),
        ("/lop", sample_class.code),
        ("/xin-phep", T.LEAVE_NONE),
        (f"/thong-bao?lop={sample_class.code}", T.NOTICES_BY_KIND),
        ("/nhap", T.IMPORT_CHECK),
        ("/thong-ke?loai=year&ky=2024", "2024"),
    ):
        response = await site.client.get(path)
        assert response.status == 200, path
        assert expected in await response.text(), path
    sheet = await site.client.get("/thong-ke.xlsx?loai=year&ky=2024")
    assert sheet.status == 200 and (await sheet.read())[:2] == b"PK"
    bad = await site.client.get("/thong-ke?loai=month&ky=13/2024")
    assert bad.status == 400


async def test_web_in_chat_gives_staff_a_link_and_nobody_else(
    database: Database, sample_class: SampleClass
) -> None:
    await staff_actor(database, sample_class.centre_id)
    learner = await _first_learner(database, sample_class.id)
    async with database.uow() as uow:
        uow.session.add(ChatAccount(centre_id=sample_class.centre_id, channel="telegram",
                                    external_id="5002", chat_id="5002",
                                    person_id=learner.id))  # fmt: skip
        await uow.commit()
    settings = replace(Settings(), web=replace(Settings().web, port=8490))
    chat = Dispatcher(Services(database, FixedClock(NOW), settings, sample_class.centre_id), ROUTES)

    [reply] = await chat.handle(Incoming("telegram", str(STAFF_TG), str(STAFF_TG), text="/web",
                                         command="web"))  # fmt: skip
    link = re.search(r"http://127\.0\.0\.1:8490/vao/(\S+)", reply.text)
    assert link, reply.text
    async with database.uow() as uow:
        stored = (await uow.session.scalars(select(WebLink.token_hash))).all()
    assert stored == [web_login.token_hash(link.group(1))]

    for said in (Incoming("telegram", "5002", "5002", text="/web", command="web"),
                 Incoming("telegram", str(STAFF_TG), "-100", is_group=True, text="/web",
                          command="web")):  # fmt: skip
        replies = await chat.handle(said)
        assert all("/vao/" not in r.text for r in replies)
    async with database.uow() as uow:
        assert len((await uow.session.scalars(select(WebLink.id))).all()) == 1


async def test_leave_is_decided_on_the_page_and_the_learner_told(
    site: Web, sample_class: SampleClass
) -> None:
    learner = await _first_learner(site.db, sample_class.id)
    settings = Settings()
    as_learner = Actor(
        account_id=0, channel="telegram", chat_id="", person_id=learner.id,
        learner_class_ids=frozenset({sample_class.id}),
    )  # fmt: skip
    [first, *_] = await L.leave_sessions(
        site.db.uow(), actor=as_learner, now=NOW, settings=settings.attendance
    )
    await L.request_leave(
        site.db.uow(), actor=as_learner, session_id=first.id, reason="Đi viện khám bệnh",
        now=NOW, settings=settings.attendance, tz=TZ,
    )  # fmt: skip
    await site.login()
    queue = await (await site.client.get("/xin-phep")).text()
    assert "Đi viện khám bệnh" in queue and learner.full_name in queue
    action = re.search(r'action="(/xin-phep/\d+)"', queue)
    assert action
    done = await site.client.post(action.group(1), data={"csrf": csrf_of(queue), "decision": "y"})
    assert "Đã duyệt" in await done.text()
    async with site.db.uow() as uow:
        told = await uow.session.scalar(
            select(Notification).where(Notification.person_id == learner.id)
            .where(Notification.text.contains("đã được duyệt"))
        )  # fmt: skip
    assert told is not None


async def test_a_link_opened_twice_at_once_opens_one_session(site: Web) -> None:
    first, second = await asyncio.gather(
        site.client.post(f"/vao/{site.staff_token}", allow_redirects=False),
        site.client.post(f"/vao/{site.staff_token}", allow_redirects=False),
    )
    assert sorted([first.status, second.status]) == [303, 403]
    async with site.db.uow() as uow:
        assert len((await uow.session.scalars(select(WebSession.id))).all()) == 1


async def test_a_question_answered_in_class_or_closed_tells_the_learner(
    site: Web, sample_class: SampleClass
) -> None:
    learner = await _first_learner(site.db, sample_class.id)
    for text in ("Câu hỏi một?", "Câu hỏi hai?"):
        await Q.ask_question(site.db.uow(), person_id=learner.id, text=text, now=NOW,
                             settings=Settings())  # fmt: skip
    await site.login()
    queue = await (await site.client.get("/cau-hoi")).text()
    first, second = re.findall(r'action="(/cau-hoi/\d+/xong)"', queue)[::2]
    csrf = csrf_of(queue)
    await site.client.post(first, data={"csrf": csrf, "how": "in_class"})
    done = await site.client.post(second, data={"csrf": csrf, "how": "close", "reason": "Trùng"})
    assert done.status == 200
    assert T.QUESTIONS_NONE in await (await site.client.get("/cau-hoi")).text()
    async with site.db.uow() as uow:
        told = (await uow.session.scalars(
            select(Notification.text).where(Notification.person_id == learner.id)
        )).all()  # fmt: skip
    assert any("Câu hỏi một?" in t for t in told) and any("Trùng" in t for t in told)


async def test_a_schedule_imported_on_the_page_links_its_lecturers(
    site: Web, sample_class: SampleClass
) -> None:
    """As `sll lop nhap-lich` does: the lecturer column is matched to the centre's lecturers."""
    from usecases import lecturers

    hue = await lecturers.add_lecturer(
        site.db.uow(), actor=Actor.cli(sample_class.centre_id), centre_id=sample_class.centre_id,
        full_name="Nguyễn Thị Huệ", phone="0912000001",
    )  # fmt: skip
    async with site.db.uow() as uow:
        for lesson in await uow.session.scalars(
            select(DbSession).where(DbSession.class_id == sample_class.id)
        ):
            lesson.lecturer_id = None
        await uow.commit()
    await site.login()
    csrf = csrf_of(await (await site.client.get("/nhap")).text())
    form = FormData({"csrf": csrf, "kind": "schedule", "class_id": str(sample_class.id)})
    data = (SAMPLES / "lich-hoc-so-cap-llct-k4-2024.xlsx").read_bytes()
    form.add_field("file", data, filename="lich.xlsx")
    preview = await (await site.client.post("/nhap", data=form)).text()
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', preview.split("/nhap/luu")[1]))
    saved = await site.client.post("/nhap/luu", data=fields)
    assert saved.status == 200, await saved.text()
    async with site.db.uow() as uow:
        hers = await uow.session.scalars(
            select(DbSession.lecturer).where(
                DbSession.class_id == sample_class.id, DbSession.lecturer_id == hue.id
            )
        )
        names = list(hers)
    assert names and all("Huệ" in (n or "") for n in names)
