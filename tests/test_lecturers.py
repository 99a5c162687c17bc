"""Lecturers (issue 17) against a real database: the list and the schedule's names, what each
lecturer is told, ratings and who sees them, the summary after a session, observation."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from bot.dispatch import Dispatcher
from channels.incoming import Incoming
from db.database import Database
from db.models import (
    ChatAccount,
    Enrollment,
    LecturerBrief,
    Notification,
    NotificationStatus,
    Person,
    Question,
    Session,
    SessionRating,
)
from handlers.base import Services
from handlers.lecturers import stats_replies
from handlers.routes import ROUTES
from sheets.lecturers import parse_lecturers
from sheets.schedule import parse_schedule
from tests.conftest import SAMPLE_EVE, SAMPLES, TZ, SampleClass, centre_of
from texts.common import NOT_ALLOWED
from usecases import attendance, lecturers, notices
from usecases.clock import FixedClock
from usecases.identity import Actor, load_actor
from usecases.lecturers import observations
from usecases.lecturers.rules import LecturerReason
from usecases.refusal import Refused
from usecases.settings import LecturerSettings, Settings

SETTINGS = Settings(timezone=TZ)
HUE, THANH, DIEP = "Nguyễn Thị Huệ", "Vũ Công Thành", "Trần Thị Ngọc Diệp"


def _xlsx(rows: list[tuple[object, ...]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(("DANH SÁCH GIẢNG VIÊN, BÁO CÁO VIÊN",))
    sheet.append(("TT", "Họ và tên", "Số điện thoại", "Đơn vị công tác"))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _add_lecturers(db: Database, centre_id: int) -> dict[str, lecturers.LecturerLine]:
    rows, errors = parse_lecturers(
        _xlsx(
            [
                (1, "ThS. Nguyễn Thị Huệ", "0912 000 001", "Trung tâm Chính trị huyện"),
                (2, "Vũ Công Thành", "0912000002", "Ban Tuyên giáo Huyện ủy"),
                (3, "TRẦN THỊ NGỌC DIỆP", "0912000003", "Trường THPT huyện"),
            ]
        ),
        filename="giang-vien.xlsx",
    )
    assert not errors
    actor = Actor.cli(centre_id)
    await lecturers.import_lecturers(db.uow(), actor=actor, centre_id=centre_id, rows=rows)
    lines = await lecturers.list_lecturers(db.uow(), centre_id=centre_id)
    return {line.name.replace("ThS. ", ""): line for line in lines}


async def _link(db: Database, sample: SampleClass) -> list[str]:
    rows = parse_schedule(SAMPLES / "lich-hoc-so-cap-llct-k4-2024.xlsx").rows
    return await lecturers.link_schedule(
        db.uow(),
        actor=Actor.cli(sample.centre_id),
        centre_id=sample.centre_id,
        class_id=sample.id,
        rows=rows,
        now=SAMPLE_EVE,
    )


async def _sessions_of(db: Database, lecturer_id: int) -> list[Session]:
    async with db.uow() as uow:
        return list(
            await uow.session.scalars(
                select(Session).where(Session.lecturer_id == lecturer_id).order_by(Session.number)
            )
        )


async def _notices(db: Database, person_id: int, kind: str | None = None) -> list[Notification]:
    async with db.uow() as uow:
        query = select(Notification).where(Notification.person_id == person_id)
        if kind:
            query = query.where(Notification.kind == kind)
        return list(await uow.session.scalars(query.order_by(Notification.id)))


async def test_titled_names_match_and_unknown_or_shared_names_are_reported_with_their_row(
    database: Database, sample_class: SampleClass
) -> None:
    people = await _add_lecturers(database, sample_class.centre_id)
    assert set(people) == {HUE, THANH, DIEP}
    problems = await _link(database, sample_class)
    # Lương Trọng Thành (rows 12 and 18) is not on the list; "Thành" alone must not match.
    assert problems == [
        "Dòng 12: giảng viên «Đ/c Lương Trọng Thành» chưa có trong danh sách giảng viên.",
        "Dòng 18: giảng viên «Đ/c Lương Trọng Thành» chưa có trong danh sách giảng viên.",
    ]
    assert [s.number for s in await _sessions_of(database, people[THANH].id)] == [2, 3, 5, 16]
    hue = await _sessions_of(database, people[HUE].id)
    assert [s.number for s in hue] == [1, 4, 6, 7, 8, 11, 13]
    assert all(s.lecturer == "Đ/c Nguyễn Thị Huệ" for s in hue)  # the name as written stays

    # A second Nguyễn Thị Huệ (another phone): her sessions are no longer guessed.
    await lecturers.add_lecturer(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        centre_id=sample_class.centre_id,
        full_name="Nguyễn Thị Huệ",
        phone="0987000111",
        unit_name="Huyện đoàn",
    )
    problems = await _link(database, sample_class)
    shared = [p for p in problems if "cùng tên" in p]
    assert [p.split(":")[0] for p in shared] == [f"Dòng {row}" for row in (4, 7, 9, 10, 11, 14, 16)]
    assert "có 2 giảng viên cùng tên «Đ/c Nguyễn Thị Huệ»" in shared[0]
    assert await _sessions_of(database, people[HUE].id) == []


async def test_a_lecturer_list_with_a_wrong_phone_is_refused_with_its_row() -> None:
    rows, errors = parse_lecturers(
        _xlsx([(1, "Vũ Công Thành", "0912000002", None), (2, "Lê Văn Nam", "12345", None)]),
        filename="gv.xlsx",
    )
    assert [e.row for e in errors] == [4] and "Dòng 4" in str(errors[0])
    assert [r.full_name for r in rows] == ["Vũ Công Thành"]


async def _announce(db: Database, sample: SampleClass, now: datetime) -> None:
    await notices.announce_class(
        db.uow(), actor=Actor.cli(sample.centre_id), class_code=sample.code, settings=SETTINGS,
        now=now,
    )  # fmt: skip


async def test_each_lecturer_gets_their_own_sessions_once_the_class_is_announced(
    database: Database, sample_class: SampleClass
) -> None:
    people = await _add_lecturers(database, sample_class.centre_id)
    await _link(database, sample_class)
    now = SAMPLE_EVE - timedelta(days=3)
    assert await lecturers.plan_lecturer_notices(database.uow(), settings=SETTINGS, now=now) == 0
    await _announce(database, sample_class, now)
    await lecturers.plan_lecturer_notices(database.uow(), settings=SETTINGS, now=now)
    thanh = await _notices(database, people[THANH].person_id, "lecturer_schedule")
    assert len(thanh) == 1
    text = thanh[0].text
    assert "4 buổi" in text and "45 học viên" in text and "Phòng học số 2" in text
    assert "Thứ Hai, 04/03/2024, 13h30" in text  # session 2, his first
    assert "Chuyển đổi số" in text and "Chủ nghĩa Mác" not in text  # only his own topics
    # Planned again: nothing new.
    assert await lecturers.plan_lecturer_notices(database.uow(), settings=SETTINGS, now=now) == 0


async def test_a_moved_session_tells_its_lecturer_at_once_and_moves_the_reminders(
    database: Database, sample_class: SampleClass
) -> None:
    people = await _add_lecturers(database, sample_class.centre_id)
    await _link(database, sample_class)
    now = SAMPLE_EVE - timedelta(hours=4)
    await _announce(database, sample_class, now)
    await lecturers.plan_lecturer_notices(database.uow(), settings=SETTINGS, now=now)
    thanh = people[THANH].person_id
    reminders = await _notices(database, thanh, "lecturer_reminder")
    his = await _sessions_of(database, people[THANH].id)
    soon = {s.id for s in his if s.starts_at < now + timedelta(days=3)}  # sessions 2, 3 and 5
    assert {n.session_id for n in reminders} == soon and len(soon) == 3
    assert len(reminders) == 2 * 3  # the evening before and an hour before each
    second = [n for n in reminders if n.session_id == his[0].id]
    new_start = datetime(2024, 3, 5, 13, 30, tzinfo=TZ)
    # Session 2 moves to Tuesday afternoon; session 3 (his too) is on Tuesday morning.
    await notices.move_session(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        class_code=sample_class.code,
        number=2,
        starts_at=new_start,
        ends_at=new_start + timedelta(hours=3, minutes=30),
        settings=SETTINGS,
        now=now,
    )
    later = now + timedelta(minutes=1)
    await lecturers.plan_lecturer_notices(database.uow(), settings=SETTINGS, now=later)
    changes = await _notices(database, thanh, "lecturer_change")
    assert len(changes) == 1
    assert "ĐỔI" in changes[0].text and "Thứ Ba, 05/03/2024, 13h30" in changes[0].text
    assert "Trước: Thứ Hai, 04/03/2024, 13h30" in changes[0].text
    assert changes[0].urgent  # the session was due tomorrow
    after = {n.id: n.status for n in await _notices(database, thanh, "lecturer_reminder")}
    assert {after[n.id] for n in second} == {NotificationStatus.CANCELLED}
    assert {after[n.id] for n in reminders if n not in second} == {NotificationStatus.PENDING}
    assert len(after) == 6 + 2  # the moved session's two new reminders
    # Nobody else heard of it.
    for name in (HUE, DIEP):
        assert await _notices(database, people[name].person_id, "lecturer_change") == []


async def test_a_reassigned_session_tells_both_lecturers_and_a_cancelled_one_is_told(
    database: Database, sample_class: SampleClass
) -> None:
    people = await _add_lecturers(database, sample_class.centre_id)
    await _link(database, sample_class)
    now = SAMPLE_EVE - timedelta(days=2)
    await _announce(database, sample_class, now)
    await lecturers.plan_lecturer_notices(database.uow(), settings=SETTINGS, now=now)
    # The schedule is imported again with session 5 given to Đ/c Trần Thị Ngọc Diệp.
    rows = parse_schedule(SAMPLES / "lich-hoc-so-cap-llct-k4-2024.xlsx").rows
    rows = [replace(r, lecturer="ThS. Trần Thị Ngọc Diệp") if r.number == 5 else r for r in rows]
    from usecases import classes

    await classes.import_schedule(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        class_id=sample_class.id,
        rows=rows,
        tz=TZ,
    )
    await lecturers.link_schedule(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        centre_id=sample_class.centre_id,
        class_id=sample_class.id,
        rows=rows,
        now=now,
    )
    await notices.cancel_session(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        class_code=sample_class.code,
        number=1,
        reason="Mưa bão",
        settings=SETTINGS,
        now=now,
    )
    await lecturers.plan_lecturer_notices(database.uow(), settings=SETTINGS, now=now)
    away = await _notices(database, people[THANH].person_id, "lecturer_change")
    assert len(away) == 1 and "giảng viên khác" in away[0].text
    to_her = await _notices(database, people[DIEP].person_id, "lecturer_change")
    assert len(to_her) == 1 and "giảng thay" in to_her[0].text and "Quốc phòng" in to_her[0].text
    cancelled = await _notices(database, people[HUE].person_id, "lecturer_change")
    assert len(cancelled) == 1 and "HOÃN" in cancelled[0].text
    assert await lecturers.plan_lecturer_notices(database.uow(), settings=SETTINGS, now=now) == 0
    async with database.uow() as uow:
        briefs = (
            await uow.session.execute(
                select(LecturerBrief.status, func.count()).group_by(LecturerBrief.status)
            )
        ).all()
    # Lương Trọng Thành's two sessions are nobody's yet; session 5 is no longer his.
    assert dict(briefs) == {"scheduled": 16 - 2 - 1, "cancelled": 1, "away": 1}

    # Session 1 is back on (moved to the same hours): she is told, and reminded again.
    first = (await _sessions_of(database, people[HUE].id))[0]
    await notices.move_session(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        class_code=sample_class.code,
        number=1,
        starts_at=first.starts_at,
        ends_at=first.ends_at,
        settings=SETTINGS,
        now=now + timedelta(minutes=5),
    )
    await lecturers.plan_lecturer_notices(
        database.uow(), settings=SETTINGS, now=now + timedelta(minutes=6)
    )
    restored = await _notices(database, people[HUE].person_id, "lecturer_change")
    assert len(restored) == 2 and "học lại" in restored[1].text
    reminders = await _notices(database, people[HUE].person_id, "lecturer_reminder")
    pending = [n for n in reminders if n.session_id == first.id and n.status == "pending"]
    assert len(pending) == 2


async def _learners(db: Database, class_id: int) -> list[int]:
    async with db.uow() as uow:
        return list(
            await uow.session.scalars(
                select(Enrollment.person_id)
                .where(Enrollment.class_id == class_id)
                .order_by(Enrollment.roster_row)
            )
        )


async def _actor(db: Database, person_id: int, channel: str = "telegram") -> Actor:
    """The person's chat account on the channel (opened and linked the first time)."""
    async with db.uow() as uow:
        account = await uow.session.scalar(
            select(ChatAccount).where(ChatAccount.external_id == f"u{person_id}")
        )
        if account is None:
            account = ChatAccount(
                centre_id=await centre_of(uow.session, person_id),
                channel=channel,
                external_id=f"u{person_id}",
                chat_id=f"u{person_id}",
                person_id=person_id,
            )
            uow.session.add(account)
            await uow.session.flush()
            await uow.commit()
        return await load_actor(uow, account)


