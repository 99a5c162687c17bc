"""Results: matching rows to learners, grading by the scale, publishing once, and what each
learner and each unit leader receives."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from bot.dispatch import Dispatcher
from channels.incoming import Incoming
from db.database import Database
from db.models import (
    Attachment,
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    ChatAccount,
    Enrollment,
    Notification,
    Person,
    Result,
    Session,
)
from handlers.base import Services
from handlers.routes import ROUTES
from render import results as RR
from sheets.results import ResultRow, parse_results
from tests.conftest import SAMPLES, TZ, SampleClass, centre_of
from texts.refusals import say
from usecases import classes, identity
from usecases import results as R
from usecases.classes import ImportRejected
from usecases.clock import FixedClock
from usecases.identity import Actor
from usecases.refusal import Refused
from usecases.settings import Settings
from vn.text import name_key

RESULTS_FILE = SAMPLES / "ket-qua-so-cap-llct-k4-2024.xlsx"
SCALE = Settings().grade_scale
AFTER_COURSE = datetime(2024, 3, 14, 9, 0, tzinfo=TZ)


def row(n: int, name: str, birth: date | None, *scores: str, **kw: object) -> ResultRow:
    return ResultRow(
        row=n,
        full_name=name,
        birth_date=birth,
        unit_name=None,
        phone=kw.get("phone"),  # type: ignore[arg-type]
        scores={f"Điểm {i}": Decimal(s) for i, s in enumerate(scores, start=1)},
        grade=kw.get("grade"),  # type: ignore[arg-type]
        remark=kw.get("remark"),  # type: ignore[arg-type]
    )


def CLI(klass: SampleClass) -> Actor:
    return Actor.cli(klass.centre_id)


async def import_sample(db: Database, klass: SampleClass) -> R.ImportReport:
    parsed = parse_results(RESULTS_FILE)
    assert not parsed.errors
    return await R.import_results(
        db.uow(),
        actor=Actor.cli(klass.centre_id),
        class_id=klass.id,
        rows=parsed.rows,
        grade_scale=SCALE,
        tz=TZ,
    )


async def mark(db: Database, klass: SampleClass, name: str, *statuses: AttendanceStatus) -> None:
    """Marks for the class's first sessions, in order, for one learner."""
    async with db.uow() as uow:
        person = await uow.session.scalar(select(Person).where(Person.name_key == name_key(name)))
        assert person is not None
        sessions = (
            await uow.session.scalars(
                select(Session).where(Session.class_id == klass.id).order_by(Session.starts_at)
            )
        ).all()
        for s, status in zip(sessions, statuses, strict=False):
            uow.session.add(
                Attendance(
                    session_id=s.id,
                    person_id=person.id,
                    status=status,
                    method=AttendanceMethod.MONITOR,
                )
            )
        await uow.commit()


async def notifications(db: Database, kind: str | None = None) -> list[Notification]:
    async with db.uow() as uow:
        query = select(Notification).order_by(Notification.id)
        if kind:
            query = query.where(Notification.kind == kind)
        return list((await uow.session.scalars(query)).all())


async def person_id(db: Database, name: str) -> int:
    async with db.uow() as uow:
        found = await uow.session.scalar(select(Person.id).where(Person.name_key == name_key(name)))
        assert found is not None
        return found


# --- matching -------------------------------------------------------------------------------


async def test_the_sample_results_sheet_matches_all_45_learners(
    database: Database, sample_class: SampleClass
) -> None:
    report = await import_sample(database, sample_class)
    assert (report.rows, report.created, report.updated, report.missing) == (45, 45, 0, [])
    again = await import_sample(database, sample_class)
    assert (again.created, again.updated) == (0, 45)
    async with database.uow() as uow:
        lan = await uow.session.scalar(
            select(Result)
            .join(Person, Person.id == Result.person_id)
            .where(Person.name_key == name_key("Lê Thị Ngọc Lan"))
        )
        assert lan is not None
        assert lan.scores == {"Điểm kiểm tra": "8", "Điểm thu hoạch": "9"}
        assert lan.grade == "Khá"  # the sheet's own grade wins over the scale


