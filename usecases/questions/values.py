"""What the question use cases return: plain values for handlers and the CLI to word."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from usecases.questions.rules import ClassChoice, draft_key

__all__ = ["Asked", "Draft", "NeedsClass", "QuestionView", "QueuePage"]


@dataclass(frozen=True)
class Asked:
    """The learner's receipt."""

    question_id: int
    class_code: str
    created_at: datetime


@dataclass(frozen=True)
class NeedsClass:
    """The text is kept as a draft; the learner must say which class it is for."""

    question_id: int
    classes: tuple[ClassChoice, ...]
    key: str = ""  # `draft_key` of its text, for the buttons


@dataclass(frozen=True)
class Draft:
    question_id: int
    text: str
    classes: tuple[ClassChoice, ...]  # one: just confirm; several: confirm with a class

    @property
    def key(self) -> str:
        return draft_key(self.text)


@dataclass(frozen=True)
class QuestionView:
    id: int
    class_id: int
    class_code: str
    person_id: int
    learner_name: str
    text: str
    status: str
    created_at: datetime
    session_number: int | None
    session_topic: str | None
    answer_text: str | None
    answered_by_name: str | None
    answered_at: datetime | None
    close_reason: str | None
    shared_with_class: bool


@dataclass(frozen=True)
class QueuePage:
    items: tuple[QuestionView, ...]
    total: int
    page: int
    pages: int
    class_code: str | None
    counts: tuple[tuple[str, int], ...]  # (class code, open questions) for every class with some