async def _run_first_session(db: Database, sample: SampleClass, present: int) -> Session:
    """Session 1 (Đ/c Nguyễn Thị Huệ): the first `present` learners marked present, one late,
    one excused, the rest left unmarked until the session closes."""
    learners = await _learners(db, sample.id)
    async with db.uow() as uow:
        first = await uow.session.scalar(
            select(Session).where(Session.class_id == sample.id, Session.number == 1)
        )
        assert first is not None
    staff = Actor.cli(sample.centre_id)
    during = first.starts_at + timedelta(minutes=20)
    marks = ["present"] * present + ["late", "excused"]
    for person_id, status in zip(learners, marks, strict=False):
        await attendance.mark(
            db.uow(),
            actor=staff,
            session_id=first.id,
            person_id=person_id,
            status=status,
            now=during,
            settings=SETTINGS.attendance,
        )
    async with db.uow() as uow:
        uow.session.add(
            Question(
                class_id=sample.id,
                session_id=first.id,
                person_id=learners[0],
                text="Xin giảng thêm về Cương lĩnh năm 2011?",
            )
        )
        await uow.commit()
    await attendance.close_due_sessions(
        db.uow(), now=first.ends_at + timedelta(minutes=1), settings=SETTINGS
    )
    async with db.uow() as uow:
        closed = await uow.session.get(Session, first.id)
        assert closed is not None and closed.closed_at is not None
        return closed