async def test_an_unmatched_and_an_ambiguous_row_reject_the_whole_file_with_row_numbers(
    database: Database, sample_class: SampleClass
) -> None:
    twin_birth = date(1996, 8, 16)
    async with database.uow() as uow:  # a second "Lê Thị Ngọc Lan" born the same day
        twin = Person(
            centre_id=sample_class.centre_id,
            full_name="Lê Thị Ngọc Lan",
            name_key=name_key("Lê Thị Ngọc Lan"),
        )
        twin.birth_date = twin_birth
        uow.session.add(twin)
        await uow.session.flush()
        uow.session.add(Enrollment(class_id=sample_class.id, person_id=twin.id, roster_row=99))
        await uow.commit()
    rows = [
        row(4, "Bùi Đức Hải", date(1966, 1, 1), "8", "7"),
        row(5, "Nguyễn Văn Không Có", date(1990, 1, 1), "8"),
        row(6, "LE THI NGOC LAN", twin_birth, "9"),
        row(7, "Lò Văn Ai", None, "6"),
    ]
    with pytest.raises(ImportRejected) as rejected:
        await R.import_results(
            database.uow(),
            actor=CLI(sample_class),
            class_id=sample_class.id,
            rows=rows,
            grade_scale=SCALE,
            tz=TZ,
        )
    errors = rejected.value.errors
    assert len(errors) == 3
    assert errors[0].startswith("Dòng 5: không tìm thấy học viên «Nguyễn Văn Không Có»")
    assert errors[1].startswith("Dòng 6:") and "trùng với 2 học viên" in errors[1]
    assert errors[2].startswith("Dòng 7:") and "thiếu cả ngày sinh lẫn số điện thoại" in errors[2]
    async with database.uow() as uow:
        assert await uow.session.scalar(select(func.count(Result.id))) == 0  # nothing half-done


async def test_a_phone_number_matches_a_row_whose_birth_date_was_mistyped(
    database: Database, sample_class: SampleClass
) -> None:
    rows = [row(4, "Bùi Đức Hải", date(1966, 1, 2), "8", phone="+84963608377")]
    report = await R.import_results(
        database.uow(),
        actor=CLI(sample_class),
        class_id=sample_class.id,
        rows=rows,
        grade_scale=SCALE,
        tz=TZ,
    )
    assert report.created == 1 and len(report.missing) == 44


async def test_two_rows_for_one_learner_are_refused(
    database: Database, sample_class: SampleClass
) -> None:
    rows = [
        row(4, "Bùi Đức Hải", date(1966, 1, 1), "8"),
        row(5, "Bui Duc Hai", date(1970, 1, 1), "9", phone="+84963608377"),
    ]
    with pytest.raises(ImportRejected) as rejected:
        await R.import_results(
            database.uow(),
            actor=CLI(sample_class),
            class_id=sample_class.id,
            rows=rows,
            grade_scale=SCALE,
            tz=TZ,
        )
    assert rejected.value.errors == ["Dòng 5: cùng một học viên với dòng 4 (Bùi Đức Hải)."]


# --- grading --------------------------------------------------------------------------------


# Pure grading and typed entries: tests/test_results_rules.py


async def test_rows_without_a_grade_are_graded_by_the_centres_scale(
    database: Database, sample_class: SampleClass
) -> None:
    rows = [
        row(4, "Bùi Đức Hải", date(1966, 1, 1), "8", "9"),
        row(5, "Bùi Thị Hồng Pâng", date(1966, 7, 27), "4", "5"),
        row(6, "Giàng Hữu Trường", date(1967, 8, 8), "4", "5", grade="Khá"),
    ]
    scale = ((8.0, "Giỏi"), (5.0, "Đạt"), (0.0, "Chưa đạt"))
    report = await R.import_results(
        database.uow(),
        actor=CLI(sample_class),
        class_id=sample_class.id,
        rows=rows,
        grade_scale=scale,
        tz=TZ,
    )
    assert report.graded_by_scale == 2
    async with database.uow() as uow:
        grades = dict(
            (
                await uow.session.execute(
                    select(Person.full_name, Result.grade).join(
                        Result, Result.person_id == Person.id
                    )
                )
            ).all()
        )
    assert grades == {
        "Bùi Đức Hải": "Giỏi",
        "Bùi Thị Hồng Pâng": "Chưa đạt",
        "Giàng Hữu Trường": "Khá",
    }


