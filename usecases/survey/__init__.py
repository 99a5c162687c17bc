"""The evaluation after training: some time after a course ends, each unit leader whose
learners attended is asked a few questions (ratings 1–5) and an optional comment.

`rules` holds the decisions (next question, due courses), `service` loads and saves.
"""

from usecases.survey.rules import (
    COMMENT_KEY,
    QUESTIONS,
    SURVEY_WINDOW_DAYS,
    SurveyReason,
    SurveyStep,
    question_text,
    rating_choices,
)
from usecases.survey.service import (
    KIND,
    answer_survey,
    comment_survey,
    pending_survey,
    plan_surveys,
)

__all__ = [
    "COMMENT_KEY",
    "KIND",
    "QUESTIONS",
    "SURVEY_WINDOW_DAYS",
    "SurveyReason",
    "SurveyStep",
    "answer_survey",
    "comment_survey",
    "pending_survey",
    "plan_surveys",
    "question_text",
    "rating_choices",
]
