"""Issue 15: files as centres really send them — formulas saved by Excel, a person listed
twice, a phone that changed between two versions of the roster, a sheet with only headers."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from db.database import Database
from db.models import Enrollment, Person
from sheets.errors import SheetError
from sheets.roster import parse_roster
from sheets.schedule import parse_schedule
from usecases import classes
from usecases.identity import Actor

HEADER = ("TT", "Họ và tên", "Ngày sinh", "Đơn vị", "Số điện thoại")


def workbook(rows: Sequence[Sequence[object]], cached: Mapping[str, str] | None = None) -> bytes:
    """An .xlsx with a title line, the header on row 3 and `rows` below it. `cached` gives
    formula cells the value Excel would have saved with them ({'B4': 'Bấm vào đây'}); other
    formulas are saved without a value, as files written by programs are."""
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỌC VIÊN LỚP SƠ CẤP LLCT"])
    ws.append([])
    ws.append(list(HEADER))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    if not cached:
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for ref, value in cached.items():
                    found = re.search(rf'<c r="{ref}"><f>(.*?)</f><v ?/>', text)
                    assert found is not None, ref
                    saved = f'<c r="{ref}" t="str"><f>{found.group(1)}</f><v>{value}</v>'
                    text = text.replace(found.group(0), saved)
                data = text.encode()
            target.writestr(item, data)
    return out.getvalue()


LEARNERS = [
    (1, "Lò Văn Minh", "12/05/1990", "Xã Tà Xùa", "0912345601"),
    (2, "Sùng Thị Mai", "03/11/1995", "Xã Tà Xùa", "0912345602"),
    (3, "Hà Văn Dũng", "20/07/1988", "Xã Phiêng Ban", "0912345603"),
]


# ---------------------------------------------------------------------------- item 1


def test_a_name_that_is_a_saved_hyperlink_formula_is_refused_with_its_row() -> None:
    rows = [*LEARNERS, (4, '=HYPERLINK("https://example.vn/hs/4","Bấm vào đây")', None,
                        "Xã Phiêng Ban", None)]  # fmt: skip
    parsed = parse_roster(workbook(rows, cached={"B7": "Bấm vào đây"}), filename="ds.xlsx")
    assert "Bấm vào đây" not in [r.full_name for r in parsed.rows]
    assert [e.row for e in parsed.errors] == [7]
    assert "công thức" in parsed.errors[0].reason and "Dòng 7" in parsed.errors[0].reason


def test_a_formula_without_a_saved_value_is_an_error_naming_row_and_column() -> None:
    rows = [
        *LEARNERS,
        (4, "Giàng A Páo", "=DATE(1991,4,2)", "Xã Phiêng Ban", '="0912"&"345604"'),
    ]
    parsed = parse_roster(workbook(rows), filename="ds.xlsx")
    reasons = [e.reason for e in parsed.errors]
    assert len(reasons) == 2, reasons
    assert all(r.startswith("Dòng 7:") for r in reasons)
    assert any("«Ngày sinh»" in r for r in reasons)
    assert any("«Số điện thoại»" in r for r in reasons)
    assert "Giàng A Páo" not in [r.full_name for r in parsed.rows]


def test_a_formula_with_its_saved_value_reads_as_that_value() -> None:
    rows = [*LEARNERS, (4, "Giàng A Páo", "02/04/1991", "Xã Phiêng Ban", '="0912"&"345604"')]
    parsed = parse_roster(workbook(rows, cached={"E7": "0912345604"}), filename="ds.xlsx")
    assert parsed.errors == []
    assert parsed.rows[-1].phone == "+84912345604"


def test_a_sheet_with_only_its_header_is_an_error() -> None:
    with pytest.raises(SheetError, match="chỉ có dòng tiêu đề"):
        parse_roster(workbook([]), filename="ds.xlsx")
    wb = Workbook()
    wb.active.append(["Buổi", "Ngày", "Thời gian", "Nội dung", "Giảng viên"])
    buffer = io.BytesIO()
    wb.save(buffer)
    with pytest.raises(SheetError, match="chỉ có dòng tiêu đề"):
        parse_schedule(buffer.getvalue(), filename="lich.xlsx")


# ---------------------------------------------------------------------------- item 2


def test_one_person_listed_twice_is_an_error_with_both_rows() -> None:
    rows = [*LEARNERS, (4, "Sùng Thị Mai", "03/11/1995", "Xã Tà Xùa", None)]
    parsed = parse_roster(workbook(rows), filename="ds.xlsx")
    assert [e.row for e in parsed.errors] == [7]
    assert "dòng 5" in parsed.errors[0].reason  # Sùng Thị Mai's first row


async def _people(db: Database) -> int:
    async with db.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(Person)) or 0


async def _enrolled(db: Database, class_id: int) -> int:
    async with db.uow() as uow:
        query = select(func.count()).where(Enrollment.class_id == class_id)
        return await uow.session.scalar(query.select_from(Enrollment)) or 0


async def _new_class(db: Database, centre_id: int, code: str) -> int:
    return await classes.create_class(
        db.uow(),
        actor=Actor.cli(centre_id),
        centre_id=centre_id,
        code=code,
        name="Lớp thử",
        program_type="Sơ cấp LLCT",
    )


async def test_reimporting_the_same_file_never_adds_people(
    database: Database, centre_id: int
) -> None:
    # A learner with neither birth date nor phone is the case that used to duplicate.
    rows = [*LEARNERS, (4, "Vàng A Chứ", None, "Xã Phiêng Ban", None)]
    data = workbook(rows)
    class_id = await _new_class(database, centre_id, "SC-01")
    for _ in range(3):
        parsed = parse_roster(data, filename="ds.xlsx")
        assert parsed.errors == []
        await classes.import_roster(
            database.uow(), actor=Actor.cli(centre_id), class_id=class_id, rows=parsed.rows
        )
        assert await _people(database) == 4
        assert await _enrolled(database, class_id) == 4
    learners = await classes.list_learners(database.uow(), class_id=class_id)
    assert sorted(line.person.full_name for line in learners) == sorted(r[1] for r in rows)


async def test_a_changed_phone_updates_the_person_and_is_reported(
    database: Database, centre_id: int
) -> None:
    class_id = await _new_class(database, centre_id, "SC-02")
    first = parse_roster(workbook(LEARNERS), filename="ds.xlsx")
    await classes.import_roster(
        database.uow(), actor=Actor.cli(centre_id), class_id=class_id, rows=first.rows
    )
    moved = [LEARNERS[0], (2, "Sùng Thị Mai", "03/11/1995", "Xã Tà Xùa", "0987654321"),
             LEARNERS[2]]  # fmt: skip
    second = parse_roster(workbook(moved), filename="ds.xlsx")
    report = await classes.import_roster(
        database.uow(), actor=Actor.cli(centre_id), class_id=class_id, rows=second.rows
    )
    assert await _people(database) == 3
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert report.phone_changed == ["Sùng Thị Mai"]
    learners = await classes.list_learners(database.uow(), class_id=class_id)
    mai = next(line.person for line in learners if line.person.full_name == "Sùng Thị Mai")
    assert mai.phone == "+84987654321"


async def test_known_people_added_to_a_new_class_are_reported_as_enrolled(
    database: Database, centre_id: int
) -> None:
    parsed = parse_roster(workbook(LEARNERS), filename="ds.xlsx")
    await classes.import_roster(
        database.uow(),
        actor=Actor.cli(centre_id),
        class_id=await _new_class(database, centre_id, "SC-03"),
        rows=parsed.rows,
    )
    report = await classes.import_roster(
        database.uow(),
        actor=Actor.cli(centre_id),
        class_id=await _new_class(database, centre_id, "SC-04"),
        rows=parsed.rows,
    )
    assert (report.created, report.unchanged, report.enrolled) == (0, 3, 3)
    assert await _people(database) == 3