# --- entering one result in chat ------------------------------------------------------------


async def test_staff_enter_one_learners_result_in_the_sheets_columns(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    await import_sample(database, sample_class)
    view = await R.enter_result(
        database.uow(),
        centre_id=sample_class.centre_id,
        code=sample_class.code,
        number=1,
        entry=R.parse_entry("9,5 9,5 ; Xuất sắc trong thảo luận"),
        grade_scale=SCALE,
        tz=TZ,
        now=clock.now(),
        actor=CLI(sample_class),
    )
    assert view.full_name == "Lê Thị Ngọc Lan"
    assert view.scores == {"Điểm kiểm tra": Decimal("9.5"), "Điểm thu hoạch": Decimal("9.5")}
    assert view.grade == "Xuất sắc" and view.remark == "Xuất sắc trong thảo luận"
    with pytest.raises(Refused):
        await R.enter_result(
            database.uow(),
            centre_id=sample_class.centre_id,
            code=sample_class.code,
            number=46,
            entry=R.parse_entry("5"),
            grade_scale=SCALE,
            tz=TZ,
            now=clock.now(),
            actor=CLI(sample_class),
        )


# --- publishing -----------------------------------------------------------------------------


async def setup_published(
    db: Database, klass: SampleClass, clock: FixedClock
) -> tuple[int, R.PublishReport]:
    await import_sample(db, klass)
    leader = await classes.add_unit_leader(
        db.uow(),
        actor=Actor.cli(klass.centre_id),
        centre_id=klass.centre_id,
        unit_name="Đoàn xã Phiêng Ban",
        full_name="Hà Văn Thắng",
        phone="0912345678",
    )
    P, L, A = AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT
    await mark(db, klass, "Lê Thị Ngọc Lan", P, L, A, P)
    await mark(db, klass, "Bùi Đức Hải", P, P, P, P)
    clock.set(AFTER_COURSE)
    report = await R.publish_results(
        db.uow(),
        centre_id=klass.centre_id,
        code=klass.code,
        actor=Actor.cli(klass.centre_id),
        now=clock.now(),
        tz=TZ,
        unit_file=RR.unit_xlsx,
    )
    return leader.id, report


async def test_publishing_sends_each_learner_their_own_result_once(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    _, report = await setup_published(database, sample_class, clock)
    assert (report.learners, report.leaders) == (45, 1)
    assert "Chi bộ thôn Trung Hà" in report.units_without_leader
    sent = await notifications(database, R.Kind.RESULT)
    assert len(sent) == 45 and len({n.person_id for n in sent}) == 45
    lan = next(n for n in sent if "Lê Thị Ngọc Lan" in n.text)
    assert lan.person_id == await person_id(database, "Lê Thị Ngọc Lan")
    assert lan.text.splitlines() == [
        "🏅 Kết quả học tập lớp Sơ cấp lý luận chính trị khóa IV năm 2024",
        "Học viên: Lê Thị Ngọc Lan",
        "• Điểm kiểm tra: 8",
        "• Điểm thu hoạch: 9",
        "Xếp loại: Khá",
        "Chuyên cần: 75% (3/4 buổi)",
    ]
    pang = next(n for n in sent if "Bùi Thị Hồng Pâng" in n.text)
    assert "• Điểm kiểm tra: 7,5" in pang.text  # decimal comma
    assert "Nhận xét: Chấp hành tốt nội quy" in pang.text
    assert "Chuyên cần: 0% (0/4 buổi)" in pang.text  # four sessions held, none attended
    assert lan.due_at == clock.now() and lan.class_id == sample_class.id

    with pytest.raises(Refused) as twice:
        await R.publish_results(
            database.uow(),
            centre_id=sample_class.centre_id,
            code=sample_class.code,
            actor=Actor.cli(sample_class.centre_id),
            now=clock.advance(minutes=5),
            tz=TZ,
            unit_file=RR.unit_xlsx,
        )
    assert "đã được công bố lúc Thứ Năm, 14/03/2024, 9h00" in say(twice.value)
    assert len(await notifications(database)) == 47  # nobody gets it twice (45 + text + file)
    with pytest.raises(Refused):
        await import_sample(database, sample_class)  # and results no longer change


async def test_each_unit_leader_gets_one_summary_of_their_own_learners_with_a_spreadsheet(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    leader_id, _ = await setup_published(database, sample_class, clock)
    [summary] = await notifications(database, R.Kind.UNIT_RESULTS)
    assert summary.person_id == leader_id
    assert summary.attachment_id is None  # the text is a delivery of its own
    [summary_file] = await notifications(database, R.Kind.UNIT_RESULTS_FILE)
    assert summary_file.person_id == leader_id
    assert "đính kèm" not in summary.text + summary_file.text
    lines = summary.text.splitlines()
    assert lines[0] == "📋 Kết quả học tập của học viên Đoàn xã Phiêng Ban"
    assert "1. Lê Thị Ngọc Lan: 8 / 9 — Khá — CC 75%" in lines
    assert len([line for line in lines if line[:2].rstrip(".").isdigit()]) == 6
    assert "Bùi Đức Hải" not in summary.text  # another unit's learner
    async with database.uow() as uow:
        attachment = await uow.session.get(Attachment, summary_file.attachment_id)
        assert attachment is not None
        assert attachment.filename.startswith("ket-qua-sc-k4-") and attachment.filename.endswith(
            ".xlsx"
        )
        book = openpyxl.load_workbook(io.BytesIO(attachment.data))
    sheet = book.active
    assert sheet is not None
    values = [[c for c in r if c is not None] for r in sheet.iter_rows(values_only=True)]
    header = next(r for r in values if r and r[0] == "TT")
    assert header == [
        "TT",
        "Họ và tên",
        "Ngày sinh",
        "Đơn vị",
        "Điểm kiểm tra",
        "Điểm thu hoạch",
        "Xếp loại",
        "Chuyên cần",
        "Nhận xét",
    ]
    body = values[values.index(header) + 1 :]
    assert len(body) == 6
    assert body[0][:2] == [1, "Lê Thị Ngọc Lan"] and "Khá" in body[0]


async def test_a_leader_and_a_learner_see_only_what_is_theirs_and_only_once_published(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    await import_sample(database, sample_class)
    lan = await person_id(database, "Lê Thị Ngọc Lan")
    assert await R.results_for_learner(database.uow(), person_id=lan, now=clock.now()) == []
    leader_id, _ = await setup_published(database, sample_class, clock)
    [mine] = await R.results_for_learner(database.uow(), person_id=lan, now=clock.now())
    assert mine.grade == "Khá" and (mine.attended, mine.held) == (3, 4)
    [unit] = await R.results_for_leader(database.uow(), person_id=leader_id, now=clock.now())
    assert unit.unit_names == ["Đoàn xã Phiêng Ban"]
    assert {v.unit_name for v in unit.results} == {"Đoàn xã Phiêng Ban"}
    assert len(unit.results) == 6
    assert await R.results_for_leader(database.uow(), person_id=lan, now=clock.now()) == []


async def test_only_the_centres_staff_may_preview_or_publish(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    await import_sample(database, sample_class)
    lan = await person_id(database, "Lê Thị Ngọc Lan")
    with pytest.raises(Refused):
        await R.preview_results(
            database.uow(),
            centre_id=sample_class.centre_id,
            code=sample_class.code,
            actor=Actor(account_id=lan, channel="telegram", chat_id="", person_id=lan),
            now=clock.now(),
        )
    with pytest.raises(Refused):
        await R.publish_results(
            database.uow(),
            centre_id=sample_class.centre_id,
            code=sample_class.code,
            actor=Actor(account_id=lan, channel="telegram", chat_id="", person_id=lan),
            now=clock.now(),
            tz=TZ,
            unit_file=RR.unit_xlsx,
        )
    preview = await R.preview_results(
        database.uow(),
        centre_id=sample_class.centre_id,
        code=sample_class.code,
        actor=Actor.cli(sample_class.centre_id),
        now=clock.now() + timedelta(days=30),
    )
    assert (preview.enrolled, len(preview.results), preview.missing) == (45, 45, [])
    assert preview.grades == {"Trung bình": 20, "Khá": 18, "Giỏi": 6, "Không đạt": 1}
    assert preview.published_at is None
    assert await R.list_result_classes(database.uow(), centre_id=sample_class.centre_id) == [
        (sample_class.code, False)
    ]


# --- in chat, through the dispatcher (channel-neutral) --------------------------------------

STAFF_TG, LEARNER_TG, LEADER_TG = "777", "1001", "1003"


def said(user: str, text: str = "", **kw: object) -> Incoming:
    return Incoming(channel="telegram", user_id=user, chat_id=user, text=text, **kw)  # type: ignore[arg-type]


async def link(db: Database, user_id: str, person: int) -> None:
    async with db.uow() as uow:
        uow.session.add(
            ChatAccount(
                centre_id=await centre_of(uow.session, person),
                channel="telegram",
                external_id=user_id,
                chat_id=user_id,
                person_id=person,
            )
        )
        await uow.commit()


async def test_in_chat_staff_correct_preview_and_publish_and_each_person_sees_their_own(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    await import_sample(database, sample_class)
    await identity.sync_staff(database.uow(), sample_class.centre_id, (int(STAFF_TG),))
    leader = await classes.add_unit_leader(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        centre_id=sample_class.centre_id,
        unit_name="Đoàn xã Phiêng Ban",
        full_name="Hà Văn Thắng",
        phone="0912345678",
    )
    await link(database, LEARNER_TG, await person_id(database, "Lê Thị Ngọc Lan"))
    await link(database, LEADER_TG, leader.id)
    services = Services(
        db=database, clock=clock, settings=Settings(), centre_id=sample_class.centre_id
    )
    chat = Dispatcher(services, ROUTES)

    [saved] = await chat.handle(
        said(
            STAFF_TG, command="nhapdiem", args=("sc-k4", "1", "9,5", "9", ";", "Rất", "tích", "cực")
        )
    )
    assert saved.text.startswith("✅ Đã lưu kết quả của Lê Thị Ngọc Lan (lớp SC-K4)")
    assert "• Điểm kiểm tra: 9,5" in saved.text and "Xếp loại: Xuất sắc" in saved.text

    [refused] = await chat.handle(said(LEARNER_TG, command="congbo", args=("SC-K4",)))
    assert refused.text == "Bạn không có quyền làm việc này."
    [nothing_yet] = await chat.handle(said(LEARNER_TG, command="ketqua"))
    assert nothing_yet.text == "Chưa có kết quả nào được công bố cho bạn."

    [preview] = await chat.handle(said(STAFF_TG, command="ketqua", args=("SC-K4",)))
    assert "1. Lê Thị Ngọc Lan — 9,5 / 9 — Xuất sắc" in preview.text
    [[publish]] = preview.choices
    assert publish.data == "congbo SC-K4 ok"  # the preview is shown: its button publishes
    command, *args = publish.data.split()
    [published] = await chat.handle(said(STAFF_TG, command=command, args=tuple(args), pressed=True))
    assert published.text.startswith("📢 Đã công bố kết quả lớp SC-K4: 45 thông báo")
    [twice] = await chat.handle(said(STAFF_TG, command=command, args=tuple(args), pressed=True))
    assert "đã được công bố lúc" in twice.text

    [mine] = await chat.handle(said(LEARNER_TG, command="ketqua"))
    assert "Nhận xét: Rất tích cực" in mine.text
    unit_text, unit_file = await chat.handle(said(LEADER_TG, command="ketqua"))
    assert unit_text.text.startswith("📋 Kết quả học tập của học viên Đoàn xã Phiêng Ban")
    assert "Bùi Đức Hải" not in unit_text.text
    assert unit_file.document is not None and unit_file.document.filename.endswith(".xlsx")
    [group] = await chat.handle(replace(said(LEARNER_TG, command="ketqua"), is_group=True))
    assert "Xếp loại" not in group.text
