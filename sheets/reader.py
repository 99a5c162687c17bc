"""Read one table out of a centre's spreadsheet (.xlsx or .csv), wherever it sits on the sheet.

Centres' files are made for printing: a title block above the table (agency, national motto,
class name), sometimes a two-row header, a row of column numbers, group rows ("I. Xã Tà
Xùa"), the header repeated on every printed page, and a footer (totals, place and date,
signatures). This module finds the header by its column names (each sheet kind passes its
own alias table), and yields only the data rows, each with the spreadsheet's own row number
so that error messages point where staff look.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import warnings
import zipfile
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import chain, islice
from pathlib import Path
from typing import Any

from sheets.errors import SheetError
from vn.numbers import format_count
from vn.text import clean, fold, nfc

__all__ = [
    "CELL_PROBLEMS",
    "HEADER_SCAN_ROWS",
    "MAX_BYTES",
    "MAX_ROWS",
    "PROGRESS_EVERY",
    "SECTION",
    "Progress",
    "Source",
    "Table",
    "TableSpec",
    "cell_problems",
    "read_table",
]

Source = str | os.PathLike[str] | bytes
Progress = Callable[[int, int], None]

HEADER_SCAN_ROWS = 30  # the title block above the header is rarely more than a dozen rows
MAX_BYTES = 20 * 1024 * 1024  # a 5,000-learner roster is under 1 MB; refuse anything absurd
MAX_ROWS = 20_000  # more than a year of learners for a province: not a class list
PROGRESS_EVERY = 200
SECTION = "_section"  # row key: the group title above the row ("I. Đảng ủy xã Tà Xùa")
# Row key: problems with the row's cells themselves (a formula), each a Vietnamese sentence
# for RowError.at; present only when there are some.
CELL_PROBLEMS = "_cell_problems"
_FORMULA_SHOWN = 40  # characters of a formula quoted in an error


def cell_problems(values: Mapping[str, object]) -> list[str]:
    """The row's `CELL_PROBLEMS`, as a new list (empty when there are none)."""
    found = values.get(CELL_PROBLEMS)
    return [str(problem) for problem in found] if isinstance(found, list) else []


# Encodings tried, in order, when a CSV is not UTF-8: Windows Vietnamese, then the ANSI code
# page of Western Windows (Excel's default "CSV" on an English machine).
_FALLBACK_ENCODINGS = ("cp1258", "cp1252")
_DELIMITERS = (",", ";", "\t")
_SNIFF_LINES = 40

_DAMAGED = "File Excel bị hỏng, không mở được. Hãy mở bằng Excel, lưu lại rồi gửi lại."
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected .xlsx

# Footer lines start like this (folded): totals, signatures, approval.
_FOOTER_PREFIXES = (
    "tong so",
    "tong cong",
    "nguoi lap",
    "nguoi ky",
    "giam doc",
    "pho giam doc",
    "thu truong",
    "hieu truong",
    "truong phong",
    "truong ban",
    "xac nhan",
    "ky ten",
    "ky ghi ro",
    "kt giam doc",
    "tm ",
    "kt ",
    "tl ",
    "q giam doc",
    "danh sach nay co",
    "danh sach co",
    "danh sach gom",
    "an dinh danh sach",
    "(ky",
)
_FOOTER_RE = re.compile(
    r"^(?:cộng\b(?!\s+(?:đồng|hòa|hoà|sản|tác))|\(\s*ký)"  # 'Cộng: 45', '(Ký, ghi rõ họ tên)'
    r"|\bngày\s*\S*\s+tháng\s*\S*\s+năm\s*\S*\s*$",  # 'Bắc Yên, ngày 02 tháng 3 năm 2024'
    re.IGNORECASE,
)
_ENUMERATED_RE = re.compile(r"^(?:[IVXLC]+|\d{1,2}|[A-Za-z])\s*[.)/:-]\s*\w")
_NUMBER_CELL_RE = re.compile(r"\(?\s*(\d{1,2}|[a-zA-Z])\s*\)?")
_PARENS_RE = re.compile(r"\([^)]*\)")
_WORD_SPLIT_RE = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class TableSpec:
    """What one kind of sheet looks like: the alias table its module keeps at its top.

    aliases: field → header names as staff write them (matched with and without accents).
    required: alternatives; the header row must have every field of at least one of them.
    groups: name → test on a folded header; every matching column goes into one dict
        (results: all "Điểm …" columns).
    joined: fields whose unlabeled right-hand neighbour continues them (a "Họ và tên" header
        merged over two columns, family names left, given names right).
    key_fields: fields that make a row a data row; a lone text in their column is data.
    expected: the columns to name when no header is found, in plain Vietnamese.
    """

    aliases: Mapping[str, Sequence[str]]
    required: Sequence[Sequence[str]]
    expected: str
    groups: Mapping[str, Callable[[str], bool]] = field(default_factory=dict)
    joined: Sequence[str] = ()
    key_fields: Sequence[str] = ()


