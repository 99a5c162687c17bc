"""Attendance rules: check-in window, late threshold, room code, location radius, enrolment,
duplicates, who may mark, corrections with history, session close and unit alerts, review and
the exported sheet. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import io
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import func, select, update

from channels.incoming import Incoming
from db.database import Database
from db.models import (
    Attendance,
    AttendanceChange,
    Notification,
    Person,
    Session,
    SessionStatus,
    StaffMember,
)
from handlers import attendance as H
from handlers.base import Services
from render.attendance import attendance_sheet
from sheets.roster import RosterRow
from sheets.schedule import ScheduleRow
from tests.conftest import TZ, SampleClass
from texts import attendance as AT
from usecases import attendance as A
from usecases import classes
from usecases.attendance import AttendanceReason as R
from usecases.clock import FixedClock
from usecases.identity import Actor
from usecases.messages import Reply
from usecases.refusal import Refused
from usecases.settings import AttendanceSettings, Settings

SETTINGS = Settings()
ATT = SETTINGS.attendance
FIRST = datetime(2024, 3, 4, 7, 30, tzinfo=TZ)  # the sample class's first session
VENUE = (21.2236, 104.4227)  # somewhere in Bắc Yên


@dataclass
class World:
    db: Database
    klass: SampleClass
    sessions: list[int]  # ids in order
    learners: list[int]  # person ids in roster order
    monitor: Actor
    staff: Actor
    other_class: int
    other_learner: int
    other_monitor: Actor

    def learner(self, i: int) -> Actor:
        return actor(self.learners[i], self.klass.id)


def actor(person_id: int, *class_ids: int, staff: frozenset[int] = frozenset()) -> Actor:
    return Actor(
        account_id=person_id,
        channel="telegram",
        chat_id=str(person_id),
        person_id=person_id,
        learner_class_ids=frozenset(class_ids),
        staff_centre_ids=staff,
    )


async def make_world(db: Database, klass: SampleClass) -> World:
    sessions = [s.id for s in await classes.list_sessions(db.uow(), class_id=klass.id)]
    learners = [x.person.id for x in await classes.list_learners(db.uow(), class_id=klass.id)]
    monitor = await classes.set_monitor(
        db.uow(), actor=Actor.cli(klass.centre_id), class_id=klass.id, who="1"
    )
    async with db.uow() as uow:
        person = Person(centre_id=klass.centre_id, full_name="Cán bộ Hà", name_key="can bo ha")
        uow.session.add(person)
        await uow.session.flush()
        uow.session.add(StaffMember(centre_id=klass.centre_id, person_id=person.id))
        await uow.commit()
        staff_id = person.id
    other = await classes.create_class(
        db.uow(),
        actor=Actor.cli(klass.centre_id),
        centre_id=klass.centre_id,
        code="NT-2024",
        name="Nhận thức về Đảng",
        program_type="Bồi dưỡng",
    )
    rows = [
        RosterRow(
            1,
            "Vàng A Páo",
            date(1990, 1, 1),
            "Nam",
            "Mông",
            None,
            "Xã Tà Xùa",
            "+84912000001",
            None,
        ),
        RosterRow(
            2, "Lò Thị Ún", date(1992, 2, 2), "Nữ", "Thái", None, "Xã Tà Xùa", "+84912000002", None
        ),
    ]
    await classes.import_roster(
        db.uow(), actor=Actor.cli(klass.centre_id), class_id=other, rows=rows
    )
    await classes.import_schedule(
        db.uow(),
        actor=Actor.cli(klass.centre_id),
        class_id=other,
        tz=TZ,
        rows=[
            ScheduleRow(1, 1, date(2024, 3, 4), time(7, 30), time(11), "Chuyên đề 1", None, None)
        ],
    )
    other_people = [x.person.id for x in await classes.list_learners(db.uow(), class_id=other)]
    await classes.set_monitor(db.uow(), actor=Actor.cli(klass.centre_id), class_id=other, who="1")
    return World(
        db,
        klass,
        sessions,
        learners,
        actor(monitor.id, klass.id),
        actor(staff_id, staff=frozenset({klass.centre_id})),
        other,
        other_people[1],
        actor(other_people[0], other),
    )


@pytest.fixture
async def world(database: Database, sample_class: SampleClass) -> World:
    return await make_world(database, sample_class)


async def code_of(w: World, session_index: int = 0) -> str:
    view = await A.room_code(
        w.db.uow(), actor=w.monitor, session_id=w.sessions[session_index], settings=ATT
    )
    return view.code


RECORDED, ALREADY = "recorded", "already"


async def check_in(
    w: World,
    i: int,
    code: str,
    at: datetime,
    *,
    settings: AttendanceSettings = ATT,
    location: tuple[float, float] | None = None,
) -> A.Checkin | Refused:
    """The learner's check-in as they hear of it: done, or refused (and why)."""
    try:
        return await A.check_in(
            w.db.uow(), actor=w.learner(i), code=code, now=at, settings=settings, location=location
        )
    except Refused as no:
        return no


