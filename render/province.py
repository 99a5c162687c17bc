"""The province's figures as people read them: a short chat text and a workbook with a chart.

Built from `usecases.province.ProvinceFigures`. The chart is a native Excel chart (openpyxl),
drawn from the summary sheet's own cells, so it stays true if staff edit or sort the sheet.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal

from sheets.writer import Percent, SheetSpec, write_xlsx
from texts import province as T
from texts import survey as TS
from usecases.messages import Document
from usecases.province import Figures, ProvinceFigures
from usecases.stats import Rate
from usecases.survey import QUESTIONS
from vn.dates import format_date
from vn.numbers import format_count, format_percent

__all__ = ["SUMMARY_HEADER_ROW", "period_report", "province_text", "province_xlsx"]

SUMMARY_HEADER_ROW = 3  # one title line, a blank line, then the header


def _rate(rate: Rate) -> str:
    return format_percent(rate.value) if rate.value is not None else T.RATE_NONE


def _rate_cell(rate: Rate) -> Percent | str:
    return Percent(rate.value) if rate.value is not None else T.RATE_NONE


def _average(value: Decimal | None) -> str:
    return str(value).replace(".", ",") if value is not None else T.RATE_NONE


def province_text(figures: ProvinceFigures) -> str:
    """A line per centre, the total, grades, the program-type table and the evaluation."""
    p, total = figures.period, figures.total
    lines = [
        T.HEADER.format(period=p.label),
        T.HEADER_RANGE.format(
            start=format_date(p.start), end=format_date(p.end), centres=len(figures.centres)
        ),
    ]
    for centre in figures.centres:
        f = centre.figures
        if not f.classes:
            lines.append(T.CENTRE_NONE.format(centre=centre.name))
            continue
        lines.append(
            T.CENTRE_LINE.format(
                centre=centre.name,
                classes=format_count(f.classes),
                places=format_count(f.places),
                rate=_rate(f.attendance),
            )
        )
    if not total.classes:
        lines.append(T.NO_CLASSES)
        return "\n".join(lines)
    line = T.TOTAL.format(
        classes=format_count(total.classes),
        places=format_count(total.places),
        learners=format_count(total.learners),
        rate=_rate(total.attendance),
    )
    if total.attendance.expected:
        line += T.TOTAL_ATTENDANCE.format(
            attended=format_count(total.attendance.attended),
            expected=format_count(total.attendance.expected),
        )
    lines += [line, _grades_line(figures), T.BY_TYPE_HEADER]
    order = figures.grade_order()
    lines += [
        T.BY_TYPE_LINE.format(
            program_type=kind,
            classes=format_count(f.classes),
            places=format_count(f.places),
            rate=_rate(f.attendance),
        )
        + _type_grades(f, order)
        for kind, f in figures.by_type.items()
        if f.classes
    ]
    questions = figures.question_order(list(QUESTIONS))
    if questions:
        lines.append(T.SURVEY_HEADER.format(answers=format_count(total.answers)))
        lines += [
            T.SURVEY_LINE.format(
                question=TS.SHORT.get(q, q), average=_average(total.survey[q].mean)
            )
            for q in questions
        ]
    return "\n".join(lines)


def _type_grades(f: Figures, order: list[str]) -> str:
    """'; Giỏi 2, Khá 1' after a program type's line, when it has published results."""
    counts = ", ".join(f"{g} {format_count(f.grades[g])}" for g in order if f.grades[g])
    return T.BY_TYPE_GRADES.format(grades=counts) if counts else ""


def _grades_line(figures: ProvinceFigures) -> str:
    total = figures.total
    if not total.results:
        return T.GRADES_NONE
    grades = ", ".join(
        T.GRADE_COUNT.format(
            grade=g,
            count=format_count(total.grades[g]),
            share=format_percent(Decimal(total.grades[g]) / total.results),
        )
        for g in figures.grade_order()
    )
    return T.GRADES.format(count=format_count(total.results), grades=grades)


def _counts(f: Figures, grades: list[str]) -> tuple[object, ...]:
    return (
        f.classes,
        f.places,
        f.attendance.attended,
        f.attendance.expected,
        _rate_cell(f.attendance),
        f.results,
        *(f.grades[g] for g in grades),
    )


