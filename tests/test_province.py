"""The provincial school sees the province (issue 21): figures across three centres, known by
hand from a small data set; only its staff may see them or write to every centre's staff."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from bot.dispatch import Dispatcher
from channels.incoming import Incoming
from db.database import Database
from db.models import (
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    AuditEntry,
    ChatAccount,
    Class,
    Enrollment,
    Notification,
    Person,
    Result,
    Session,
    StaffMember,
    SurveyAnswer,
)
from handlers.base import Services
from handlers.routes import ROUTES
from render import province as RP
from scheduler.reports import run_period_reports
from tests.conftest import TZ
from texts.common import NOT_ALLOWED
from usecases import identity
from usecases import province as P
from usecases.clock import FixedClock
from usecases.identity import Actor
from usecases.refusal import Refused
from usecases.settings import Settings
from usecases.stats import Period, PeriodKind
from vn.text import name_key

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=TZ)
NOVEMBER = Period(PeriodKind.MONTH, 2026, 11)
Q4 = Period(PeriodKind.QUARTER, 2026, 4)
SETTINGS = Settings(timezone=TZ)
PROVINCE, BAC_YEN, MAI_SON = (
    "Trường Chính trị tỉnh Sơn La",
    "Trung tâm Chính trị huyện Bắc Yên",
    "Trung tâm Chính trị huyện Mai Sơn",
)
SC, BD = "Sơ cấp LLCT", "Bồi dưỡng kết nạp Đảng"
P_, L_, E_, A_ = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.LATE,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.ABSENT,
)


@dataclass
class Province:
    centres: dict[str, int]
    staff: dict[str, int]  # name → person id
    learners: list[int]


async def build(db: Database) -> Province:
    """Three centres. November 2026:

    Bắc Yên: SC-A (Sơ cấp, 3 learners, 2 held sessions: 4 of 6 marks present or late, results
    published: Giỏi 1, Khá 2; leaders rate "apply" 4 and 5) and BD-A (Bồi dưỡng, 2 learners,
    1 session, 2 of 2; results NOT published). Mai Sơn: SC-B (Sơ cấp, 4 learners, 1 session,
    2 of 4; published: Giỏi 1, Trung bình 1; a leader rates "apply" 2) and, in October only,
    SC-B0 (Sơ cấp, 5 learners). The provincial school has no class. Staff: two at the school
    (one of them sends), one active and one former at Bắc Yên, one at Mai Sơn.
    """
    centres = {
        PROVINCE: await identity.ensure_centre(db.uow(), PROVINCE, key="tinh", province=True),
        BAC_YEN: await identity.ensure_centre(db.uow(), BAC_YEN, key="bac-yen"),
        MAI_SON: await identity.ensure_centre(db.uow(), MAI_SON, key="mai-son"),
    }
    async with db.uow() as uow:
        s = uow.session

        def person(centre: str, name: str) -> Person:
            p = Person(centre_id=centres[centre], full_name=name, name_key=name_key(name))
            s.add(p)
            return p

        def klass(centre: str, code: str, kind: str, start: date, end: date, pub: bool) -> Class:
            k = Class(
                centre_id=centres[centre],
                code=code,
                name=f"Lớp {code}",
                program_type=kind,
                start_date=start,
                end_date=end,
                results_published_at=NOW if pub else None,
            )
            s.add(k)
            return k

        staff = {
            "Tỉnh 1": person(PROVINCE, "Cán bộ Tỉnh Một"),
            "Tỉnh 2": person(PROVINCE, "Cán bộ Tỉnh Hai"),
            "Bắc Yên": person(BAC_YEN, "Cán bộ Bắc Yên"),
            "Bắc Yên cũ": person(BAC_YEN, "Cán bộ Bắc Yên Cũ"),
            "Mai Sơn": person(MAI_SON, "Cán bộ Mai Sơn"),
        }
        a = [person(BAC_YEN, f"Học viên A{i}") for i in range(1, 6)]
        b = [person(MAI_SON, f"Học viên B{i}") for i in range(1, 10)]
        leaders = [person(BAC_YEN, "Lãnh đạo A1"), person(BAC_YEN, "Lãnh đạo A2")]
        leaders.append(person(MAI_SON, "Lãnh đạo B"))
        sc_a = klass(BAC_YEN, "SC-A", SC, date(2026, 11, 2), date(2026, 11, 6), True)
        bd_a = klass(BAC_YEN, "BD-A", BD, date(2026, 11, 20), date(2026, 11, 21), False)
        sc_b = klass(MAI_SON, "SC-B", SC, date(2026, 11, 9), date(2026, 11, 13), True)
        sc_b0 = klass(MAI_SON, "SC-B0", SC, date(2026, 10, 5), date(2026, 10, 9), True)
        await s.flush()
        for name, p in staff.items():
            s.add(StaffMember(centre_id=p.centre_id, person_id=p.id, active=name != "Bắc Yên cũ"))
        s.add(
            ChatAccount(
                centre_id=centres[PROVINCE],
                channel="telegram",
                external_id="701",
                chat_id="701",
                person_id=staff["Tỉnh 1"].id,
                linked_at=NOW - timedelta(days=30),
            )
        )
        s.add(
            ChatAccount(
                centre_id=centres[BAC_YEN],
                channel="telegram",
                external_id="702",
                chat_id="702",
                person_id=staff["Bắc Yên"].id,
                linked_at=NOW - timedelta(days=30),
            )
        )
        for k, people in ((sc_a, a[:3]), (bd_a, a[3:]), (sc_b, b[:4]), (sc_b0, b[4:])):
            for i, p in enumerate(people, start=1):
                s.add(Enrollment(class_id=k.id, person_id=p.id, roster_row=i))

        def session(k: Class, day: date) -> Session:
            start = datetime.combine(day, time(7, 30), tzinfo=TZ)
            row = Session(class_id=k.id, starts_at=start, ends_at=start.replace(hour=11))
            s.add(row)
            return row

        s1, s2 = session(sc_a, date(2026, 11, 2)), session(sc_a, date(2026, 11, 3))
        s3, s4 = session(bd_a, date(2026, 11, 20)), session(sc_b, date(2026, 11, 9))
        await s.flush()
        marks = {
            s1: {a[0]: P_, a[1]: P_, a[2]: A_},
            s2: {a[0]: L_, a[1]: E_, a[2]: P_},
            s3: {a[3]: P_, a[4]: P_},
            s4: {b[0]: P_, b[1]: A_, b[2]: A_, b[3]: L_},
        }
        for sess, per in marks.items():
            for p, status in per.items():
                s.add(
                    Attendance(
                        session_id=sess.id,
                        person_id=p.id,
                        status=status,
                        method=AttendanceMethod.MONITOR,
                    )
                )
        for k, graded in (
            (sc_a, {a[0]: "Giỏi", a[1]: "Khá", a[2]: "Khá"}),
            (bd_a, {a[3]: "Khá", a[4]: "Khá"}),  # not published: not counted
            (sc_b, {b[0]: "Giỏi", b[1]: "Trung bình"}),
        ):
            for p, grade in graded.items():
                s.add(Result(class_id=k.id, person_id=p.id, scores={"Điểm": "8"}, grade=grade))
        for k, leader, rating in (
            (sc_a, leaders[0], 4),
            (sc_a, leaders[1], 5),
            (sc_b, leaders[2], 2),
        ):
            s.add(
                SurveyAnswer(
                    class_id=k.id, person_id=leader.id, question_key="apply", rating=rating
                )
            )
        await uow.commit()
        return Province(centres, {n: p.id for n, p in staff.items()}, [p.id for p in a + b])


async def _province_actor(db: Database, data: Province) -> Actor:
    """Cán bộ Tỉnh Một as the provincial school's bot knows him."""
    return await identity.identify(
        db.uow(),
        centre_id=data.centres[PROVINCE],
        channel="telegram",
        user_id="701",
        chat_id="701",
        display_name="Tỉnh Một",
        now=NOW,
    )


