"""The evaluation after training: asked once per leader and class, a configurable time after the
course ends; ratings with buttons, an optional comment, answers kept and counted."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import select

from bot.dispatch import Dispatcher
from channels.incoming import Incoming
from db.database import Database
from db.models import ChatAccount, Notification, Person, SurveyAnswer
from handlers.base import Services
from handlers.routes import ROUTES
from render import stats as RS
from tests.conftest import TZ, SampleClass
from texts.survey import RATING_LABELS
from usecases import classes
from usecases import stats as S
from usecases import survey as V
from usecases.clock import FixedClock
from usecases.identity import Actor
from usecases.refusal import Refused
from usecases.settings import Settings
from vn.text import name_key

AFTER_DAYS = 30  # the sample class ends on 13/03/2024, so it is due on 12/04/2024


def at(day: int, month: int) -> datetime:
    return datetime(2024, month, day, 8, 0, tzinfo=TZ)


async def leaders(db: Database, klass: SampleClass) -> tuple[int, int]:
    thang = await classes.add_unit_leader(
        db.uow(),
        actor=Actor.cli(klass.centre_id),
        centre_id=klass.centre_id,
        unit_name="Đoàn xã Phiêng Ban",
        full_name="Hà Văn Thắng",
        phone="0912345678",
    )
    hung = await classes.add_unit_leader(
        db.uow(),
        actor=Actor.cli(klass.centre_id),
        centre_id=klass.centre_id,
        unit_name="Chi bộ thôn Trung Hà",
        full_name="Lò Văn Hùng",
        phone="0912345679",
    )
    return thang.id, hung.id


async def surveys(db: Database) -> list[Notification]:
    async with db.uow() as uow:
        query = select(Notification).where(Notification.kind == V.KIND).order_by(Notification.id)
        return list((await uow.session.scalars(query)).all())


async def test_each_leader_is_asked_once_when_the_configured_time_has_passed(
    database: Database, sample_class: SampleClass
) -> None:
    thang, hung = await leaders(database, sample_class)

    async def plan(day: int) -> int:
        return await V.plan_surveys(database.uow(), now=at(day, 4), after_days=AFTER_DAYS, tz=TZ)

    assert await plan(11) == 0
    assert await plan(12) == 2
    assert await plan(13) == 0  # daily re-check
    assert await V.plan_surveys(database.uow(), now=at(12, 4), after_days=7, tz=TZ) == 0
    sent = await surveys(database)
    assert sorted(n.person_id for n in sent) == sorted([thang, hung])
    mine = next(n for n in sent if n.person_id == thang)
    assert mine.text.startswith(
        "📝 Đánh giá sau đào tạo — lớp Sơ cấp lý luận chính trị khóa IV năm 2024 (SC-K4), "
        "kết thúc ngày 13/03/2024."
    )
    assert "6 học viên của Đoàn xã Phiêng Ban" in mine.text
    assert "Câu 1/3: Học viên của đơn vị vận dụng kiến thức" in mine.text
    assert mine.choices == [
        [[RATING_LABELS[r], f"khaosat {sample_class.id} 1 {r}"] for r in range(1, 6)]
    ]


async def test_a_course_that_ended_long_ago_is_not_surveyed_when_the_feature_starts(
    database: Database, sample_class: SampleClass
) -> None:
    await leaders(database, sample_class)
    assert await V.plan_surveys(database.uow(), now=at(30, 6), after_days=AFTER_DAYS, tz=TZ) == 0


async def test_a_leader_answers_with_buttons_and_a_comment_and_the_statistics_count_it(
    database: Database, sample_class: SampleClass
) -> None:
    thang, hung = await leaders(database, sample_class)
    await V.plan_surveys(database.uow(), now=at(12, 4), after_days=AFTER_DAYS, tz=TZ)
    assert await V.pending_survey(database.uow(), person_id=thang) == V.SurveyStep(
        sample_class.id, "SC-K4", 1
    )

    async def answer(number: int, rating: int) -> V.SurveyStep:
        return await V.answer_survey(
            database.uow(),
            person_id=thang,
            class_id=sample_class.id,
            number=number,
            rating=rating,
            now=at(12, 4),
        )

    step = await answer(1, 4)
    assert step.next_number == 2
    step = await answer(2, 5)
    step = await answer(3, 3)
    assert step.next_number is None and step.ask_comment
    step = await answer(1, 5)  # a correction
    assert step.ask_comment
    step = await V.comment_survey(
        database.uow(),
        person_id=thang,
        class_id=sample_class.id,
        comment="Học viên tiến bộ rõ.",
        now=at(12, 4),
    )
    assert step.done
    assert await V.pending_survey(database.uow(), person_id=thang) is None
    await V.answer_survey(
        database.uow(), person_id=hung, class_id=sample_class.id, number=1, rating=2, now=at(13, 4)
    )
    async with database.uow() as uow:
        rows = (
            await uow.session.scalars(select(SurveyAnswer).where(SurveyAnswer.person_id == thang))
        ).all()
    assert {(a.question_key, a.rating, a.comment) for a in rows} == {
        ("apply", 5, None),
        ("attitude", 5, None),
        ("useful", 3, None),
        ("comment", None, "Học viên tiến bộ rõ."),
    }
    assert all(a.unit_id is not None for a in rows)

    st = await S.compute_stats(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        centre_id=sample_class.centre_id,
        period=S.parse_period("month", "3/2024"),
        now=at(30, 4),
        tz=TZ,
    )
    assert [(s.question_key, s.answers, str(s.average)) for s in st.survey] == [
        ("apply", 2, "3.5"),
        ("attitude", 1, "5.0"),
        ("useful", 1, "3.0"),
    ]
    assert "   – Vận dụng kiến thức: 3,5/5" in RS.stats_text(st)


async def test_only_leaders_of_units_with_learners_in_the_class_may_answer(
    database: Database, sample_class: SampleClass
) -> None:
    await leaders(database, sample_class)
    async with database.uow() as uow:
        lan = await uow.session.scalar(
            select(Person.id).where(Person.name_key == name_key("Lê Thị Ngọc Lan"))
        )
    assert lan is not None
    with pytest.raises(Refused):
        await V.answer_survey(
            database.uow(),
            person_id=lan,
            class_id=sample_class.id,
            number=1,
            rating=5,
            now=at(1, 5),
        )
    outsider = await classes.add_unit_leader(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        centre_id=sample_class.centre_id,
        unit_name="UBND xã Không Có Học Viên",
        full_name="Người Ngoài",
        phone="0912000999",
    )
    with pytest.raises(Refused):
        await V.answer_survey(
            database.uow(),
            person_id=outsider.id,
            class_id=sample_class.id,
            number=1,
            rating=5,
            now=at(1, 5),
        )
    thang, _ = await leaders(database, sample_class)
    with pytest.raises(Refused):
        await V.answer_survey(
            database.uow(),
            person_id=thang,
            class_id=sample_class.id,
            number=1,
            rating=6,
            now=at(1, 5),
        )


async def test_in_chat_the_leader_presses_ratings_then_types_a_comment(
    database: Database, sample_class: SampleClass
) -> None:
    thang, _ = await leaders(database, sample_class)
    async with database.uow() as uow:
        uow.session.add(
            ChatAccount(
                centre_id=sample_class.centre_id,
                channel="zalo",
                external_id="z9",
                chat_id="z9",
                person_id=thang,
            )
        )
        await uow.commit()
    clock = FixedClock(at(12, 4))
    await V.plan_surveys(database.uow(), now=clock.now(), after_days=AFTER_DAYS, tz=TZ)
    services = Services(
        db=database, clock=clock, settings=Settings(), centre_id=sample_class.centre_id
    )
    chat = Dispatcher(services, ROUTES)
    zalo = Incoming(channel="zalo", user_id="z9", chat_id="z9")

    [question] = await chat.handle(replace(zalo, command="khaosat"), has_buttons=False)
    assert question.text.startswith("Câu 1/3:")
    for number in (2, 3):
        # Zalo has no buttons: the leader types the number of the choice (5 = "5 · Rất tốt").
        [question] = await chat.handle(replace(zalo, text="5"), has_buttons=False)
        assert question.text.startswith(f"Câu {number}/3:")
    [ask] = await chat.handle(replace(zalo, text="4"), has_buttons=False)
    assert ask.text.startswith("Cảm ơn đồng chí!") and ask.expect_input
    [thanks] = await chat.handle(replace(zalo, text="Học viên tiến bộ rõ"), has_buttons=False)
    assert thanks.text.startswith("🙏")
    async with database.uow() as uow:
        answers = dict(
            (
                await uow.session.execute(
                    select(SurveyAnswer.question_key, SurveyAnswer.rating).where(
                        SurveyAnswer.person_id == thang
                    )
                )
            ).all()
        )
        comment = await uow.session.scalar(
            select(SurveyAnswer.comment).where(SurveyAnswer.question_key == V.COMMENT_KEY)
        )
    assert answers == {"apply": 5, "attitude": 5, "useful": 4, "comment": None}
    assert comment == "Học viên tiến bộ rõ"
    [nothing] = await chat.handle(replace(zalo, command="khaosat"), has_buttons=False)
    assert nothing.text.startswith("Hiện không có phiếu đánh giá nào")