@dataclass
class Table:
    """A located table: where its header is, which column is which, and its data rows."""

    sheet_name: str
    header_rows: tuple[int, ...]
    columns: dict[str, int]
    labels: dict[int, str]
    groups: dict[str, dict[int, str]]
    total_rows: int
    _rows: Iterator[tuple[int, tuple[object, ...]]]
    _spec: TableSpec
    _joined: dict[str, int] = field(default_factory=dict)
    _close: Callable[[], None] | None = None
    # Formulas of the sheet: row number → {column index: formula text} (xlsx only).
    _formulas: dict[int, dict[int, str]] = field(default_factory=dict)

    def rows(self, progress: Progress | None = None) -> Iterator[tuple[int, dict[str, object]]]:
        """Data rows as (row number, {field: value}); blank, numbering and footer rows skipped.

        Strings arrive NFC with collapsed spaces, empty cells as None. Once data has begun, a
        footer line ends the table; sparse rows after a blank gap are held back and dropped at
        the end (signatures), or kept if real data follows them.
        """
        try:
            yield from self._data_rows(progress)
        finally:
            if self._close is not None:
                self._close()
                self._close = None

    # -- internals -------------------------------------------------------------------------

    def _data_rows(self, progress: Progress | None) -> Iterator[tuple[int, dict[str, object]]]:
        started = False
        gap = False
        held: list[tuple[int, tuple[object, ...]]] = []
        section: str | None = None
        done = 0
        header_texts = set(self.labels.values())
        for number, raw in self._rows:
            cells = tuple(_cell(value) for value in raw)
            filled = [(i, v) for i, v in enumerate(cells) if v is not None]
            if not filled:
                gap = gap or started
                continue
            if _is_footer(filled):
                if started:
                    break
                continue  # a note between the header and the first learner
            if not started and _is_numbering_row(filled):
                continue
            if sum(v in header_texts for _, v in filled if isinstance(v, str)) >= 2:
                continue  # the header again, at the top of a printed page
            if gap and self._is_sparse(filled):
                held.append((number, cells))
                continue
            for held_number, held_cells in held:
                section = yield from self._emit(held_number, held_cells, section)
            held.clear()
            gap = False
            started = True
            section = yield from self._emit(number, cells, section)
            done += 1
            if done > MAX_ROWS:
                raise SheetError(
                    f"File có hơn {format_count(MAX_ROWS)} dòng dữ liệu: quá lớn cho một lớp."
                )
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, max(self.total_rows, done))
        if progress is not None:
            progress(done, done)

    def _emit(
        self, number: int, cells: tuple[object, ...], section: str | None
    ) -> Generator[tuple[int, dict[str, object]], None, str | None]:
        """Yield one data row, or absorb a group title row; returns the current group title."""
        filled = [(i, v) for i, v in enumerate(cells) if v is not None]
        if len(filled) == 1 and self._is_section(*filled[0]):
            return str(filled[0][1])
        values: dict[str, object] = {}
        for name, index in self.columns.items():
            values[name] = cells[index] if index < len(cells) else None
        for name, index in self._joined.items():
            extra = cells[index] if index < len(cells) else None
            if extra is not None:
                head = values.get(name)
                values[name] = extra if head is None else f"{head} {extra}"
        for group, members in self.groups.items():
            values[group] = {
                label: (cells[index] if index < len(cells) else None)
                for index, label in members.items()
            }
        if section is not None:
            values[SECTION] = section
        problems = self._formula_problems(number, cells)
        if problems:
            values[CELL_PROBLEMS] = problems
        yield number, values
        return section

    def _formula_problems(self, number: int, cells: tuple[object, ...]) -> list[str]:
        """Formulas are never data: a name that is a formula is refused (a saved
        =HYPERLINK reads 'Bấm vào đây'), and a formula without a saved value (a file written
        by a program, never opened in Excel) is an error rather than a blank cell."""
        formulas = self._formulas.get(number)
        if not formulas:
            return []
        used = {index: name for name, index in self.columns.items()}
        used.update({index: name for name, index in self._joined.items()})
        for members in self.groups.values():
            used.update(dict.fromkeys(members, "_group"))
        names = set(self._spec.key_fields)
        problems = []
        for index, formula in sorted(formulas.items()):
            name = used.get(index)
            if name is None or name == "number":
                continue  # a column we do not read, or the row number (=ROW()-5)
            label = self.labels.get(index) or self.labels.get(self.columns.get(name, -1), "")
            shown = formula if len(formula) <= _FORMULA_SHOWN else formula[:_FORMULA_SHOWN] + "…"
            value = cells[index] if index < len(cells) else None
            if name in names:
                problems.append(
                    f"Ô họ tên (cột «{label}») là công thức {shown}, không phải tên người. "
                    "Hãy gõ họ tên vào ô đó."
                )
            elif value is None:
                problems.append(
                    f"Ô cột «{label}» là công thức {shown} nhưng không có giá trị đã lưu. "
                    "Hãy mở tệp bằng Excel, lưu lại rồi gửi lại (hoặc dán giá trị thay cho "
                    "công thức)."
                )
        return problems

    def _is_section(self, index: int, value: object) -> bool:
        """A lone text on a row: a group title ('I. Đảng ủy xã Tà Xùa', 'Thứ Hai, 04/03/2024').

        Outside the name columns it always is. In a name column it is a title only when it
        looks like one (numbered 'I.'/'1.'/'A.', or in capitals); otherwise it is a learner
        typed without the rest of the row, kept as data so the missing cells are reported
        instead of the person silently vanishing.
        """
        if not isinstance(value, str) or not any(ch.isalpha() for ch in value):
            return False
        key_columns = {self.columns[k] for k in self._spec.key_fields if k in self.columns}
        if index not in key_columns:
            return True
        return bool(_ENUMERATED_RE.match(value)) or value.isupper()

    def _is_sparse(self, filled: list[tuple[int, object]]) -> bool:
        """Few cells and no row number: a signature or a note, unless data follows it."""
        number_col = self.columns.get("number")
        if number_col is not None and any(i == number_col and _is_count(v) for i, v in filled):
            return False
        return len(filled) <= 2 and len(filled) < len(self.columns) // 2 + 1


