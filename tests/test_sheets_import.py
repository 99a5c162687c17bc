"""Importing rosters, schedules and results: the centres' sample files and messier shapes."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from sheets.errors import RowError, SheetError
from sheets.results import parse_results
from sheets.roster import parse_roster
from sheets.schedule import AFTERNOON, MORNING, parse_schedule

DATA = Path("/work/shared/data")
ROSTER_XLSX = DATA / "danh-sach-so-cap-llct-k4-2024.xlsx"
ROSTER_CSV = DATA / "danh-sach-nhan-thuc-ve-dang-2025.csv"
SCHEDULE_XLSX = DATA / "lich-hoc-so-cap-llct-k4-2024.xlsx"
RESULTS_XLSX = DATA / "ket-qua-so-cap-llct-k4-2024.xlsx"
needs_samples = pytest.mark.skipif(not DATA.exists(), reason="sample files not present")

TITLE_BLOCK: list[list[object]] = [
    ["HUYỆN ỦY BẮC YÊN", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["TRUNG TÂM CHÍNH TRỊ", None, None, "Độc lập - Tự do - Hạnh phúc"],
    [],
    ["DANH SÁCH HỌC VIÊN"],
    [],
]
HEADER = ["TT", "Họ và tên", "Ngày sinh", "Đơn vị", "Số điện thoại"]


def xlsx(rows: Sequence[Sequence[object]], merges: Sequence[str] = (), title: str = "DS") -> bytes:
    """An .xlsx made the way a centre's file is: rows as given, merged ranges as given."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for cells in merges:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(lines: Sequence[str], encoding: str = "utf-8-sig", newline: str = "\r\n") -> bytes:
    return newline.join(lines).encode(encoding)