def what(outcome: A.Checkin | Refused) -> str:
    if isinstance(outcome, Refused):
        return outcome.reason
    return RECORDED if outcome.recorded else ALREADY


def mark_of(outcome: A.Checkin | Refused) -> str | None:
    assert isinstance(outcome, A.Checkin), outcome
    return outcome.mark


@contextmanager
def refused(reason: R) -> Iterator[None]:
    with pytest.raises(Refused) as caught:
        yield
    assert caught.value.reason == reason


async def marks(db: Database, session_id: int) -> dict[int, str]:
    async with db.uow() as uow:
        rows = await uow.session.execute(
            select(Attendance.person_id, Attendance.status).where(
                Attendance.session_id == session_id
            )
        )
        return dict(rows.all())


# ------------------------------------------------------------------------------ check-in


async def test_a_learner_checks_in_with_the_room_code_and_is_present(world: World) -> None:
    code = await code_of(world)
    outcome = await check_in(world, 2, code, FIRST - timedelta(minutes=10))
    assert what(outcome) == RECORDED and mark_of(outcome) == "present"
    assert (await marks(world.db, world.sessions[0])) == {world.learners[2]: "present"}


async def test_the_room_code_has_four_digits_and_differs_per_session(world: World) -> None:
    codes = [await code_of(world, i) for i in range(4)]
    assert all(len(c) == 4 and c.isdigit() for c in codes)
    assert len(set(codes)) == 4
    assert await code_of(world, 0) == codes[0]  # shown again: the same code


async def test_a_rotated_code_replaces_the_old_one(world: World) -> None:
    old = await code_of(world)
    new = await A.room_code(
        world.db.uow(), actor=world.staff, session_id=world.sessions[0], settings=ATT, rotate=True
    )
    assert new.code != old
    at = FIRST
    assert what(await check_in(world, 3, old, at)) == R.WRONG_CODE
    assert what(await check_in(world, 3, new.code, at)) == RECORDED


async def test_check_in_before_the_window_says_when_it_opens(world: World) -> None:
    code = await code_of(world)
    outcome = await check_in(world, 2, code, FIRST - timedelta(minutes=31))
    assert isinstance(outcome, Refused) and outcome.reason == R.TOO_EARLY
    assert outcome.details["opens"] == FIRST - timedelta(minutes=30)
    assert await marks(world.db, world.sessions[0]) == {}


async def test_check_in_after_the_window_is_too_late(world: World) -> None:
    code = await code_of(world)
    outcome = await check_in(world, 2, code, FIRST + timedelta(minutes=61))
    assert what(outcome) == R.TOO_LATE
    assert await marks(world.db, world.sessions[0]) == {}


async def test_check_in_after_the_late_threshold_is_marked_late(world: World) -> None:
    code = await code_of(world)
    on_time = await check_in(world, 2, code, FIRST + timedelta(minutes=15))
    late = await check_in(world, 3, code, FIRST + timedelta(minutes=16))
    assert mark_of(on_time) == "present" and mark_of(late) == "late"


async def test_a_wrong_code_records_nothing(world: World) -> None:
    code = await code_of(world)
    wrong = "0000" if code != "0000" else "1111"
    outcome = await check_in(world, 2, wrong, FIRST)
    assert what(outcome) == R.WRONG_CODE
    assert await marks(world.db, world.sessions[0]) == {}


async def test_no_code_shown_yet_means_no_code_is_right(world: World) -> None:
    outcome = await check_in(world, 2, "1234", FIRST)
    assert what(outcome) == R.WRONG_CODE