async def test_after_the_session_the_lecturer_gets_counts_and_questions_and_learners_a_rating(
    database: Database, sample_class: SampleClass
) -> None:
    people = await _add_lecturers(database, sample_class.centre_id)
    await _link(database, sample_class)
    first = await _run_first_session(database, sample_class, present=30)
    assert first.closed_at is not None
    await lecturers.plan_after_sessions(database.uow(), settings=SETTINGS, now=first.closed_at)
    summary = await _notices(database, people[HUE].person_id, "lecturer_summary")
    assert len(summary) == 1
    text = summary[0].text
    assert "Có mặt 30, đi muộn 1, vắng có phép 1, vắng 13" in text
    assert "Cương lĩnh năm 2011" in text
    async with database.uow() as uow:
        learners = list(await uow.session.scalars(select(Person).join(Enrollment)))
        asks = list(
            await uow.session.scalars(select(Notification).where(Notification.kind == "rating_ask"))
        )
    for person in learners:  # no learner's name or phone number reaches the lecturer
        assert person.full_name not in text
        assert not person.phone or person.phone[-9:] not in text
    assert len(asks) == 31  # present and late, never the excused or absent
    assert asks[0].choices is not None and [c[1] for c in asks[0].choices[0]] == [
        f"danhgia {first.id} {n}" for n in range(1, 6)
    ]


