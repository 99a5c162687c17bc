"""Questions: a learner asks, staff answer, nothing slips through (issue 5).

Use cases run on a real database (SQLite and PostgreSQL) with a fixed clock; what the outbox
holds is what people will receive. A few tests go through the dispatcher with a neutral
`Incoming`, to check the routes and the free-text offer on both kinds of channel.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime, time, timedelta

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.dispatch import Dispatcher
from channels.incoming import Incoming
from db.database import Database
from db.models import (
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    ChatAccount,
    Enrollment,
    Notification,
    Person,
    Question,
    QuestionStatus,
    Session,
    StaffMember,
    Unit,
    UnitLeader,
)
from handlers.base import Services
from handlers.routes import ROUTES
from render import attendance_export as RA
from render import questions as RQ
from scheduler import questions as question_jobs
from texts import questions as T
from usecases import identity
from usecases import questions as Q
from usecases.attendance_export import class_checkins
from usecases.clock import FixedClock
from usecases.identity import Actor
from usecases.questions import QuestionReason as Refusal
from usecases.refusal import Refused
from usecases.settings import QuestionSettings, Settings

from .conftest import CENTRE, TZ, SampleClass, centre_of, make_sample_class

SETTINGS = Settings(centre_name=CENTRE)
STAFF_TG = 777001
OTHER_STAFF_TG = 777002
LEARNER_TG = "5001"
MONDAY_0800 = datetime(2024, 3, 4, 8, 0, tzinfo=TZ)  # inside session 1 (7h30–11h00)


# --- helpers ----------------------------------------------------------------------------


async def learners(db: Database, class_id: int) -> list[int]:
    async with db.uow() as uow:
        return list(
            await uow.session.scalars(
                select(Enrollment.person_id)
                .where(Enrollment.class_id == class_id)
                .order_by(Enrollment.roster_row)
            )
        )


def as_staff(person_id: int) -> Actor:
    """A staff member acting from chat (the use case checks the staff list itself)."""
    return Actor(account_id=person_id, channel="telegram", chat_id="", person_id=person_id)


async def staff_person(db: Database, centre_id: int, telegram_id: int = STAFF_TG) -> int:
    await identity.sync_staff(db.uow(), centre_id, (telegram_id,))
    async with db.uow() as uow:
        person_id = await uow.session.scalar(
            select(ChatAccount.person_id).where(ChatAccount.external_id == str(telegram_id))
        )
    assert person_id is not None
    return person_id


async def other_centre_staff(db: Database) -> int:
    other = await identity.ensure_centre(db.uow(), "Trường Chính trị tỉnh Sơn La")
    return await staff_person(db, other, OTHER_STAFF_TG)


async def notifications(db: Database, **where: object) -> list[Notification]:
    async with db.uow() as uow:
        query = select(Notification).order_by(Notification.id)
        for name, value in where.items():
            query = query.where(getattr(Notification, name) == value)
        return list(await uow.session.scalars(query))


async def question(db: Database, question_id: int) -> Question:
    async with db.uow() as uow:
        row = await uow.session.get(Question, question_id)
        assert row is not None
        return row


async def ask(
    db: Database, person_id: int, text: str, clock: FixedClock, settings: Settings = SETTINGS
) -> Q.Asked:
    outcome = await Q.ask_question(
        db.uow(), person_id=person_id, text=text, now=clock.now(), settings=settings
    )
    assert isinstance(outcome, Q.Asked)
    return outcome


@pytest.fixture
async def staff_id(database: Database, sample_class: SampleClass) -> int:
    return await staff_person(database, sample_class.centre_id)


@pytest.fixture
async def learner_id(database: Database, sample_class: SampleClass) -> int:
    return (await learners(database, sample_class.id))[0]


# --- asking ----------------------------------------------------------------------------------


async def test_a_learner_asks_and_gets_a_receipt_and_staff_are_told(
    database: Database, sample_class: SampleClass, staff_id: int, learner_id: int, clock: FixedClock
) -> None:
    asked = await ask(database, learner_id, "  Buổi sáng thứ Hai học ở phòng nào ạ?  ", clock)

    assert asked.class_code == sample_class.code
    stored = await question(database, asked.question_id)
    assert stored.class_id == sample_class.id
    assert stored.status == QuestionStatus.OPEN
    assert stored.text == "Buổi sáng thứ Hai học ở phòng nào ạ?"
    assert stored.created_at == clock.now()
    assert stored.session_id is None  # the eve of the class: no session today
    [notice] = await notifications(database, kind=Q.KIND_NEW)
    assert notice.person_id == staff_id
    assert "Buổi sáng thứ Hai học ở phòng nào ạ?" in notice.text
    assert f"số {asked.question_id}" in notice.text
    assert notice.choices == [[[T.ANSWER_BUTTON, f"traloi {asked.question_id}"]]]


async def test_a_question_asked_during_a_session_is_filed_under_that_session(
    database: Database, sample_class: SampleClass, staff_id: int, learner_id: int
) -> None:
    clock = FixedClock(MONDAY_0800)
    asked = await ask(database, learner_id, "Thầy nhắc lại ý thứ ba được không ạ?", clock)

    stored = await question(database, asked.question_id)
    async with database.uow() as uow:
        running = await uow.session.get(Session, stored.session_id)
    assert running is not None and running.number == 1
    [notice] = await notifications(database, kind=Q.KIND_NEW)
    assert "Buổi: 1" in notice.text


async def test_the_afternoon_of_a_teaching_day_files_the_nearest_session_of_that_day(
    database: Database, sample_class: SampleClass, staff_id: int, learner_id: int
) -> None:
    clock = FixedClock(datetime(2024, 3, 4, 12, 30, tzinfo=TZ))  # lunch, between 1 and 2
    asked = await ask(database, learner_id, "Chiều nay mấy giờ vào học ạ?", clock)
    async with database.uow() as uow:
        stored = await uow.session.get(Question, asked.question_id)
        assert stored is not None and stored.session_id is not None
        s = await uow.session.get(Session, stored.session_id)
    assert s is not None and s.number == 2


@pytest.mark.parametrize(
    ("text", "has_media", "reason"),
    [
        ("", False, Refusal.EMPTY),
        ("   \n ", False, Refusal.EMPTY),
        ("", True, Refusal.MEDIA_ONLY),
        ("x" * 2001, False, Refusal.TOO_LONG),
    ],
)
async def test_empty_media_only_or_too_long_questions_are_refused_and_nothing_is_stored(
    database: Database,
    sample_class: SampleClass,
    staff_id: int,
    learner_id: int,
    clock: FixedClock,
    text: str,
    has_media: bool,
    reason: Refusal,
) -> None:
    with pytest.raises(Refused) as refused:
        await Q.ask_question(
            database.uow(),
            person_id=learner_id,
            text=text,
            has_media=has_media,
            now=clock.now(),
            settings=SETTINGS,
        )
    assert refused.value.reason == reason
    async with database.uow() as uow:
        assert await uow.session.scalar(select(func.count(Question.id))) == 0
    assert await notifications(database) == []


async def test_a_learner_with_too_many_open_questions_must_wait_for_answers(
    database: Database, sample_class: SampleClass, staff_id: int, learner_id: int, clock: FixedClock
) -> None:
    settings = replace(SETTINGS, questions=QuestionSettings(max_open_per_learner=2))
    first = await ask(database, learner_id, "Câu một", clock, settings)
    await ask(database, learner_id, "Câu hai", clock, settings)
    with pytest.raises(Refused) as refused:
        await ask(database, learner_id, "Câu ba", clock, settings)
    assert refused.value.reason == Refusal.TOO_MANY_OPEN
    assert refused.value.details == {"count": 2, "limit": 2}

    await Q.answer_question(
        database.uow(),
        actor=as_staff(staff_id),
        question_id=first.question_id,
        text="Đã rõ.",
        now=clock.now(),
    )
    await ask(database, learner_id, "Câu ba", clock, settings)  # one answered: room again


async def test_more_questions_an_hour_than_allowed_are_refused_until_the_hour_passes(
    database: Database, sample_class: SampleClass, staff_id: int, learner_id: int, clock: FixedClock
) -> None:
    settings = replace(
        SETTINGS, questions=QuestionSettings(max_per_hour=2, max_open_per_learner=10)
    )
    await ask(database, learner_id, "Một", clock, settings)
    clock.advance(minutes=10)
    await ask(database, learner_id, "Hai", clock, settings)
    clock.advance(minutes=10)
    with pytest.raises(Refused) as refused:
        await ask(database, learner_id, "Ba", clock, settings)
    assert refused.value.reason == Refusal.TOO_MANY_PER_HOUR
    clock.advance(minutes=41)  # the first is now more than an hour old
    await ask(database, learner_id, "Ba", clock, settings)


async def test_someone_on_no_roster_cannot_ask(
    database: Database, centre_id: int, clock: FixedClock
) -> None:
    leader = await staff_person(database, centre_id)  # any person with no enrollment
    with pytest.raises(Refused) as refused:
        await ask(database, leader, "Xin chào", clock)
    assert refused.value.reason == Refusal.NO_CLASS


async def test_free_text_is_kept_as_a_draft_until_the_learner_sends_it(
    database: Database, sample_class: SampleClass, staff_id: int, learner_id: int, clock: FixedClock
) -> None:
    draft = await Q.draft_question(
        database.uow(),
        person_id=learner_id,
        text="Em xin tài liệu buổi 2",
        now=clock.now(),
        settings=SETTINGS,
    )
    assert [c.code for c in draft.classes] == [sample_class.code]
    assert await notifications(database) == []  # nobody is told about a draft
    queue = await Q.open_questions(database.uow(), actor=as_staff(staff_id))
    assert queue.total == 0

    clock.advance(minutes=2)
    asked = await Q.send_draft(
        database.uow(),
        person_id=learner_id,
        question_id=draft.question_id,
        now=clock.now(),
        settings=SETTINGS,
    )
    assert asked.question_id == draft.question_id
    stored = await question(database, draft.question_id)
    assert stored.status == QuestionStatus.OPEN and stored.created_at == clock.now()
    assert len(await notifications(database, kind=Q.KIND_NEW)) == 1

    with pytest.raises(Refused) as again:  # a second press of "Gửi"
        await Q.send_draft(
            database.uow(),
            person_id=learner_id,
            question_id=draft.question_id,
            now=clock.now(),
            settings=SETTINGS,
        )
    assert again.value.reason == Refusal.ALREADY_SENT
    assert len(await notifications(database, kind=Q.KIND_NEW)) == 1


async def test_a_dropped_draft_is_forgotten_and_only_its_owner_can_send_it(
    database: Database, sample_class: SampleClass, staff_id: int, clock: FixedClock
) -> None:
    owner, other = (await learners(database, sample_class.id))[:2]
    draft = await Q.draft_question(
        database.uow(), person_id=owner, text="cảm ơn", now=clock.now(), settings=SETTINGS
    )
    with pytest.raises(Refused) as refused:
        await Q.send_draft(
            database.uow(),
            person_id=other,
            question_id=draft.question_id,
            now=clock.now(),
            settings=SETTINGS,
        )
    assert refused.value.reason == Refusal.NOT_FOUND
    await Q.drop_draft(database.uow(), person_id=owner, question_id=draft.question_id)
    async with database.uow() as uow:
        assert await uow.session.get(Question, draft.question_id) is None


async def test_a_learner_of_two_classes_says_which_class_the_question_is_for(
    database: Database, sample_class: SampleClass, staff_id: int, learner_id: int, clock: FixedClock
) -> None:
    second = await make_sample_class(database, sample_class.centre_id, code="SC-K5")
    outcome = await Q.ask_question(
        database.uow(),
        person_id=learner_id,
        text="Lớp mình thi ngày nào?",
        now=clock.now(),
        settings=SETTINGS,
    )
    assert isinstance(outcome, Q.NeedsClass)
    assert {c.code for c in outcome.classes} == {sample_class.code, "SC-K5"}
    assert await notifications(database) == []

    asked = await Q.send_draft(
        database.uow(),
        person_id=learner_id,
        question_id=outcome.question_id,
        class_id=second.id,
        now=clock.now(),
        settings=SETTINGS,
    )
    assert asked.class_code == "SC-K5"
    assert (await question(database, asked.question_id)).class_id == second.id


# --- the staff side ----------------------------------------------------------------------


async def test_staff_see_open_questions_oldest_first_per_class_and_by_page(
    database: Database, sample_class: SampleClass, staff_id: int, clock: FixedClock
) -> None:
    people = await learners(database, sample_class.id)
    second = await make_sample_class(database, sample_class.centre_id, code="SC-K5")
    asked = []
    for i, person in enumerate(people[:7]):
        clock.advance(minutes=5)
        outcome = await Q.ask_question(
            database.uow(),
            person_id=person,
            text=f"Câu hỏi {i}",
            now=clock.now(),
            settings=SETTINGS,
            class_id=second.id if i == 6 else sample_class.id,
        )
        assert isinstance(outcome, Q.Asked)
        asked.append(outcome.question_id)

    first = await Q.open_questions(database.uow(), actor=as_staff(staff_id))
    assert (first.total, first.page, first.pages) == (7, 1, 2)
    assert [v.id for v in first.items] == asked[:5]
    assert dict(first.counts) == {sample_class.code: 6, "SC-K5": 1}
    last = await Q.open_questions(database.uow(), actor=as_staff(staff_id), page=2)
    assert [v.id for v in last.items] == asked[5:]
    only = await Q.open_questions(database.uow(), actor=as_staff(staff_id), class_code="sc-k5")
    assert [v.id for v in only.items] == [asked[6]]
    assert only.class_code == "SC-K5"


async def test_staff_answer_reaches_the_learner_and_closes_the_question_with_who_and_when(
    database: Database, sample_class: SampleClass, staff_id: int, learner_id: int, clock: FixedClock
) -> None:
    asked = await ask(database, learner_id, "Có cần mang sổ ghi chép không?", clock)
    clock.advance(hours=1)
    view = await Q.answer_question(
        database.uow(),
        actor=as_staff(staff_id),
        question_id=asked.question_id,
        text="Có, bạn mang theo sổ và bút.",
        now=clock.now(),
    )

    assert view.status == QuestionStatus.ANSWERED
    stored = await question(database, asked.question_id)
    assert stored.answered_by == staff_id and stored.answered_at == clock.now()
    assert stored.answer_text == "Có, bạn mang theo sổ và bút."
    [notice] = await notifications(database, kind=Q.KIND_ANSWER)
    assert notice.person_id == learner_id
    assert "Có, bạn mang theo sổ và bút." in notice.text
    assert "Có cần mang sổ ghi chép không?" in notice.text
    assert (await Q.open_questions(database.uow(), actor=as_staff(staff_id))).total == 0

    with pytest.raises(Refused) as twice:  # a colleague answers a moment later
        await Q.answer_question(
            database.uow(),
            actor=as_staff(staff_id),
            question_id=asked.question_id,
            text="Có.",
            now=clock.now(),
        )
    assert twice.value.reason == Refusal.ALREADY_DONE
    assert len(await notifications(database, kind=Q.KIND_ANSWER)) == 1


async def test_a_question_can_be_marked_answered_in_class_or_closed_with_a_reason(
    database: Database, sample_class: SampleClass, staff_id: int, clock: FixedClock
) -> None:
    first, second = (await learners(database, sample_class.id))[:2]
    in_class = await ask(database, first, "Khái niệm này hiểu thế nào?", clock)
    closed = await ask(database, second, "Cho em nghỉ cả khóa được không?", clock)

    await Q.mark_answered_in_class(
        database.uow(),
        actor=as_staff(staff_id),
        question_id=in_class.question_id,
        now=clock.now(),
    )
    await Q.close_question(
        database.uow(),
        actor=as_staff(staff_id),
        question_id=closed.question_id,
        reason="Việc xin nghỉ xin gửi qua /xinphep.",
        now=clock.now(),
    )

    assert (await question(database, in_class.question_id)).status == (
        QuestionStatus.ANSWERED_IN_CLASS
    )
    done = await question(database, closed.question_id)
    assert done.status == QuestionStatus.CLOSED and done.answered_by == staff_id
    assert done.close_reason == "Việc xin nghỉ xin gửi qua /xinphep."
    [told_in_class] = await notifications(database, kind=Q.KIND_IN_CLASS)
    assert told_in_class.person_id == first and "giải đáp trên lớp" in told_in_class.text
    [told_closed] = await notifications(database, kind=Q.KIND_CLOSED)
    assert told_closed.person_id == second and "/xinphep" in told_closed.text


async def test_an_answer_shared_with_the_class_reaches_every_other_learner_once(
    database: Database, sample_class: SampleClass, staff_id: int, learner_id: int, clock: FixedClock
) -> None:
    asked = await ask(database, learner_id, "Khi nào có tài liệu ôn tập?", clock)
    with pytest.raises(Refused) as early:
        await Q.share_answer(
            database.uow(),
            actor=as_staff(staff_id),
            question_id=asked.question_id,
            now=clock.now(),
        )
    assert early.value.reason == Refusal.NOT_ANSWERED
    await Q.answer_question(
        database.uow(),
        actor=as_staff(staff_id),
        question_id=asked.question_id,
        text="Thứ Sáu trung tâm phát tài liệu.",
        now=clock.now(),
    )

    count = await Q.share_answer(
        database.uow(), actor=as_staff(staff_id), question_id=asked.question_id, now=clock.now()
    )

    shared = await notifications(database, kind=Q.KIND_SHARED)
    assert count == len(shared) == 44  # the 45 of the roster but the asker
    assert learner_id not in {n.person_id for n in shared}
    async with database.uow() as uow:
        asker = await uow.session.get(Person, learner_id)
    assert asker is not None and asker.full_name not in shared[0].text  # the asker stays unnamed
    assert "Thứ Sáu trung tâm phát tài liệu." in shared[0].text
    assert (await question(database, asked.question_id)).shared_with_class
    with pytest.raises(Refused) as twice:
        await Q.share_answer(
            database.uow(),
            actor=as_staff(staff_id),
            question_id=asked.question_id,
            now=clock.now(),
        )
    assert twice.value.reason == Refusal.ALREADY_SHARED


async def test_only_staff_of_the_learners_centre_see_or_answer_a_question(
    database: Database, sample_class: SampleClass, staff_id: int, learner_id: int, clock: FixedClock
) -> None:
    asked = await ask(database, learner_id, "Câu hỏi riêng", clock)
    stranger = await other_centre_staff(database)
    classmate = (await learners(database, sample_class.id))[1]
    async with database.uow() as uow:  # a unit leader of the learner's own unit
        unit_id = await uow.session.scalar(select(Person.unit_id).where(Person.id == learner_id))
        assert unit_id is not None
        unit = await uow.session.get(Unit, unit_id)
        assert unit is not None
        leader = Person(centre_id=unit.centre_id, full_name="Lãnh đạo", name_key="lanh dao")
        uow.session.add(leader)
        await uow.session.flush()
        uow.session.add(UnitLeader(unit_id=unit_id, person_id=leader.id))
        leader_id = leader.id
        await uow.commit()

    for outsider in (stranger, classmate, leader_id):
        assert (await Q.open_questions(database.uow(), actor=as_staff(outsider))).total == 0
        with pytest.raises(Refused) as refused:
            await Q.answer_question(
                database.uow(),
                actor=as_staff(outsider),
                question_id=asked.question_id,
                text="Tôi trả lời",
                now=clock.now(),
            )
        assert refused.value.reason == Refusal.NOT_FOUND
    assert (await question(database, asked.question_id)).status == QuestionStatus.OPEN


async def test_a_learner_sees_only_their_own_questions_and_answers(
    database: Database, sample_class: SampleClass, staff_id: int, clock: FixedClock
) -> None:
    mine, theirs = (await learners(database, sample_class.id))[:2]
    a = await ask(database, mine, "Câu của tôi", clock)
    clock.advance(minutes=1)
    await ask(database, theirs, "Câu của bạn khác", clock)
    await Q.answer_question(
        database.uow(),
        actor=as_staff(staff_id),
        question_id=a.question_id,
        text="Trả lời",
        now=clock.now(),
    )
    views, total = await Q.my_questions(database.uow(), person_id=mine)
    assert total == 1
    assert [(v.text, v.answer_text) for v in views] == [("Câu của tôi", "Trả lời")]


# --- reminders and exports ----------------------------------------------------------------


async def test_the_daily_digest_lists_questions_open_too_long_once_a_day(
    database: Database, sample_class: SampleClass, staff_id: int, clock: FixedClock
) -> None:
    first, second = (await learners(database, sample_class.id))[:2]
    old = await ask(database, first, "Câu hỏi đã chờ lâu", clock)
    clock.advance(hours=20)
    await ask(database, second, "Câu hỏi mới hỏi", clock)
    clock.advance(hours=5)  # the first has waited 25 hours, the second 5

    assert await Q.plan_digest(database.uow(), now=clock.now(), settings=SETTINGS) == 1
    [digest] = await notifications(database, kind=Q.KIND_DIGEST)
    assert digest.person_id == staff_id
    assert f"#{old.question_id}" in digest.text and "Câu hỏi đã chờ lâu" in digest.text
    assert "Câu hỏi mới hỏi" not in digest.text
    assert await Q.plan_digest(database.uow(), now=clock.now(), settings=SETTINGS) == 0


async def test_no_digest_when_nothing_has_waited_too_long(
    database: Database, sample_class: SampleClass, staff_id: int, learner_id: int, clock: FixedClock
) -> None:
    await ask(database, learner_id, "Câu hỏi mới", clock)
    assert await Q.plan_digest(database.uow(), now=clock.now(), settings=SETTINGS) == 0


async def test_the_digest_job_runs_daily_at_the_configured_time_in_the_centres_zone(
    sqlite_db: Database,
) -> None:
    settings = replace(SETTINGS, questions=QuestionSettings(digest_at=time(7, 15)))
    scheduler = AsyncIOScheduler(timezone=TZ)
    question_jobs.register(
        scheduler, sqlite_db, FixedClock(datetime(2024, 3, 3, tzinfo=TZ)), settings
    )
    job = scheduler.get_job(question_jobs.DIGEST_JOB_ID)
    assert job is not None
    fire = job.trigger.get_next_fire_time(None, datetime(2024, 3, 4, 6, 0, tzinfo=TZ))
    assert fire == datetime(2024, 3, 4, 7, 15, tzinfo=TZ)


async def test_questions_and_answers_of_a_class_export_to_xlsx(
    database: Database, sample_class: SampleClass, staff_id: int, learner_id: int, clock: FixedClock
) -> None:
    asked = await ask(database, learner_id, '=HYPERLINK("x") có nguy hiểm không?', clock)
    await Q.answer_question(
        database.uow(),
        actor=as_staff(staff_id),
        question_id=asked.question_id,
        text="Không sao.",
        now=clock.now(),
    )
    await Q.draft_question(  # a draft is not a question and stays out of the export
        database.uow(), person_id=learner_id, text="ok", now=clock.now(), settings=SETTINGS
    )
    views = await Q.class_questions(database.uow(), class_id=sample_class.id)
    assert len(views) == 1
    klass = Q.ClassChoice(sample_class.id, sample_class.code, "")
    data = RQ.questions_workbook(klass, views, TZ)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(values) if row[0] == "Số")
    row = values[header_at + 1]
    assert row[0] == asked.question_id
    assert row[4] == '=HYPERLINK("x") có nguy hiểm không?'  # text, not a formula
    assert row[5] == T.STATUS_ANSWERED and row[6] == "Không sao."


async def test_a_days_check_ins_export_lists_every_learner_of_each_session(
    database: Database, sample_class: SampleClass, staff_id: int, learner_id: int
) -> None:
    async with database.uow() as uow:
        s1 = await uow.session.scalar(
            select(Session).where(Session.class_id == sample_class.id, Session.number == 1)
        )
        assert s1 is not None
        uow.session.add(
            Attendance(
                session_id=s1.id,
                person_id=learner_id,
                status=AttendanceStatus.PRESENT,
                method=AttendanceMethod.CHECKIN,
                marked_by=learner_id,
                marked_at=MONDAY_0800,
            )
        )
        await uow.commit()
    day = MONDAY_0800.date()
    checkins = await class_checkins(
        database.uow(), class_id=sample_class.id, start=day, end=day, tz=TZ
    )
    count = len(checkins.rows)
    assert count == 2 * 45  # two sessions on Monday 04/03
    data = RA.checkins_workbook(checkins, TZ)
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    statuses = [r[6] for r in rows if r and r[0] == 1]
    assert statuses.count("Có mặt") == 1 and statuses.count("Chưa điểm danh") == 44
    week = await class_checkins(
        database.uow(), class_id=sample_class.id, start=day, end=day + timedelta(days=6), tz=TZ
    )
    assert len(week.rows) > count


# --- through the dispatcher (channel-neutral) --------------------------------------------


async def dispatcher_for(db: Database, centre_id: int, clock: FixedClock) -> Dispatcher:
    services = Services(db=db, clock=clock, settings=SETTINGS, centre_id=centre_id)
    return Dispatcher(services, ROUTES)


async def link(db: Database, channel: str, user_id: str, person_id: int) -> None:
    async with db.uow() as uow:
        uow.session.add(
            ChatAccount(
                centre_id=await centre_of(uow.session, person_id),
                channel=channel,
                external_id=user_id,
                chat_id=user_id,
                person_id=person_id,
            )
        )
        await uow.commit()


def said(text: str = "", **kw: object) -> Incoming:
    return Incoming(channel="telegram", user_id=LEARNER_TG, chat_id=LEARNER_TG, text=text, **kw)  # type: ignore[arg-type]


async def test_free_text_from_a_learner_is_offered_as_a_question_and_sent_with_a_button(
    database: Database, sample_class: SampleClass, staff_id: int, learner_id: int, clock: FixedClock
) -> None:
    await link(database, "telegram", LEARNER_TG, learner_id)
    dispatcher = await dispatcher_for(database, sample_class.centre_id, clock)

    [offer] = await dispatcher.handle(said("Ngày mai có học không ạ?"))
    assert offer.text.startswith("Bạn muốn gửi câu hỏi này cho cán bộ trung tâm?")
    send, cancel = offer.choices[0]
    assert (send.label, cancel.label) == (T.SEND_BUTTON, T.CANCEL_BUTTON)

    command, number, key = send.data.split()  # the id and the mark of the draft's text
    [receipt] = await dispatcher.handle(said(command=command, args=(number, key), pressed=True))
    assert f"số {number}" in receipt.text
    assert len(await notifications(database, kind=Q.KIND_NEW)) == 1


async def test_on_a_channel_without_buttons_the_learner_types_the_number(
    database: Database, sample_class: SampleClass, staff_id: int, learner_id: int, clock: FixedClock
) -> None:
    await link(database, "zalo", "z1", learner_id)
    dispatcher = await dispatcher_for(database, sample_class.centre_id, clock)
    zalo = Incoming(channel="zalo", user_id="z1", chat_id="z1")

    [offer] = await dispatcher.handle(replace(zalo, text="Cho em hỏi lịch thi"), has_buttons=False)
    assert offer.choices
    [receipt] = await dispatcher.handle(replace(zalo, text="1"), has_buttons=False)
    assert receipt.text.startswith("✅ Đã gửi câu hỏi số")


async def test_hoi_alone_waits_for_the_question_as_the_next_message(
    database: Database, sample_class: SampleClass, staff_id: int, learner_id: int, clock: FixedClock
) -> None:
    await link(database, "telegram", LEARNER_TG, learner_id)
    dispatcher = await dispatcher_for(database, sample_class.centre_id, clock)

    [prompt] = await dispatcher.handle(said("/hoi", command="hoi"))
    assert prompt.expect_input == "hoi"
    [refused] = await dispatcher.handle(said("", has_media=True))  # a photo with no caption
    assert refused.text == T.MEDIA_ONLY and refused.expect_input == "hoi"
    [receipt] = await dispatcher.handle(said("Dòng một\nDòng hai"))
    assert receipt.text.startswith("✅ Đã gửi câu hỏi số")
    async with database.uow() as uow:
        assert await uow.session.scalar(select(Question.text)) == "Dòng một\nDòng hai"


async def test_free_text_from_someone_unlinked_still_goes_to_linking(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    dispatcher = await dispatcher_for(database, sample_class.centre_id, clock)
    [reply] = await dispatcher.handle(said("xin chào"))
    assert "Sổ Liên Lạc" in reply.text  # the welcome, not a question offer
    async with database.uow() as uow:
        assert await uow.session.scalar(select(func.count(Question.id))) == 0


async def test_staff_answer_by_button_then_text_through_the_dispatcher(
    database: Database, sample_class: SampleClass, staff_id: int, learner_id: int, clock: FixedClock
) -> None:
    asked = await ask(database, learner_id, "Phòng học ở đâu?", clock)
    dispatcher = await dispatcher_for(database, sample_class.centre_id, clock)
    staff = Incoming(channel="telegram", user_id=str(STAFF_TG), chat_id=str(STAFF_TG))
    async with database.uow() as uow:  # the staff member is on the staff list
        assert await uow.session.scalar(
            select(StaffMember.id).where(StaffMember.person_id == staff_id)
        )

    [prompt] = await dispatcher.handle(
        replace(staff, command="traloi", args=(str(asked.question_id),), pressed=True)
    )
    assert "Phòng học ở đâu?" in prompt.text
    assert prompt.expect_input == f"traloi {asked.question_id}"
    [done] = await dispatcher.handle(replace(staff, text="Phòng số 2, tầng 1."))
    assert done.text == T.ANSWER_SENT.format(number=asked.question_id)
    [notice] = await notifications(database, kind=Q.KIND_ANSWER)
    assert notice.person_id == learner_id and "Phòng số 2, tầng 1." in notice.text


async def test_staff_mark_answered_in_class_close_with_a_reason_and_share_from_chat(
    database: Database, sample_class: SampleClass, staff_id: int, clock: FixedClock
) -> None:
    first, second, third = (await learners(database, sample_class.id))[:3]
    in_class = await ask(database, first, "Câu đã giảng trên lớp", clock)
    closed = await ask(database, second, "Câu không thuộc lớp học", clock)
    shared = await ask(database, third, "Câu cả lớp cần biết", clock)
    dispatcher = await dispatcher_for(database, sample_class.centre_id, clock)
    staff = Incoming(channel="telegram", user_id=str(STAFF_TG), chat_id=str(STAFF_TG))

    def press(data: str) -> Incoming:
        command, *args = data.split()
        return replace(staff, command=command, args=tuple(args), pressed=True)

    [prompt] = await dispatcher.handle(press(f"traloi {in_class.question_id}"))
    in_class_button, close_button = (row[0] for row in prompt.choices)
    assert close_button.data == f"dongcauhoi {in_class.question_id}"
    [done] = await dispatcher.handle(press(in_class_button.data))
    assert done.text == T.IN_CLASS_DONE.format(number=in_class.question_id)

    [ask_reason] = await dispatcher.handle(press(f"dongcauhoi {closed.question_id}"))
    assert ask_reason.expect_input == f"dongcauhoi {closed.question_id}"
    [done] = await dispatcher.handle(replace(staff, text="Xin hỏi phòng Tổ chức cán bộ."))
    assert done.text == T.CLOSED_DONE.format(number=closed.question_id)

    [answered] = await dispatcher.handle(
        replace(staff, text=f"/traloi {shared.question_id} Thứ Sáu thi viết.", command="traloi",
                args=(str(shared.question_id), "Thứ", "Sáu", "thi", "viết."))
    )  # fmt: skip
    [share_button] = answered.choices[0]
    [done] = await dispatcher.handle(press(share_button.data))
    assert done.text == T.SHARED_DONE.format(number=shared.question_id, count=44)

    [again] = await dispatcher.handle(press(in_class_button.data))  # pressed a second time
    assert again.text.startswith(f"Câu hỏi số {in_class.question_id} đã được")
    told = {n.kind for n in await notifications(database, person_id=second)}
    assert told == {Q.KIND_CLOSED, Q.KIND_SHARED}  # her own question, and the shared answer


async def test_a_flooding_learner_is_told_plainly_in_chat(
    database: Database, sample_class: SampleClass, staff_id: int, learner_id: int, clock: FixedClock
) -> None:
    await link(database, "telegram", LEARNER_TG, learner_id)
    settings = replace(SETTINGS, questions=QuestionSettings(max_open_per_learner=1))
    services = Services(
        db=database, clock=clock, settings=settings, centre_id=sample_class.centre_id
    )
    dispatcher = Dispatcher(services, ROUTES)

    [ok] = await dispatcher.handle(said("/hoi Một", command="hoi", args=("Một",)))
    assert ok.text.startswith("✅ Đã gửi câu hỏi số")
    [refused] = await dispatcher.handle(said("/hoi Hai", command="hoi", args=("Hai",)))
    assert refused.text == T.TOO_MANY_OPEN.format(count=1, limit=1)
    [offer] = await dispatcher.handle(said("Ba"))
    [refused] = await dispatcher.handle(
        said(command="hoigui", args=(offer.choices[0][0].data.split()[1],), pressed=True)
    )
    assert refused.text == T.TOO_MANY_OPEN.format(count=1, limit=1)


async def test_a_learner_of_two_classes_picks_the_class_with_a_button(
    database: Database, sample_class: SampleClass, staff_id: int, learner_id: int, clock: FixedClock
) -> None:
    await make_sample_class(database, sample_class.centre_id, code="SC-K5")
    await link(database, "telegram", LEARNER_TG, learner_id)
    dispatcher = await dispatcher_for(database, sample_class.centre_id, clock)

    [which] = await dispatcher.handle(
        said("/hoi Thi ngày nào?", command="hoi", args=("Thi", "ngày", "nào?"))
    )
    assert which.text == T.WHICH_CLASS
    labels = [row[0].label for row in which.choices]
    assert labels == [
        T.SEND_TO_CLASS_BUTTON.format(code="SC-K4"),
        T.SEND_TO_CLASS_BUTTON.format(code="SC-K5"),
        T.CANCEL_BUTTON,
    ]
    command, *args = which.choices[1][0].data.split()
    [receipt] = await dispatcher.handle(said(command=command, args=tuple(args), pressed=True))
    assert "lớp SC-K5" in receipt.text


async def test_the_scheduled_digest_plans_through_the_database(
    database: Database, sample_class: SampleClass, staff_id: int, learner_id: int, clock: FixedClock
) -> None:
    await ask(database, learner_id, "Câu hỏi chờ lâu", clock)
    clock.advance(hours=30)
    assert await question_jobs.run_digest(database, clock, SETTINGS) == 1
    [digest] = await notifications(database, kind=Q.KIND_DIGEST)
    assert digest.choices == [[[T.QUEUE_BUTTON, "cauhoi"]]]