async def test_checking_in_twice_is_answered_already_and_kept_once(world: World) -> None:
    code = await code_of(world)
    await check_in(world, 2, code, FIRST)
    again = await check_in(world, 2, code, FIRST + timedelta(minutes=20))
    assert what(again) == ALREADY and mark_of(again) == "present"
    async with world.db.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(Attendance)) == 1


async def test_a_burst_of_check_ins_records_each_learner_once(world: World) -> None:
    code = await code_of(world)
    who = [i % 20 for i in range(60)]  # each of 20 learners three times, all at once
    outcomes = await asyncio.gather(*(check_in(world, i, code, FIRST) for i in who))
    recorded = [o for o in outcomes if what(o) == RECORDED]
    assert len(recorded) == 20
    assert {what(o) for o in outcomes} == {RECORDED, ALREADY}
    assert len(await marks(world.db, world.sessions[0])) == 20
    async with world.db.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(AttendanceChange)) == 20


async def test_a_learner_not_enrolled_in_the_class_cannot_check_in(world: World) -> None:
    code = await code_of(world)
    with refused(R.NOT_ENROLLED):
        await A.check_in(
            world.db.uow(),
            actor=actor(world.other_learner, world.other_class),
            code=code,
            now=FIRST,
            settings=ATT,
            session_id=world.sessions[0],
        )
    assert await marks(world.db, world.sessions[0]) == {}


async def test_a_person_in_no_class_is_told_so(world: World) -> None:
    with refused(R.NOT_ENROLLED_ANY):
        await A.check_in(world.db.uow(), actor=world.staff, code="1234", now=FIRST, settings=ATT)


async def test_a_cancelled_session_needs_no_check_in(world: World) -> None:
    code = await code_of(world)
    async with world.db.uow() as uow:
        await uow.session.execute(
            update(Session)
            .where(Session.id == world.sessions[0])
            .values(status=SessionStatus.CANCELLED)
        )
        await uow.commit()
    outcome = await check_in(world, 2, code, FIRST)
    assert what(outcome) == R.CANCELLED


async def set_venue(w: World, session_index: int = 0) -> None:
    async with w.db.uow() as uow:
        await uow.session.execute(
            update(Session)
            .where(Session.id == w.sessions[session_index])
            .values(venue_lat=VENUE[0], venue_lon=VENUE[1])
        )
        await uow.commit()


async def test_a_location_outside_the_radius_is_refused(world: World) -> None:
    await set_venue(world)
    code = await code_of(world)
    far = (VENUE[0] + 0.01, VENUE[1])  # about 1.1 km north
    outcome = await check_in(world, 2, code, FIRST, location=far)
    assert isinstance(outcome, Refused) and outcome.reason == R.OUTSIDE_RADIUS
    assert 1000 < outcome.details["distance_m"] < 1200
    near = (VENUE[0] + 0.001, VENUE[1])  # about 110 m
    inside = await check_in(world, 2, code, FIRST, location=near)
    assert what(inside) == RECORDED


async def test_a_required_location_is_asked_for(world: World) -> None:
    await set_venue(world)
    code = await code_of(world)
    strict = replace(ATT, require_location=True)
    asked = await check_in(world, 2, code, FIRST, settings=strict)
    assert what(asked) == R.NEED_LOCATION
    done = await check_in(world, 2, code, FIRST, settings=strict, location=VENUE)
    assert what(done) == RECORDED


def test_haversine_measures_metres() -> None:
    # One degree of latitude is about 111.2 km anywhere.
    assert 111_000 < A.haversine_m(21.0, 105.0, 22.0, 105.0) < 111_400
    assert A.haversine_m(21.0, 105.0, 21.0, 105.0) == 0


async def test_without_a_code_the_open_session_is_offered(world: World) -> None:
    learner = world.learner(2)
    offered = await A.checkin_choices(world.db.uow(), actor=learner, now=FIRST, settings=ATT)
    assert [s.id for s in offered.options] == [world.sessions[0]]
    with refused(R.TOO_EARLY):
        await A.checkin_choices(
            world.db.uow(), actor=learner, now=FIRST - timedelta(hours=12), settings=ATT
        )


# ---------------------------------------------------------------------- monitor marking