async def test_ratings_one_per_learner_refused_when_absent_and_shown_without_names(
    database: Database, sample_class: SampleClass
) -> None:
    people = await _add_lecturers(database, sample_class.centre_id)
    await _link(database, sample_class)
    first = await _run_first_session(database, sample_class, present=4)
    assert first.closed_at is not None
    learners = await _learners(database, sample_class.id)
    soon = first.closed_at + timedelta(minutes=5)
    scores = [5, 4, 2, 3]  # the four present, then the late one
    actors = [await _actor(database, pid) for pid in learners[:6]]
    for actor, score in zip(actors, [*scores, 5], strict=False):
        await lecturers.rate(
            database.uow(), actor=actor, session_id=first.id, score=score, now=soon
        )
    await lecturers.comment(
        database.uow(), actor=actors[0], session_id=first.id, text="Bài giảng rất dễ hiểu", now=soon
    )
    # The excused learner, and an absent one, may not rate.
    for absent in (actors[5], await _actor(database, learners[20])):
        with pytest.raises(Refused) as no:
            await lecturers.rate(
                database.uow(), actor=absent, session_id=first.id, score=1, now=soon
            )
        assert no.value.reason == LecturerReason.NOT_PRESENT
    # One answer per learner: a change replaces it, within a day; not after.
    await lecturers.rate(database.uow(), actor=actors[2], session_id=first.id, score=4, now=soon)
    with pytest.raises(Refused) as late:
        await lecturers.rate(
            database.uow(),
            actor=actors[2],
            session_id=first.id,
            score=1,
            now=first.closed_at + timedelta(days=1, minutes=1),
        )
    assert late.value.reason == LecturerReason.RATING_CLOSED
    async with database.uow() as uow:
        rows = (await uow.session.execute(select(SessionRating.score))).scalars().all()
    assert sorted(rows) == [3, 4, 4, 5, 5]

    # The lecturer sees nothing the same day; the next morning, the average without names.
    hue = await _actor(database, people[HUE].person_id)
    assert hue.is_lecturer
    same_day = await lecturers.my_ratings(database.uow(), actor=hue, tz=TZ, now=soon)
    assert same_day == []
    morning = datetime.combine(
        first.starts_at.astimezone(TZ).date() + timedelta(days=1), SETTINGS.lecturers.digest_at, TZ
    )
    figures = await lecturers.my_ratings(database.uow(), actor=hue, tz=TZ, now=morning)
    assert [(f.session_id, f.summary.count, f.summary.average) for f in figures] == [
        (first.id, 5, 4.2)
    ]
    assert figures[0].summary.comments == ("Bài giảng rất dễ hiểu",)
    await lecturers.plan_after_sessions(database.uow(), settings=SETTINGS, now=morning)
    digest = await _notices(database, people[HUE].person_id, "lecturer_digest")
    assert len(digest) == 1 and "4,2/5 (5 ý kiến)" in digest[0].text
    async with database.uow() as uow:
        names = list(
            await uow.session.scalars(select(Person.full_name).where(Person.id.in_(learners[:6])))
        )
    assert not any(name in digest[0].text for name in names)


