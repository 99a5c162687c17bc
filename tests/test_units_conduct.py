"""Conduct, rèn luyện (issue 18, item 5) against the database: staff record a reminder, a
criticism or a violation with a reason, kept with who and when; a violation tells the unit
leader at once; the published results and the unit summary carry it alongside the scores."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.database import Database
from db.models import Notification
from render.results import unit_xlsx
from tests.conftest import TZ, SampleClass
from tests.test_results import AFTER_COURSE, import_sample
from usecases import classes
from usecases import results as R
from usecases import units as U
from usecases.identity import Actor
from usecases.refusal import Refused

UNIT = "Đoàn xã Phiêng Ban"
LAN = "Lê Thị Ngọc Lan"  # number 1 on the sample list


async def leader_of_unit(db: Database, klass: SampleClass) -> int:
    person = await classes.add_unit_leader(
        db.uow(), actor=Actor.cli(klass.centre_id),
        centre_id=klass.centre_id, unit_name=UNIT, full_name="Hà Văn Thắng",
        phone="0912345678",
    )  # fmt: skip
    return person.id


async def notices(db: Database, kind: str) -> list[Notification]:
    async with db.uow() as uow:
        return list(
            await uow.session.scalars(select(Notification).where(Notification.kind == kind))
        )


async def test_a_violation_tells_the_leader_at_once_and_a_reminder_does_not(
    database: Database, sample_class: SampleClass
) -> None:
    leader = await leader_of_unit(database, sample_class)
    staff = Actor.cli(sample_class.centre_id)

    async def note(kind: str, reason: str, number: int = 1) -> U.ConductLine:
        return await U.record_conduct(
            database.uow(), staff, centre_id=sample_class.centre_id, code=sample_class.code,
            number=number, kind=kind, reason=reason, now=AFTER_COURSE,
        )  # fmt: skip

    reminded = await note("reminder", "Đến muộn buổi sáng")
    assert (reminded.full_name, reminded.leaders_told) == (LAN, 0)
    assert await notices(database, U.CONDUCT_KIND) == []
    violated = await note("violation", "Bỏ buổi học chiều không xin phép")
    assert violated.leaders_told == 1
    (told,) = await notices(database, U.CONDUCT_KIND)
    assert told.person_id == leader and LAN in told.text
    assert "Bỏ buổi học chiều không xin phép" in told.text
    _, lines = await U.class_conduct(
        database.uow(), staff, centre_id=sample_class.centre_id, code=sample_class.code
    )
    assert [(x.kind, x.by, x.at) for x in lines] == [
        ("reminder", "cli", AFTER_COURSE), ("violation", "cli", AFTER_COURSE),
    ]  # fmt: skip

    for kind, reason, number, why in (
        ("khen", "x", 1, U.UnitReason.CONDUCT_KIND),
        ("violation", "  ", 1, U.UnitReason.CONDUCT_REASON),
        ("violation", "x", 99, U.UnitReason.NO_SUCH_NUMBER),
    ):
        with pytest.raises(Refused) as no:
            await note(kind, reason, number)
        assert no.value.reason is why
    not_staff = Actor(account_id=0, channel="telegram", chat_id="1", person_id=leader)
    with pytest.raises(Refused) as no:
        await U.class_conduct(
            database.uow(), not_staff, centre_id=sample_class.centre_id, code=sample_class.code
        )
    assert no.value.reason is U.UnitReason.STAFF_ONLY


async def test_results_and_the_unit_summary_carry_the_conduct(
    database: Database, sample_class: SampleClass
) -> None:
    await import_sample(database, sample_class)
    await leader_of_unit(database, sample_class)
    staff = Actor.cli(sample_class.centre_id)
    for kind, reason in (("reminder", "Đến muộn"), ("violation", "Bỏ buổi học chiều")):
        await U.record_conduct(
            database.uow(), staff, centre_id=sample_class.centre_id, code=sample_class.code,
            number=1, kind=kind, reason=reason, now=AFTER_COURSE,
        )  # fmt: skip
    await R.publish_results(
        database.uow(), centre_id=sample_class.centre_id, code=sample_class.code,
        actor=Actor.cli(sample_class.centre_id), now=AFTER_COURSE, tz=TZ,
        unit_file=unit_xlsx,
    )  # fmt: skip
    results = await notices(database, "result")
    lan = [n.text for n in results if LAN in n.text]
    assert len(lan) == 1
    assert "Rèn luyện: 1 nhắc nhở, 1 vi phạm (vi phạm: Bỏ buổi học chiều)" in lan[0]
    assert sum("Rèn luyện" in n.text for n in results) == 1  # nobody else has any
    (summary,) = await notices(database, "unit_results")
    assert "📒 Rèn luyện" in summary.text
    assert f"• {LAN}: Rèn luyện: 1 nhắc nhở, 1 vi phạm (vi phạm: Bỏ buổi học chiều)" in summary.text