async def test_the_monitor_marks_learners_and_everyone_else_present(world: World) -> None:
    code = await code_of(world)
    await check_in(world, 2, code, FIRST + timedelta(minutes=20))  # late
    s = world.sessions[0]
    now = FIRST + timedelta(minutes=30)
    out = await A.mark(
        world.db.uow(),
        actor=world.monitor,
        session_id=s,
        person_id=world.learners[5],
        status="absent",
        now=now,
        settings=ATT,
    )
    assert out is True
    count = await A.mark_all_present(
        world.db.uow(), actor=world.monitor, session_id=s, now=now, settings=ATT
    )
    assert count == 43
    current = await marks(world.db, s)
    assert current[world.learners[2]] == "late" and current[world.learners[5]] == "absent"
    assert sum(v == "present" for v in current.values()) == 43
    view = await A.roster(
        world.db.uow(), actor=world.monitor, session_id=s, page=3, now=now, settings=ATT
    )
    assert (view.page, view.pages, len(view.lines)) == (3, 3, 15)
    assert view.counts == A.SessionCounts(present=43, late=1, absent=1)


async def test_a_monitor_of_another_class_may_not_mark_or_see_the_roster(world: World) -> None:
    s = world.sessions[0]
    with refused(R.DENIED):
        await A.mark(
            world.db.uow(),
            actor=world.other_monitor,
            session_id=s,
            person_id=world.learners[3],
            status="absent",
            now=FIRST,
            settings=ATT,
        )
    with refused(R.DENIED):
        await A.roster(
            world.db.uow(),
            actor=world.other_monitor,
            session_id=s,
            page=1,
            now=FIRST,
            settings=ATT,
        )
    with refused(R.DENIED):
        await A.room_code(world.db.uow(), actor=world.other_monitor, session_id=s, settings=ATT)
    assert await marks(world.db, s) == {}


async def test_a_learner_who_is_not_monitor_may_not_mark(world: World) -> None:
    with refused(R.DENIED):
        await A.mark_all_present(
            world.db.uow(),
            actor=world.learner(3),
            session_id=world.sessions[0],
            now=FIRST,
            settings=ATT,
        )


async def test_a_learner_of_another_class_cannot_be_marked_here(world: World) -> None:
    with refused(R.NOT_IN_CLASS):
        await A.mark(
            world.db.uow(),
            actor=world.monitor,
            session_id=world.sessions[0],
            person_id=world.other_learner,
            status="present",
            now=FIRST,
            settings=ATT,
        )
    assert await marks(world.db, world.sessions[0]) == {}


async def test_staff_of_the_centre_may_mark_and_staff_of_another_centre_may_not(
    world: World,
) -> None:
    s = world.sessions[0]
    out = await A.mark(
        world.db.uow(),
        actor=world.staff,
        session_id=s,
        person_id=world.learners[4],
        status="excused",
        now=FIRST,
        settings=ATT,
    )
    assert out is True
    stranger = actor(world.staff.person_id or 0, staff=frozenset({world.klass.centre_id + 999}))
    with refused(R.DENIED):
        await A.mark(
            world.db.uow(),
            actor=stranger,
            session_id=s,
            person_id=world.learners[4],
            status="absent",
            now=FIRST,
            settings=ATT,
        )


async def test_marking_is_open_only_from_the_window_until_close(world: World) -> None:
    s = world.sessions[0]

    async def try_at(at: datetime) -> str:
        try:
            await A.mark(
                world.db.uow(),
                actor=world.monitor,
                session_id=s,
                person_id=world.learners[6],
                status="present",
                now=at,
                settings=ATT,
            )
        except Refused as no:
            return no.reason
        return "marked"

    assert await try_at(FIRST - timedelta(hours=1)) == R.MARKING_NOT_OPEN
    assert await try_at(FIRST + timedelta(hours=3)) == "marked"  # class still going
    await A.close_session(
        world.db.uow(), session_id=s, now=FIRST + timedelta(hours=4), settings=SETTINGS
    )
    assert await try_at(FIRST + timedelta(hours=3, minutes=1)) == R.MARKING_CLOSED


