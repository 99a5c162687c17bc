"""Questions as people read them: status names and the review workbook of a class."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sheets.writer import SheetSpec, write_xlsx
from texts import questions as T
from texts.refusals import say
from usecases.messages import Choice, Reply
from usecases.questions import (
    ClassChoice,
    QuestionReason,
    QuestionView,
    QueuePage,
    excerpt,
    when_text,
)
from usecases.refusal import Refused

__all__ = [
    "mine_text",
    "questions_filename",
    "questions_workbook",
    "queue_choices",
    "queue_text",
    "status_text",
]

BUTTONS_PER_ROW = 3


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


def mine_text(views: Sequence[QuestionView], total: int, tz: ZoneInfo) -> str:
    """A learner's own questions, their answers or reasons, and how many older ones."""
    parts = [T.MINE_HEADER]
    for v in views:
        parts.append(
            T.MINE_LINE.format(
                number=v.id,
                when=when_text(v.created_at, tz),
                code=v.class_code,
                status=status_text(v.status),
                text=excerpt(v.text),
            )
        )
        if v.answer_text:
            parts.append(T.MINE_ANSWER.format(answer=v.answer_text))
        if v.close_reason:
            parts.append(T.MINE_REASON.format(reason=v.close_reason))
    if total > len(views):
        parts.append(T.MINE_MORE.format(count=total - len(views)))
    return "".join(parts)


def queue_text(result: QueuePage, scope: str, tz: ZoneInfo) -> str:
    header = T.QUEUE_HEADER.format(
        scope=scope, total=result.total, page=result.page, pages=result.pages
    )
    lines = [
        T.QUEUE_LINE.format(
            number=v.id,
            when=when_text(v.created_at, tz),
            code=v.class_code,
            name=v.learner_name,
            text=excerpt(v.text),
        )
        for v in result.items
    ]
    return header + "\n" + "".join(lines)


def queue_choices(result: QueuePage) -> tuple[tuple[Choice, ...], ...]:
    """An answer button per question, paging, and a filter per class (or back to all)."""
    answer_buttons = [
        Choice(T.ANSWER_NUMBER_BUTTON.format(number=v.id), f"traloi {v.id}") for v in result.items
    ]
    rows: list[list[Choice]] = [
        answer_buttons[i : i + BUTTONS_PER_ROW]
        for i in range(0, len(answer_buttons), BUTTONS_PER_ROW)
    ]
    scope = f"{result.class_code} " if result.class_code else ""
    paging = []
    if result.page > 1:
        paging.append(Choice(T.PREVIOUS_PAGE_BUTTON, f"cauhoi {scope}{result.page - 1}"))
    if result.page < result.pages:
        paging.append(Choice(T.NEXT_PAGE_BUTTON, f"cauhoi {scope}{result.page + 1}"))
    rows.append(paging)
    if result.class_code:
        rows.append([Choice(T.ALL_CLASSES_BUTTON, "cauhoi")])
    elif len(result.counts) > 1:
        rows += [
            [Choice(T.CLASS_FILTER_BUTTON.format(code=code, count=n), f"cauhoi {code}")]
            for code, n in result.counts
        ]
    return Reply.rows(*rows)


def refusal_text(no: Refused, tz: ZoneInfo) -> str:
    """A question refusal in words: "already done" names when, and the status as people say it."""
    if no.reason == QuestionReason.ALREADY_DONE:
        d = no.details
        when = when_text(d["when"], tz) if d.get("when") else ""
        no = Refused(no.reason, **{**d, "when": when, "status": status_text(d["status"])})
    return say(no, tz)
