"""The lecturers' rating report as an xlsx workbook (per lecturer, per topic, comments)."""

from __future__ import annotations

from sheets.writer import SheetSpec, write_xlsx
from usecases.lecturers.ratings import FigureLine, RatingReport
from vn.dates import format_date

__all__ = ["rating_report_xlsx"]


def _rows(lines: list[FigureLine]) -> list[tuple[object, ...]]:
    return [(i, x.label, x.sessions, x.count, x.average) for i, x in enumerate(lines, start=1)]


def rating_report_xlsx(report: RatingReport, centre: str) -> bytes:
    title = (
        f"Ý KIẾN HỌC VIÊN VỀ BUỔI GIẢNG – {report.label.upper()}",
        f"{centre} (từ {format_date(report.start)} đến {format_date(report.end)})",
    )
    header = ("TT", "{}", "Số buổi", "Số ý kiến", "Điểm trung bình (1–5)")
    return write_xlsx(
        [
            SheetSpec("Theo giảng viên", tuple(h.format("Giảng viên") for h in header),
                      _rows(report.by_lecturer), title_lines=title),
            SheetSpec("Theo chuyên đề", tuple(h.format("Chuyên đề") for h in header),
                      _rows(report.by_topic), title_lines=title),
            SheetSpec("Góp ý", ("TT", "Giảng viên", "Góp ý (không ghi tên học viên)"),
                      [(i, who, text) for i, (who, text) in enumerate(report.comments, 1)],
                      title_lines=title),
        ]
    )  # fmt: skip