async def _figures(db: Database, actor: Actor, period: Period) -> P.ProvinceFigures:
    return await P.compute_province(db.uow(), actor=actor, period=period, now=NOW, tz=TZ)


async def test_the_months_figures_per_centre_and_in_total_match_the_data(
    database: Database,
) -> None:
    data = await build(database)
    actor = await _province_actor(database, data)
    assert actor.province
    got = await _figures(database, actor, NOVEMBER)
    centres = {c.name: c.figures for c in got.centres}
    assert set(centres) == {PROVINCE, BAC_YEN, MAI_SON}
    by, ms = centres[BAC_YEN], centres[MAI_SON]
    assert (by.classes, by.places, by.attendance.attended, by.attendance.expected) == (2, 5, 6, 8)
    assert (ms.classes, ms.places, ms.attendance.attended, ms.attendance.expected) == (1, 4, 2, 4)
    assert centres[PROVINCE].classes == 0
    total = got.total
    assert (total.classes, total.places, total.learners) == (3, 9, 9)
    # 8 of 12 marks: 66,7 %, not the mean of 75 % and 50 %.
    assert total.attendance.value == Decimal(8) / Decimal(12)
    assert dict(total.grades) == {"Giỏi": 2, "Khá": 2, "Trung bình": 1}
    # "apply": 4 and 5 at Bắc Yên, 2 at Mai Sơn: (4 + 5 + 2) / 3 = 3,7 (not (4,5 + 2) / 2).
    assert total.survey["apply"].answers == 3
    assert total.survey["apply"].mean == Decimal("3.7")
    sc = got.by_type[SC]
    assert (sc.classes, sc.places, sc.attendance.attended, sc.attendance.expected) == (2, 7, 6, 10)
    assert dict(sc.grades) == {"Giỏi": 2, "Khá": 2, "Trung bình": 1}
    bd = got.by_type[BD]
    assert (bd.classes, bd.places, bd.attendance.value) == (1, 2, 1)
    assert not bd.grades  # results not published
    per_type = {(c.name, k): f.places for c in got.centres for k, f in c.by_type.items()}
    assert per_type == {(BAC_YEN, SC): 3, (BAC_YEN, BD): 2, (MAI_SON, SC): 4}
    text = RP.province_text(got)
    assert BAC_YEN in text and MAI_SON in text and "66,7%" in text and "8/12" in text


