"""Journey 1: staff set a class up from the centre's own files."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from db.database import Database
from db.models import Enrollment, Person, Session, Unit
from sheets.roster import RosterRow, parse_roster
from sheets.schedule import parse_schedule
from tests.conftest import SAMPLES, TZ, SampleClass
from texts.refusals import say
from usecases import classes
from usecases.clock import FixedClock
from usecases.identity import Actor
from usecases.linking import INVITE_ALPHABET, INVITE_LENGTH, create_invites
from usecases.refusal import Refused
from vn.text import fold


async def _count(db: Database, model: type) -> int:
    async with db.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(model)) or 0


async def test_the_sample_class_has_its_learners_units_and_sessions(
    database: Database, sample_class: SampleClass
) -> None:
    learners = await classes.list_learners(database.uow(), class_id=sample_class.id)
    assert len(learners) == 45
    assert learners[0].person.full_name == "Lê Thị Ngọc Lan"
    assert learners[0].person.phone == "+84731706690"  # lost its leading zero in Excel
    assert learners[0].unit_name == "Đoàn xã Phiêng Ban"
    assert sum(1 for line in learners if line.person.phone is None) == 1
    roster = parse_roster(SAMPLES / "danh-sach-so-cap-llct-k4-2024.xlsx")
    assert await _count(database, Unit) == len({fold(r.unit_name) for r in roster.rows}) == 10
    sessions = await classes.list_sessions(database.uow(), class_id=sample_class.id)
    assert len(sessions) == 16
    first = sessions[0].starts_at.astimezone(TZ)
    assert (first.date(), first.hour, first.minute) == (date(2024, 3, 4), 7, 30)
    summary = (await classes.list_classes(database.uow()))[0]
    assert (summary.learners, summary.sessions) == (45, 16)
    assert (summary.start_date, summary.end_date) == (date(2024, 3, 4), date(2024, 3, 13))


async def test_reimporting_the_same_roster_updates_and_never_duplicates(
    database: Database, sample_class: SampleClass
) -> None:
    roster = parse_roster(SAMPLES / "danh-sach-so-cap-llct-k4-2024.xlsx")
    report = await classes.import_roster(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        class_id=sample_class.id,
        rows=roster.rows,
    )
    assert (report.created, report.updated, report.unchanged) == (0, 0, 45)
    assert await _count(database, Person) == 45
    assert await _count(database, Enrollment) == 45

    changed = [roster.rows[0].__class__(**{**roster.rows[0].__dict__, "position": "Bí thư"})]
    report = await classes.import_roster(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        class_id=sample_class.id,
        rows=changed + roster.rows[1:],
    )
    assert (report.created, report.updated) == (0, 1)
    assert await _count(database, Person) == 45


async def test_the_same_learner_in_a_second_class_is_one_person(
    database: Database, sample_class: SampleClass
) -> None:
    other = await classes.create_class(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        centre_id=sample_class.centre_id,
        code="BD-2024",
        name="Bồi dưỡng nhận thức về Đảng",
        program_type="Nhận thức về Đảng",
    )
    roster = parse_roster(SAMPLES / "danh-sach-so-cap-llct-k4-2024.xlsx")
    await classes.import_roster(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        class_id=other,
        rows=roster.rows[:3],
    )
    assert await _count(database, Person) == 45
    assert await _count(database, Enrollment) == 48


async def test_a_phone_that_belongs_to_someone_else_rejects_the_whole_file(
    database: Database, sample_class: SampleClass
) -> None:
    other = await classes.create_class(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        centre_id=sample_class.centre_id,
        code="X",
        name="X",
        program_type="X",
    )
    stranger = RosterRow(
        row=12,
        full_name="Nguyễn Văn Mới",
        birth_date=date(1990, 1, 1),
        gender=None,
        ethnicity=None,
        position=None,
        unit_name="Đơn vị mới",
        phone="+84731706690",
        note=None,
    )
    fine = RosterRow(
        row=11,
        full_name="Trần Thị Ổn",
        birth_date=date(1991, 1, 1),
        gender=None,
        ethnicity=None,
        position=None,
        unit_name="Đơn vị mới",
        phone="+84911111111",
        note=None,
    )
    with pytest.raises(classes.ImportRejected) as caught:
        await classes.import_roster(
            database.uow(),
            actor=Actor.cli(sample_class.centre_id),
            class_id=other,
            rows=[fine, stranger],
        )
    assert caught.value.errors == [
        "Dòng 12: số điện thoại của «Nguyễn Văn Mới» đang là số của «Lê Thị Ngọc Lan» "
        "trong danh sách đã có. Vui lòng kiểm tra lại."
    ]
    assert await _count(database, Person) == 45  # nothing half-imported
    assert await _count(database, Unit) == 10


async def test_a_schedule_can_be_moved_to_start_on_another_date(
    database: Database, sample_class: SampleClass
) -> None:
    schedule = parse_schedule(SAMPLES / "lich-hoc-so-cap-llct-k4-2024.xlsx")
    monday = date(2026, 11, 30)
    report = await classes.import_schedule(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        class_id=sample_class.id,
        rows=schedule.rows,
        tz=TZ,
        shift_to=monday,
    )
    assert (report.created, report.updated) == (0, 16)
    assert len(report.moved_session_ids) == 16
    sessions = await classes.list_sessions(database.uow(), class_id=sample_class.id)
    assert sessions[0].starts_at.astimezone(TZ).date() == monday
    gap = sessions[-1].starts_at - sessions[0].starts_at
    assert gap.days == 9  # the same spacing as the original 04/03 → 13/03
    assert await _count(database, Session) == 16


async def test_monitor_named_by_number_phone_or_name(
    database: Database, sample_class: SampleClass
) -> None:
    by_number = await classes.set_monitor(
        database.uow(), actor=Actor.cli(sample_class.centre_id), class_id=sample_class.id, who="2"
    )
    assert by_number.full_name == "Bùi Đức Hải"
    by_phone = await classes.set_monitor(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        class_id=sample_class.id,
        who="0924.158.683",
    )
    assert by_phone.full_name == "Bùi Thị Hồng Pâng"
    by_name = await classes.set_monitor(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        class_id=sample_class.id,
        who="giàng hữu trường",
    )
    assert by_name.full_name == "Giàng Hữu Trường"
    with pytest.raises(Refused) as caught:
        await classes.set_monitor(
            database.uow(),
            actor=Actor.cli(sample_class.centre_id),
            class_id=sample_class.id,
            who="Không Có Ai",
        )
    assert say(caught.value) == "Không tìm thấy học viên «Không Có Ai» trong lớp."


async def test_invites_cover_unlinked_learners_and_leaders_and_are_stable(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    await classes.add_unit_leader(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        centre_id=sample_class.centre_id,
        unit_name="đoàn xã phiêng ban",
        full_name="Hà Văn Thắng",
        phone="0912345678",
    )
    first = await create_invites(database.uow(), class_id=sample_class.id, now=clock.now())
    assert len(first) == 46
    roles = {role for _, _, role in first}
    assert roles == {"learner", "leader"}
    for _, code, _ in first:
        assert len(code) == INVITE_LENGTH and set(code) <= set(INVITE_ALPHABET)
    clock.advance(days=1)
    again = await create_invites(database.uow(), class_id=sample_class.id, now=clock.now())
    assert [c for _, c, _ in again] == [c for _, c, _ in first]


async def test_an_unknown_class_code_is_a_clear_error(database: Database) -> None:
    with pytest.raises(Refused) as caught:
        await classes.find_class(database.uow(), "khongco")
    assert say(caught.value) == "Không tìm thấy lớp có mã «khongco»."


def test_schedule_shift_keeps_weekday_spacing() -> None:
    rows = parse_schedule(SAMPLES / "lich-hoc-so-cap-llct-k4-2024.xlsx").rows
    assert min(r.day for r in rows) + timedelta(days=9) == max(r.day for r in rows)
