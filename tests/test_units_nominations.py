"""Nominees confirmed before the class opens (issue 18, item 1) against the database: the
announcement to a leader carries the button; a leader answers for their own unit's learners
only, until the first session starts; staff see each unit's answers and remind once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.database import Database
from db.models import Notification, Session
from tests.conftest import SAMPLE_EVE, SampleClass
from usecases import classes, notices
from usecases import units as U
from usecases.identity import Actor
from usecases.messages import choices_from_json
from usecases.refusal import Refused
from usecases.settings import Settings

UNIT = "Đoàn xã Phiêng Ban"
OTHER = "Đảng ủy xã Hồng Ngài"  # another unit of the sample roster


def leader(person_id: int) -> Actor:
    return Actor(account_id=0, channel="telegram", chat_id="1", person_id=person_id)


async def announced(db: Database, klass: SampleClass) -> tuple[int, int]:
    """Two leaders (one per unit), then the announcement; their person ids."""
    ids = []
    for unit, name, phone in (
        (UNIT, "Hà Văn Thắng", "0912345678"),
        (OTHER, "Lò Văn B", "0912999002"),
    ):
        person = await classes.add_unit_leader(
            db.uow(),
            actor=Actor.cli(klass.centre_id),
            centre_id=klass.centre_id,
            unit_name=unit,
            full_name=name,
            phone=phone,
        )
        ids.append(person.id)
    await notices.announce_class(
        db.uow(), actor=Actor.cli(klass.centre_id), class_code=klass.code, settings=Settings(),
        now=SAMPLE_EVE,
    )  # fmt: skip
    return ids[0], ids[1]


async def first_start(db: Database, klass: SampleClass) -> datetime:
    async with db.uow() as uow:
        start = await uow.session.scalar(
            select(func.min(Session.starts_at)).where(Session.class_id == klass.id)
        )
    assert start is not None
    return start


async def test_the_announcement_to_a_leader_carries_the_button(
    database: Database, sample_class: SampleClass
) -> None:
    thang, _ = await announced(database, sample_class)
    async with database.uow() as uow:
        note = await uow.session.scalar(
            select(Notification).where(
                Notification.person_id == thang, Notification.kind == "announcement"
            )
        )
    assert note is not None
    (button,) = [c for row in choices_from_json(note.choices) for c in row]
    assert button.data == f"cudi {sample_class.id}" and "Xác nhận" in button.label


async def test_a_leader_answers_for_their_own_learners_and_staff_see_it_per_unit(
    database: Database, sample_class: SampleClass
) -> None:
    thang, other = await announced(database, sample_class)
    uow, now, cid = database.uow, SAMPLE_EVE, sample_class.id
    mine = await U.nominee_list(uow(), leader(thang), class_id=cid, now=now)
    assert mine.open and len(mine.lines) >= 3
    assert {x.unit_name for x in mine.lines} == {UNIT}
    assert all(x.status is None for x in mine.lines)
    a, b, *_ = mine.lines

    await U.answer_nominee(
        uow(), leader(thang), class_id=cid, person_id=a.person_id, attend=True, now=now
    )
    await U.answer_nominee(
        uow(), leader(thang), class_id=cid, person_id=b.person_id, attend=False,
        reason="Đi công tác tỉnh", now=now,
    )  # fmt: skip
    after = await U.answer_nominee(
        uow(), leader(thang), class_id=cid, person_id=b.person_id, attend=None,
        replacement="Lường Văn Cường", now=now,
    )  # fmt: skip
    declined = next(x for x in after.lines if x.person_id == b.person_id)
    assert (declined.status, declined.reason, declined.replacement) == (
        "declined", "Đi công tác tỉnh", "Lường Văn Cường",
    )  # fmt: skip
    with pytest.raises(Refused) as no:  # a replacement only for someone who cannot go
        await U.answer_nominee(
            uow(), leader(thang), class_id=cid, person_id=a.person_id, attend=None,
            replacement="X", now=now,
        )  # fmt: skip
    assert no.value.reason is U.UnitReason.NOT_DECLINED
    with pytest.raises(Refused) as theirs:  # another unit's leader, this unit's learner
        await U.answer_nominee(
            uow(), leader(other), class_id=cid, person_id=a.person_id, attend=False, now=now
        )
    assert theirs.value.reason is U.UnitReason.NOT_YOUR_LEARNER

    staff = Actor.cli(sample_class.centre_id)
    _, units = await U.nomination_status(
        uow(), staff, centre_id=sample_class.centre_id, code=sample_class.code
    )
    ours = next(u for u in units if u.unit_name == UNIT)
    assert (ours.tally.confirmed, ours.tally.declined) == (1, 1)
    assert ours.tally.no_answer == len(mine.lines) - 2 and ours.leaders == ("Hà Văn Thắng",)
    assert all(u.tally.confirmed == 0 for u in units if u.unit_name != UNIT)

    done = await U.confirm_all(uow(), leader(thang), class_id=cid, now=now)
    assert [x.status for x in done.lines].count(None) == 0
    assert next(x for x in done.lines if x.person_id == b.person_id).status == "declined"


async def test_answers_close_exactly_when_the_first_session_starts(
    database: Database, sample_class: SampleClass
) -> None:
    thang, _ = await announced(database, sample_class)
    start = await first_start(database, sample_class)
    mine = await U.nominee_list(database.uow(), leader(thang), class_id=sample_class.id, now=start)
    assert not mine.open
    with pytest.raises(Refused) as no:
        await U.answer_nominee(
            database.uow(), leader(thang), class_id=sample_class.id,
            person_id=mine.lines[0].person_id, attend=True, now=start,
        )  # fmt: skip
    assert no.value.reason is U.UnitReason.NOMINATION_CLOSED
    just_before = start - timedelta(seconds=1)
    ok = await U.answer_nominee(
        database.uow(), leader(thang), class_id=sample_class.id,
        person_id=mine.lines[0].person_id, attend=True, now=just_before,
    )  # fmt: skip
    assert ok.lines[0].status == "confirmed"


async def test_staff_remind_only_leaders_still_owing_answers_and_only_once(
    database: Database, sample_class: SampleClass
) -> None:
    thang, other = await announced(database, sample_class)
    await U.confirm_all(database.uow(), leader(thang), class_id=sample_class.id, now=SAMPLE_EVE)
    staff = Actor.cli(sample_class.centre_id)

    async def remind(actor: Actor) -> tuple[int, int]:
        return await U.remind_nominations(
            database.uow(), actor, centre_id=sample_class.centre_id, code=sample_class.code,
            now=SAMPLE_EVE,
        )  # fmt: skip

    assert await remind(staff) == (1, 0)
    assert await remind(staff) == (0, 1)
    async with database.uow() as uow:
        sent = list(
            await uow.session.scalars(
                select(Notification).where(Notification.kind == U.NOMINATION_REMINDER_KIND)
            )
        )
    assert [n.person_id for n in sent] == [other]
    assert choices_from_json(sent[0].choices)[0][0].data == f"cudi {sample_class.id}"
    with pytest.raises(Refused) as no:
        await remind(leader(thang))
    assert no.value.reason is U.UnitReason.STAFF_ONLY


async def test_a_leader_of_no_unit_in_the_class_sees_nothing(
    database: Database, sample_class: SampleClass
) -> None:
    await announced(database, sample_class)
    stranger = await classes.add_unit_leader(
        database.uow(), actor=Actor.cli(sample_class.centre_id),
        centre_id=sample_class.centre_id, unit_name="Đơn vị khác",
        full_name="Người Khác", phone="0912999555",
    )  # fmt: skip
    with pytest.raises(Refused) as no:
        await U.nominee_list(
            database.uow(), leader(stranger.id), class_id=sample_class.id, now=SAMPLE_EVE
        )
    assert no.value.reason is U.UnitReason.NOT_YOURS
    assert await U.classes_to_confirm(database.uow(), leader(stranger.id), now=SAMPLE_EVE) == []