async def test_the_quarter_adds_the_october_class(database: Database) -> None:
    data = await build(database)
    got = await _figures(database, await _province_actor(database, data), Q4)
    assert (got.total.classes, got.total.places) == (4, 14)
    assert got.by_type[SC].classes == 3


async def test_the_workbook_has_its_three_sheets_and_a_chart(database: Database) -> None:
    data = await build(database)
    got = await _figures(database, await _province_actor(database, data), NOVEMBER)
    book = openpyxl.load_workbook(io.BytesIO(RP.province_xlsx(got).data))
    assert book.sheetnames == ["Tổng hợp", "Theo loại hình", "Đánh giá"]
    summary = book["Tổng hợp"]
    assert summary._charts  # type: ignore[attr-defined]
    rows = {r[0]: r for r in summary.iter_rows(min_row=4, values_only=True) if r[0]}
    assert rows["Cả tỉnh"][2:6] == (3, 9, 8, 12)  # classes, places, present, expected
    assert rows[BAC_YEN][2:4] == (2, 5)
    types = [r for r in book["Theo loại hình"].iter_rows(min_row=2, values_only=True)]
    assert ("Cả tỉnh", SC, 2, 7) in [r[:4] for r in types]
    survey = list(book["Đánh giá"].iter_rows(min_row=2, values_only=True))
    assert ("Cả tỉnh", "Tất cả") in [r[:2] for r in survey]
    total_apply = next(r for r in survey if r[:2] == ("Cả tỉnh", "Tất cả"))
    assert total_apply[3:] == (3, pytest.approx(3.7))