async def test_a_monitor_and_a_check_in_racing_keep_one_row_and_full_history(
    world: World,
) -> None:
    code = await code_of(world)
    s, who = world.sessions[0], world.learners[7]
    await asyncio.gather(
        check_in(world, 7, code, FIRST),
        A.mark(
            world.db.uow(),
            actor=world.monitor,
            session_id=s,
            person_id=who,
            status="absent",
            now=FIRST,
            settings=ATT,
        ),
        A.mark(
            world.db.uow(),
            actor=world.staff,
            session_id=s,
            person_id=who,
            status="late",
            now=FIRST,
            settings=ATT,
        ),
    )
    async with world.db.uow() as uow:
        rows = list(
            await uow.session.scalars(select(Attendance).where(Attendance.person_id == who))
        )
        assert len(rows) == 1
        changes = list(
            await uow.session.scalars(
                select(AttendanceChange)
                .where(AttendanceChange.attendance_id == rows[0].id)
                .order_by(AttendanceChange.id)
            )
        )
    # The history is a chain: each change starts from the status the previous one left.
    assert changes[0].old_status is None
    for before, after in itertools.pairwise(changes):
        assert after.old_status == before.new_status
    assert changes[-1].new_status == rows[0].status


# --------------------------------------------------------------------- staff corrections


async def test_staff_correct_a_mark_with_a_reason_and_the_history_is_kept(world: World) -> None:
    s, who = world.sessions[0], world.learners[8]
    await A.mark(
        world.db.uow(),
        actor=world.monitor,
        session_id=s,
        person_id=who,
        status="absent",
        now=FIRST,
        settings=ATT,
    )
    done = await A.correct(
        world.db.uow(),
        actor=world.staff,
        session_id=s,
        person_id=who,
        status="excused",
        reason="Có giấy mời họp của xã",
        now=FIRST + timedelta(days=1),
        settings=ATT,
    )
    assert done.changed and (done.old, done.new) == ("absent", "excused")
    assert [(h.old, h.new, h.method, h.reason) for h in done.history] == [
        (None, "absent", "monitor", None),
        ("absent", "excused", "staff", "Có giấy mời họp của xã"),
    ]
    assert done.history[0].by_name is not None and done.history[1].by_name == "Cán bộ Hà"
    assert (await marks(world.db, s))[who] == "excused"


async def test_only_staff_may_correct_and_a_reason_is_required(world: World) -> None:
    s, who = world.sessions[0], world.learners[8]
    with refused(R.DENIED):
        await A.correct(
            world.db.uow(),
            actor=world.monitor,
            session_id=s,
            person_id=who,
            status="present",
            reason="tự sửa",
            now=FIRST,
            settings=ATT,
        )
    with refused(R.REASON_NEEDED):
        await A.correct(
            world.db.uow(),
            actor=world.staff,
            session_id=s,
            person_id=who,
            status="present",
            reason="  ",
            now=FIRST,
            settings=ATT,
        )
    assert await marks(world.db, s) == {}


# ------------------------------------------------------------------------ session close


async def add_leaders(w: World) -> dict[str, Any]:
    """Two unit leaders: one leads two units, the other one."""
    lines = await classes.list_learners(w.db.uow(), class_id=w.klass.id)
    units = sorted({x.unit_name for x in lines if x.unit_name})
    a = await classes.add_unit_leader(
        w.db.uow(),
        actor=Actor.cli(w.klass.centre_id),
        centre_id=w.klass.centre_id,
        unit_name=units[0],
        full_name="Lãnh đạo A",
        phone="0912999001",
    )
    await classes.add_unit_leader(
        w.db.uow(),
        actor=Actor.cli(w.klass.centre_id),
        centre_id=w.klass.centre_id,
        unit_name=units[1],
        full_name="Lãnh đạo A",
        phone="0912999001",
    )
    b = await classes.add_unit_leader(
        w.db.uow(),
        actor=Actor.cli(w.klass.centre_id),
        centre_id=w.klass.centre_id,
        unit_name=units[2],
        full_name="Lãnh đạo B",
        phone="0912999002",
    )
    return {"a": a.id, "b": b.id, "units": units}


