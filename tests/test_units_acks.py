"""Acknowledgment (issue 18, item 2) against the database: the button rides on the results
summary and the absence alert; a leader acknowledges only what was sent to them, once; staff
see which units have not; one reminder goes after the configured days."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from db.database import Database
from db.models import AuditEntry, Notification, Session
from tests.conftest import SampleClass
from tests.test_results import AFTER_COURSE, setup_published
from usecases import attendance as A
from usecases import classes
from usecases import units as U
from usecases.clock import FixedClock
from usecases.identity import Actor
from usecases.messages import choices_from_json
from usecases.refusal import Refused
from usecases.settings import Settings, UnitSettings

SETTINGS = Settings()
UNIT = "Đoàn xã Phiêng Ban"


def leader(person_id: int) -> Actor:
    return Actor(account_id=0, channel="telegram", chat_id="1", person_id=person_id)


async def notices(db: Database, kind: str) -> list[Notification]:
    async with db.uow() as uow:
        rows = await uow.session.scalars(
            select(Notification).where(Notification.kind == kind).order_by(Notification.id)
        )
        return list(rows)


async def test_the_summary_carries_the_button_and_the_leader_acknowledges_once(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    leader_id, _ = await setup_published(database, sample_class, clock)
    (summary,) = await notices(database, "unit_results")
    (button,) = [c for row in choices_from_json(summary.choices) for c in row]
    assert button.label == "✅ Đã nhận"
    (sheet,) = await notices(database, "unit_results_file")
    assert sheet.choices is None  # one button, on the text

    kind, subject = button.data.split()[1:]
    first = await U.acknowledge(
        database.uow(), leader(leader_id), kind=kind, subject_id=int(subject), now=clock.now()
    )
    assert first.first and first.class_code == sample_class.code
    again = await U.acknowledge(
        database.uow(),
        leader(leader_id),
        kind=kind,
        subject_id=int(subject),
        now=clock.advance(minutes=30),
    )
    assert not again.first and again.at == first.at

    status = await U.ack_status(
        database.uow(),
        Actor.cli(sample_class.centre_id),
        centre_id=sample_class.centre_id,
        code=sample_class.code.lower(),
    )
    acked = [u for u in status.units if u.acked_by]
    assert [(u.unit_name, u.acked_by) for u in acked] == [(UNIT, "Hà Văn Thắng")]
    assert status.not_acked == []  # the only unit with a leader
    assert UNIT not in status.without_leader and len(status.without_leader) >= 1
    async with database.uow() as uow:
        audit = list(await uow.session.scalars(select(AuditEntry.action)))
    assert audit.count("units.ack.results") == 1


async def test_a_leader_cannot_acknowledge_what_was_not_sent_to_them(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    await setup_published(database, sample_class, clock)
    other = await classes.add_unit_leader(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        centre_id=sample_class.centre_id,
        unit_name="Đơn vị khác",
        full_name="Người Khác",
        phone="0912999555",
    )
    for kind in ("results", "absence", "nonsense"):
        with pytest.raises(Refused) as no:
            await U.acknowledge(
                database.uow(),
                leader(other.id),
                kind=kind,
                subject_id=sample_class.id,
                now=clock.now(),
            )
        assert no.value.reason is U.UnitReason.NOT_YOURS
    status = await U.ack_status(
        database.uow(),
        Actor.cli(sample_class.centre_id),
        centre_id=sample_class.centre_id,
        code=sample_class.code,
    )
    assert all(u.acked_by is None for u in status.units)


async def test_only_staff_see_who_acknowledged_and_only_for_published_classes(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    staff = Actor.cli(sample_class.centre_id)
    with pytest.raises(Refused) as early:
        await U.ack_status(
            database.uow(), staff, centre_id=sample_class.centre_id, code=sample_class.code
        )
    assert early.value.reason is U.UnitReason.NOT_PUBLISHED
    leader_id, _ = await setup_published(database, sample_class, clock)
    with pytest.raises(Refused) as no:
        await U.ack_status(
            database.uow(),
            leader(leader_id),
            centre_id=sample_class.centre_id,
            code=sample_class.code,
        )
    assert no.value.reason is U.UnitReason.STAFF_ONLY
    (count,) = await U.ack_overview(database.uow(), staff, centre_id=sample_class.centre_id)
    assert (count.class_code, count.total, count.unacked) == (sample_class.code, 1, 1)


async def test_one_reminder_after_the_configured_days_and_none_once_acknowledged(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    leader_id, _ = await setup_published(database, sample_class, clock)
    plan = U.plan_ack_reminders
    day3 = AFTER_COURSE + timedelta(days=3)
    assert await plan(database.uow(), now=day3 - timedelta(minutes=1), settings=SETTINGS) == 0
    off = replace(SETTINGS, units=UnitSettings(ack_remind_after_days=0))
    assert await plan(database.uow(), now=day3 + timedelta(days=1), settings=off) == 0
    assert await plan(database.uow(), now=day3, settings=SETTINGS) == 1
    assert await plan(database.uow(), now=day3 + timedelta(days=1), settings=SETTINGS) == 0
    (reminder,) = await notices(database, U.REMINDER_KIND)
    assert reminder.person_id == leader_id and sample_class.code in reminder.text
    assert "14/03/2024" in reminder.text and UNIT in reminder.text
    (button,) = [c for row in choices_from_json(reminder.choices) for c in row]
    assert button.data == f"danhan results {sample_class.id}"


async def test_no_reminder_for_a_unit_that_acknowledged(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    leader_id, _ = await setup_published(database, sample_class, clock)
    await U.acknowledge(
        database.uow(),
        leader(leader_id),
        kind="results",
        subject_id=sample_class.id,
        now=clock.now(),
    )
    day3 = AFTER_COURSE + timedelta(days=3)
    assert await U.plan_ack_reminders(database.uow(), now=day3, settings=SETTINGS) == 0


async def test_the_absence_alert_carries_the_button_and_is_acknowledged(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    thang = await classes.add_unit_leader(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        centre_id=sample_class.centre_id,
        unit_name=UNIT,
        full_name="Hà Văn Thắng",
        phone="0912345678",
    )
    async with database.uow() as uow:
        first = await uow.session.scalar(
            select(Session)
            .where(Session.class_id == sample_class.id)
            .order_by(Session.starts_at)
            .limit(1)
        )
    assert first is not None
    closed_at = first.ends_at + timedelta(hours=1)
    await A.close_session(database.uow(), session_id=first.id, now=closed_at, settings=SETTINGS)
    (alert,) = await notices(database, "absence_alert")
    (button,) = [c for row in choices_from_json(alert.choices) for c in row]
    assert button.data == f"danhan absence {first.id}"
    done = await U.acknowledge(
        database.uow(), leader(thang.id), kind="absence", subject_id=first.id, now=closed_at
    )
    assert done.first and done.session_starts_at == first.starts_at
    with pytest.raises(Refused):  # the class's results were never sent to him
        await U.acknowledge(
            database.uow(),
            leader(thang.id),
            kind="results",
            subject_id=sample_class.id,
            now=closed_at,
        )
