"""What is sent, and when: the announcement, reminders, change notices, broadcasts and quiet
hours, planned into the outbox with a controllable clock."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.dispatch import Dispatcher
from channels.incoming import Incoming
from db.database import Database
from db.models import Class, Notification, NotificationStatus, Person, Session, SessionStatus
from handlers.base import Services
from handlers.routes import ROUTES
from sheets.schedule import parse_schedule
from tests.conftest import SAMPLES, TZ, SampleClass
from texts.refusals import say
from usecases import classes, delivery, identity, notices
from usecases.clock import FixedClock
from usecases.identity import Actor
from usecases.refusal import Refused
from usecases.settings import NoticeSettings, Settings

SETTINGS = Settings()
S = NotificationStatus


def staff(sample: SampleClass) -> Actor:
    """The staff command line of the sample class's centre (audit entries say "cli")."""
    return Actor.cli(sample.centre_id)


async def rows(db: Database, **where: Any) -> list[Notification]:
    async with db.uow() as uow:
        query = select(Notification).order_by(Notification.id)
        for name, value in where.items():
            query = query.where(getattr(Notification, name) == value)
        return list(await uow.session.scalars(query))


async def first_session(db: Database, class_id: int) -> Session:
    return (await classes.list_sessions(db.uow(), class_id=class_id))[0]


async def add_leader(db: Database, centre_id: int) -> Person:
    return await classes.add_unit_leader(
        db.uow(),
        actor=Actor.cli(centre_id),
        centre_id=centre_id,
        unit_name="Đoàn xã Phiêng Ban",
        full_name="Hoàng Văn Tùng",
        phone="0912000111",
    )