async def test_closing_a_session_marks_the_unmarked_absent_and_alerts_each_leader_once(
    world: World,
) -> None:
    leaders = await add_leaders(world)
    s = world.sessions[0]
    code = await code_of(world)
    for i in range(0, 30):
        await check_in(world, i, code, FIRST)
    report = await A.close_session(
        world.db.uow(), session_id=s, now=FIRST + timedelta(hours=4), settings=SETTINGS
    )
    assert report.closed_now and report.marked_absent == 15
    current = await marks(world.db, s)
    assert len(current) == 45 and sum(v == "absent" for v in current.values()) == 15
    async with world.db.uow() as uow:
        notes = list(await uow.session.scalars(select(Notification).order_by(Notification.id)))
    lines = await classes.list_learners(world.db.uow(), class_id=world.klass.id)
    absent_by_unit: dict[str, list[str]] = {}
    for x in lines:
        if current[x.person.id] == "absent":
            absent_by_unit.setdefault(x.unit_name or "", []).append(x.person.full_name)
    units = leaders["units"]
    expected = {
        leaders["a"]: absent_by_unit.get(units[0], []) + absent_by_unit.get(units[1], []),
        leaders["b"]: absent_by_unit.get(units[2], []),
    }
    expected = {k: v for k, v in expected.items() if v}
    assert {n.person_id for n in notes} == set(expected)
    assert len(notes) == len(expected)  # one per leader, not one per learner
    for note in notes:
        assert note.kind == "absence_alert" and note.session_id == s
        for name in expected[note.person_id]:
            assert name in note.text
        assert str(len(expected[note.person_id])) in note.text
    # Closing again (the scheduler and the CLI at once) changes nothing and alerts nobody.
    again = await A.close_session(
        world.db.uow(), session_id=s, now=FIRST + timedelta(hours=5), settings=SETTINGS
    )
    assert not again.closed_now
    async with world.db.uow() as uow:
        count = await uow.session.scalar(select(func.count()).select_from(Notification))
    assert count == len(notes)


async def test_learners_with_leave_or_present_do_not_trigger_alerts(world: World) -> None:
    await add_leaders(world)
    s = world.sessions[0]
    now = FIRST + timedelta(minutes=10)
    await A.mark_all_present(
        world.db.uow(), actor=world.monitor, session_id=s, now=now, settings=ATT
    )
    await A.mark(
        world.db.uow(),
        actor=world.monitor,
        session_id=s,
        person_id=world.learners[0],
        status="excused",
        now=now,
        settings=ATT,
    )
    report = await A.close_session(
        world.db.uow(), session_id=s, now=FIRST + timedelta(hours=4), settings=SETTINGS
    )
    assert report.marked_absent == 0 and report.alerts == 0


async def test_due_sessions_close_when_their_time_has_come(world: World) -> None:
    clock = FixedClock(FIRST + timedelta(hours=1))
    assert await A.close_due_sessions(world.db.uow(), now=clock.now(), settings=SETTINGS) == []
    clock.set(FIRST + timedelta(hours=3, minutes=30))  # 11h00: the first session has ended
    closed = await A.close_due_sessions(world.db.uow(), now=clock.now(), settings=SETTINGS)
    # The first session of both classes (same morning).
    assert sorted(r.session_id for r in closed if r.closed_now)[0] == world.sessions[0]
    assert all(r.marked_absent > 0 for r in closed)
    assert await A.close_due_sessions(world.db.uow(), now=clock.now(), settings=SETTINGS) == []


async def test_a_cancelled_session_is_never_closed_with_absences(world: World) -> None:
    async with world.db.uow() as uow:
        await uow.session.execute(
            update(Session).where(Session.id == world.sessions[0]).values(status="cancelled")
        )
        await uow.commit()
    report = await A.close_session(
        world.db.uow(),
        session_id=world.sessions[0],
        now=FIRST + timedelta(hours=4),
        settings=SETTINGS,
    )
    assert not report.closed_now and await marks(world.db, world.sessions[0]) == {}


# ------------------------------------------------------------------------------ review


async def finish_two_sessions(w: World) -> None:
    """Session 1: 40 present, 2 late, 1 excused, 2 absent; session 2: all present."""
    s1, s2 = w.sessions[0], w.sessions[1]
    now = FIRST
    await A.mark_all_present(w.db.uow(), actor=w.monitor, session_id=s1, now=now, settings=ATT)
    for i, status in ((0, "late"), (1, "late"), (2, "excused"), (3, "absent"), (4, "absent")):
        await A.mark(
            w.db.uow(),
            actor=w.monitor,
            session_id=s1,
            person_id=w.learners[i],
            status=status,
            now=now,
            settings=ATT,
        )
    afternoon = FIRST + timedelta(hours=6)
    await A.mark_all_present(
        w.db.uow(), actor=w.monitor, session_id=s2, now=afternoon, settings=ATT
    )