def read_table(source: Source, spec: TableSpec, *, filename: str | None = None) -> Table:
    """Open a file and locate its table: SheetError if unreadable or no header is found."""
    data, name = _load(source, filename)
    kind = _kind(data, name)
    if kind == "xlsx":
        return _read_xlsx(data, spec)
    return _read_csv(data, spec)


# ------------------------------------------------------------------------------ file access


def _load(source: Source, filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
        name = filename or ""
    else:
        path = Path(source)
        name = filename or path.name
        try:
            if path.stat().st_size > MAX_BYTES:
                raise SheetError(_too_big())
            data = path.read_bytes()
        except OSError:
            raise SheetError(f"Không mở được file '{path.name}'.") from None
    if len(data) > MAX_BYTES:
        raise SheetError(_too_big())
    if not data.strip():
        raise SheetError("File trống, không có dữ liệu.")
    return data, name


def _kind(data: bytes, name: str) -> str:
    """'xlsx' or 'csv', judged by content (a renamed file is common), else SheetError."""
    suffix = Path(name).suffix.lower()
    if data.startswith(_ZIP_MAGIC):
        return "xlsx"
    if data.startswith(_OLE_MAGIC):
        raise SheetError(
            "File là Excel đời cũ (.xls) hoặc có đặt mật khẩu. Hãy mở bằng Excel, bỏ mật khẩu "
            "nếu có, rồi chọn Lưu thành (Save As) dạng .xlsx và gửi lại."
        )
    if data.startswith(b"%PDF"):
        raise SheetError("File là PDF, không đọc được bảng. Hãy gửi file Excel (.xlsx) hoặc .csv.")
    head = data[:2048].lower()
    if b"<html" in head or b"<table" in head or b"<!doctype" in head:
        raise SheetError(
            "File là trang web (HTML) mang đuôi Excel. Hãy mở bằng Excel rồi lưu lại "
            "dạng .xlsx và gửi lại."
        )
    if suffix in (".xlsx", ".xlsm"):
        raise SheetError(_DAMAGED)
    if suffix in (".doc", ".docx", ".ods", ".numbers", ".xls", ".pdf", ".jpg", ".png"):
        raise SheetError("Chỉ nhận file Excel (.xlsx) hoặc .csv.")
    return "csv"


def _read_xlsx(data: bytes, spec: TableSpec) -> Table:
    from openpyxl import load_workbook  # heavy import, only when an .xlsx arrives

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise SheetError(_DAMAGED) from None
    if "xl/workbook.xml" not in names:
        raise SheetError("File nén này không phải Excel (.xlsx). Chỉ nhận file .xlsx hoặc .csv.")
    try:
        # Files saved by other software often carry styles openpyxl warns about; harmless here.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            # Saved values alone hide formulas; read them too, only when there are some.
            formulas = (
                load_workbook(io.BytesIO(data), read_only=True, data_only=False)
                if _has_formulas(data, names)
                else None
            )
    except Exception:  # openpyxl raises many types for a damaged file
        raise SheetError(_DAMAGED) from None

    try:
        table = _pick_sheet(workbook, spec)
        if formulas is not None:
            table._formulas = _formula_cells(formulas[table.sheet_name])
        return table
    except SheetError:
        workbook.close()
        raise
    except Exception:
        workbook.close()
        raise SheetError(_DAMAGED) from None
    finally:
        if formulas is not None:
            formulas.close()


def _has_formulas(data: bytes, names: set[str]) -> bool:
    """Any <f> element in a worksheet: the formula text is kept beside its saved value."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in names:
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(name) as part:
                    tail = b""
                    while chunk := part.read(1 << 16):
                        if re.search(rb"<(?:\w+:)?f[ >]", tail + chunk):
                            return True
                        tail = chunk[-8:]
    return False


def _formula_cells(sheet: Any) -> dict[int, dict[int, str]]:
    """Row number → {column index: formula} of one sheet read with data_only=False."""
    sheet.reset_dimensions()
    found: dict[int, dict[int, str]] = {}
    for number, row in enumerate(sheet.iter_rows(min_row=1), start=1):
        for index, cell in enumerate(row):
            if getattr(cell, "data_type", None) == "f":
                value = cell.value
                text = value if isinstance(value, str) else getattr(value, "text", str(value))
                found.setdefault(number, {})[index] = str(text)
    return found


def _pick_sheet(workbook: Any, spec: TableSpec) -> Table:
    """The one visible sheet holding the table (a hidden one only if no visible one does).

    Several visible sheets that all look like the table (one per commune, say) are refused:
    importing only one of them would be the half-import the rules forbid.
    """
    active = workbook.active
    sheets = sorted(workbook.worksheets, key=lambda ws: ws is not active)
    visible = [ws for ws in sheets if getattr(ws, "sheet_state", "visible") == "visible"]
    hidden = [ws for ws in sheets if ws not in visible]
    for group in (visible, hidden):
        matches = []
        for sheet in group:
            estimate = sheet.max_row or 0
            sheet.reset_dimensions()  # some writers store a wrong size; trust the rows instead
            rows = enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
            head = list(islice(rows, HEADER_SCAN_ROWS + 1))
            found = _locate(head, spec)
            if found is not None:
                matches.append((sheet, found, head, rows, estimate))
        if len(matches) > 1:
            names = ", ".join(f"'{m[0].title}'" for m in matches)
            raise SheetError(
                f"File có {len(matches)} trang cùng dạng bảng này ({names}). Hãy gộp vào một "
                "trang, hoặc xoá trang thừa, rồi gửi lại."
            )
        if matches:
            sheet, found, head, rows, estimate = matches[0]
            return _table(sheet.title, found, head, rows, estimate, spec, close=workbook.close)
    raise SheetError(_no_header(spec))


def _read_csv(data: bytes, spec: TableSpec) -> Table:
    text = _decode(data)
    first_line, _, after = text.partition("\n")
    if first_line.strip().lower().startswith("sep=") and len(first_line.strip()) == 5:
        delimiter = first_line.strip()[4]  # Excel's own hint line, hidden when Excel opens it
        text = after
    else:
        delimiter = _sniff(text.splitlines()[:_SNIFF_LINES])
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    numbered = [(i, tuple(r)) for i, r in enumerate(records, start=1)]
    head = numbered[: HEADER_SCAN_ROWS + 1]
    found = _locate(head, spec)
    if found is None:
        raise SheetError(_no_header(spec))
    return _table("", found, head, numbered[HEADER_SCAN_ROWS + 1 :], len(numbered), spec)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (BOM or NUL-padded), else Windows code pages."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    odd_zeros, even_zeros = data[1:400:2].count(0), data[:400:2].count(0)
    if max(odd_zeros, even_zeros) > len(data[:400]) // 8:  # ASCII in UTF-16 is half NULs
        encoding = "utf-16-le" if odd_zeros > even_zeros else "utf-16-be"
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise SheetError("File không phải bảng tính. Chỉ nhận file Excel (.xlsx) hoặc .csv.")
    for encoding in _FALLBACK_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError(  # pragma: no cover - cp1252 fails only on five unused bytes
        "Không đọc được chữ trong file CSV. Hãy lưu lại từ Excel dạng 'CSV UTF-8'."
    )


def _sniff(lines: Sequence[str]) -> str:
    """The delimiter giving the most rows with the same (>1) number of fields."""
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=delimiter) if any(r)]
        wide = [c for c in counts if c > 1]
        if not wide:
            continue
        mode = max(set(wide), key=wide.count)
        score = (wide.count(mode), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


# --------------------------------------------------------------------------- header search


@dataclass
class _Found:
    header_rows: tuple[int, ...]
    columns: dict[str, int]
    labels: dict[int, str]
    groups: dict[str, dict[int, str]]
    joined: dict[str, int]
    last_index: int  # index in the head list of the last header row
    sub_hits: int = 0  # columns named by a sub-header (second header row)


def _table(
    sheet_name: str,
    found: _Found,
    head: Sequence[tuple[int, tuple[object, ...]]],
    rest: Iterable[tuple[int, tuple[object, ...]]],
    estimate: int,
    spec: TableSpec,
    close: Callable[[], None] | None = None,
) -> Table:
    remaining = chain(head[found.last_index + 1 :], rest)
    return Table(
        sheet_name=sheet_name,
        header_rows=found.header_rows,
        columns=found.columns,
        labels=found.labels,
        groups=found.groups,
        total_rows=max(estimate - found.header_rows[-1], 0),
        _rows=remaining,
        _spec=spec,
        _joined=found.joined,
        _close=close,
    )


class _Matcher:
    """Header text → field, with accents first ('Năm' ≠ 'Nam'), then without."""

    def __init__(self, spec: TableSpec) -> None:
        self.spec = spec
        self.exact: dict[str, str] = {}
        self.loose: dict[str, str] = {}
        for name, aliases in spec.aliases.items():
            for alias in aliases:
                self.exact.setdefault(_accented(alias), name)
                self.loose.setdefault(fold(alias), name)
        # Prefix matches ('Số điện thoại liên hệ'), longest alias first; single short words
        # ('Họ', 'Tên', 'Giờ') are too common at the start of other headers to be prefixes.
        self.prefixes = sorted(
            ((key, name) for key, name in self.loose.items() if " " in key or len(key) >= 4),
            key=lambda item: -len(item[0]),
        )

    def exact_match(self, text: str) -> str | None:
        for candidate in (text, _PARENS_RE.sub(" ", text)):
            hit = self.exact.get(_accented(candidate)) or self.loose.get(fold(candidate))
            if hit:
                return hit
        return None

    def prefix_match(self, text: str) -> str | None:
        folded = fold(_PARENS_RE.sub(" ", text))
        for key, name in self.prefixes:
            if folded.startswith(key + " "):
                return name
        return None

    def group(self, text: str) -> str | None:
        folded = fold(text)
        for name, test in self.spec.groups.items():
            if test(folded):
                return name
        return None


def _locate(head: Sequence[tuple[int, tuple[object, ...]]], spec: TableSpec) -> _Found | None:
    """The header: the row (or pair of rows) among the first ones naming the most columns.

    A two-row header wins only if it names strictly more columns than its first row alone,
    so a first data row made only of text (every CSV) is never mistaken for a sub-header.
    """
    matcher = _Matcher(spec)
    best: _Found | None = None
    best_score = (0, 0)
    for index, (number, raw) in enumerate(head[:HEADER_SCAN_ROWS]):
        top = [clean(v) for v in raw]
        if sum(v is not None for v in top) < 2:
            continue
        candidates: list[tuple[_Found | None, tuple[int, ...]]] = [
            (_evaluate(matcher, [(t, None) for t in top]), (number,))
        ]
        if index + 1 < len(head) and _is_label_row(raw) and _is_label_row(head[index + 1][1]):
            bottom = [clean(v) for v in head[index + 1][1]]
            candidates.append(
                (_evaluate(matcher, _two_row_labels(top, bottom)), (number, head[index + 1][0]))
            )
        for found, rows in candidates:
            if found is None:
                continue
            # Ties go to the two-row reading only when its second row really named columns
            # ('Bằng số' under 'Điểm'); otherwise that row is data.
            score = (
                len(found.columns) + sum(len(g) for g in found.groups.values()),
                min(found.sub_hits, 1),
            )
            if score > best_score:
                found.header_rows = rows
                found.last_index = index + len(rows) - 1
                best, best_score = found, score
    return best


_Label = tuple[str | None, str | None]  # (header text or merged parent, sub-header below it)


def _two_row_labels(top: list[str | None], bottom: list[str | None]) -> list[_Label]:
    """(parent, sub-header) per column of a two-row header.

    A merged cell ('Họ và tên' over 'Họ đệm' | 'Tên') has its text only in its first column;
    it is carried right over the following columns that have a sub-header below it.
    """
    width = max(len(top), len(bottom))
    top = top + [None] * (width - len(top))
    bottom = bottom + [None] * (width - len(bottom))
    labels: list[_Label] = []
    carried: str | None = None
    for upper, lower in zip(top, bottom, strict=True):
        if upper is not None:
            carried = upper if lower is not None else None
        elif lower is None:
            carried = None
        labels.append((upper if upper is not None else carried, lower))
    return labels


def _evaluate(matcher: _Matcher, labels: list[_Label]) -> _Found | None:
    """Which field or group each column holds; None unless the spec's required ones are there."""
    columns: dict[str, int] = {}
    written: dict[int, str] = {}
    groups: dict[str, dict[int, str]] = {}
    sub_hits = 0
    for index, (parent, lower) in enumerate(labels):
        hit = _match_column(matcher, parent, lower, columns)
        if hit is None:
            continue
        kind, name, label = hit
        if lower is not None and label != parent:
            sub_hits += 1
        if kind == "group":
            groups.setdefault(name, {})[index] = label
        else:
            columns[name] = index
        written[index] = label
    if len(columns) + sum(len(g) for g in groups.values()) < 2:
        return None
    if not any(all(f in columns for f in option) for option in matcher.spec.required):
        return None
    joined = _joined_columns(matcher.spec, columns, labels)
    return _Found((), columns, written, groups, joined, 0, sub_hits)


def _match_column(
    matcher: _Matcher, parent: str | None, lower: str | None, taken: Mapping[str, int]
) -> tuple[str, str, str] | None:
    """('field' | 'group', name, header as written) for one column, most specific match first.

    Order: exact alias on 'parent sub' then on the sub-header ('Ngày sinh Nữ', 'Tên'); a
    group on those ('Điểm kiểm tra Bằng số'); exact alias or group on a header without
    sub-header; exact alias on the parent; finally prefixes ('Số điện thoại liên hệ').
    """
    specific = [f"{parent} {lower}", lower] if parent and lower else [lower] if lower else []
    for text in specific:
        name = matcher.exact_match(text)
        if name and name not in taken:
            return "field", name, text
    for text in specific:
        group = matcher.group(text)
        if group:
            return "group", group, text
    if parent:
        name = matcher.exact_match(parent)
        if name and name not in taken:
            return "field", name, parent
        group = matcher.group(parent) if lower is None else None
        if group:
            return "group", group, parent
    for written in (lower, parent):
        if written:
            name = matcher.prefix_match(written)
            if name and name not in taken:
                return "field", name, written
    return None


def _joined_columns(
    spec: TableSpec, columns: dict[str, int], labels: list[_Label]
) -> dict[str, int]:
    """Unlabeled columns right of a `joined` field: the second half of a merged header."""
    joined: dict[str, int] = {}
    taken = set(columns.values())
    for name in spec.joined:
        index = columns.get(name)
        if index is None:
            continue
        neighbour = index + 1
        unlabeled = neighbour >= len(labels) or labels[neighbour] == (None, None)
        if unlabeled and neighbour not in taken:
            joined[name] = neighbour
    return joined


def _is_label_row(raw: tuple[object, ...]) -> bool:
    """A second header row holds only short texts: no numbers, dates or phone-like text."""
    values = [clean(x) if isinstance(x, str) else x for x in raw]
    texts = [v for v in values if v is not None]
    if not texts or any(not isinstance(v, str) for v in texts):
        return False
    labels = [str(v) for v in texts]
    if all(_NUMBER_CELL_RE.fullmatch(v) for v in labels):
        return False  # '(1) (2) (3)': a numbering row
    return all(len(v) <= 60 and not _looks_like_data(v) for v in labels)


def _looks_like_data(text: str) -> bool:
    """'8,5', '01/02/1980', '0912 345 678': mostly digits. 'Lần 1' is still a label."""
    compact = text.replace(" ", "")
    return sum(ch.isdigit() for ch in compact) * 2 >= len(compact)


# ------------------------------------------------------------------------------ row helpers


def _cell(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, str):
        text = nfc(value)
        return text or None
    if isinstance(value, datetime | date | time):
        return value
    return value


def _accented(text: str) -> str:
    """Lowercase NFC with punctuation as spaces, accents kept."""
    return " ".join(w for w in _WORD_SPLIT_RE.split(nfc(text).lower()) if w)


def _is_footer(filled: list[tuple[int, object]]) -> bool:
    """Totals, place and date, signatures: the first text of a row without a row number."""
    if _is_count(filled[0][1]):
        return False  # a numbered row is data, even if its first text is 'Giám đốc'
    text = next((v for _, v in filled if isinstance(v, str)), None)
    if text is None:
        return False
    folded = fold(text)
    if any(folded.startswith(p.strip()) and _word_boundary(folded, p) for p in _FOOTER_PREFIXES):
        return True
    return bool(_FOOTER_RE.search(text.lower()))


def _is_count(value: object) -> bool:
    """A row number: 12, 12.0 or '12' (every cell of a CSV is text)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and value.isdigit() and len(value) <= 5


def _word_boundary(folded: str, prefix: str) -> bool:
    prefix = prefix.strip()
    return len(folded) == len(prefix) or not folded[len(prefix)].isalnum()


def _is_numbering_row(filled: list[tuple[int, object]]) -> bool:
    """'1 2 3 4 …' or '(1) (2) (3) …' printed under the header to refer to columns."""
    if len(filled) < 3:
        return False
    return all(_NUMBER_CELL_RE.fullmatch(str(v)) for _, v in filled)


def _too_big() -> str:
    return f"File quá lớn (hơn {MAX_BYTES // (1024 * 1024)} MB). Danh sách lớp thường rất nhỏ."


def _no_header(spec: TableSpec) -> str:
    return (
        f"Không tìm thấy dòng tiêu đề của bảng trong {HEADER_SCAN_ROWS} dòng đầu. "
        f"Cần có các cột: {spec.expected}."
    )
