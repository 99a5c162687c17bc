"""Questions as people read them: status names and the review workbook of a class."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sheets.writer import SheetSpec, write_xlsx
from texts import questions as T
from usecases.questions import ClassChoice, QuestionView

__all__ = ["questions_filename", "questions_workbook", "status_text"]


def status_text(status: str) -> str:
    return T.STATUS_NAMES.get(str(status), str(status))


def questions_workbook(klass: ClassChoice, views: Sequence[QuestionView], tz: ZoneInfo) -> bytes:
    """All questions of a class with their answers (`usecases.questions.class_questions`)."""
    table = [
        (
            v.id,
            v.created_at.astimezone(tz),
            v.learner_name,
            v.session_number,
            v.text,
            status_text(v.status),
            v.answer_text or v.close_reason,
            v.answered_by_name,
            v.answered_at.astimezone(tz) if v.answered_at else None,
            v.shared_with_class,
        )
        for v in views
    ]
    spec = SheetSpec(
        T.QUESTIONS_SHEET,
        T.QUESTIONS_HEADER,
        table,
        title_lines=(T.QUESTIONS_TITLE.format(code=klass.code, name=klass.name),),
    )
    return write_xlsx([spec])


def questions_filename(code: str) -> str:
    return f"cau-hoi-{code}.xlsx"