async def test_staff_see_a_sessions_counts_and_the_names_of_the_absent(world: World) -> None:
    await finish_two_sessions(world)
    r = await A.session_report(
        world.db.uow(), actor=world.staff, session_id=world.sessions[0], settings=ATT
    )
    assert r.counts == A.SessionCounts(present=40, late=2, excused=1, absent=2)
    lines = await classes.list_learners(world.db.uow(), class_id=world.klass.id)
    assert r.absent == (lines[3].person.full_name, lines[4].person.full_name)
    assert r.excused == (lines[2].person.full_name,)


async def test_the_class_report_counts_held_sessions_only(world: World) -> None:
    await finish_two_sessions(world)
    r = await A.class_report(
        world.db.uow(),
        actor=world.staff,
        class_id=world.klass.id,
        now=FIRST + timedelta(hours=7),
        settings=ATT,
    )
    assert [c for _, c in r.sessions] == [
        A.SessionCounts(present=40, late=2, excused=1, absent=2),
        A.SessionCounts(present=45),
    ]
    assert r.rate == pytest.approx((42 + 45) / 90)


async def test_the_exported_sheet_has_learners_by_sessions_with_totals_and_rates(
    world: World,
) -> None:
    await finish_two_sessions(world)
    matrix = await A.attendance_matrix(
        world.db.uow(), class_id=world.klass.id, actor=world.staff, settings=ATT
    )
    data = attendance_sheet(matrix, today=date(2024, 3, 4), tz=TZ)
    sheet = load_workbook(io.BytesIO(data)).active
    assert isinstance(sheet, Worksheet)
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header_at = next(i for i, row in enumerate(values) if row[0] == "TT")
    header = values[header_at]
    assert header[:4] == ["TT", "Họ và tên", "Đơn vị", "Buổi 1\n04/03/2024"]
    assert header[-5:] == ["Có mặt", "Đi muộn", "Có phép", "Vắng", "Tỉ lệ chuyên cần"]
    assert len(header) == 3 + 16 + 5
    body = values[header_at + 1 : header_at + 46]
    first, fourth, tenth = body[0], body[3], body[9]
    # Rates are numbers shown as percentages, not text.
    assert first[3:5] == ["M", "x"] and first[-5:] == [1, 1, 0, 0, 1]
    assert fourth[3:5] == ["V", "x"] and fourth[-5:] == [1, 0, 0, 1, 0.5]
    assert sheet.cell(row=header_at + 2, column=len(header)).number_format.endswith("%")
    assert tenth[3:6] == ["x", "x", None]  # session 3 not marked yet
    totals, rates = values[header_at + 46], values[header_at + 47]
    assert totals[1] == "Số có mặt (kể cả muộn)" and totals[3:5] == [42, 45]
    assert rates[3:5] == [pytest.approx(42 / 45), 1]


async def test_only_staff_of_the_centre_can_export(world: World) -> None:
    with refused(R.SESSION_NOT_FOUND):
        await A.attendance_matrix(
            world.db.uow(), class_id=world.klass.id, actor=world.monitor, settings=ATT
        )


async def test_settings_change_the_window_and_the_late_threshold(world: World) -> None:
    code = await code_of(world)
    tight = AttendanceSettings(open_minutes_before=5, close_minutes_after=20, late_after_minutes=5)
    early = await check_in(world, 2, code, FIRST - timedelta(minutes=6), settings=tight)
    assert what(early) == R.TOO_EARLY
    late = await check_in(world, 2, code, FIRST + timedelta(minutes=6), settings=tight)
    assert mark_of(late) == "late"
    closed = await check_in(world, 3, code, FIRST + timedelta(minutes=21), settings=tight)
    assert what(closed) == R.TOO_LATE


async def test_sessions_long_past_are_not_closed_by_the_scheduler(world: World) -> None:
    # A class imported weeks after it ran must not send weeks of absence alerts.
    later = FIRST + timedelta(days=30)
    assert await A.close_due_sessions(world.db.uow(), now=later, settings=SETTINGS) == []
    report = await A.close_session(
        world.db.uow(), session_id=world.sessions[0], now=later, settings=SETTINGS
    )
    assert report.closed_now  # staff can still close one by hand


# ------------------------------------------------------------------- handlers (no network)


def services(w: World, at: datetime) -> Services:
    return Services(db=w.db, clock=FixedClock(at), settings=SETTINGS, centre_id=w.klass.centre_id)