_COUNT_COLUMNS = (
    T.COL_CLASSES,
    T.COL_PLACES,
    T.COL_ATTENDED,
    T.COL_EXPECTED,
    T.COL_RATE,
    T.COL_RESULTS,
)


def province_xlsx(figures: ProvinceFigures) -> Document:
    """Three sheets (summary per centre and total, centre × program type, evaluation) and a
    chart of places and attendance per centre on the summary sheet."""
    grades = figures.grade_order()
    summary = SheetSpec(
        T.SHEET_SUMMARY,
        (T.COL_CENTRE, T.COL_LEARNERS, *_COUNT_COLUMNS, *grades),
        [
            *((c.name, c.figures.learners, *_counts(c.figures, grades)) for c in figures.centres),
            (T.TOTAL_ROW, figures.total.learners, *_counts(figures.total, grades)),
        ],
        title_lines=(T.TITLE.format(period=figures.period.label.upper()),),
    )
    by_type = SheetSpec(
        T.SHEET_TYPES,
        (T.COL_CENTRE, T.COL_TYPE, *_COUNT_COLUMNS, *grades),
        [
            *(
                (c.name, kind, *_counts(f, grades))
                for c in figures.centres
                for kind, f in c.by_type.items()
            ),
            *((T.TOTAL_ROW, kind, *_counts(f, grades)) for kind, f in figures.by_type.items()),
        ],
    )
    questions = figures.question_order(list(QUESTIONS))
    survey = SheetSpec(
        T.SHEET_SURVEY,
        (T.COL_CENTRE, T.COL_TYPE, T.COL_QUESTION, T.COL_ANSWERS, T.COL_AVERAGE),
        [
            *_survey_rows(((c.name, T.ALL_TYPES, c.figures) for c in figures.centres), questions),
            *_survey_rows(
                ((c.name, kind, f) for c in figures.centres for kind, f in c.by_type.items()),
                questions,
            ),
            *_survey_rows(
                [
                    (T.TOTAL_ROW, T.ALL_TYPES, figures.total),
                    *((T.TOTAL_ROW, kind, f) for kind, f in figures.by_type.items()),
                ],
                questions,
            ),
        ],
    )
    data = _with_chart(write_xlsx([summary, by_type, survey]), len(figures.centres))
    return Document(T.FILE.format(key=figures.period.key), data)


def _survey_rows(
    groups: Iterable[tuple[str, str, Figures]], questions: list[str]
) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for centre, kind, f in groups:
        for q in questions:
            score = f.survey.get(q)
            if score is None or not score.answers:
                continue
            mean = score.mean
            rows.append(
                (
                    centre,
                    kind,
                    TS.QUESTIONS.get(q, q),
                    score.answers,
                    float(mean) if mean is not None else None,
                )
            )
    return rows


def _with_chart(data: bytes, centres: int) -> bytes:
    """Two bar charts on the summary sheet: places per centre, attendance rate per centre."""
    from openpyxl import load_workbook
    from openpyxl.chart import BarChart, Reference

    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]  # the summary
    if centres:
        first, last = SUMMARY_HEADER_ROW + 1, SUMMARY_HEADER_ROW + centres
        names = Reference(sheet, min_col=1, min_row=first, max_row=last)
        for column, title, anchor, percent in (
            (4, T.CHART_PLACES, "A{row}", False),  # Lượt học viên
            (7, T.CHART_RATE, "H{row}", True),  # Chuyên cần
        ):
            chart = BarChart()
            chart.type = "col"
            chart.title = title
            chart.legend = None
            chart.height, chart.width = 7.5, 14
            values = Reference(sheet, min_col=column, min_row=SUMMARY_HEADER_ROW, max_row=last)
            chart.add_data(values, titles_from_data=True)
            chart.set_categories(names)
            if percent:
                chart.y_axis.numFmt = "0%"
                chart.y_axis.scaling.min = 0
                chart.y_axis.scaling.max = 1
            sheet.add_chart(chart, anchor.format(row=last + 3))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def period_report(figures: ProvinceFigures) -> tuple[str, Document]:
    """What `usecases.province.send_province_report` sends at a period's end."""
    text = province_text(figures)
    return (f"{text}\n{T.FOOTER_FILE}" if figures.total.classes else text), province_xlsx(figures)
