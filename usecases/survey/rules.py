"""The decisions of the evaluation after training, over plain values: which question comes
next, whether an answer fits, which classes are due."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from texts import survey as T
from usecases.messages import Choice
from usecases.refusal import Reason, Refused

__all__ = [
    "COMMENT_KEY",
    "QUESTIONS",
    "RATINGS",
    "SURVEY_WINDOW_DAYS",
    "SurveyReason",
    "SurveyStep",
    "check_answer",
    "due_window",
    "next_step",
    "question_text",
    "rating_choices",
]

QUESTIONS: tuple[str, ...] = ("apply", "attitude", "useful")  # texts in texts/survey.py
COMMENT_KEY = "comment"
RATINGS = range(1, 6)
# Courses that ended longer ago than the configured delay plus this are not surveyed any more
# (so turning the feature on does not send surveys for years of old classes).
SURVEY_WINDOW_DAYS = 14


class SurveyReason(Reason):
    NOT_YOURS = "survey.not_yours"  # the person leads no unit with learners in the class
    BAD_ANSWER = "survey.bad_answer"  # a question or rating that does not exist


@dataclass(frozen=True)
class SurveyStep:
    """Where a leader is in one class's survey: the next question, the comment, or done."""

    class_id: int
    class_code: str
    next_number: int | None  # 1-based question to ask next
    ask_comment: bool = False

    @property
    def done(self) -> bool:
        return self.next_number is None and not self.ask_comment


def question_text(number: int) -> str:
    key = QUESTIONS[number - 1]
    return T.QUESTION.format(number=number, count=len(QUESTIONS), text=T.QUESTIONS[key])


def rating_choices(class_id: int, number: int) -> tuple[tuple[Choice, ...], ...]:
    return (tuple(Choice(T.RATING_LABELS[r], f"khaosat {class_id} {number} {r}") for r in RATINGS),)


def check_answer(number: int, rating: int) -> None:
    if not 1 <= number <= len(QUESTIONS) or rating not in RATINGS:
        raise Refused(SurveyReason.BAD_ANSWER)


def due_window(today: date, after_days: int) -> tuple[date, date]:
    """The end dates of the courses to survey today: `after_days` ago, and not much longer."""
    due_end = today - timedelta(days=after_days)
    return due_end - timedelta(days=SURVEY_WINDOW_DAYS), due_end


def next_step(class_id: int, code: str, rated: Collection[str], commented: bool) -> SurveyStep:
    """The first question without a rating, else the comment if not given, else done."""
    for number, key in enumerate(QUESTIONS, start=1):
        if key not in rated:
            return SurveyStep(class_id, code, number)
    return SurveyStep(class_id, code, None, ask_comment=not commented)
