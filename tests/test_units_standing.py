"""Attendance rules against the database (issue 18, item 4): the job tells each crossing once,
to the learner (warning) or to the learner, their unit's leader and staff (limit); a leave
approved after the alert and a session cancelled after being counted lower the standing and
tell nobody; a new crossing after that is told again; staff list who is not eligible."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from db.database import Database
from db.models import Attendance, Notification, Person, Session, SessionStatus, StaffMember
from render.results import unit_xlsx
from tests.conftest import SampleClass
from usecases import classes
from usecases import units as U
from usecases.identity import Actor
from usecases.refusal import Refused
from usecases.settings import Settings

SETTINGS = Settings()  # 20 % at most, a warning above 10 %, 2 in a row is over the limit
UNIT = "Đoàn xã Phiêng Ban"
LAN = "Lê Thị Ngọc Lan"


class Course:
    def __init__(self, db: Database, klass: SampleClass) -> None:
        self.db, self.klass = db, klass

    async def set_up(self) -> None:
        self.sessions = [
            s.id for s in await classes.list_sessions(self.db.uow(), class_id=self.klass.id)
        ]
        self.learners = [
            x.person.id for x in await classes.list_learners(self.db.uow(), class_id=self.klass.id)
        ]
        lan = await self.person(LAN)
        self.lan = lan
        leader = await classes.add_unit_leader(
            self.db.uow(), actor=Actor.cli(self.klass.centre_id),
            centre_id=self.klass.centre_id, unit_name=UNIT,
            full_name="Hà Văn Thắng", phone="0912345678",
        )  # fmt: skip
        other = await classes.add_unit_leader(
            self.db.uow(), actor=Actor.cli(self.klass.centre_id),
            centre_id=self.klass.centre_id, unit_name="Đảng ủy xã Hồng Ngài",
            full_name="Lò Văn B", phone="0912999002",
        )  # fmt: skip
        self.leader, self.other_leader = leader.id, other.id
        async with self.db.uow() as uow:
            staff = Person(
                centre_id=self.klass.centre_id, full_name="Cán bộ Hà", name_key="can bo ha"
            )
            uow.session.add(staff)
            await uow.session.flush()
            uow.session.add(StaffMember(centre_id=self.klass.centre_id, person_id=staff.id))
            await uow.commit()
            self.staff = staff.id

    async def person(self, name: str) -> int:
        async with self.db.uow() as uow:
            pid = await uow.session.scalar(select(Person.id).where(Person.full_name == name))
        assert pid is not None
        return pid

    async def close(self, index: int, lan: str) -> None:
        """Session `index` closed: Lan marked `lan`, everyone else present."""
        sid = self.sessions[index]
        async with self.db.uow() as uow:
            s = await uow.session.get_one(Session, sid)
            s.closed_at = s.ends_at
            for pid in self.learners:
                status = lan if pid == self.lan else "present"
                uow.session.add(
                    Attendance(session_id=sid, person_id=pid, status=status, method="staff")
                )
            await uow.commit()

    async def remark(self, index: int, status: str) -> None:
        async with self.db.uow() as uow:
            await uow.session.execute(
                update(Attendance)
                .where(
                    Attendance.session_id == self.sessions[index], Attendance.person_id == self.lan
                )
                .values(status=status)
            )
            await uow.commit()

    async def evaluate(self) -> dict[int, list[str]]:
        """Run the job; the new notices by person."""
        async with self.db.uow() as uow:
            before = set(await uow.session.scalars(select(Notification.id)))
        await U.evaluate_rules(self.db.uow(), now=self.now, settings=SETTINGS)
        async with self.db.uow() as uow:
            rows = await uow.session.scalars(
                select(Notification).where(Notification.kind == U.RULE_KIND)
            )
            new: dict[int, list[str]] = {}
            for n in rows:
                if n.id not in before:
                    new.setdefault(n.person_id, []).append(n.text)
        return new

    async def first_end(self) -> None:
        """The job runs a day after the first session (a fixed time; it reads only marks)."""
        async with self.db.uow() as uow:
            s = await uow.session.get_one(Session, self.sessions[0])
            self.now = s.ends_at + timedelta(days=1)


@pytest.fixture
async def course(database: Database, sample_class: SampleClass) -> Course:
    c = Course(database, sample_class)
    await c.set_up()
    await c.first_end()
    return c


async def test_each_crossing_is_told_once_to_those_it_concerns(course: Course) -> None:
    total = len(course.sessions)
    await course.close(0, "absent")
    assert await course.evaluate() == {}  # 1 miss: under 10 %, no run of 2
    await course.close(1, "absent")
    told = await course.evaluate()
    # Two in a row: over the limit, to Lan, her unit's leader and staff; 2/N over 10 %: Lan
    # is warned. The other unit's leader hears nothing.
    assert set(told) == {course.lan, course.leader, course.staff}
    assert len(told[course.lan]) == 2
    assert any("2 buổi liên tiếp" in t and "vượt quy định" in t for t in told[course.lan])
    assert any(f"2/{total} buổi" in t and "Nhắc nhở" in t for t in told[course.lan])
    assert LAN in told[course.leader][0] and UNIT in told[course.leader][0]
    assert await course.evaluate() == {}  # the job again: nothing twice

    staff = Actor.cli(course.klass.centre_id)
    _, lines = await U.ineligible(
        course.db.uow(), staff, centre_id=course.klass.centre_id, code=course.klass.code,
        settings=SETTINGS,
    )  # fmt: skip
    assert [(x.full_name, [m.value for m in x.reasons]) for x in lines] == [(LAN, ["run"])]


async def test_leave_approved_after_the_alert_lowers_the_standing_and_a_new_crossing_is_told(
    course: Course,
) -> None:
    await course.close(0, "absent")
    await course.close(1, "absent")
    assert course.lan in await course.evaluate()
    await course.remark(1, "excused")  # leave approved after the alert
    assert await course.evaluate() == {}  # a fall tells nobody
    _, lines = await U.ineligible(
        course.db.uow(), Actor.cli(course.klass.centre_id), centre_id=course.klass.centre_id,
        code=course.klass.code, settings=SETTINGS,
    )  # fmt: skip
    assert lines == []
    await course.close(2, "absent")
    await course.close(3, "absent")  # two in a row again: a new crossing
    again = await course.evaluate()
    assert set(again) == {course.lan, course.leader, course.staff}


async def test_a_session_cancelled_after_being_counted_no_longer_counts(course: Course) -> None:
    await course.close(0, "absent")
    await course.close(1, "absent")
    assert course.lan in await course.evaluate()
    async with course.db.uow() as uow:
        await uow.session.execute(
            update(Session)
            .where(Session.id == course.sessions[1])
            .values(status=SessionStatus.CANCELLED)
        )
        await uow.commit()
    assert await course.evaluate() == {}
    _, lines = await U.ineligible(
        course.db.uow(), Actor.cli(course.klass.centre_id), centre_id=course.klass.centre_id,
        code=course.klass.code, settings=SETTINGS,
    )  # fmt: skip
    assert lines == []


async def test_only_staff_get_the_list_of_learners_not_eligible(course: Course) -> None:
    leader = Actor(account_id=0, channel="telegram", chat_id="1", person_id=course.leader)
    with pytest.raises(Refused) as no:
        await U.ineligible(
            course.db.uow(), leader, centre_id=course.klass.centre_id, code=course.klass.code,
            settings=SETTINGS,
        )  # fmt: skip
    assert no.value.reason is U.UnitReason.STAFF_ONLY


async def test_when_every_session_is_closed_staff_get_the_list_once_and_results_carry_it(
    course: Course,
) -> None:
    from usecases import results as R

    await course.close(0, "absent")
    await course.close(1, "absent")
    assert course.staff in await course.evaluate()  # the limit crossed, told at once
    for i in range(2, len(course.sessions)):
        await course.close(i, "present")
        if i == len(course.sessions) - 2:  # one session left: no list yet
            assert course.staff not in await course.evaluate()
    told = await course.evaluate()
    (listing,) = [t for t in told[course.staff] if "Trước khi công bố" in t]
    assert f"(1 người):\n1. {LAN} ({UNIT}) — vắng không phép 2 buổi liên tiếp" in listing
    assert course.staff not in await course.evaluate()  # once

    from tests.test_results import import_sample

    await import_sample(course.db, course.klass)
    await R.publish_results(
        course.db.uow(), centre_id=course.klass.centre_id, code=course.klass.code,
        actor=Actor.cli(course.klass.centre_id), now=course.now, tz=SETTINGS.timezone,
        unit_file=unit_xlsx,
    )  # fmt: skip
    async with course.db.uow() as uow:
        texts = {
            n.kind: n.text
            for n in await uow.session.scalars(
                select(Notification).where(
                    Notification.person_id.in_([course.lan, course.leader]),
                    Notification.kind.in_(["result", "unit_results"]),
                )
            )
        }
    note = "⚠️ Không đủ điều kiện chuyên cần: vắng không phép nhiều buổi liên tiếp"
    assert note in texts["result"]
    assert f"• {LAN}: {note}" in texts["unit_results"]