async def test_a_lecturer_sees_only_their_own_sessions_and_never_the_staff_report(
    database: Database, sample_class: SampleClass
) -> None:
    people = await _add_lecturers(database, sample_class.centre_id)
    await _link(database, sample_class)
    first = await _run_first_session(database, sample_class, present=3)
    assert first.closed_at is not None
    learners = await _learners(database, sample_class.id)
    for pid, score in zip(learners[:3], (5, 4, 3), strict=True):
        await lecturers.rate(
            database.uow(),
            actor=await _actor(database, pid),
            session_id=first.id,
            score=score,
            now=first.closed_at + timedelta(minutes=1),
        )
    thanh = await _actor(database, people[THANH].person_id)
    later = first.closed_at + timedelta(days=2)
    assert await lecturers.my_ratings(database.uow(), actor=thanh, tz=TZ, now=later) == []
    with pytest.raises(Refused) as no:
        await lecturers.rating_report(
            database.uow(),
            actor=thanh,
            centre_id=sample_class.centre_id,
            period_text="03/2024",
            tz=TZ,
        )
    assert no.value.reason == LecturerReason.NOT_YOURS
    learner = await _actor(database, learners[0])
    with pytest.raises(Refused):
        await lecturers.my_ratings(database.uow(), actor=learner, tz=TZ, now=later)
    staff = Actor.cli(sample_class.centre_id)
    report = await lecturers.rating_report(
        database.uow(), actor=staff, centre_id=sample_class.centre_id, period_text="Q1/2024", tz=TZ
    )
    assert [(x.label, x.sessions, x.count, x.average) for x in report.by_lecturer] == [
        ("ThS. Nguyễn Thị Huệ", 1, 3, 4.0)
    ]
    assert len(report.by_topic) == 1 and report.by_topic[0].label.startswith("Chủ nghĩa Mác")
    empty = await lecturers.rating_report(
        database.uow(), actor=staff, centre_id=sample_class.centre_id, period_text="04/2024", tz=TZ
    )
    assert empty.by_lecturer == []

    # /thongke shows the same figures to staff, with a workbook; never to a lecturer.
    svc = Services(
        db=database, clock=FixedClock(later), settings=SETTINGS, centre_id=sample_class.centre_id
    )
    replies = await stats_replies(staff, svc, date(2024, 3, 1), date(2024, 3, 31), "tháng 3/2024")
    assert "ThS. Nguyễn Thị Huệ: 4,0/5 (3 ý kiến, 1 buổi)" in replies[0].text
    assert replies[1].document is not None and replies[1].document.filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(replies[1].document.data))
    assert book.sheetnames == ["Theo giảng viên", "Theo chuyên đề", "Góp ý"]
    with pytest.raises(Refused):
        await stats_replies(thanh, svc, date(2024, 3, 1), date(2024, 3, 31), "tháng 3/2024")

    # A second Nguyễn Thị Huệ joins and the schedule is imported again: the sessions to come
    # are no longer guessed, but those taught stay hers, with their ratings.
    taught = [s.number for s in await _sessions_of(database, people[HUE].id) if s.ends_at <= later]
    assert taught == [1, 4]  # Monday morning and Tuesday afternoon; `later` is Wednesday
    await lecturers.add_lecturer(
        database.uow(),
        actor=staff,
        centre_id=sample_class.centre_id,
        full_name="Nguyễn Thị Huệ",
        phone="0987000111",
    )
    rows = parse_schedule(SAMPLES / "lich-hoc-so-cap-llct-k4-2024.xlsx").rows
    await lecturers.link_schedule(
        database.uow(),
        actor=staff,
        centre_id=sample_class.centre_id,
        class_id=sample_class.id,
        rows=rows,
        now=later,
    )
    assert [s.number for s in await _sessions_of(database, people[HUE].id)] == taught


