"""Statistics by month, quarter and year on a small data set whose figures are known by hand."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

import openpyxl
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import select

from db.database import Database
from db.models import (
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    Class,
    Enrollment,
    Notification,
    Person,
    Result,
    Session,
    SessionStatus,
    SurveyAnswer,
    Unit,
)
from render import stats as RS
from scheduler.reports import (
    PERIOD_JOB_ID,
    SURVEY_JOB_ID,
    periods_ending,
    register,
    run_period_reports,
)
from tests.conftest import CENTRE, TZ
from usecases import identity
from usecases import stats as S
from usecases.clock import FixedClock
from usecases.identity import Actor
from usecases.settings import Settings
from vn.text import fold, name_key

NOW = datetime(2024, 4, 30, 12, 0, tzinfo=TZ)
P, L, E, A = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.LATE,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.ABSENT,
)


@dataclass
class Data:
    centre_id: int
    class_ids: dict[str, int]


async def build(db: Database, centre_id: int) -> Data:
    """Three classes (two in March, one in April), four units, marks, results, survey.

    March: SC-A (Sơ cấp, 4 learners, 2 held sessions: 3 + 3 of 8 attended, results published:
    Giỏi 2, Khá 1, Không đạt 1) and BD-B (Bồi dưỡng, 3 learners one of whom is also in SC-A,
    no marks, results NOT published). April: SC-C (Sơ cấp, 2 learners).
    """
    async with db.uow() as uow:
        s = uow.session
        units = {}
        for name in ("UBND xã A", "Đoàn xã B", "Hội Nông dân xã C"):
            unit = Unit(centre_id=centre_id, name=name, name_key=fold(name))
            s.add(unit)
            units[name] = unit
        await s.flush()

        def person(name: str, unit: str) -> Person:
            p = Person(
                centre_id=centre_id, full_name=name, name_key=name_key(name), unit_id=units[unit].id
            )
            s.add(p)
            return p

        an, binh, chi, dung = (
            person("An", "UBND xã A"),
            person("Bình", "UBND xã A"),
            person("Chi", "Đoàn xã B"),
            person("Dũng", "Đoàn xã B"),
        )
        em, giang = person("Em", "UBND xã A"), person("Giang", "Hội Nông dân xã C")
        hoa, khanh = person("Hoa", "Hội Nông dân xã C"), person("Khánh", "Đoàn xã B")
        leader1 = Person(centre_id=centre_id, full_name="Lãnh đạo A", name_key="lanh dao a")
        leader2 = Person(centre_id=centre_id, full_name="Lãnh đạo B", name_key="lanh dao b")
        s.add_all([leader1, leader2])
        await s.flush()

        def klass(code: str, kind: str, start: date, end: date, published: bool) -> Class:
            k = Class(
                centre_id=centre_id,
                code=code,
                name=f"Lớp {code}",
                program_type=kind,
                start_date=start,
                end_date=end,
                results_published_at=NOW if published else None,
            )
            s.add(k)
            return k

        a = klass("SC-A", "Sơ cấp LLCT", date(2024, 3, 4), date(2024, 3, 13), True)
        b = klass(
            "BD-B", "Bồi dưỡng nhận thức về Đảng", date(2024, 3, 20), date(2024, 3, 22), False
        )
        c = klass("SC-C", "Sơ cấp LLCT", date(2024, 4, 8), date(2024, 4, 10), True)
        await s.flush()
        for k, people in ((a, [an, binh, chi, dung]), (b, [em, giang, an]), (c, [hoa, khanh])):
            for i, p in enumerate(people, start=1):
                s.add(Enrollment(class_id=k.id, person_id=p.id, roster_row=i))

        def session(k: Class, day: date, status: str = SessionStatus.SCHEDULED) -> Session:
            start = datetime.combine(day, time(7, 30), tzinfo=TZ)
            row = Session(
                class_id=k.id,
                starts_at=start,
                ends_at=start.replace(hour=11),
                status=status,
            )
            s.add(row)
            return row

        s1, s2 = session(a, date(2024, 3, 4)), session(a, date(2024, 3, 5))
        session(a, date(2024, 3, 6), SessionStatus.CANCELLED)
        session(a, date(2024, 3, 7))  # never marked: not counted as held
        session(b, date(2024, 3, 20))
        s_c = session(c, date(2024, 4, 8))
        await s.flush()
        marks = {
            s1: {an: P, binh: P, chi: P, dung: A},
            s2: {an: L, binh: E, chi: P, dung: P},
            s_c: {hoa: P, khanh: P},
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
            (a, {an: "Giỏi", binh: "Giỏi", chi: "Khá", dung: "Không đạt"}),
            (b, {em: "Khá", giang: "Khá", an: "Khá"}),
            (c, {hoa: "Trung bình", khanh: "Khá"}),
        ):
            for p, grade in graded.items():
                s.add(Result(class_id=k.id, person_id=p.id, scores={"Điểm": "8"}, grade=grade))
        for leader, key, rating in (
            (leader1, "apply", 4),
            (leader1, "attitude", 5),
            (leader2, "apply", 3),
        ):
            s.add(SurveyAnswer(class_id=a.id, person_id=leader.id, question_key=key, rating=rating))
        s.add(
            SurveyAnswer(class_id=a.id, person_id=leader2.id, question_key="comment", comment="Tốt")
        )
        await uow.commit()
        return Data(centre_id, {"A": a.id, "B": b.id, "C": c.id})


# Periods, rates and sums without a database: tests/test_stats_rules.py


async def test_the_months_figures_match_the_known_data_set(
    database: Database, centre_id: int
) -> None:
    await build(database, centre_id)
    march = S.parse_period("month", "3/2024")
    st = await S.compute_stats(
        database.uow(),
        actor=Actor.cli(centre_id),
        centre_id=centre_id,
        period=march,
        now=NOW,
        tz=TZ,
    )
    assert (st.classes, st.places, st.learners) == (2, 7, 6)
    assert [(t.program_type, t.classes, t.places) for t in st.by_type] == [
        ("Sơ cấp LLCT", 1, 4),
        ("Bồi dưỡng nhận thức về Đảng", 1, 3),
    ]
    assert (st.held, st.attendance.attended, st.attendance.expected) == (2, 6, 8)
    assert st.attendance.value == Decimal("0.75")
    assert dict(st.grades) == {"Giỏi": 2, "Khá": 1, "Không đạt": 1}  # BD-B not published
    by_class = {c.code: c for c in st.by_class}
    assert by_class["SC-A"].attendance.value == Decimal("0.75")
    assert by_class["BD-B"].attendance.value is None
    units = {u.name: u for u in st.by_unit}
    assert units["UBND xã A"].places == 4  # An (twice), Bình, Em
    assert (units["UBND xã A"].attendance.attended, units["UBND xã A"].attendance.expected) == (
        3,
        4,
    )
    assert (units["Đoàn xã B"].attendance.attended, units["Đoàn xã B"].attendance.expected) == (
        3,
        4,
    )
    assert [(s.question_key, s.answers, s.average) for s in st.survey] == [
        ("apply", 2, Decimal("3.5")),
        ("attitude", 1, Decimal("5.0")),
    ]
    assert st.survey_leaders == 2

    text = RS.stats_text(st)
    assert "📊 Thống kê tháng 3/2024" in text
    assert "• 2 lớp với 7 lượt học viên (6 người)." in text
    assert "   – Sơ cấp LLCT: 1 lớp, 4 học viên" in text
    assert "• Chuyên cần: 75% (6/8 lượt có mặt)." in text
    assert "Giỏi 2 (50%), Khá 1 (25%), Không đạt 1 (25%)" in text
    assert "   – Vận dụng kiến thức: 3,5/5" in text
    assert "   – UBND xã A: 4 học viên, chuyên cần 75%" in text


async def test_quarter_and_year_gather_the_classes_of_their_months(
    database: Database, centre_id: int
) -> None:
    await build(database, centre_id)
    q2 = await S.compute_stats(
        database.uow(),
        actor=Actor.cli(centre_id),
        centre_id=centre_id,
        period=S.parse_period("quarter", "2/2024"),
        now=NOW,
        tz=TZ,
    )
    assert (q2.classes, q2.places, q2.attendance.value) == (1, 2, Decimal(1))
    assert dict(q2.grades) == {"Trung bình": 1, "Khá": 1}
    year = await S.compute_stats(
        database.uow(),
        actor=Actor.cli(centre_id),
        centre_id=centre_id,
        period=S.parse_period("year", "2024"),
        now=NOW,
        tz=TZ,
    )
    assert (year.classes, year.places, year.learners) == (3, 9, 8)
    assert (year.attendance.attended, year.attendance.expected) == (8, 10)
    assert year.grades["Khá"] == 2
    empty = await S.compute_stats(
        database.uow(),
        actor=Actor.cli(centre_id),
        centre_id=centre_id,
        period=S.parse_period("year", "2023"),
        now=NOW,
        tz=TZ,
    )
    assert empty.classes == 0
    assert "Không có lớp nào trong kỳ này." in RS.stats_text(empty)


async def test_the_export_and_the_chart_carry_the_same_figures(
    database: Database, centre_id: int
) -> None:
    await build(database, centre_id)
    st = await S.compute_stats(
        database.uow(),
        actor=Actor.cli(centre_id),
        centre_id=centre_id,
        period=S.parse_period("month", "3/2024"),
        now=NOW,
        tz=TZ,
    )
    document = RS.stats_xlsx(st)
    assert document.filename == "thong-ke-2024-03.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(document.data))
    assert book.sheetnames == [
        "Tổng hợp",
        "Theo loại lớp",
        "Theo lớp",
        "Theo đơn vị",
        "Đánh giá sau đào tạo",
    ]
    summary = {r[0]: r[1] for r in book["Tổng hợp"].iter_rows(values_only=True) if r[0]}
    assert summary["Số lớp"] == 2 and summary["Lượt học viên"] == 7
    # Rates are numbers shown as percentages (sortable, chartable), not text.
    assert summary["Tỷ lệ chuyên cần"] == 0.75 and summary["Xếp loại Giỏi"] == 2
    classes = list(book["Theo lớp"].iter_rows(values_only=True))
    assert classes[0][:3] == ("Mã lớp", "Tên lớp", "Loại lớp")
    assert classes[1][0] == "SC-A" and classes[1][7] == 0.75
    rate_cell = next(r[7] for r in book["Theo lớp"].iter_rows(min_row=2) if r[0].value == "SC-A")
    assert rate_cell.number_format.endswith("%")
    chart = RS.stats_chart(st)
    assert chart.startswith(b"\x89PNG") and len(chart) > 5000
    assert RS.stats_chart(
        await S.compute_stats(
            database.uow(),
            actor=Actor.cli(centre_id),
            centre_id=centre_id,
            period=S.parse_period("year", "2020"),
            now=NOW,
            tz=TZ,
        )
    ).startswith(b"\x89PNG")


async def test_the_chart_names_its_period_and_shows_a_zero_bar(
    database: Database, centre_id: int
) -> None:
    await build(database, centre_id)
    st = await S.compute_stats(
        database.uow(),
        actor=Actor.cli(centre_id),
        centre_id=centre_id,
        period=S.parse_period("month", "3/2024"),
        now=NOW,
        tz=TZ,
    )
    nobody = next(c for c in st.by_class if c.attendance.value is not None)
    nobody.attendance = S.Rate(0, 4)  # a class whose learners all stayed away
    figure = RS.stats_figure(st)
    assert "tháng 3/2024" in figure.get_suptitle()
    attendance = figure.axes[0]
    labels = {t.get_text() for t in attendance.texts}
    assert "0%" in labels  # the bar has no height; its label says it is there
    assert nobody.code in [t.get_text() for t in attendance.get_xticklabels()]


async def test_staff_get_the_period_report_once_with_workbook_and_chart(
    database: Database, centre_id: int
) -> None:
    await build(database, centre_id)
    await identity.sync_staff(database.uow(), centre_id, (777, 778))
    march = S.parse_period("month", "3/2024")
    added = await S.send_period_stats(
        database.uow(),
        centre_id=centre_id,
        period=march,
        now=NOW,
        tz=TZ,
        render=RS.period_report,
    )
    assert added == 4
    again = await S.send_period_stats(
        database.uow(),
        centre_id=centre_id,
        period=march,
        now=NOW,
        tz=TZ,
        render=RS.period_report,
    )
    assert again == 0
    async with database.uow() as uow:
        rows = (await uow.session.scalars(select(Notification).order_by(Notification.id))).all()
    assert {n.kind for n in rows} == {"stats"}
    assert len({n.person_id for n in rows}) == 2
    assert "• 2 lớp với 7 lượt học viên (6 người)." in rows[0].text
    assert rows[0].attachment_id is not None and rows[1].text == "📈 Biểu đồ tháng 3/2024"


def test_the_report_after_a_period_covers_the_month_and_at_quarter_and_year_ends_those() -> None:
    def keys(day: date) -> list[str]:
        return [p.key for p in periods_ending(datetime.combine(day, time(7), tzinfo=TZ))]

    assert keys(date(2024, 3, 1)) == ["2024-02"]
    assert keys(date(2024, 4, 1)) == ["2024-03", "2024-q1"]
    assert keys(date(2025, 1, 1)) == ["2024-12", "2024-q4", "2024"]


async def test_the_period_end_job_sends_staff_the_month_and_quarter_and_registers_its_jobs(
    database: Database, centre_id: int
) -> None:
    await build(database, centre_id)
    await identity.sync_staff(database.uow(), centre_id, (777,))
    settings = Settings(centre_name=CENTRE)
    clock = FixedClock(datetime(2024, 4, 1, 7, 0, tzinfo=TZ))
    assert await run_period_reports(database, clock, settings) == 4  # month and quarter, 2 each
    assert await run_period_reports(database, clock, settings) == 0
    async with database.uow() as uow:
        texts = (
            await uow.session.scalars(select(Notification.text).where(Notification.kind == "stats"))
        ).all()
    assert any(t.startswith("📊 Thống kê tháng 3/2024") for t in texts)
    assert any(t.startswith("📊 Thống kê quý 1/2024") for t in texts)
    scheduler = AsyncIOScheduler(timezone=TZ)
    register(scheduler, database, clock, settings)
    assert {j.id for j in scheduler.get_jobs()} == {PERIOD_JOB_ID, SURVEY_JOB_ID}
