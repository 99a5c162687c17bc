"""Spreadsheets we send out: readable by people, safe to open, readable back by us."""

from __future__ import annotations

import io
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from sheets.roster import parse_roster
from sheets.writer import SheetSpec, write_csv, write_xlsx

DANGEROUS = [
    '=HYPERLINK("http://x","bấm")',
    "=1+1",
    "+84912345678",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
]


def open_sheet(data: bytes):  # -> openpyxl Worksheet
    return load_workbook(io.BytesIO(data)).active


def test_text_that_looks_like_a_formula_is_written_as_text() -> None:
    data = write_xlsx([SheetSpec("Kết quả", ["Nhận xét"], [[text] for text in DANGEROUS])])
    sheet = open_sheet(data)
    cells = [sheet.cell(row=i, column=1) for i in range(2, 2 + len(DANGEROUS))]
    # XML turns a stored carriage return into a line feed on reading; the text is the same.
    assert [c.value for c in cells] == [t.replace("\r", "\n") for t in DANGEROUS]
    assert all(c.data_type == "s" for c in cells)
    assert all(c.quotePrefix for c in cells)
    assert b"<f>" not in _sheet_xml(data)


def test_csv_export_defuses_formulas_with_a_leading_apostrophe() -> None:
    data = write_csv(["Họ và tên", "Nhận xét"], [["Lò Văn Dế", "=1+1"], ["Cầm Thị Ún", "-"]])
    text = data.decode("utf-8")
    assert text.startswith("\ufeffHọ và tên,Nhận xét\r\n")
    assert "'=1+1" in text
    assert "Lò Văn Dế" in text


def test_header_is_bold_and_frozen_below_the_title_lines() -> None:
    spec = SheetSpec(
        "Danh sách",
        ["TT", "Họ và tên", "Đơn vị"],
        [[1, "Lò Văn Dế", "UBND xã A"]],
        title_lines=["TRUNG TÂM CHÍNH TRỊ HUYỆN BẮC YÊN", "DANH SÁCH HỌC VIÊN"],
    )
    sheet = open_sheet(write_xlsx([spec]))
    assert sheet["A1"].value == "TRUNG TÂM CHÍNH TRỊ HUYỆN BẮC YÊN"
    assert sheet["A4"].value == "TT"
    assert sheet["B4"].font.bold
    assert sheet.freeze_panes == "A5"
    assert sheet.column_dimensions["B"].width >= len("Lò Văn Dế")


def test_dates_times_and_scores_keep_their_types_and_formats() -> None:
    spec = SheetSpec(
        "Kết quả",
        ["Ngày sinh", "Giờ", "Lúc", "Điểm", "Số buổi", "Đạt"],
        [[date(1996, 8, 16), time(7, 30), datetime(2024, 3, 4, 7, 30), Decimal("8.5"), 16, True]],
    )
    sheet = open_sheet(write_xlsx([spec]))
    born, clock, when, score, count, passed = (sheet.cell(row=2, column=i) for i in range(1, 7))
    assert born.value == datetime(1996, 8, 16)
    assert born.number_format == "DD/MM/YYYY"
    assert clock.number_format == "HH:MM"
    assert when.number_format == "DD/MM/YYYY HH:MM"
    assert score.value == 8.5
    assert score.number_format == "0.0#"
    assert count.value == 16
    assert passed.value == "Có"


def test_several_sheets_get_valid_unique_titles() -> None:
    specs = [SheetSpec("Lớp: K4/2024", ["A"], []), SheetSpec("Lớp: K4/2024", ["A"], [])]
    workbook = load_workbook(io.BytesIO(write_xlsx(specs)))
    assert workbook.sheetnames == ["Lớp K4 2024", "Lớp K4 2024 (2)"]


def test_exported_roster_reads_back_through_the_importer() -> None:
    spec = SheetSpec(
        "Danh sách",
        ["TT", "Họ và tên", "Ngày sinh", "Đơn vị", "Số điện thoại"],
        [[1, "Lò Văn Dế", date(1980, 2, 1), "UBND xã A", "0912 345 678"]],
        title_lines=["DANH SÁCH HỌC VIÊN"],
    )
    result = parse_roster(write_xlsx([spec]))
    assert result.errors == []
    row = result.rows[0]
    assert (row.full_name, row.birth_date, row.phone) == (
        "Lò Văn Dế",
        date(1980, 2, 1),
        "+84912345678",
    )


@pytest.mark.parametrize("bad", ["a\x00b", "tab\x0bline"])
def test_control_characters_are_dropped_instead_of_failing_the_export(bad: str) -> None:
    sheet = open_sheet(write_xlsx([SheetSpec("S", ["X"], [[bad]])]))
    assert sheet["A2"].value == bad.replace("\x00", "").replace("\x0b", "")


def _sheet_xml(data: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")
