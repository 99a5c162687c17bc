"""Benchmark: import a 5,000-row messy roster, reading the file and writing the database.

Run from the repo root: `python -m bench.import_roster`. Builds the file in a temporary
folder (title block, Excel and text dates, phones in every shape, NFD names, a footer), then
three times: parses it and imports it into a fresh SQLite class (and once more as a re-import,
which must update and never duplicate). Prints medians; the last line is one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from db.database import Database
from sheets.roster import RosterRow, parse_roster
from usecases import classes, identity

ROWS = 5_000
RUNS = 3
TARGET_SECONDS = 5.0
SEED = 20240302

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vàng", "Giàng", "Lò", "Cầm", "Quàng", "Đinh")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Ngọc", "Xuân", "Hồng", "Kim", "A", "Quang")
GIVEN = ("An", "Bình", "Dế", "Pặng", "Páo", "Hương", "Lan", "Sơn", "Ún", "Tủa", "Nghĩa", "Yến")
UNITS = ("Đảng ủy xã Tà Xùa", "UBND xã Làng Chếu", "Đoàn xã Phiêng Ban", "Chi bộ bản Suối Tọ")
PREFIXES = ("91", "98", "34", "35", "70", "73", "81", "86", "96", "80")


def build_roster(path: Path, rows: int = ROWS, seed: int = SEED) -> None:
    """A roster shaped like the centres' files, with every messy shape mixed in."""
    rng = random.Random(seed)
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook starts with one plain sheet
    ws.append(["HUYỆN ỦY BẮC YÊN", None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    ws.append(["TRUNG TÂM CHÍNH TRỊ", None, None, None, "Độc lập - Tự do - Hạnh phúc"])
    ws.append([])
    ws.append(["DANH SÁCH HỌC VIÊN"])
    ws.append(["LỚP BỒI DƯỠNG NHẬN THỨC VỀ ĐẢNG NĂM 2025"])
    ws.append([])
    ws.append(
        ["TT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Chức vụ", "Đơn vị",
         "Số điện thoại", "Ghi chú"]
    )  # fmt: skip
    used: set[str] = set()
    people: set[tuple[str, date]] = set()
    for n in range(1, rows + 1):
        name, born = _person(rng, people)
        if n % 3 == 0:
            name = unicodedata.normalize("NFD", name)
        if n % 11 == 0:
            name = "  " + name.upper() + " "
        birth: object = datetime(born.year, born.month, born.day)
        if n % 2:
            birth = born.strftime("%d/%m/%Y")
        phone = _phone(rng, used)
        ws.append(
            [n, name, birth, rng.choice(("Nam", "Nữ")), "Kinh", "Đảng viên", rng.choice(UNITS),
             _shape(phone, n), None]
        )  # fmt: skip
    ws.append([])
    ws.append([None, f"Tổng số: {rows} học viên"])
    ws.append([None, None, None, None, None, "Bắc Yên, ngày 02 tháng 3 năm 2025"])
    ws.append([None, None, None, None, None, "GIÁM ĐỐC"])
    wb.save(path)


def _person(rng: random.Random, taken: set[tuple[str, date]]) -> tuple[str, date]:
    """A name and birth date no other row has: the same pair twice is one person written
    twice, which the roster reader refuses."""
    while True:
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 40 * 365))
        if (name, born) not in taken:
            taken.add((name, born))
            return name, born


def _phone(rng: random.Random, used: set[str]) -> str:
    while True:
        national = rng.choice(PREFIXES) + f"{rng.randrange(10**7):07d}"
        if national not in used:
            used.add(national)
            return national


def _shape(national: str, n: int) -> object:
    """The same number in one of the shapes rosters use."""
    shapes: tuple[object, ...] = (
        int(national),  # lost its leading zero
        "0" + national,
        f"0{national[:3]}.{national[3:6]}.{national[6:]}",
        "84" + national,
        "+84" + national,
        f"0{national[:3]} {national[3:6]} {national[6:]}",
    )
    return shapes[n % len(shapes)]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "danh-sach-5000.xlsx"
        started = time.perf_counter()
        build_roster(path)
        built = time.perf_counter() - started
        size_kb = path.stat().st_size / 1024
        timings = []
        imports: list[float] = []
        reimports: list[float] = []
        result = None
        for run in range(RUNS):
            started = time.perf_counter()
            result = parse_roster(path)
            timings.append(time.perf_counter() - started)
            first, again = asyncio.run(_import(Path(folder) / f"run{run}.sqlite3", result.rows))
            imports.append(first)
            reimports.append(again)
    assert result is not None
    seconds = statistics.median(timings)
    db_seconds = statistics.median(imports)
    print(f"file: {ROWS} rows, {size_kb:.0f} KB, built in {built:.2f} s")
    print(f"parsed: {len(result.rows)} rows, {len(result.errors)} errors")
    print("runs: " + ", ".join(f"{t:.3f} s" for t in timings))
    print(f"parse median: {seconds:.3f} s ({ROWS / seconds:,.0f} rows/s)")
    again = statistics.median(reimports)
    print(f"database import median: {db_seconds:.3f} s; re-import {again:.3f} s")
    total = seconds + db_seconds
    print(f"total median: {total:.3f} s, target < {TARGET_SECONDS} s")
    if len(result.rows) != ROWS or result.errors:
        print("unexpected: " + "; ".join(str(e) for e in result.errors[:5]), file=sys.stderr)
        sys.exit(1)
    figures = {
        "bench": "import_roster",
        "rows": ROWS,
        "parse_seconds": round(seconds, 3),
        "db_seconds": round(db_seconds, 3),
        "reimport_seconds": round(again, 3),
        "seconds": round(total, 3),
        "rows_per_s": round(ROWS / total),
    }
    print(json.dumps(figures))


async def _import(path: Path, rows: list[RosterRow]) -> tuple[float, float]:
    """Import into a fresh class twice: the first creates everyone, the second must only
    recognise them."""
    db = Database(f"sqlite+aiosqlite:///{path}")
    await db.migrate()
    centre = await identity.ensure_centre(db.uow(), "Bench")
    staff = identity.Actor.cli(centre)
    class_id = await classes.create_class(
        db.uow(), actor=staff, centre_id=centre, code="BENCH", name="Bench", program_type="Bench"
    )
    timings = []
    for expected_new in (ROWS, 0):
        started = time.perf_counter()
        report = await classes.import_roster(db.uow(), actor=staff, class_id=class_id, rows=rows)
        timings.append(time.perf_counter() - started)
        assert report.created == expected_new, report
    await db.dispose()
    return timings[0], timings[1]


if __name__ == "__main__":
    main()