async def test_announcement_reaches_each_learner_and_each_unit_leader_once(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    leader = await add_leader(database, sample_class.centre_id)
    result = await notices.announce_class(
        database.uow(),
        actor=staff(sample_class),
        class_code=sample_class.code,
        settings=SETTINGS,
        now=clock.now(),
    )
    assert (result.learners, result.leaders) == (45, 1)
    announcements = await rows(database, kind="announcement")
    assert len(announcements) == 46
    learner_text = announcements[0].text
    assert "Thứ Hai, 04/03/2024, 7h30" in learner_text
    assert "Hội trường Trung tâm Chính trị huyện" in learner_text
    assert "Buổi 16" in learner_text
    to_leader = [n for n in announcements if n.person_id == leader.id]
    assert len(to_leader) == 1
    assert "Đoàn xã Phiêng Ban" in to_leader[0].text
    assert "Lê Thị Ngọc Lan" in to_leader[0].text

    again = await notices.announce_class(
        database.uow(),
        actor=staff(sample_class),
        class_code=sample_class.code,
        settings=SETTINGS,
        now=clock.advance(hours=1),
    )
    assert (again.learners, again.leaders, again.reminders) == (0, 0, 0)
    assert len(await rows(database, kind="announcement")) == 46


async def test_every_session_gets_an_evening_and_an_hour_before_reminder(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    result = await notices.announce_class(
        database.uow(),
        actor=staff(sample_class),
        class_code=sample_class.code,
        settings=SETTINGS,
        now=clock.now(),
    )
    assert result.reminders == 16 * 2 * 45
    first = await first_session(database, sample_class.id)
    reminders = await rows(database, kind="reminder", session_id=first.id)
    due = sorted({r.due_at.astimezone(TZ) for r in reminders})
    assert due == [
        datetime(2024, 3, 3, 19, 0, tzinfo=TZ),  # the evening before
        datetime(2024, 3, 4, 6, 30, tzinfo=TZ),  # an hour before 7h30
    ]
    assert {r.expires_at for r in reminders} == {first.starts_at}
    assert "Thứ Hai, 04/03/2024, 7h30" in reminders[0].text


async def test_reminder_times_follow_the_settings(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    settings = Settings(notices=NoticeSettings(evening_before_at=time(20, 30), minutes_before=30))
    await notices.announce_class(
        database.uow(),
        actor=staff(sample_class),
        class_code=sample_class.code,
        settings=settings,
        now=clock.now(),
    )
    first = await first_session(database, sample_class.id)
    due = sorted({r.due_at.astimezone(TZ) for r in await rows(database, session_id=first.id)})
    assert due == [datetime(2024, 3, 3, 20, 30, tzinfo=TZ), datetime(2024, 3, 4, 7, 0, tzinfo=TZ)]


async def test_a_moved_session_cancels_old_reminders_plans_new_ones_and_tells_learners(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    await notices.announce_class(
        database.uow(),
        actor=staff(sample_class),
        class_code=sample_class.code,
        settings=SETTINGS,
        now=clock.now(),
    )
    schedule = parse_schedule(SAMPLES / "lich-hoc-so-cap-llct-k4-2024.xlsx")
    first_row = schedule.rows[0]
    moved_row = first_row.__class__(**{**first_row.__dict__, "start": time(8, 0)})
    report = await classes.import_schedule(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        class_id=sample_class.id,
        rows=[moved_row, *schedule.rows[1:]],
        tz=TZ,
        now=clock.now(),
    )
    assert len(report.moved_session_ids) == 1
    session_id = report.moved_session_ids[0]
    reminders = await rows(database, kind="reminder", session_id=session_id)
    cancelled = [r for r in reminders if r.status == S.CANCELLED]
    pending = [r for r in reminders if r.status == S.PENDING]
    assert len(cancelled) == len(pending) == 90
    assert {r.due_at.astimezone(TZ) for r in pending} == {
        datetime(2024, 3, 3, 19, 0, tzinfo=TZ),
        datetime(2024, 3, 4, 7, 0, tzinfo=TZ),
    }
    changes = await rows(database, kind="change")
    assert len(changes) == 45
    assert "từ Thứ Hai, 04/03/2024, 7h30 sang Thứ Hai, 04/03/2024, 8h00" in changes[0].text
    assert changes[0].urgent  # it starts within hours

    # The same file again changes nothing and plans nothing twice.
    before = len(await rows(database))
    await classes.import_schedule(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        class_id=sample_class.id,
        rows=[moved_row, *schedule.rows[1:]],
        tz=TZ,
        now=clock.now(),
    )
    assert len(await rows(database)) == before


async def test_a_schedule_change_before_the_announcement_tells_nobody(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    schedule = parse_schedule(SAMPLES / "lich-hoc-so-cap-llct-k4-2024.xlsx")
    first_row = schedule.rows[0]
    moved = first_row.__class__(**{**first_row.__dict__, "start": time(8, 0)})
    await classes.import_schedule(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        class_id=sample_class.id,
        rows=[moved],
        tz=TZ,
        now=clock.now(),
    )
    assert await rows(database) == []


async def test_a_cancelled_session_withdraws_its_reminders_and_tells_learners(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    await notices.announce_class(
        database.uow(),
        actor=staff(sample_class),
        class_code=sample_class.code,
        settings=SETTINGS,
        now=clock.now(),
    )
    cancelled, told = await notices.cancel_session(
        database.uow(),
        actor=staff(sample_class),
        class_code=sample_class.code,
        number=2,
        reason="Giảng viên bận công tác",
        settings=SETTINGS,
        now=clock.now(),
    )
    assert told == 45
    reminders = await rows(database, kind="reminder", session_id=cancelled.id)
    assert reminders and all(r.status == S.CANCELLED for r in reminders)
    changes = await rows(database, kind="change")
    assert len(changes) == 45
    assert "được hoãn" in changes[0].text and "Giảng viên bận công tác" in changes[0].text


async def test_moving_a_session_by_command_replans_reminders(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    await notices.announce_class(
        database.uow(),
        actor=staff(sample_class),
        class_code=sample_class.code,
        settings=SETTINGS,
        now=clock.now(),
    )
    new_start = datetime(2024, 3, 20, 7, 30, tzinfo=TZ)
    moved, told = await notices.move_session(
        database.uow(),
        actor=staff(sample_class),
        class_code=sample_class.code,
        number=3,
        starts_at=new_start,
        ends_at=new_start + timedelta(hours=4),
        settings=SETTINGS,
        now=clock.now(),
    )
    assert told == 45
    pending = await rows(database, kind="reminder", session_id=moved.id, status=S.PENDING)
    assert {r.expires_at for r in pending} == {new_start}
    assert not (await rows(database, kind="change"))[0].urgent  # two weeks away


async def test_a_broadcast_goes_to_every_learner_of_the_class_once(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    count = await notices.broadcast(
        database.uow(),
        actor=staff(sample_class),
        text="Lớp nghỉ học chiều thứ Sáu.",
        class_code=sample_class.code,
        settings=SETTINGS,
        now=clock.now(),
    )
    assert count == 45
    sent = await rows(database, kind="broadcast")
    assert len(sent) == 45 and "Lớp nghỉ học chiều thứ Sáu." in sent[0].text
    # A second broadcast with the same words is a new message, not a duplicate key.
    await notices.broadcast(
        database.uow(),
        actor=staff(sample_class),
        text="Lớp nghỉ học chiều thứ Sáu.",
        class_code=sample_class.code,
        settings=SETTINGS,
        now=clock.now(),
    )
    assert len(await rows(database, kind="broadcast")) == 90


async def test_a_broadcast_to_a_unit_reaches_its_learners(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    async with database.uow() as uow:
        lan = await uow.session.scalar(select(Person).where(Person.full_name == "Lê Thị Ngọc Lan"))
        assert lan is not None and lan.unit_id is not None
        unit_id = lan.unit_id
        in_unit = await uow.session.scalar(
            select(func.count()).select_from(Person).where(Person.unit_id == unit_id)
        )
    count = await notices.broadcast(
        database.uow(),
        actor=staff(sample_class),
        text="Họp đơn vị.",
        unit_id=unit_id,
        settings=SETTINGS,
        now=clock.now(),
    )
    assert count == in_unit
    assert lan.id in {r.person_id for r in await rows(database, kind="broadcast")}


async def test_quiet_hours_hold_ordinary_notices_until_morning_but_not_urgent_ones(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    clock.set(datetime(2024, 3, 3, 22, 15, tzinfo=TZ))
    await notices.broadcast(
        database.uow(),
        actor=staff(sample_class),
        text="Tin thường.",
        class_code=sample_class.code,
        settings=SETTINGS,
        now=clock.now(),
    )
    await notices.cancel_session(
        database.uow(),
        actor=staff(sample_class),
        class_code=sample_class.code,
        number=1,
        reason=None,
        settings=SETTINGS,
        now=clock.now(),
    )
    claimed = await delivery.claim_due(database.uow(), settings=SETTINGS, now=clock.now())
    assert claimed == []  # the class was never announced, so no change notice either
    held = await rows(database, kind="broadcast")
    assert {r.due_at.astimezone(TZ) for r in held} == {datetime(2024, 3, 4, 6, 0, tzinfo=TZ)}
    assert {r.status for r in held} == {S.PENDING}

    async with database.uow() as uow:
        klass = await uow.session.get(Class, sample_class.id)
        assert klass is not None
        klass.announced_at = clock.now()
        await uow.commit()
    await notices.cancel_session(
        database.uow(),
        actor=staff(sample_class),
        class_code=sample_class.code,
        number=2,
        reason=None,
        settings=SETTINGS,
        now=clock.now(),
    )
    claimed = await delivery.claim_due(database.uow(), settings=SETTINGS, now=clock.now())
    assert len(claimed) == 45 and {c.kind for c in claimed} == {"change"}  # urgent: goes now

    clock.set(datetime(2024, 3, 4, 6, 0, tzinfo=TZ))
    claimed = await delivery.claim_due(database.uow(), settings=SETTINGS, now=clock.now())
    assert len([c for c in claimed if c.kind == "broadcast"]) == 45


def test_quiet_hours_wrap_midnight() -> None:
    n = NoticeSettings(quiet_start=time(21, 30), quiet_end=time(6, 0))

    def at(h: int, m: int) -> datetime:
        return datetime(2024, 3, 3, h, m, tzinfo=TZ)

    assert notices.in_quiet_hours(at(21, 30), n, TZ)
    assert notices.in_quiet_hours(at(2, 0), n, TZ)
    assert not notices.in_quiet_hours(at(6, 0), n, TZ)
    assert not notices.in_quiet_hours(at(12, 0), n, TZ)
    assert notices.quiet_release(at(23, 0), n, TZ) == datetime(2024, 3, 4, 6, 0, tzinfo=TZ)
    assert notices.quiet_release(at(2, 0), n, TZ) == datetime(2024, 3, 3, 6, 0, tzinfo=TZ)


async def test_a_reminder_whose_session_has_begun_expires_instead_of_going(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    await notices.announce_class(
        database.uow(),
        actor=staff(sample_class),
        class_code=sample_class.code,
        settings=SETTINGS,
        now=clock.now(),
    )
    first = await first_session(database, sample_class.id)
    clock.set(first.starts_at + timedelta(minutes=1))  # the bot was down all night
    claimed = await delivery.claim_due(
        database.uow(), settings=SETTINGS, now=clock.now(), limit=10_000
    )
    assert first.id not in {c.id for c in claimed if c.kind == "reminder"}
    expired = await rows(database, session_id=first.id, status=S.EXPIRED)
    assert len(expired) == 90
    # The announcement still makes sense and still goes.
    assert {c.kind for c in claimed} >= {"announcement"}


def test_a_reminders_first_line_is_true_at_the_time_it_is_sent() -> None:
    starts = datetime(2024, 3, 4, 7, 30, tzinfo=TZ)
    name = "Lớp A"
    evening = notices.reminder_heading(name, starts, datetime(2024, 3, 3, 19, 0, tzinfo=TZ), TZ)
    assert "ngày mai" in evening
    late = notices.reminder_heading(name, starts, starts - timedelta(minutes=10), TZ)
    assert "Còn 10 phút nữa" in late
    morning = notices.reminder_heading(name, starts, starts - timedelta(hours=5), TZ)
    assert "hôm nay" in morning and "7h30" in morning
    week = notices.reminder_heading(name, starts, starts - timedelta(days=3), TZ)
    assert "04/03/2024" in week
    body = "⏰ Còn 60 phút nữa đến giờ học lớp Lớp A.\nBuổi 1: …"
    reworded = notices.reword_reminder(body, name, starts, starts - timedelta(minutes=10), TZ)
    assert reworded.splitlines() == ["⏰ Còn 10 phút nữa đến giờ học lớp Lớp A.", "Buổi 1: …"]


async def test_only_staff_of_the_classs_centre_act_on_it_and_nothing_changes_otherwise(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    other_centre = Actor.cli(sample_class.centre_id + 1000)
    for actor in (other_centre, Actor.system()):
        with pytest.raises(Refused) as refused:
            await notices.announce_class(
                database.uow(), actor=actor, class_code=sample_class.code, settings=SETTINGS,
                now=clock.now(),
            )  # fmt: skip
        assert say(refused.value) == f"Không tìm thấy lớp có mã «{sample_class.code}»."
        with pytest.raises(Refused):
            await notices.cancel_session(
                database.uow(), actor=actor, class_code=sample_class.code, number=1,
                reason=None, settings=SETTINGS, now=clock.now(),
            )  # fmt: skip
    assert await rows(database, kind="announcement") == []
    async with database.uow() as uow:
        statuses = set(
            await uow.session.scalars(
                select(Session.status).where(Session.class_id == sample_class.id)
            )
        )
    assert statuses == {SessionStatus.SCHEDULED}


async def test_moving_a_session_to_end_before_it_starts_is_refused(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    starts = datetime(2024, 3, 20, 7, 30, tzinfo=TZ)
    with pytest.raises(Refused) as refused:
        await notices.move_session(
            database.uow(), actor=staff(sample_class), class_code=sample_class.code, number=3,
            starts_at=starts, ends_at=starts - timedelta(hours=1), settings=SETTINGS,
            now=clock.now(),
        )  # fmt: skip
    assert say(refused.value) == "Không hiểu ngày giờ: giờ kết thúc trước giờ bắt đầu"
    with pytest.raises(Refused) as missing:
        await notices.cancel_session(
            database.uow(), actor=staff(sample_class), class_code=sample_class.code,
            number=99, reason=None, settings=SETTINGS, now=clock.now(),
        )  # fmt: skip
    assert say(missing.value) == f"Không tìm thấy buổi 99 của lớp {sample_class.code}."


async def test_a_refused_broadcast_settles_what_the_bot_waited_for(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    """A refusal is a reply like any other: the text the bot waited for is not awaited again."""
    await identity.sync_staff(database.uow(), sample_class.centre_id, (4242,))
    chat = Dispatcher(Services(database, clock, SETTINGS, sample_class.centre_id), ROUTES)

    def typed(text: str, command: str | None = None, *args: str) -> Incoming:
        return Incoming("telegram", "4242", "4242", text=text, command=command, args=args)

    [ask] = await chat.handle(typed("/nhantin SC-XX", "nhantin", "SC-XX"))
    assert "Bạn gửi nội dung tin cho cả lớp SC-XX" in ask.text
    [refused] = await chat.handle(typed("Mai lớp nghỉ."))
    assert refused.text == "Không tìm thấy lớp có mã «SC-XX»."
    [after] = await chat.handle(typed("Cảm ơn."))
    assert "SC-XX" not in after.text
    assert await rows(database, kind="broadcast") == []