def incoming(
    user: int, command: str, *args: str, text: str = "", pressed: bool = False
) -> Incoming:
    return Incoming(
        channel="telegram",
        user_id=str(user),
        chat_id=str(user),
        command=command,
        args=args,
        text=text or f"/{command} {' '.join(args)}".strip(),
        pressed=pressed,
    )


async def test_a_monitor_of_another_class_pressing_a_roster_button_is_told_no(
    world: World,
) -> None:
    svc = services(world, FIRST)
    data = f"{world.sessions[0]} {world.learners[3]} a 1"
    reply = await H.mark_one(
        incoming(1, "dd", *data.split(), pressed=True), world.other_monitor, svc
    )
    assert isinstance(reply, Reply) and reply.text == AT.NOT_MONITOR
    assert await marks(world.db, world.sessions[0]) == {}


async def test_the_learner_is_told_when_check_in_opens_and_asked_for_the_code(
    world: World,
) -> None:
    learner = world.learner(2)
    early = await H.checkin(
        incoming(1, "diemdanh"), learner, services(world, FIRST - timedelta(hours=2))
    )
    assert isinstance(early, Reply)
    assert "Điểm danh mở lúc Thứ Hai, 04/03/2024, 7h00" in early.text
    asked = await H.checkin(incoming(1, "diemdanh"), learner, services(world, FIRST))
    assert isinstance(asked, Reply) and asked.expect_input == f"diemdanh s{world.sessions[0]}"
    code = await code_of(world)
    typed = incoming(1, "diemdanh", f"s{world.sessions[0]}", text=code)
    done = await H.checkin(typed, learner, services(world, FIRST + timedelta(minutes=20)))
    assert isinstance(done, Reply) and "đi muộn" in done.text and "7h30" in done.text


async def test_the_roster_pages_and_buttons_fit_telegram(world: World) -> None:
    reply = await H.roster(incoming(1, "lop"), world.monitor, services(world, FIRST))
    assert isinstance(reply, Reply) and "Trang 1/3" in reply.text
    data = [c.data for row in reply.choices for c in row]
    assert len(data) == 15 + 1 + 1  # learners, "everyone present", next page
    assert all(len(d.encode()) <= 64 for d in data)
    assert data[-1] == f"lop {world.sessions[0]} 2"


async def test_guessing_the_code_is_stopped_after_a_few_wrong_tries(world: World) -> None:
    code = await code_of(world)
    wrong = [c for c in ("0000", "1111", "2222", "3333", "4444", "5555") if c != code][:5]
    outcomes = [await check_in(world, 2, c, FIRST) for c in wrong]
    told = [(what(o), o.details.get("left")) for o in outcomes if isinstance(o, Refused)]
    assert told == [(R.WRONG_CODE, n) for n in (4, 3, 2, 1)] + [(R.TOO_MANY_TRIES, None)]
    blocked = await check_in(world, 2, code, FIRST)
    assert what(blocked) == R.TOO_MANY_TRIES
    assert await marks(world.db, world.sessions[0]) == {}
    # Another learner is not affected, and the monitor can still mark the blocked one.
    assert what(await check_in(world, 3, code, FIRST)) == RECORDED
    out = await A.mark(
        world.db.uow(),
        actor=world.monitor,
        session_id=world.sessions[0],
        person_id=world.learners[2],
        status="present",
        now=FIRST,
        settings=ATT,
    )
    assert out is True


async def test_a_location_completes_a_check_in_that_asked_for_one(world: World) -> None:
    await set_venue(world)
    code = await code_of(world)
    strict = replace(SETTINGS, attendance=replace(ATT, require_location=True))
    svc = replace(services(world, FIRST), settings=strict)
    learner = world.learner(2)
    asked = await H.checkin(incoming(1, "diemdanh", code), learner, svc)
    assert isinstance(asked, Reply) and asked.text == AT.NEED_LOCATION
    assert asked.expect_input == f"diemdanh s{world.sessions[0]} {code}"
    waiting = replace(learner, pending={"input": asked.expect_input})
    here = replace(incoming(1, "@location"), location=(VENUE[0] + 0.0005, VENUE[1]))
    done = await H.location(here, waiting, svc)
    assert isinstance(done, Reply) and "Đã điểm danh" in done.text
    stray = await H.location(here, learner, svc)  # a location nobody asked for
    assert isinstance(stray, Reply) and stray.text == AT.LOCATION_WITHOUT_CHECKIN
