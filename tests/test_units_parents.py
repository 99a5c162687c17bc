"""The district between school and commune (issue 18, item 6) against the database: staff set
a unit's parent; the parent's leader gets one summary of the class covering only its sub-units'
learners, with a spreadsheet grouped by sub-unit, once; and sees the sub-units'
acknowledgments."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import select

from db.database import Database
from db.models import Attachment, Notification
from render.results import unit_xlsx
from render.units import parent_xlsx
from tests.conftest import TZ, SampleClass
from tests.test_results import AFTER_COURSE, import_sample
from usecases import classes
from usecases import results as R
from usecases import units as U
from usecases.identity import Actor
from usecases.refusal import Refused

DISTRICT = "Huyện ủy Bắc Yên"
SUBS = ("Đoàn xã Phiêng Ban", "Đảng ủy xã Hồng Ngài")  # 6 learners each in the sample


def leader(person_id: int) -> Actor:
    return Actor(account_id=0, channel="telegram", chat_id="1", person_id=person_id)


async def test_a_parent_units_leader_gets_one_summary_of_its_sub_units_only(
    database: Database, sample_class: SampleClass
) -> None:
    staff = Actor.cli(sample_class.centre_id)
    centre = sample_class.centre_id
    for sub in SUBS:
        done = await U.set_parent(
            database.uow(), staff, centre_id=centre, unit=sub, parent=DISTRICT
        )
        assert done == (sub, DISTRICT)
    with pytest.raises(Refused) as cycle:
        await U.set_parent(database.uow(), staff, centre_id=centre, unit=DISTRICT, parent=SUBS[0])
    assert cycle.value.reason is U.UnitReason.PARENT_CYCLE
    with pytest.raises(Refused) as unknown:
        await U.set_parent(
            database.uow(), staff, centre_id=centre, unit="Không có", parent=DISTRICT
        )
    assert unknown.value.reason is U.UnitReason.UNIT_NOT_FOUND

    head = await classes.add_unit_leader(
        database.uow(), actor=Actor.cli(centre),
        centre_id=centre, unit_name=DISTRICT, full_name="Vì Văn Huyện",
        phone="0912999777",
    )  # fmt: skip
    thang = await classes.add_unit_leader(
        database.uow(), actor=Actor.cli(centre),
        centre_id=centre, unit_name=SUBS[0], full_name="Hà Văn Thắng",
        phone="0912345678",
    )  # fmt: skip
    await import_sample(database, sample_class)
    assert await U.plan_parent_summaries(database.uow(), now=AFTER_COURSE, render=parent_xlsx) == 0
    await R.publish_results(
        database.uow(), centre_id=centre, code=sample_class.code,
        actor=Actor.cli(centre), now=AFTER_COURSE, tz=TZ,
        unit_file=unit_xlsx,
    )  # fmt: skip
    assert await U.plan_parent_summaries(database.uow(), now=AFTER_COURSE, render=parent_xlsx) == 1
    assert await U.plan_parent_summaries(database.uow(), now=AFTER_COURSE, render=parent_xlsx) == 0

    learners = await classes.list_learners(database.uow(), class_id=sample_class.id)
    ours = {x.person.full_name for x in learners if x.unit_name in SUBS}
    others = {x.person.full_name for x in learners if x.unit_name not in SUBS}
    async with database.uow() as uow:
        (text,) = await uow.session.scalars(
            select(Notification.text).where(Notification.kind == U.PARENT_KIND)
        )
        (note,) = await uow.session.scalars(
            select(Notification).where(Notification.kind == f"{U.PARENT_KIND}_file")
        )
        sheet = await uow.session.get_one(Attachment, note.attachment_id)
        assert note.person_id == head.id
    assert f"Học viên các đơn vị thuộc {DISTRICT}: 12 người, 2 đơn vị." in text
    assert all(name in text for name in ours) and not any(name in text for name in others)
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    body = [r for r in rows if r and isinstance(r[0], int)]
    assert [r[1] for r in body] == sorted(r[1] for r in body)  # grouped by sub-unit
    assert {r[2] for r in body} == ours

    await U.acknowledge(
        database.uow(),
        leader(thang.id),
        kind="results",
        subject_id=sample_class.id,
        now=AFTER_COURSE,
    )
    acks = await U.sub_unit_acks(database.uow(), leader(head.id))
    assert {a.unit_name: a.acked_by for a in acks} == {SUBS[0]: "Hà Văn Thắng", SUBS[1]: None}
    assert await U.sub_unit_acks(database.uow(), leader(thang.id)) == []  # no sub-units


async def test_the_roster_can_name_the_parent_unit_in_a_huyen_column(
    database: Database, centre_id: int
) -> None:
    from db.models import Unit
    from sheets.roster import parse_roster

    csv = (
        "STT,Họ và tên,Ngày sinh,Đơn vị,Huyện,Điện thoại\n"
        "1,Trần Đức Pặng,24/03/1988,UBND xã Làng Chếu,Huyện ủy Bắc Yên,0349390926\n"
        "2,Vàng Xuân Páo,28/01/1982,Đảng ủy xã Tà Xùa,Huyện ủy Bắc Yên,0957566828\n"
        "3,Lò Văn Cường,02/02/1990,Trường THCS Chiềng Sại,,0912000333\n"
    ).encode()
    parsed = parse_roster(csv, filename="danh-sach.csv")
    assert parsed.ok, parsed.errors
    assert [r.parent_unit for r in parsed.rows] == ["Huyện ủy Bắc Yên", "Huyện ủy Bắc Yên", None]
    class_id = await classes.create_class(
        database.uow(), actor=Actor.cli(centre_id),
        centre_id=centre_id, code="NT-2025", name="Nhận thức về Đảng",
        program_type="Bồi dưỡng",
    )  # fmt: skip
    await classes.import_roster(
        database.uow(), actor=Actor.cli(centre_id), class_id=class_id, rows=parsed.rows
    )
    async with database.uow() as uow:
        units = {u.name: u for u in await uow.session.scalars(select(Unit))}
    district = units["Huyện ủy Bắc Yên"]
    assert units["UBND xã Làng Chếu"].parent_id == district.id
    assert units["Đảng ủy xã Tà Xùa"].parent_id == district.id
    assert units["Trường THCS Chiềng Sại"].parent_id is None and district.parent_id is None