async def test_observation_reaches_the_lecturer_and_the_unobserved_are_listed(
    database: Database, sample_class: SampleClass
) -> None:
    people = await _add_lecturers(database, sample_class.centre_id)
    await _link(database, sample_class)
    diep = await _actor(database, people[DIEP].person_id)
    now = SAMPLE_EVE
    sessions = await observations.observable_sessions(database.uow(), actor=diep, now=now)
    assert sessions and all(s.lecturer != people[DIEP].name for s in sessions)
    hue_first = (await _sessions_of(database, people[HUE].id))[0]
    own = (await _sessions_of(database, people[DIEP].id))[0]
    with pytest.raises(Refused) as no:
        await observations.register(database.uow(), actor=diep, session_id=own.id, now=now)
    assert no.value.reason == LecturerReason.OWN_SESSION
    form = observations.ObservationForm(4, "Sinh động", "Giữ đúng giờ")
    with pytest.raises(Refused):  # not registered yet
        await observations.file_observation(
            database.uow(),
            actor=diep,
            session_id=hue_first.id,
            form=form,
            settings=SETTINGS,
            now=now,
        )
    await observations.register(database.uow(), actor=diep, session_id=hue_first.id, now=now)
    await observations.file_observation(
        database.uow(), actor=diep, session_id=hue_first.id, form=form, settings=SETTINGS, now=now
    )
    got = await _notices(database, people[HUE].person_id, "observation")
    assert len(got) == 1 and "Điểm: 4/5" in got[0].text and "Giữ đúng giờ" in got[0].text
    staff = Actor.cli(sample_class.centre_id)
    names = await observations.not_observed(
        database.uow(), actor=staff, centre_id=sample_class.centre_id, year=2024, settings=SETTINGS
    )
    assert sorted(names) == sorted([people[DIEP].name, people[THANH].name])


async def test_lecturers_get_invite_codes_like_unit_leaders(
    database: Database, sample_class: SampleClass
) -> None:
    await _add_lecturers(database, sample_class.centre_id)
    now = SAMPLE_EVE
    codes = await lecturers.lecturer_invites(
        database.uow(), centre_id=sample_class.centre_id, now=now
    )
    assert len(codes) == 3
    again = await lecturers.lecturer_invites(
        database.uow(), centre_id=sample_class.centre_id, now=now
    )
    assert [c for _, c in again] == [c for _, c in codes]
    from usecases import linking

    async with database.uow() as uow:
        account = ChatAccount(
            centre_id=sample_class.centre_id, channel="zalo", external_id="z1", chat_id="z1"
        )
        uow.session.add(account)
        await uow.commit()
    line, code = codes[0]
    speaker = Actor(
        account_id=account.id, channel="zalo", chat_id="z1", centre_id=sample_class.centre_id
    )
    outcome = await linking.link_by_code(database.uow(), actor=speaker, code=code, now=now)
    assert outcome.status == linking.LinkStatus.LINKED
    assert outcome.actor is not None and outcome.actor.is_lecturer
    assert outcome.name == line.name