async def test_staff_of_a_centre_are_refused(database: Database) -> None:
    data = await build(database)
    staff = Actor.cli(data.centres[BAC_YEN])
    with pytest.raises(Refused) as no:
        await _figures(database, staff, NOVEMBER)
    assert no.value.reason == P.ProvinceReason.NOT_PROVINCE
    with pytest.raises(Refused):
        await P.send_to_centres(database.uow(), actor=staff, text="Họp", now=NOW)
    assert await _notices(database) == []


async def _notices(db: Database) -> list[Notification]:
    async with db.uow() as uow:
        rows = await uow.session.scalars(
            select(Notification).where(Notification.kind == P.NOTICE_KIND)
        )
        return list(rows)


async def test_the_notice_reaches_every_centres_active_staff_and_only_them(
    database: Database,
) -> None:
    data = await build(database)
    actor = await _province_actor(database, data)
    sent = await P.send_to_centres(
        database.uow(), actor=actor, text="Họp giao ban trực tuyến\n8h00 thứ Hai", now=NOW
    )
    got = await _notices(database)
    expected = {data.staff[n] for n in ("Tỉnh 2", "Bắc Yên", "Mai Sơn")}
    assert {n.person_id for n in got} == expected  # not the sender, the former, nor learners
    assert (sent.staff, sent.centres) == (3, 3)
    assert all("8h00 thứ Hai" in n.text and PROVINCE in n.text for n in got)
    async with database.uow() as uow:
        audit = await uow.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "province.notice")
        )
    assert audit is not None and audit.actor_person_id == data.staff["Tỉnh 1"]


async def test_in_chat_the_province_sees_and_writes_and_a_centre_is_refused(
    database: Database,
) -> None:
    data = await build(database)
    clock = FixedClock(NOW)

    def typed(user: str, text: str) -> Incoming:
        command, *args = text[1:].split() if text.startswith("/") else (None,)
        return Incoming(
            "telegram", user, user, display_name=user, text=text, command=command, args=tuple(args)
        )

    province = Dispatcher(Services(database, clock, SETTINGS, data.centres[PROVINCE]), ROUTES)
    replies = await province.handle(typed("701", "/tinh thang 11/2026"))
    assert "Toàn tỉnh" in replies[0].text and MAI_SON in replies[0].text
    assert replies[1].document is not None and replies[1].document.filename.endswith(".xlsx")
    [menu] = await province.handle(typed("701", "/tinh"))
    assert menu.choices
    [help_] = await province.handle(typed("701", "/help"))
    assert "/tinh" in help_.text and "/tinh_thongbao" in help_.text
    [ask] = await province.handle(typed("701", "/tinh_thongbao"))
    assert ask.expect_input == "tinh_thongbao"
    [done] = await province.handle(typed("701", "Nộp báo cáo quý trước ngày 5"))
    assert "3 cán bộ của 3 trung tâm" in done.text
    assert len(await _notices(database)) == 3

    centre = Dispatcher(Services(database, clock, SETTINGS, data.centres[BAC_YEN]), ROUTES)
    [no] = await centre.handle(typed("702", "/tinh thang 11/2026"))
    assert no.text == NOT_ALLOWED
    [no] = await centre.handle(typed("702", "/tinh_thongbao Họp"))
    assert no.text == NOT_ALLOWED
    [help_] = await centre.handle(typed("702", "/help"))
    assert "/tinh" not in help_.text


async def test_at_the_months_end_the_school_staff_get_the_province_report_once(
    database: Database,
) -> None:
    data = await build(database)
    morning = datetime(2026, 12, 1, 7, 0, tzinfo=TZ)
    settings = Settings(centre_name=PROVINCE, timezone=TZ)
    assert await run_period_reports(database, FixedClock(morning), settings) > 0
    assert await run_period_reports(database, FixedClock(morning), settings) == 0  # once
    async with database.uow() as uow:
        got = list(
            await uow.session.scalars(select(Notification).where(Notification.kind == P.KIND))
        )
    assert {n.person_id for n in got} == {data.staff["Tỉnh 1"], data.staff["Tỉnh 2"]}
    assert all("tháng 11/2026" in n.text and "Cả tỉnh: 3 lớp" in n.text for n in got)
    assert all(n.attachment_id is not None for n in got)
