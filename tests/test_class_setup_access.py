"""Only a centre's staff set its classes up: the five set-up use cases refuse anyone else (the
scheduler, a learner or monitor, staff of another centre) before writing anything."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from db.database import Database
from db.models import AuditEntry, Class, Enrollment, Person, Session, Unit, UnitLeader
from sheets.roster import RosterRow
from sheets.schedule import parse_schedule
from tests.conftest import SAMPLES, TZ, SampleClass
from texts.refusals import say
from usecases import classes, identity
from usecases.classes.rules import ClassReason, require_staff
from usecases.identity import Actor
from usecases.refusal import Refused

NOT_STAFF = "Việc này chỉ dành cho cán bộ của trung tâm."

Operation = Callable[[Database, SampleClass, Actor], Awaitable[Any]]


async def _create_class(db: Database, sample: SampleClass, actor: Actor) -> Any:
    return await classes.create_class(
        db.uow(), actor=actor, centre_id=sample.centre_id, code="MOI-2025", name="Lớp mới",
        program_type="Bồi dưỡng",
    )  # fmt: skip


async def _import_roster(db: Database, sample: SampleClass, actor: Actor) -> Any:
    newcomer = RosterRow(
        row=1, full_name="Nguyễn Văn Mới", birth_date=date(1990, 1, 1), gender=None,
        ethnicity=None, position=None, unit_name="Đơn vị mới", phone="+84911111111", note=None,
    )  # fmt: skip
    return await classes.import_roster(db.uow(), actor=actor, class_id=sample.id, rows=[newcomer])


async def _import_schedule(db: Database, sample: SampleClass, actor: Actor) -> Any:
    schedule = parse_schedule(SAMPLES / "lich-hoc-so-cap-llct-k4-2024.xlsx")
    return await classes.import_schedule(
        db.uow(), actor=actor, class_id=sample.id, rows=schedule.rows, tz=TZ,
        shift_to=date(2026, 11, 30),
    )  # fmt: skip


async def _set_monitor(db: Database, sample: SampleClass, actor: Actor) -> Any:
    return await classes.set_monitor(db.uow(), actor=actor, class_id=sample.id, who="1")


async def _add_unit_leader(db: Database, sample: SampleClass, actor: Actor) -> Any:
    return await classes.add_unit_leader(
        db.uow(), actor=actor, centre_id=sample.centre_id, unit_name="Đơn vị mới",
        full_name="Hà Văn Mới", phone="0912999888",
    )  # fmt: skip


OPERATIONS: dict[str, Operation] = {
    "create_class": _create_class,
    "import_roster": _import_roster,
    "import_schedule": _import_schedule,
    "set_monitor": _set_monitor,
    "add_unit_leader": _add_unit_leader,
}


async def _state(db: Database) -> tuple[object, ...]:
    """What the set-up use cases may write: rows of each table, monitors, session times."""
    async with db.uow() as uow:
        s = uow.session
        counts = [
            await s.scalar(select(func.count()).select_from(model))
            for model in (Class, Person, Enrollment, Unit, UnitLeader, AuditEntry)
        ]
        monitors = await s.scalar(
            select(func.count()).select_from(Enrollment).where(Enrollment.is_monitor)
        )
        starts = list(await s.scalars(select(Session.starts_at).order_by(Session.id)))
        return (*counts, monitors, starts)


async def _outsiders(db: Database, sample: SampleClass) -> list[Actor]:
    other_centre = await identity.ensure_centre(db.uow(), "Trung tâm Chính trị huyện khác")
    async with db.uow() as uow:
        learner = await uow.session.scalar(
            select(Enrollment.person_id).where(Enrollment.class_id == sample.id)
        )
    in_class = frozenset({sample.id})
    return [
        Actor.system(),
        Actor(
            account_id=7,
            channel="telegram",
            chat_id="7",
            person_id=learner,
            learner_class_ids=in_class,
            monitor_class_ids=in_class,
        ),
        Actor.cli(other_centre),
        Actor(
            account_id=8, channel="zalo", chat_id="8", staff_centre_ids=frozenset({other_centre})
        ),
    ]


@pytest.mark.parametrize("name", list(OPERATIONS))
async def test_only_the_centres_staff_set_a_class_up(
    database: Database, sample_class: SampleClass, name: str
) -> None:
    operation = OPERATIONS[name]
    before = await _state(database)
    for outsider in await _outsiders(database, sample_class):
        with pytest.raises(Refused) as refused:
            await operation(database, sample_class, outsider)
        assert refused.value.reason is ClassReason.NOT_STAFF
        assert say(refused.value) == NOT_STAFF
        assert await _state(database) == before, outsider.label
    # The centre's staff in chat (not only the CLI) may, and that does change what was compared.
    staff = Actor(
        account_id=9, channel="telegram", chat_id="9",
        staff_centre_ids=frozenset({sample_class.centre_id}),
    )  # fmt: skip
    await operation(database, sample_class, staff)
    assert await _state(database) != before


def test_require_staff_is_about_that_centre() -> None:
    require_staff(Actor.cli(3), 3)
    for actor in (Actor.cli(4), Actor.system()):
        with pytest.raises(Refused) as refused:
            require_staff(actor, 3)
        assert refused.value.reason is ClassReason.NOT_STAFF


async def test_a_class_that_does_not_exist_is_refused_not_asserted(
    database: Database, sample_class: SampleClass
) -> None:
    before = await _state(database)
    with pytest.raises(Refused) as refused:
        await classes.set_monitor(
            database.uow(), actor=Actor.cli(sample_class.centre_id), class_id=999_999, who="1"
        )
    assert refused.value.reason is ClassReason.NOT_FOUND
    assert await _state(database) == before
