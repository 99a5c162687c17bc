"""Benchmark: parse a 5,000-row messy roster.

Run from the repo root: `python -m bench.import_roster`. Builds the file in a temporary
folder (title block, Excel and text dates, phones in every shape, NFD names, a footer), parses
it three times and prints the median; the last line is one JSON object for CI to collect.
"""

from __future__ import annotations

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

from sheets.roster import parse_roster

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
    for n in range(1, rows + 1):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        if n % 3 == 0:
            name = unicodedata.normalize("NFD", name)
        if n % 11 == 0:
            name = "  " + name.upper() + " "
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 40 * 365))
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
        result = None
        for _ in range(RUNS):
            started = time.perf_counter()
            result = parse_roster(path)
            timings.append(time.perf_counter() - started)
    assert result is not None
    seconds = statistics.median(timings)
    print(f"file: {ROWS} rows, {size_kb:.0f} KB, built in {built:.2f} s")
    print(f"parsed: {len(result.rows)} rows, {len(result.errors)} errors")
    print("runs: " + ", ".join(f"{t:.3f} s" for t in timings))
    print(f"median: {seconds:.3f} s ({ROWS / seconds:,.0f} rows/s), target < {TARGET_SECONDS} s")
    if len(result.rows) != ROWS or result.errors:
        print("unexpected: " + "; ".join(str(e) for e in result.errors[:5]), file=sys.stderr)
        sys.exit(1)
    figures = {
        "bench": "import_roster_parse",
        "rows": ROWS,
        "seconds": round(seconds, 3),
        "rows_per_s": round(ROWS / seconds),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
