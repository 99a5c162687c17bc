"""The words of a result: the same in the notice sent on publishing and in /ketqua."""

from __future__ import annotations

from texts import results as T
from usecases.results.values import ResultView, UnitSummary
from vn.numbers import format_percent, format_score

__all__ = ["UNIT_LINES_IN_TEXT", "learner_text", "scores_short", "unit_file_caption", "unit_text"]

# Lines of the unit summary shown in the message itself; the xlsx always has everyone.
UNIT_LINES_IN_TEXT = 40


def scores_short(view: ResultView) -> str:
    return " / ".join(format_score(s) for s in view.scores.values()) or T.NO_SCORES


def _rate(view: ResultView) -> str:
    return format_percent(view.rate) if view.rate is not None else T.UNIT_RATE_NONE


def learner_text(view: ResultView) -> str:
    lines = [
        T.LEARNER_HEADER.format(name=view.class_name),
        T.LEARNER_NAME.format(name=view.full_name),
    ]
    lines += [
        T.SCORE_LINE.format(label=label, score=format_score(score))
        for label, score in view.scores.items()
    ]
    lines.append(T.GRADE_LINE.format(grade=view.grade or T.NO_GRADE))
    if view.rate is not None:
        lines.append(
            T.ATTENDANCE_LINE.format(
                rate=format_percent(view.rate), attended=view.attended, held=view.held
            )
        )
    else:
        lines.append(T.ATTENDANCE_NONE)
    if view.remark:
        lines.append(T.REMARK_LINE.format(remark=view.remark))
    return "\n".join(lines)


def unit_text(summary: UnitSummary) -> str:
    lines = [
        T.UNIT_HEADER.format(
            units=T.UNIT_JOIN.join(summary.unit_names),
            name=summary.class_name,
            code=summary.class_code,
        )
    ]
    for i, view in enumerate(summary.results[:UNIT_LINES_IN_TEXT], start=1):
        lines.append(
            T.UNIT_LINE.format(
                number=i,
                name=view.full_name,
                scores=scores_short(view),
                grade=view.grade or T.NO_GRADE,
                rate=_rate(view),
            )
        )
    if len(summary.results) > UNIT_LINES_IN_TEXT:
        lines.append(T.PREVIEW_MORE.format(count=len(summary.results) - UNIT_LINES_IN_TEXT))
    return "\n".join(lines)


def unit_file_caption(summary: UnitSummary) -> str:
    """What goes with the spreadsheet (its caption on Telegram, its note on Zalo): names the
    file without promising it is attached to the summary, which travels on its own."""
    return T.UNIT_FILE_CAPTION.format(code=summary.class_code)
