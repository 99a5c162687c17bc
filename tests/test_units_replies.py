"""The unit can answer (issue 18, item 3) against the database: a leader writes about one of
their own learners; staff get it with a button, see it in their queue and answer once; the
answer goes back to the leader."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.database import Database
from db.models import Notification, Person, StaffMember
from tests.conftest import SAMPLE_EVE, SampleClass
from usecases import classes
from usecases import units as U
from usecases.identity import Actor
from usecases.messages import choices_from_json
from usecases.refusal import Refused

UNIT = "Đoàn xã Phiêng Ban"
LAN = "Lê Thị Ngọc Lan"


async def people(db: Database, klass: SampleClass) -> tuple[Actor, int, int, int]:
    """The leader (as an actor), a staff member's person id, Lan's id and another unit's
    learner's id."""
    leader = await classes.add_unit_leader(
        db.uow(), actor=Actor.cli(klass.centre_id),
        centre_id=klass.centre_id, unit_name=UNIT, full_name="Hà Văn Thắng",
        phone="0912345678",
    )  # fmt: skip
    lines = await classes.list_learners(db.uow(), class_id=klass.id)
    lan = next(x.person.id for x in lines if x.person.full_name == LAN)
    other = next(x.person.id for x in lines if x.unit_name != UNIT)
    async with db.uow() as uow:
        staff = Person(centre_id=klass.centre_id, full_name="Cán bộ Hà", name_key="can bo ha")
        uow.session.add(staff)
        await uow.session.flush()
        uow.session.add(StaffMember(centre_id=klass.centre_id, person_id=staff.id))
        await uow.commit()
    actor = Actor(account_id=0, channel="telegram", chat_id="1", person_id=leader.id)
    return actor, staff.id, lan, other


async def test_a_leaders_reply_reaches_staff_and_the_answer_comes_back_once(
    database: Database, sample_class: SampleClass
) -> None:
    leader, staff_id, lan, other = await people(database, sample_class)
    assert await U.reply_classes(database.uow(), leader, now=SAMPLE_EVE) == [
        (sample_class.id, sample_class.code, "Sơ cấp lý luận chính trị khóa IV năm 2024")
    ]
    code, learners = await U.reply_learners(database.uow(), leader, class_id=sample_class.id)
    assert code == sample_class.code and (lan, LAN) in learners and len(learners) == 6
    assert other not in {pid for pid, _ in learners}

    sent = await U.send_reply(
        database.uow(), leader, class_id=sample_class.id, learner_id=lan, kind="absence",
        text="Đồng chí Lan đi họp Huyện đoàn chiều 5/3", now=SAMPLE_EVE,
    )  # fmt: skip
    async with database.uow() as uow:
        (note,) = await uow.session.scalars(
            select(Notification).where(Notification.kind == "unit_reply")
        )
    assert note.person_id == staff_id and LAN in note.text and UNIT in note.text
    assert "Lý do vắng" in note.text and sample_class.code in note.text
    assert choices_from_json(note.choices)[0][0].data == f"traloidv {sent.id}"

    for learner, text, why in (
        (other, "x", U.UnitReason.NOT_YOUR_LEARNER),
        (lan, "   ", U.UnitReason.REPLY_EMPTY),
    ):
        with pytest.raises(Refused) as no:
            await U.send_reply(
                database.uow(), leader, class_id=sample_class.id, learner_id=learner,
                kind="remark", text=text, now=SAMPLE_EVE,
            )  # fmt: skip
        assert no.value.reason is why

    staff = Actor.cli(sample_class.centre_id)
    with pytest.raises(Refused):
        await U.open_replies(database.uow(), leader, centre_id=sample_class.centre_id)
    (queued,) = await U.open_replies(database.uow(), staff, centre_id=sample_class.centre_id)
    assert (queued.learner_name, queued.kind) == (LAN, "absence")
    await U.answer_reply(
        database.uow(), staff, centre_id=sample_class.centre_id, reply_id=sent.id,
        text="Trung tâm đã ghi nhận, tính là vắng có phép.", now=SAMPLE_EVE,
    )  # fmt: skip
    with pytest.raises(Refused) as twice:
        await U.answer_reply(
            database.uow(), staff, centre_id=sample_class.centre_id, reply_id=sent.id,
            text="Lần nữa", now=SAMPLE_EVE,
        )  # fmt: skip
    assert twice.value.reason is U.UnitReason.REPLY_ANSWERED
    assert await U.open_replies(database.uow(), staff, centre_id=sample_class.centre_id) == []
    async with database.uow() as uow:
        (back,) = await uow.session.scalars(
            select(Notification).where(Notification.kind == "unit_reply_answer")
        )
    assert back.person_id == leader.person_id
    assert "tính là vắng có phép" in back.text and LAN in back.text