async def test_in_chat_a_lecturer_registers_to_observe_by_number_and_files_the_form(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    people = await _add_lecturers(database, sample_class.centre_id)
    await _link(database, sample_class)
    codes = dict(
        (line.name, code)
        for line, code in await lecturers.lecturer_invites(
            database.uow(), centre_id=sample_class.centre_id, now=clock.now()
        )
    )
    chat = Dispatcher(Services(database, clock, SETTINGS, sample_class.centre_id), ROUTES)

    def typed(user: str, text: str) -> Incoming:
        command, *args = text[1:].split() if text.startswith("/") else (None,)
        return Incoming(
            "zalo", user, user, display_name=user, text=text, command=command, args=tuple(args)
        )

    async def says(text: str) -> str:
        msg = typed("z-diep", text)
        replies = await chat.handle(msg, has_buttons=False)
        return "\n".join(r.text for r in replies)

    assert "Tài khoản đã được liên kết" in await says(codes[people[DIEP].name])
    assert "Lịch giảng của đồng chí" in await says("/lichday")
    listing = await says("/dugio")
    assert "Chọn buổi giảng muốn dự giờ" in listing
    registered = await says("1")  # the first session offered: Đ/c Nguyễn Thị Huệ's, on Monday
    assert "Đã đăng ký dự giờ" in registered and people[HUE].name in registered
    session_id = registered.split("/nhanxet ")[1].split()[0].strip(" .")
    assert "Gõ theo mẫu" in await says(f"/nhanxet {session_id}")
    assert "Chưa đọc được điểm" in await says("Rất hay")  # no score: asked again
    filed = await says("Điểm: 5\nƯu điểm: Nhiều ví dụ thực tế\nCần rút kinh nghiệm: Không")
    assert "Đã gửi nhận xét dự giờ" in filed
    got = await _notices(database, people[HUE].person_id, "observation")
    assert (
        len(got) == 1 and "Nhiều ví dụ thực tế" in got[0].text and people[DIEP].name in got[0].text
    )
    # A learner has no lecturer's menu, and no rating of a session that is not closed.
    learner_id = (await _learners(database, sample_class.id))[0]
    await _actor(database, learner_id, channel="zalo")
    [no] = await chat.handle(typed(f"u{learner_id}", "/lichday"), has_buttons=False)
    assert no.text == NOT_ALLOWED


async def test_lecturers_reminders_follow_their_own_settings(
    database: Database, sample_class: SampleClass
) -> None:
    people = await _add_lecturers(database, sample_class.centre_id)
    await _link(database, sample_class)
    settings = Settings(
        timezone=TZ,
        lecturers=LecturerSettings(evening_before_at=time(20, 30), minutes_before=120),
    )
    now = SAMPLE_EVE - timedelta(hours=4)
    await _announce(database, sample_class, now)
    await lecturers.plan_lecturer_notices(database.uow(), settings=settings, now=now)
    first = (await _sessions_of(database, people[HUE].id))[0]  # Monday 7h30
    due = sorted(
        n.due_at.astimezone(TZ)
        for n in await _notices(database, people[HUE].person_id, "lecturer_reminder")
        if n.session_id == first.id
    )
    assert due == [datetime(2024, 3, 3, 20, 30, tzinfo=TZ), datetime(2024, 3, 4, 5, 30, tzinfo=TZ)]


async def test_a_lecturer_links_on_telegram_by_sharing_their_own_number(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    people = await _add_lecturers(database, sample_class.centre_id)
    chat = Dispatcher(Services(database, clock, SETTINGS, sample_class.centre_id), ROUTES)
    contact = Incoming(
        "telegram",
        "5001",
        "5001",
        display_name="Thành",
        contact_phone="+84 912 000 002",
        contact_is_own=True,
    )
    [linked] = await chat.handle(contact)
    assert "Tài khoản đã được liên kết" in linked.text and people[THANH].name in linked.text
    labels = [c.label for row in linked.choices for c in row]
    assert "🎓 Lịch giảng" in labels and "⭐ Ý kiến học viên" in labels
