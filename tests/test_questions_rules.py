"""The decisions of questions without a database: text limits, flooding, which class and
session a question belongs to, sharing, digest keys, and the wording of every refusal."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from texts import questions as T
from texts.refusals import REFUSALS, say
from usecases.questions.rules import (
    ANSWER_MAX_LENGTH,
    DONE,
    ClassChoice,
    ClassDates,
    QuestionReason,
    SessionSlot,
    check_flood,
    clean_text,
    current_classes,
    digest_key,
    draft_key,
    excerpt,
    normal_code,
    pick_session,
    refuse_share,
    staff_text,
    when_text,
)
from usecases.refusal import Refused
from usecases.settings import QuestionSettings

from .conftest import TZ

LIMITS = QuestionSettings(max_open_per_learner=3, max_per_hour=5, max_length=50)
MONDAY = datetime(2024, 3, 4, 8, 0, tzinfo=TZ)


def refusal(call: object, *args: object, **kwargs: object) -> Refused:
    assert callable(call)
    with pytest.raises(Refused) as refused:
        call(*args, **kwargs)
    return refused.value


def test_a_question_keeps_its_lines_and_loses_the_blanks_around_them() -> None:
    text = "  Thưa thầy,\n  1. Phòng nào?   \n2. Mấy giờ?\n\n"
    assert (
        clean_text(text, has_media=False, limits=LIMITS)
        == "Thưa thầy,\n  1. Phòng nào?\n2. Mấy giờ?"
    )


def test_a_question_in_decomposed_unicode_is_stored_composed() -> None:
    decomposed = "Ho\u0309i"  # "Hỏi" with a combining hook
    assert clean_text(decomposed, has_media=False, limits=LIMITS) == "Hỏi"


@pytest.mark.parametrize(
    ("text", "has_media", "reason"),
    [
        ("", False, QuestionReason.EMPTY),
        (" \n\u200b\n ", False, QuestionReason.EMPTY),
        ("", True, QuestionReason.MEDIA_ONLY),
        ("x" * 51, False, QuestionReason.TOO_LONG),
    ],
)
def test_empty_media_only_and_too_long_questions_are_refused(
    text: str, has_media: bool, reason: QuestionReason
) -> None:
    refused = refusal(clean_text, text, has_media=has_media, limits=LIMITS)
    assert refused.reason == reason
    if reason == QuestionReason.TOO_LONG:
        assert say(refused) == T.TOO_LONG.format(length=51, limit=50)


def test_staff_answers_and_reasons_have_their_own_limits_and_wording() -> None:
    assert staff_text("Phòng 204.") == "Phòng 204."
    assert refusal(staff_text, "  ").reason == QuestionReason.ANSWER_EMPTY
    why = refusal(staff_text, "", empty=QuestionReason.REASON_EMPTY)
    assert say(why) == T.REASON_EMPTY
    long = refusal(staff_text, "a" * (ANSWER_MAX_LENGTH + 1))
    assert long.reason == QuestionReason.ANSWER_TOO_LONG
    assert long.details == {"length": ANSWER_MAX_LENGTH + 1, "limit": ANSWER_MAX_LENGTH}


def test_flooding_is_refused_by_open_questions_first_then_by_the_hour() -> None:
    check_flood(2, 4, LIMITS)  # under both limits
    too_many = refusal(check_flood, 3, 0, LIMITS)
    assert too_many.reason == QuestionReason.TOO_MANY_OPEN
    assert say(too_many) == T.TOO_MANY_OPEN.format(count=3, limit=3)
    assert refusal(check_flood, 3, 9, LIMITS).reason == QuestionReason.TOO_MANY_OPEN
    hourly = refusal(check_flood, 0, 5, LIMITS)
    assert hourly.reason == QuestionReason.TOO_MANY_PER_HOUR
    assert hourly.details == {"count": 5, "limit": 5}


def test_a_question_is_for_the_classes_not_yet_ended_or_all_when_all_have() -> None:
    old = ClassDates(ClassChoice(1, "SC-K3", "Khóa 3"), date(2024, 1, 31))
    running = ClassDates(ClassChoice(2, "SC-K4", "Khóa 4"), date(2024, 3, 13))
    open_ended = ClassDates(ClassChoice(3, "BD-1", "Bồi dưỡng"), None)
    today = date(2024, 3, 4)
    assert [c.code for c in current_classes([old, running, open_ended], today)] == [
        "SC-K4",
        "BD-1",
    ]
    assert [c.code for c in current_classes([old, running], date(2024, 3, 13))] == ["SC-K4"]
    assert [c.code for c in current_classes([old, running], date(2024, 6, 1))] == [
        "SC-K3",
        "SC-K4",
    ]
    assert current_classes([], today) == []


def test_the_running_session_wins_else_the_nearest_of_the_day() -> None:
    morning = SessionSlot(1, MONDAY - timedelta(minutes=30), MONDAY + timedelta(hours=3))
    afternoon = SessionSlot(2, MONDAY + timedelta(hours=5, minutes=30), MONDAY + timedelta(hours=9))
    assert pick_session([afternoon, morning], MONDAY) == morning
    assert pick_session([morning, afternoon], MONDAY + timedelta(hours=4, minutes=30)) == afternoon
    assert pick_session([afternoon, morning], MONDAY - timedelta(hours=1)) == morning  # early
    assert pick_session([], MONDAY) is None


def test_only_an_answer_in_words_is_shared_and_only_once() -> None:
    refuse_share(7, "answered", "Phòng 204.", False)
    assert refusal(refuse_share, 7, "answered_in_class", None, False).reason == (
        QuestionReason.NOT_ANSWERED
    )
    assert refusal(refuse_share, 7, "answered", "", False).reason == QuestionReason.NOT_ANSWERED
    again = refusal(refuse_share, 7, "answered", "Phòng 204.", True)
    assert say(again) == T.ALREADY_SHARED.format(number=7)


def test_a_draft_key_names_its_text_and_fits_a_button() -> None:
    key = draft_key("Phòng nào?")
    assert key == draft_key("Phòng nào?") != draft_key("Phòng nào ?")
    assert key.startswith("k") and len(f"hoigui 123456 78 {key}".encode()) <= 64


def test_digest_keys_name_the_local_day_the_person_and_the_centre() -> None:
    assert digest_key(date(2024, 3, 4), 12, 1) == "question:digest:2024-03-04:12:1"
    assert digest_key(date(2024, 3, 5), 12, 1) != digest_key(date(2024, 3, 4), 12, 1)


def test_times_codes_and_excerpts_as_people_read_them() -> None:
    assert when_text(MONDAY.astimezone(TZ), TZ) == "8h00 04/03/2024"
    assert normal_code(" sc-k4 ") == "SC-K4"
    assert excerpt("ngắn") == "ngắn"
    cut = excerpt("a" * 400)
    assert len(cut) == 300 and cut.endswith("…")


def test_every_refusal_of_questions_has_wording() -> None:
    for reason in QuestionReason:
        assert reason.value in REFUSALS, reason


def test_the_rules_statuses_are_the_databases() -> None:
    from db.models import QuestionStatus

    assert set(DONE) == {
        QuestionStatus.ANSWERED,
        QuestionStatus.ANSWERED_IN_CLASS,
        QuestionStatus.CLOSED,
    }
    assert set(T.STATUS_NAMES) == {s.value for s in QuestionStatus} - {"draft"}