def to_cp1258(text: str) -> bytes:
    """Windows-1258 has few precomposed letters: tone marks follow their vowel, as Excel does."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        for mark in marks:  # keep the vowel's own mark (ô, ư) composed, the tone apart
            composed = unicodedata.normalize("NFC", base + mark)
            if len(composed) == 1 and composed.encode("cp1258", errors="ignore"):
                rest = "".join(m for m in marks if m != mark)
                out += (composed + rest).encode("cp1258")
                break
        else:
            out += (base + "".join(marks)).encode("cp1258")
    return bytes(out)


def reasons(errors: Sequence[RowError]) -> list[str]:
    return [e.reason for e in errors]


# ----------------------------------------------------------------------------- sample files


@needs_samples
def test_sample_roster_xlsx_gives_45_learners_44_with_phones() -> None:
    result = parse_roster(ROSTER_XLSX)
    assert result.errors == []
    assert result.ok
    assert len(result.rows) == 45
    assert sum(r.phone is not None for r in result.rows) == 44
    assert [r.row for r in result.rows][:2] == [8, 9]  # the spreadsheet's own row numbers


@needs_samples
def test_sample_roster_tricky_rows_come_out_right() -> None:
    rows = {r.row: r for r in parse_roster(ROSTER_XLSX).rows}
    first = rows[8]
    assert first.full_name == "Lê Thị Ngọc Lan"
    assert first.phone == "+84731706690"  # was the number 731706690 in Excel
    assert first.birth_date == date(1996, 8, 16)
    assert first.unit_name == "Đoàn xã Phiêng Ban"
    assert (first.gender, first.ethnicity, first.position) == ("Nữ", "Tày", "Giáo viên")
    third = rows[10]
    assert third.birth_date == date(1966, 7, 27)  # '27/07/1966' typed as text
    assert third.phone == "+84924158683"  # '0924.158.683'
    assert rows[13].phone == "+84968288360"  # '84968288360'
    assert rows[19].phone == "+84808093972"  # '+84808093972'
    assert rows[24].phone == "+84945498174"  # '0945 498 174'
    assert rows[36].phone is None  # no phone: allowed
    assert rows[15].position is None
    assert all(unicodedata.is_normalized("NFC", r.full_name) for r in rows.values())


@needs_samples
def test_sample_roster_csv_with_bom_gives_every_learner() -> None:
    result = parse_roster(ROSTER_CSV)
    assert result.errors == []
    # The file has 60 numbered learners (STT 1…60) under its header line.
    assert len(result.rows) == 60
    assert all(r.phone for r in result.rows)
    first = result.rows[0]
    assert (first.row, first.full_name, first.phone) == (2, "Trần Đức Pặng", "+84349390926")
    assert first.birth_date == date(1988, 3, 24)
    assert result.rows[1].phone == "+84957566828"  # lost its zero before the CSV export


@needs_samples
def test_sample_roster_read_from_uploaded_bytes() -> None:
    by_path = parse_roster(ROSTER_XLSX)
    by_bytes = parse_roster(ROSTER_XLSX.read_bytes(), filename="danh-sach.xlsx")
    assert by_bytes.rows == by_path.rows


@needs_samples
def test_sample_schedule_gives_16_sessions() -> None:
    result = parse_schedule(SCHEDULE_XLSX)
    assert result.errors == []
    assert len(result.rows) == 16
    first, second = result.rows[0], result.rows[1]
    assert (first.number, first.day, first.start, first.end) == (
        1,
        date(2024, 3, 4),
        time(7, 30),
        time(11, 0),
    )
    assert first.lecturer == "Đ/c Nguyễn Thị Huệ"
    assert first.place == "Hội trường Trung tâm Chính trị huyện"
    assert (second.day, second.start, second.end) == (date(2024, 3, 4), time(13, 30), time(16, 30))
    assert result.rows[-1].day == date(2024, 3, 13)


@needs_samples
def test_sample_results_give_45_learners_with_scores_and_grades() -> None:
    result = parse_results(RESULTS_XLSX)
    assert result.errors == []
    assert len(result.rows) == 45
    first = result.rows[0]
    assert first.full_name == "Lê Thị Ngọc Lan"
    assert first.birth_date == date(1996, 8, 16)
    assert first.scores == {"Điểm kiểm tra": Decimal("8"), "Điểm thu hoạch": Decimal("9")}
    assert first.grade == "Khá"
    assert result.rows[1].scores["Điểm thu hoạch"] == Decimal("4.5")
    assert result.rows[2].remark == "Chấp hành tốt nội quy"
    assert {r.grade for r in result.rows} == {"Giỏi", "Khá", "Trung bình", "Không đạt"}


# ---------------------------------------------------------------------------- roster shapes


def test_roster_title_block_footer_and_signature_are_skipped() -> None:
    data = xlsx(
        [
            *TITLE_BLOCK,
            HEADER,
            [1, "Lò Văn Dế", "01/02/1980", "UBND xã Tà Xùa", "0912345678"],
            [2, "Cầm Thị Ún", "02/03/1985", "Đoàn xã Phiêng Ban", None],
            [],
            [None, "Tổng số: 2 học viên"],
            [None, None, None, "Bắc Yên, ngày 02 tháng 3 năm 2024"],
            [None, None, None, "GIÁM ĐỐC"],
            [],
            [None, None, None, "Nguyễn Văn Kiên"],
        ]
    )
    result = parse_roster(data, filename="ds.xlsx")
    assert result.errors == []
    assert [(r.row, r.full_name) for r in result.rows] == [(7, "Lò Văn Dế"), (8, "Cầm Thị Ún")]


def test_roster_without_totals_line_drops_trailing_signature_lines() -> None:
    data = xlsx(
        [
            HEADER,
            [1, "Lò Văn Dế", "01/02/1980", "UBND xã Tà Xùa", "0912345678"],
            [],
            [None, "Người lập biểu", None, "Thủ trưởng đơn vị"],
            [None, None, None, None],
            [None, "Trần Thị Mai", None, "Hoàng Văn Tú"],
        ]
    )
    result = parse_roster(data)
    assert result.errors == []
    assert [r.full_name for r in result.rows] == ["Lò Văn Dế"]


def test_roster_in_nfd_is_stored_nfc() -> None:
    nfd = [unicodedata.normalize("NFD", str(h)) for h in HEADER]
    name = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết")
    unit = unicodedata.normalize("NFD", "Hội Nông dân xã Song Pe")
    result = parse_roster(xlsx([nfd, [1, name, "01/02/1980", unit, "0912345678"]]))
    assert result.errors == []
    row = result.rows[0]
    assert row.full_name == "Nguyễn Thị Ánh Tuyết"
    assert unicodedata.is_normalized("NFC", row.full_name)
    assert row.unit_name == "Hội Nông dân xã Song Pe"


@pytest.mark.parametrize(
    "header",
    [
        ["STT", "Họ tên", "Ngày tháng năm sinh", "Cơ quan, đơn vị", "SĐT"],
        ["Số TT", "Họ, tên", "Ngày, tháng, năm sinh", "Đơn vị công tác", "Điện thoại"],
        ["TT", "Tên học viên", "Ngày sinh", "Đơn vị cử đi học", "Di động"],
        ["TT", "HỌ VÀ TÊN", "NGÀY SINH", "NƠI CÔNG TÁC", "SỐ ĐT"],
        ["TT", "Ho va ten", "Ngay sinh", "Don vi", "So dien thoai"],
        ["TT", "Họ và tên học viên", "Ngày sinh (dd/mm/yyyy)", "Cơ quan", "Số điện thoại liên hệ"],
        ["TT", "Họ và tên", "Ngày sinh", "Tên đơn vị", "SDT"],
    ],
)
def test_roster_header_variants_are_recognised(header: list[str]) -> None:
    data = xlsx([["DANH SÁCH"], header, [1, "Lò Văn Dế", "01/02/1980", "UBND xã A", 912345678]])
    result = parse_roster(data)
    assert result.errors == []
    row = result.rows[0]
    assert (row.full_name, row.birth_date, row.unit_name, row.phone) == (
        "Lò Văn Dế",
        date(1980, 2, 1),
        "UBND xã A",
        "+84912345678",
    )


def test_roster_with_split_name_columns_in_one_header_row() -> None:
    data = xlsx(
        [
            ["TT", "Họ đệm", "Tên", "Ngày sinh", "Đơn vị"],
            [1, "Nguyễn Thị", "Ánh", "01/02/1980", "UBND xã A"],
        ]
    )
    assert parse_roster(data).rows[0].full_name == "Nguyễn Thị Ánh"


def test_roster_with_two_row_header_merged_name_and_nam_nu_birth_columns() -> None:
    data = xlsx(
        [
            ["DANH SÁCH HỌC VIÊN"],
            ["TT", "Họ và tên", None, "Ngày sinh", None, "Đơn vị", "Số điện thoại"],
            [None, "Họ đệm", "Tên", "Nam", "Nữ", None, None],
            [1, "Nguyễn Văn", "An", "01/02/1980", None, "UBND xã A", "0912345678"],
            [2, "Lò Thị", "Ún", None, datetime(1985, 3, 2), "UBND xã A", None],
        ],
        merges=["B2:C2", "D2:E2", "A2:A3", "F2:F3", "G2:G3"],
    )
    result = parse_roster(data)
    assert result.errors == []
    an, un = result.rows
    assert (an.row, an.full_name, an.gender, an.birth_date) == (
        4,
        "Nguyễn Văn An",
        "Nam",
        date(1980, 2, 1),
    )
    assert (un.full_name, un.gender, un.birth_date) == ("Lò Thị Ún", "Nữ", date(1985, 3, 2))


def test_roster_with_name_header_merged_over_two_columns_in_one_row() -> None:
    data = xlsx(
        [
            ["TT", "Họ và tên", None, "Ngày sinh", "Đơn vị"],
            [1, "Nguyễn Văn", "An", "01/02/1980", "UBND xã A"],
            [2, "Vàng A Páo", None, "01/02/1981", "UBND xã A"],
        ],
        merges=["B1:C1"],
    )
    result = parse_roster(data)
    assert [r.full_name for r in result.rows] == ["Nguyễn Văn An", "Vàng A Páo"]


def test_roster_with_numbering_row_and_header_repeated_on_each_page() -> None:
    data = xlsx(
        [
            HEADER,
            ["(1)", "(2)", "(3)", "(4)", "(5)"],
            [1, "Lò Văn Dế", "01/02/1980", "UBND xã A", None],
            HEADER,
            [2, "Cầm Thị Ún", "02/03/1985", "UBND xã B", None],
        ]
    )
    result = parse_roster(data)
    assert result.errors == []
    assert [r.row for r in result.rows] == [3, 5]


def test_roster_unit_taken_from_group_rows_when_units_head_each_group() -> None:
    data = xlsx(
        [
            ["TT", "Họ và tên", "Ngày sinh", "Chức vụ", "Số điện thoại"],
            ["I. Đảng ủy xã Tà Xùa"],
            [1, "Lò Văn Dế", "01/02/1980", "Bí thư chi bộ", None],
            [2, "Cầm Thị Ún", "02/03/1985", None, None],
            ["II. UBND xã Làng Chếu"],
            [3, "Vàng A Páo", "02/03/1975", None, None],
        ]
    )
    result = parse_roster(data)
    assert result.errors == []
    assert [(r.full_name, r.unit_name) for r in result.rows] == [
        ("Lò Văn Dế", "Đảng ủy xã Tà Xùa"),
        ("Cầm Thị Ún", "Đảng ủy xã Tà Xùa"),
        ("Vàng A Páo", "UBND xã Làng Chếu"),
    ]


def test_roster_template_rows_numbered_but_empty_are_ignored() -> None:
    data = xlsx([HEADER, [1, "Lò Văn Dế", None, "UBND xã A", None], [2], [3], [4]])
    result = parse_roster(data)
    assert result.errors == []
    assert len(result.rows) == 1


def test_roster_excel_serial_date_and_birth_year_only() -> None:
    data = xlsx(
        [
            ["TT", "Họ và tên", "Năm sinh", "Đơn vị"],
            [1, "Lò Văn Dế", 29252, "UBND xã A"],  # a date cell formatted General
            [2, "Cầm Thị Ún", 1985, "UBND xã A"],  # only the year, as the header says
        ]
    )
    result = parse_roster(data)
    assert result.errors == []
    de, un = result.rows
    assert de.birth_date == date(1980, 2, 1)
    assert (un.birth_date, un.birth_year) == (None, 1985)


def test_roster_names_typed_in_capitals_are_title_cased() -> None:
    data = xlsx([HEADER, [1, "  LÒ   VĂN DẾ ", None, "UBND xã A", None]])
    assert parse_roster(data).rows[0].full_name == "Lò Văn Dế"


def test_roster_with_two_bad_rows_names_both_rows_and_reasons() -> None:
    data = xlsx(
        [
            *TITLE_BLOCK,
            HEADER,
            [1, "Lò Văn Dế", "01/02/1980", "UBND xã A", "0912345678"],
            [2, "Cầm Thị Ún", "31/02/1985", "UBND xã A", "0912345679"],
            [3, "Vàng A Páo", "02/03/1975", "UBND xã A", "0924.158"],
            [4, "Hà Thị Mai", "02/03/1975", "UBND xã A", "0912345670"],
        ]
    )
    result = parse_roster(data)
    assert not result.ok
    assert [e.row for e in result.errors] == [8, 9]
    assert reasons(result.errors) == [
        "Dòng 8: ngày '31/02/1985' không có thật trên lịch.",
        "Dòng 9: số điện thoại '0924.158' không đúng (cần 10 chữ số, ví dụ 0912 345 678).",
    ]


def test_roster_missing_name_or_unit_is_an_error() -> None:
    data = xlsx(
        [
            HEADER,
            [1, None, "01/02/1980", "UBND xã A", "0912345678"],
            [2, "Cầm Thị Ún", "02/03/1985", None, None],
        ]
    )
    result = parse_roster(data)
    assert reasons(result.errors) == [
        "Dòng 2: chưa có họ và tên.",
        "Dòng 3: chưa có đơn vị (cơ quan, đơn vị cử đi học).",
    ]
    assert result.rows == []


def test_roster_same_phone_twice_names_both_rows() -> None:
    data = xlsx(
        [
            HEADER,
            [1, "Lò Văn Dế", None, "UBND xã A", "0912 345 678"],
            [2, "Cầm Thị Ún", None, "UBND xã A", "0987654321"],
            [3, "Vàng A Páo", None, "UBND xã B", 912345678],
        ]
    )
    result = parse_roster(data)
    assert reasons(result.errors) == [
        "Dòng 4: số điện thoại 0912 345 678 trùng với dòng 2: mỗi học viên một số riêng."
    ]


def test_roster_data_on_second_sheet_is_found() -> None:
    workbook = Workbook()
    notes = workbook.active
    notes.title = "Hướng dẫn"
    notes.append(["Điền danh sách vào trang sau"])
    roster = workbook.create_sheet("Danh sách")
    roster.append(HEADER)
    roster.append([1, "Lò Văn Dế", None, "UBND xã A", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse_roster(buffer.getvalue())
    assert [r.full_name for r in result.rows] == ["Lò Văn Dế"]


def test_roster_progress_is_reported_while_parsing() -> None:
    rows = [[n, f"Học viên {n}", None, "UBND xã A", None] for n in range(1, 451)]
    calls: list[tuple[int, int]] = []
    result = parse_roster(xlsx([HEADER, *rows]), progress=lambda *call: calls.append(call))
    assert len(result.rows) == 450
    assert calls[0] == (200, 450)
    assert calls[-1] == (450, 450)


# ------------------------------------------------------------------------------- CSV shapes


def test_roster_csv_with_semicolons_and_no_bom() -> None:
    data = csv_bytes(
        ["Họ và tên;Ngày sinh;Đơn vị;SĐT", "Lò Văn Dế;01/02/1980;UBND xã A, huyện B;0912 345 678"],
        encoding="utf-8",
        newline="\n",
    )
    result = parse_roster(data, filename="ds.csv")
    assert result.errors == []
    assert result.rows[0].unit_name == "UBND xã A, huyện B"


def test_roster_csv_with_excel_sep_line_and_quoted_fields() -> None:
    data = csv_bytes(
        ["sep=,", "TT,Họ và tên,Đơn vị,Điện thoại", '1,"Lò Văn Dế","UBND xã A, huyện B",0912345678']
    )
    result = parse_roster(data)
    assert result.errors == []
    assert (result.rows[0].row, result.rows[0].unit_name) == (2, "UBND xã A, huyện B")


def test_roster_csv_in_windows_1258_is_decoded() -> None:
    text = (
        "TT,Họ và tên,Ngày sinh,Đơn vị\r\n"
        "1,Nguyễn Thị Ánh Tuyết,01/02/1980,Hội Nông dân xã Song Pe\r\n"
    )
    data = to_cp1258(text)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    row = parse_roster(data, filename="ds.csv").rows[0]
    assert row.full_name == "Nguyễn Thị Ánh Tuyết"
    assert row.unit_name == "Hội Nông dân xã Song Pe"


def test_roster_csv_in_utf16_tab_separated_as_excel_unicode_text() -> None:
    text = "TT\tHọ và tên\tĐơn vị\r\n1\tLò Văn Dế\tĐảng ủy xã Tà Xùa\r\n"
    for data in (text.encode("utf-16"), text.encode("utf-16-le")):
        row = parse_roster(data, filename="ds.txt").rows[0]
        assert (row.full_name, row.unit_name) == ("Lò Văn Dế", "Đảng ủy xã Tà Xùa")


# ------------------------------------------------------------------------- unreadable files


@pytest.mark.parametrize(
    ("data", "filename", "reason_part"),
    [
        (b"%PDF-1.4 binary", "ds.pdf", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "ds.xls", ".xls"),
        (b"<html><table><tr><td>TT</td></tr></table></html>", "ds.xls", "HTML"),
        (b"PK\x03\x04 not really a zip", "ds.xlsx", "hỏng"),
        (b"\x00\x01\x02\xff\xfe\x00binary\x00\x00junk", "anh.bin", "không phải bảng tính"),
        (b"   ", "ds.csv", "trống"),
        (b"GIF89a....", "anh.jpg", "Chỉ nhận"),
    ],
)
def test_non_spreadsheet_files_are_refused_with_a_reason(
    data: bytes, filename: str, reason_part: str
) -> None:
    with pytest.raises(SheetError) as caught:
        parse_roster(data, filename=filename)
    assert reason_part in caught.value.reason


def test_zip_that_is_not_excel_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(SheetError, match="không phải Excel"):
        parse_roster(buffer.getvalue(), filename="ds.docx")


def test_file_without_a_header_names_the_columns_looked_for() -> None:
    data = xlsx([["Danh sách"], ["Nguyễn Văn An", "UBND xã A"]])
    with pytest.raises(SheetError) as caught:
        parse_roster(data)
    assert "Họ và tên" in caught.value.reason
    assert "Đơn vị" in caught.value.reason


def test_missing_file_is_a_sheet_error(tmp_path: Path) -> None:
    with pytest.raises(SheetError, match="Không mở được"):
        parse_roster(tmp_path / "khong-co.xlsx")


# ----------------------------------------------------------------------------- schedules


SCHEDULE_HEADER = ["Buổi", "Ngày", "Thời gian", "Chuyên đề", "Giảng viên", "Địa điểm"]


def test_schedule_with_sang_chieu_instead_of_hours_uses_usual_hours() -> None:
    data = xlsx(
        [
            ["Ngày", "Buổi", "Nội dung", "Báo cáo viên"],
            ["04/03/2024", "Sáng", "Chuyên đề 1", "Đ/c Huệ"],
            ["04/03/2024", "Chiều", "Chuyên đề 2", "Đ/c Thành"],
        ]
    )
    result = parse_schedule(data)
    assert result.errors == []
    morning, afternoon = result.rows
    assert (morning.start, morning.end) == MORNING
    assert (afternoon.start, afternoon.end) == AFTERNOON
    assert morning.number is None
    assert morning.topic == "Chuyên đề 1"
    assert afternoon.lecturer == "Đ/c Thành"


def test_schedule_with_start_and_end_columns_and_time_cells() -> None:
    data = xlsx(
        [
            ["STT", "Ngày học", "Bắt đầu", "Kết thúc", "Nội dung", "Phòng học"],
            [1, datetime(2024, 3, 4), time(7, 30), time(11, 0), "Bài 1", "P2"],
            [2, "05/03/2024", "13h30", "16h30", "Bài 2", "P2"],
        ]
    )
    result = parse_schedule(data)
    assert result.errors == []
    assert [(r.number, r.day, r.start, r.end) for r in result.rows] == [
        (1, date(2024, 3, 4), time(7, 30), time(11, 0)),
        (2, date(2024, 3, 5), time(13, 30), time(16, 30)),
    ]


def test_schedule_date_merged_over_morning_and_afternoon_is_carried_down() -> None:
    data = xlsx(
        [
            SCHEDULE_HEADER,
            [1, "04/03/2024", "7h30 - 11h00", "Bài 1", "Đ/c Huệ", "P2"],
            [2, None, "13h30 – 16h30", "Bài 2", "Đ/c Huệ", "P2"],
            [3, "05/03/2024", "07:30-11:00", "Bài 3", "Đ/c Huệ", "P2"],
        ],
        merges=["B2:B3"],
    )
    result = parse_schedule(data)
    assert result.errors == []
    assert [r.day for r in result.rows] == [date(2024, 3, 4), date(2024, 3, 4), date(2024, 3, 5)]


def test_schedule_date_in_group_rows_above_sessions() -> None:
    data = xlsx(
        [
            ["TT", "Thời gian", "Nội dung", "Giảng viên"],
            ["Thứ Hai, ngày 04/03/2024"],
            [1, "Sáng", "Bài 1", "Đ/c Huệ"],
            [2, "13h30 - 16h30", "Bài 2", "Đ/c Huệ"],
            ["Thứ Ba, ngày 05/03/2024"],
            [3, "7h30 - 11h", "Bài 3", "Đ/c Huệ"],
        ]
    )
    result = parse_schedule(data)
    assert result.errors == []
    assert [(r.day, r.start) for r in result.rows] == [
        (date(2024, 3, 4), time(7, 30)),
        (date(2024, 3, 4), time(13, 30)),
        (date(2024, 3, 5), time(7, 30)),
    ]


def test_schedule_bad_rows_are_reported_with_row_numbers() -> None:
    data = xlsx(
        [
            ["LỊCH HỌC"],
            SCHEDULE_HEADER,
            [1, "04/03/2024", "11h00 - 7h30", "Bài 1", None, None],
            [2, "31/02/2024", "7h30 - 11h00", "Bài 2", None, None],
            [3, "05/03/2024", None, "Bài 3", None, None],
            [4, "06/03/2024", "7h30 - 11h00", None, None, None],
        ]
    )
    result = parse_schedule(data)
    assert reasons(result.errors) == [
        "Dòng 3: giờ học '11h00 - 7h30': giờ kết thúc 7h30 phải sau giờ bắt đầu 11h00.",
        "Dòng 4: ngày '31/02/2024' không có thật trên lịch.",
        "Dòng 5: chưa có giờ học (ví dụ 7h30 - 11h00, hoặc ghi Sáng/Chiều).",
    ]
    assert [r.row for r in result.rows] == [6]  # no topic is allowed


def test_schedule_weekday_that_disagrees_with_the_date_is_an_error() -> None:
    data = xlsx(
        [
            ["Thứ", "Ngày", "Thời gian", "Nội dung"],
            ["Thứ Hai", "04/03/2024", "7h30 - 11h00", "Bài 1"],
            ["Thứ 2", "05/03/2024", "7h30 - 11h00", "Bài 2"],
        ]
    )
    result = parse_schedule(data)
    assert reasons(result.errors) == [
        "Dòng 3: ngày 05/03/2024 là Thứ Ba, nhưng cột Thứ ghi 'Thứ 2'."
    ]


def test_schedule_two_sessions_at_the_same_time_is_an_error() -> None:
    data = xlsx(
        [
            SCHEDULE_HEADER,
            [1, "04/03/2024", "7h30 - 11h00", "Bài 1", None, None],
            [2, "04/03/2024", "9h00 - 11h00", "Bài 2", None, None],
        ]
    )
    result = parse_schedule(data)
    assert [e.row for e in result.errors] == [3]
    assert "trùng giờ với dòng 2" in result.errors[0].reason


# -------------------------------------------------------------------------------- results


def test_results_with_decimal_comma_text_and_grades_in_any_case() -> None:
    data = csv_bytes(
        [
            "TT;Họ và tên;Ngày sinh;Đơn vị;Điểm kiểm tra;Điểm thu hoạch;Xếp loại;Nhận xét",
            "1;Lò Văn Dế;01/02/1980;UBND xã A;8,5;9;KHÁ;",
            "2;Cầm Thị Ún;02/03/1985;UBND xã A; 7.25 ;;gioi;Vắng buổi thu hoạch",
        ]
    )
    result = parse_results(data)
    assert result.errors == []
    de, un = result.rows
    assert de.scores == {"Điểm kiểm tra": Decimal("8.5"), "Điểm thu hoạch": Decimal("9")}
    assert (de.grade, de.remark) == ("Khá", None)
    assert un.scores == {"Điểm kiểm tra": Decimal("7.25")}  # an empty cell is no score
    assert un.grade == "Giỏi"


def test_results_out_of_range_score_is_an_error_with_its_column() -> None:
    data = xlsx(
        [
            ["TT", "Họ và tên", "Điểm kiểm tra", "Điểm thu hoạch", "Xếp loại"],
            [1, "Lò Văn Dế", 11, 8, "Khá"],
            [2, "Cầm Thị Ún", "tám", 8, "Khá"],
        ]
    )
    result = parse_results(data)
    assert reasons(result.errors) == [
        "Dòng 2: điểm kiểm tra: Điểm '11' phải từ 0 đến 10.",
        "Dòng 3: điểm kiểm tra: Điểm 'tám' không phải là số (ví dụ 8 hoặc 8,5).",
    ]


def test_results_two_row_score_header_skips_score_in_words() -> None:
    data = xlsx(
        [
            ["TT", "Họ và tên", "Điểm kiểm tra", None, "Xếp loại"],
            [None, None, "Bằng số", "Bằng chữ", None],
            [1, "Lò Văn Dế", 8.5, "Tám phẩy năm", "Khá"],
        ],
        merges=["C1:D1", "A1:A2", "B1:B2", "E1:E2"],
    )
    result = parse_results(data)
    assert result.errors == []
    assert result.rows[0].scores == {"Điểm kiểm tra": Decimal("8.5")}


def test_results_row_with_nothing_to_report_is_an_error() -> None:
    data = xlsx(
        [
            ["TT", "Họ và tên", "Ngày sinh", "Điểm kiểm tra", "Xếp loại"],
            [1, "Lò Văn Dế", "01/02/1980", None, None],
            [2, "Cầm Thị Ún", "02/03/1985", 7, None],
            [3, "Cầm Thị Ún", "02/03/1985", 8, None],
        ]
    )
    result = parse_results(data)
    assert reasons(result.errors) == [
        "Dòng 2: chưa có điểm, xếp loại hay nhận xét.",
        "Dòng 4: học viên Cầm Thị Ún (02/03/1985) trùng với dòng 3.",
    ]


def test_schedule_day_written_with_its_weekday_and_days_off_skipped() -> None:
    data = xlsx(
        [
            ["Ngày", "Buổi", "Nội dung"],
            ["Thứ Hai, 04/03/2024", "Sáng", "Bài 1"],
            ["Thứ Bảy, 09/03/2024", None, "Nghỉ"],
            ["Thứ Ba (05/03/2024)", "Chiều", "Bài 2"],
            ["Thứ Hai, 06/03/2024", "Chiều", "Bài 3"],
        ]
    )
    result = parse_schedule(data)
    assert [(r.row, r.day) for r in result.rows] == [
        (2, date(2024, 3, 4)),
        (4, date(2024, 3, 5)),
    ]
    assert [e.reason for e in result.errors] == [
        "Dòng 5: ngày 06/03/2024 là Thứ Tư, nhưng cột Thứ ghi 'Thứ Hai'."
    ]


def test_schedule_time_column_holding_the_date_with_sang_chieu() -> None:
    data = xlsx(
        [
            ["TT", "Thời gian", "Buổi", "Chuyên đề"],
            [1, datetime(2024, 3, 4), "Sáng", "Bài 1"],
            [2, None, "Chiều", "Bài 2"],
        ],
        merges=["B2:B3"],
    )
    result = parse_schedule(data)
    assert result.errors == []
    assert [(r.number, r.day, r.start) for r in result.rows] == [
        (1, date(2024, 3, 4), MORNING[0]),
        (2, date(2024, 3, 4), AFTERNOON[0]),
    ]


def test_roster_lone_name_without_number_is_reported_not_dropped() -> None:
    data = xlsx(
        [
            HEADER,
            [1, "Lò Văn Dế", None, "UBND xã A", None],
            [None, "Cầm Thị Ún"],
            [3, "Vàng A Páo", None, "UBND xã A", None],
        ]
    )
    result = parse_roster(data)
    assert [e.reason for e in result.errors] == [
        "Dòng 3: chưa có đơn vị (cơ quan, đơn vị cử đi học)."
    ]


def test_roster_csv_rows_after_a_blank_line_are_kept_when_numbered() -> None:
    data = csv_bytes(
        ["TT,Họ và tên,Đơn vị,Ghi chú", "1,Lò Văn Dế,UBND xã A,", ",,,", "2,Cầm Thị Ún,,"]
    )
    result = parse_roster(data)
    assert [e.reason for e in result.errors] == [
        "Dòng 4: chưa có đơn vị (cơ quan, đơn vị cử đi học)."
    ]


def test_roster_split_over_several_sheets_is_refused_not_half_imported() -> None:
    workbook = Workbook()
    for index, title in enumerate(("Xã Tà Xùa", "Xã Làng Chếu")):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title
        sheet.append(HEADER)
        sheet.append([1, "Lò Văn Dế", None, title, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(SheetError) as caught:
        parse_roster(buffer.getvalue())
    assert "'Xã Tà Xùa', 'Xã Làng Chếu'" in caught.value.reason


def test_roster_birth_date_split_into_day_month_year_columns() -> None:
    data = xlsx(
        [
            ["TT", "Họ và tên", "Ngày sinh", None, None, "Đơn vị"],
            [None, None, "Ngày", "Tháng", "Năm", None],
            [1, "Lò Văn Dế", 1, 2, 1980, "UBND xã A"],
        ],
        merges=["C1:E1", "A1:A2", "B1:B2", "F1:F2"],
    )
    result = parse_roster(data)
    assert result.errors == []
    assert result.rows[0].birth_date == date(1980, 2, 1)
