"""Statistics as people read them: the text, the workbook and the chart of a period.

Built from `usecases.stats.Stats`; matplotlib is imported only when a chart is drawn (it
costs the CLI a second to load).
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import TYPE_CHECKING

from sheets.writer import Percent, SheetSpec, write_xlsx
from texts import stats as T
from texts import survey as TS
from usecases.messages import Document
from usecases.stats import PeriodReport, Rate, Stats
from vn.dates import format_date
from vn.numbers import format_count, format_percent

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["period_report", "stats_chart", "stats_figure", "stats_text", "stats_xlsx"]

PNG = "image/png"
UNITS_IN_TEXT = 10
CHART_CLASSES = 30  # bars beyond this are unreadable; the workbook has every class


def _rate(rate: Rate) -> str:
    return format_percent(rate.value) if rate.value is not None else T.RATE_NONE


def _rate_cell(rate: Rate) -> Percent | str:
    """A rate in a spreadsheet: a number shown as a percentage, or the 'no data' text."""
    return Percent(rate.value) if rate.value is not None else T.RATE_NONE


def _average(value: Decimal) -> str:
    return str(value).replace(".", ",")


def stats_text(stats: Stats) -> str:
    p = stats.period
    lines = [
        T.HEADER.format(period=p.label, centre=stats.centre),
        T.HEADER_RANGE.format(start=format_date(p.start), end=format_date(p.end)),
    ]
    if not stats.classes:
        lines.append(T.NO_CLASSES)
        return "\n".join(lines)
    lines.append(
        T.TOTAL.format(
            classes=format_count(stats.classes),
            places=format_count(stats.places),
            learners=format_count(stats.learners),
        )
    )
    lines.append(T.BY_TYPE_HEADER)
    lines += [
        T.BY_TYPE_LINE.format(
            program_type=t.program_type,
            classes=format_count(t.classes),
            places=format_count(t.places),
        )
        for t in stats.by_type
    ]
    lines += [_attendance_line(stats), _grades_line(stats), *_survey_lines(stats)]
    lines.append(T.BY_UNIT_HEADER)
    lines += [
        T.BY_UNIT_LINE.format(unit=u.name, places=format_count(u.places), rate=_rate(u.attendance))
        for u in stats.by_unit[:UNITS_IN_TEXT]
    ]
    return "\n".join(lines)


def _attendance_line(stats: Stats) -> str:
    if stats.attendance.value is None:
        return T.ATTENDANCE_NONE
    return T.ATTENDANCE.format(
        rate=_rate(stats.attendance),
        attended=format_count(stats.attendance.attended),
        expected=format_count(stats.attendance.expected),
    )


def _grades_line(stats: Stats) -> str:
    total = sum(stats.grades.values())
    if not total:
        return T.GRADES_NONE
    grades = ", ".join(
        T.GRADE_COUNT.format(
            grade=g,
            count=format_count(stats.grades[g]),
            share=format_percent(Decimal(stats.grades[g]) / total),
        )
        for g in stats.grade_order()
    )
    return T.GRADES.format(count=format_count(total), grades=grades)


def _survey_lines(stats: Stats) -> list[str]:
    if not stats.survey:
        return []
    return [
        T.SURVEY_HEADER.format(units=stats.survey_leaders),
        *(
            T.SURVEY_LINE.format(
                question=TS.SHORT.get(s.question_key, s.question_key), average=_average(s.average)
            )
            for s in stats.survey
        ),
    ]


def stats_xlsx(stats: Stats) -> Document:
    """Five sheets: summary, by class type, by class, by unit, survey."""
    grades = stats.grade_order()
    sheets = [
        _summary_sheet(stats, grades),
        SheetSpec(
            T.SHEET_TYPES,
            (T.COL_TYPE, T.COL_CLASSES, T.COL_PLACES, *grades),
            [
                (t.program_type, t.classes, t.places, *(t.grades[g] for g in grades))
                for t in stats.by_type
            ],
        ),
        _classes_sheet(stats, grades),
        SheetSpec(
            T.SHEET_UNITS,
            (T.COL_UNIT, T.COL_PLACES, T.COL_RATE, *grades),
            [
                (u.name, u.places, _rate_cell(u.attendance), *(u.grades[g] for g in grades))
                for u in stats.by_unit
            ],
        ),
        SheetSpec(
            T.SHEET_SURVEY,
            (T.COL_QUESTION, T.COL_ANSWERS, T.COL_AVERAGE),
            [
                (TS.QUESTIONS.get(s.question_key, s.question_key), s.answers, float(s.average))
                for s in stats.survey
            ],
        ),
    ]
    return Document(T.FILE.format(key=stats.period.key), write_xlsx(sheets))


def _summary_sheet(stats: Stats, grades: list[str]) -> SheetSpec:
    title = (T.TITLE.format(period=stats.period.label.upper(), centre=stats.centre.upper()),)
    rate = stats.attendance.value
    summary = [
        (T.ITEM_CLASSES, stats.classes),
        (T.ITEM_PLACES, stats.places),
        (T.ITEM_LEARNERS, stats.learners),
        (T.ITEM_HELD, stats.held),
        (T.ITEM_RATE, Percent(rate) if rate is not None else None),
        (T.ITEM_RESULTS, sum(stats.grades.values())),
        *((T.ITEM_GRADE.format(grade=g), stats.grades[g]) for g in grades),
    ]
    return SheetSpec(T.SHEET_SUMMARY, (T.COL_ITEM, T.COL_VALUE), summary, title_lines=title)


def _classes_sheet(stats: Stats, grades: list[str]) -> SheetSpec:
    header = (
        T.COL_CODE,
        T.COL_NAME,
        T.COL_TYPE,
        T.COL_START,
        T.COL_END,
        T.COL_PLACES,
        T.COL_HELD,
        T.COL_RATE,
        *grades,
    )
    rows = [
        (
            c.code,
            c.name,
            c.program_type,
            c.start_date,
            c.end_date,
            c.places,
            c.held,
            _rate_cell(c.attendance),
            *(c.grades[g] for g in grades),
        )
        for c in stats.by_class
    ]
    return SheetSpec(T.SHEET_CLASSES, header, rows)


def stats_chart(stats: Stats) -> bytes:
    """A PNG: attendance by class (left), grades by class type, stacked (right)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = stats_figure(stats)
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def stats_figure(stats: Stats) -> Figure:
    """The chart's figure, titled with its period; each attendance bar carries its rate, so
    a class nobody attended shows '0%' rather than an empty gap."""
    # The Figure directly, not pyplot: no display on a server, and no global state shared
    # between the bot's tasks. Imported here: matplotlib costs the CLI a second to load.
    from matplotlib.figure import Figure

    figure = Figure(figsize=(12, 5), dpi=100, layout="constrained")
    figure.suptitle(
        T.CHART_TITLE.format(period=stats.period.label, centre=stats.centre), fontweight="bold"
    )
    left, right = figure.subplots(1, 2)
    classes = [c for c in stats.by_class if c.attendance.value is not None][:CHART_CLASSES]
    left.set_title(T.CHART_ATTENDANCE)
    if classes:
        values = [float(c.attendance.value or 0) * 100 for c in classes]
        bars = left.bar([c.code for c in classes], values, color="#2e7d32")
        left.bar_label(
            bars,
            labels=[format_percent(c.attendance.value or 0) for c in classes],
            padding=2,
            fontsize="small",
        )
        left.set_ylim(0, 110)  # room for the label above a 100 % bar
        left.tick_params(axis="x", labelrotation=45)
    else:
        left.text(0.5, 0.5, T.CHART_EMPTY, ha="center", va="center", transform=left.transAxes)
        left.set_axis_off()
    right.set_title(T.CHART_GRADES)
    grades = stats.grade_order()
    types = [t for t in stats.by_type if sum(t.grades.values())]
    if types and grades:
        bottoms = [0] * len(types)
        labels = [t.program_type for t in types]
        for grade in grades:
            counts = [t.grades[grade] for t in types]
            right.bar(labels, counts, bottom=bottoms, label=grade, width=0.5)
            bottoms = [b + c for b, c in zip(bottoms, counts, strict=True)]
        right.legend(fontsize="small")
        right.tick_params(axis="x", labelrotation=15)
    else:
        right.text(0.5, 0.5, T.CHART_EMPTY, ha="center", va="center", transform=right.transAxes)
        right.set_axis_off()
    return figure


def period_report(stats: Stats) -> PeriodReport:
    """What `usecases.stats.send_period_stats` sends staff at a period's end."""
    text = f"{stats_text(stats)}\n{T.FOOTER_FILES}" if stats.classes else stats_text(stats)
    chart = Document(T.CHART_FILE.format(key=stats.period.key), stats_chart(stats), PNG)
    return PeriodReport(text=text, workbook=stats_xlsx(stats), chart=chart)
