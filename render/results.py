"""Results as files: the whole class for staff, and each unit leader's summary."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sheets.writer import Percent, SheetSpec, write_xlsx
from texts import results as T
from usecases.messages import Document
from usecases.results import ResultsPreview, ResultView, UnitSummary
from vn.dates import format_date
from vn.text import fold

__all__ = ["class_xlsx", "unit_xlsx"]


def class_xlsx(preview: ResultsPreview) -> Document:
    """The whole class's results for staff (`sll xuat ket-qua`): the unit leaders' columns,
    every learner with a result, numbered as in the class list."""
    rows = _result_rows(preview.results, [v.number for v in preview.results])
    data = write_xlsx(
        [
            SheetSpec(
                title=T.UNIT_SHEET,
                header=_result_header(preview.results),
                rows=rows,
                title_lines=(T.CLASS_TITLE.format(name=preview.name.upper(), code=preview.code),),
            )
        ]
    )
    return Document(T.CLASS_FILE.format(code=preview.code.lower()), data)


def _result_header(views: Sequence[ResultView]) -> list[str]:
    return [
        T.UNIT_COL_NUMBER,
        T.UNIT_COL_NAME,
        T.UNIT_COL_BIRTH,
        T.UNIT_COL_UNIT,
        *_columns_of(views),
        T.UNIT_COL_GRADE,
        T.UNIT_COL_ATTENDANCE,
        T.UNIT_COL_REMARK,
    ]


def _result_rows(views: Sequence[ResultView], numbers: Iterable[int]) -> list[list[object]]:
    columns = _columns_of(views)
    return [
        [
            number,
            v.full_name,
            v.birth_date,
            v.unit_name,
            *(v.scores.get(c) for c in columns),
            v.grade,
            Percent(v.rate) if v.rate is not None else None,
            v.remark,
        ]
        for number, v in zip(numbers, views, strict=True)
    ]


def unit_xlsx(summary: UnitSummary) -> Document:
    """The unit's table as a spreadsheet: every score column, grade, attendance, remark."""
    header = _result_header(summary.results)
    rows = _result_rows(summary.results, range(1, len(summary.results) + 1))
    units = T.UNIT_JOIN.join(summary.unit_names)
    dates = ""
    if summary.start_date and summary.end_date:
        dates = T.DATES.format(
            start=format_date(summary.start_date), end=format_date(summary.end_date)
        )
    data = write_xlsx(
        [
            SheetSpec(
                title=T.UNIT_SHEET,
                header=header,
                rows=rows,
                title_lines=(
                    T.UNIT_TITLE.format(units=units.upper()),
                    T.UNIT_SUBTITLE.format(
                        name=summary.class_name, code=summary.class_code, dates=dates
                    ).rstrip(", "),
                ),
            )
        ]
    )
    slug = "-".join(fold(units).split())[:40] or "don-vi"
    return Document(T.UNIT_FILE.format(code=summary.class_code.lower(), unit=slug), data)


def _columns_of(views: Sequence[ResultView]) -> list[str]:
    seen: dict[str, None] = {}
    for view in views:
        for label in view.scores:
            seen.setdefault(label, None)
    return list(seen)
