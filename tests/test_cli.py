"""The staff command line as staff meet it: Vietnamese help and errors, one line when something
breaks (never a traceback, never a learner's data), and no database made by a typo."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from cli import common
from cli.app import main
from db import sqlite_inline
from sheets.roster import parse_roster
from tests.conftest import CENTRE, REPO, SAMPLES

ROSTER = SAMPLES / "danh-sach-so-cap-llct-k4-2024.xlsx"
SCHEDULE = SAMPLES / "lich-hoc-so-cap-llct-k4-2024.xlsx"
ENGLISH = ("Usage:", "Options:", "Show this message", "Error:", "Try '", "Missing", "Invalid")


@dataclass
class Ran:
    code: int
    out: str
    err: str


Sll = Callable[..., Ran]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "sll.sqlite3"


@pytest.fixture
def sll(db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Sll:
    """`sll …` in this process (quick), against a fresh SQLite file path."""
    monkeypatch.setenv("SLL_CONFIG", str(REPO / "tests" / "no-config.toml"))
    monkeypatch.setenv("SLL_DATABASE_URL", f"sqlite+aiosqlite:///{db_path}")
    monkeypatch.setenv("SLL_CENTRE_NAME", CENTRE)
    monkeypatch.setattr(common.out, "_width", 250)  # tables not cut at 80 columns
    monkeypatch.setattr(common.err, "_width", 250)

    def call(*args: str) -> Ran:
        with pytest.raises(SystemExit) as ended:
            main(list(args))
        captured = capsys.readouterr()
        code = ended.value.code
        return Ran(code if isinstance(code, int) else 1, captured.out, captured.err)

    return call


def run_sll(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real `python -m cli` process, as staff start it."""
    import os

    environ = {k: v for k, v in os.environ.items() if not k.startswith("SLL_")}
    environ.update({"SLL_CONFIG": str(REPO / "tests" / "no-config.toml"), **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _one_line_failure(ran: Ran) -> str:
    lines = [line for line in ran.err.splitlines() if line.strip()]
    assert ran.code != 0
    assert len(lines) == 1, ran.err
    assert "Traceback" not in ran.err + ran.out
    return lines[0]


# ----------------------------------------------------------------- item 3: failures


def test_a_mistyped_database_path_creates_nothing_and_says_so(sll: Sll, db_path: Path) -> None:
    ran = sll("lop", "ds")
    line = _one_line_failure(ran)
    assert str(db_path) in line and "sll db nang-cap" in line
    assert not db_path.exists()
    assert sll("db", "nang-cap").code == 0
    assert db_path.exists()
    assert sll("lop", "ds").code == 0


def test_a_locked_database_is_one_line_without_learners_data(
    sll: Sll, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert sll("db", "nang-cap").code == 0
    assert sll("lop", "tao", "SC-K4", "--ten", "Sơ cấp LLCT", "--loai", "Sơ cấp").code == 0
    monkeypatch.setattr(sqlite_inline, "BUSY_TIMEOUT_MS", 200)  # not the real 15 s
    holder = sqlite3.connect(db_path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        ran = sll("lop", "nhap-hoc-vien", "SC-K4", str(ROSTER))
    finally:
        holder.rollback()
        holder.close()
    line = _one_line_failure(ran)
    assert "khóa" in line
    first = parse_roster(ROSTER).rows[0]
    for private in (first.full_name, first.phone or "", first.phone[-9:] if first.phone else ""):
        assert private not in ran.err + ran.out


def test_a_corrupt_database_and_a_malformed_url_are_one_line_each(
    sll: Sll, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path.write_bytes(b"this is not a database" * 100)
    assert "hỏng" in _one_line_failure(sll("lop", "ds"))
    monkeypatch.setenv("SLL_DATABASE_URL", "sqlite+aiosqlite//nowhere")
    assert "database.url" in _one_line_failure(sll("lop", "ds"))


def test_postgresql_down_is_one_line(sll: Sll, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket_free_port() as port:
        monkeypatch.setenv("SLL_DATABASE_URL", f"postgresql+asyncpg://u@127.0.0.1:{port}/x")
        line = _one_line_failure(sll("lop", "ds"))
    assert "kết nối" in line


def test_a_corrupt_spreadsheet_is_one_line(sll: Sll, tmp_path: Path) -> None:
    assert sll("db", "nang-cap").code == 0
    assert sll("lop", "tao", "SC-K4", "--ten", "Sơ cấp LLCT", "--loai", "Sơ cấp").code == 0
    broken = tmp_path / "ds.xlsx"
    broken.write_bytes(ROSTER.read_bytes()[:3000])
    ran = sll("lop", "nhap-hoc-vien", "SC-K4", str(broken))
    assert "Excel" in _one_line_failure(ran)


class socket_free_port:
    """A local port nobody listens on."""

    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return int(self.sock.getsockname()[1])  # bound, not listening: connections refused

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


# ------------------------------------------------------------- item 4: Vietnamese frame


def test_help_and_usage_errors_are_in_vietnamese() -> None:
    help_page = run_sll("lop", "nhap-lich", "--help")
    assert help_page.returncode == 0
    assert "Cách dùng: sll lop nhap-lich" in help_page.stdout
    assert "Tùy chọn:" in help_page.stdout and "Tham số:" in help_page.stdout
    typo = run_sll("lop", "ds", "--confg", "x.toml")
    assert typo.returncode == 2
    assert "không có tùy chọn --confg" in typo.stderr and "--config" in typo.stderr
    for result in (help_page, typo):
        for word in ENGLISH:
            assert word not in result.stdout + result.stderr, word


def test_every_usage_error_reads_in_vietnamese(sll: Sll) -> None:
    cases = [
        ("lop", "tao"),  # missing argument
        ("lop", "tao", "X"),  # missing option
        ("lop", "tao", "X", "--ten"),  # option without its value
        ("diem-danh", "ma-phong", "SC-K4", "hai"),  # not a number
        ("lopp",),  # no such command
        ("lop", "ds", "thừa"),  # extra argument
        ("--help",),
        ("lop", "--help"),
    ]
    for args in cases:
        ran = sll(*args)
        text = ran.out + ran.err
        for word in ENGLISH:
            assert word not in text, (args, text)
        if "--help" not in args:
            assert ran.code == 2 and "Lỗi: " in ran.err, (args, text)


# ------------------------------------------------------------------ item 2: the report


def test_known_people_added_to_a_new_class_are_said_to_be_enrolled(sll: Sll) -> None:
    assert sll("db", "nang-cap").code == 0
    for code in ("SC-K4", "BD-01"):
        assert sll("lop", "tao", code, "--ten", "Lớp", "--loai", "Sơ cấp").code == 0
    first = sll("lop", "nhap-hoc-vien", "SC-K4", str(ROSTER))
    assert first.code == 0, first.err
    again = sll("lop", "nhap-hoc-vien", "BD-01", str(ROSTER))
    assert again.code == 0, again.err
    learners = len(parse_roster(ROSTER).rows)
    assert f"0 mới, 0 cập nhật, {learners} không đổi" in again.out
    assert f"{learners} học viên được ghi danh vào lớp" in again.out


# ---------------------------------------------------------------- item 4: plain refusals


def _class_with_roster(sll: Sll, roster: Path = ROSTER, code: str = "SC-K4") -> None:
    assert sll("db", "nang-cap").code == 0
    assert sll("lop", "tao", code, "--ten", "Sơ cấp LLCT", "--loai", "Sơ cấp").code == 0
    ran = sll("lop", "nhap-hoc-vien", code, str(roster))
    assert ran.code == 0, ran.err


def test_a_class_needs_a_name_and_a_program_type(sll: Sll) -> None:
    assert sll("db", "nang-cap").code == 0
    for args in (("--ten", " ", "--loai", "Sơ cấp"), ("--ten", "Lớp A", "--loai", "")):
        ran = sll("lop", "tao", "SC-1", *args)
        assert ran.code == 1 and "Chưa có" in ran.err, ran
    assert "Chưa có lớp nào" in sll("lop", "ds").out


def test_a_day_that_does_not_exist_is_named_as_such(sll: Sll) -> None:
    _class_with_roster(sll)
    ran = sll("xuat", "diem-danh", "SC-K4", "--tu", "32/01/2024")
    assert ran.code == 1
    assert "không có thật" in ran.err and "dạng" not in ran.err


def test_a_headers_only_roster_is_refused(sll: Sll, tmp_path: Path) -> None:
    empty = tmp_path / "ds.csv"
    empty.write_text("TT,Họ và tên,Ngày sinh,Đơn vị,Số điện thoại\n", encoding="utf-8")
    assert sll("db", "nang-cap").code == 0
    assert sll("lop", "tao", "SC-K4", "--ten", "Sơ cấp LLCT", "--loai", "Sơ cấp").code == 0
    ran = sll("lop", "nhap-hoc-vien", "SC-K4", str(empty))
    assert ran.code == 1 and "Đã nhập" not in ran.out
    assert "chỉ có dòng tiêu đề" in ran.err


def test_an_ambiguous_monitor_lists_the_candidates_and_monitors_can_be_removed(
    sll: Sll, tmp_path: Path
) -> None:
    roster = tmp_path / "ds.csv"
    roster.write_text(
        "TT,Họ và tên,Ngày sinh,Đơn vị,Số điện thoại\n"
        "1,Lò Văn Minh,12/05/1990,Xã Tà Xùa,0912345601\n"
        "2,Sùng Thị Mai,03/11/1995,Xã Tà Xùa,0912345602\n"
        "3,Lò Văn Minh,20/07/1988,Xã Phiêng Ban,0912345603\n",
        encoding="utf-8",
    )
    _class_with_roster(sll, roster)
    ran = sll("lop", "lop-truong", "SC-K4", "Lò Văn Minh")
    assert ran.code == 1
    assert "TT 1: Lò Văn Minh, sinh 12/05/1990" in ran.err
    assert "TT 3: Lò Văn Minh, sinh 20/07/1988" in ran.err
    assert sll("lop", "lop-truong", "SC-K4", "3").code == 0
    assert "lớp trưởng" in sll("lop", "hoc-vien", "SC-K4").out
    removed = sll("lop", "bo-lop-truong", "SC-K4", "3")
    assert removed.code == 0 and "không còn là lớp trưởng" in removed.out
    assert "lớp trưởng" not in sll("lop", "hoc-vien", "SC-K4").out


# ------------------------------------------------------------ item 5: shifted schedules


def test_a_start_date_that_moves_sessions_onto_a_weekend_warns_and_asks(
    sll: Sll, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    _class_with_roster(sll)
    # The sample's first session is a Monday; starting on a Thursday puts its Wednesday,
    # Thursday and Friday sessions on Saturday, Sunday and Monday.
    monkeypatch.setattr("sys.stdin", io.StringIO("k\n"))
    declined = sll("lop", "nhap-lich", "SC-K4", str(SCHEDULE), "--bat-dau", "06/03/2025")
    assert declined.code == 0
    assert "cuối tuần" in declined.err
    assert "Thứ Tư 06/03/2024 → Thứ Bảy 09/03/2024" not in declined.err  # years do move
    assert "→ Thứ Bảy 08/03/2025" in declined.err and "→ Chủ Nhật 09/03/2025" in declined.err
    assert "Chưa nhập lịch" in declined.out
    assert "chưa có lịch học" in sll("lop", "buoi", "SC-K4").out
    monkeypatch.setattr("sys.stdin", io.StringIO("c\n"))
    accepted = sll("lop", "nhap-lich", "SC-K4", str(SCHEDULE), "--bat-dau", "06/03/2025")
    assert accepted.code == 0 and "Đã nhập 16 buổi" in accepted.out, accepted
    plain = sll("lop", "nhap-lich", "SC-K4", str(SCHEDULE), "--bat-dau", "03/03/2025")
    assert plain.code == 0 and "cuối tuần" not in plain.err  # Monday to Monday: no question


# ---------------------------------------------------------------------- item 6: exports


def test_exports_number_learners_1_to_n_and_results_can_be_exported(
    sll: Sll, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import load_workbook

    _class_with_roster(sll)
    assert sll("lop", "nhap-lich", "SC-K4", str(SCHEDULE)).code == 0
    checkins = tmp_path / "dd.xlsx"
    ran = sll("xuat", "diem-danh", "SC-K4", "--tu", "04/03/2024", "--tep", str(checkins))
    assert ran.code == 0, ran.err
    rows = list(load_workbook(checkins).active.iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if "TT" in row)
    tt = rows[header_at].index("TT")
    first_session = [r for r in rows[header_at + 1 :] if r[0] == rows[header_at + 1][0]]
    learners = len(parse_roster(ROSTER).rows)
    assert [r[tt] for r in first_session] == list(range(1, learners + 1))

    monkeypatch.setenv("SLL_FAKE_NOW", "2024-03-14T09:00:00+07:00")
    results = SAMPLES / "ket-qua-so-cap-llct-k4-2024.xlsx"
    assert sll("ket-qua", "nhap", "SC-K4", str(results)).code == 0
    exported = tmp_path / "kq.xlsx"
    ran = sll("xuat", "ket-qua", "SC-K4", "--tep", str(exported))
    assert ran.code == 0, ran.err
    sheet = load_workbook(exported).active
    table = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(table) if row and row[0] == "TT")
    body = [r for r in table[header_at + 1 :] if r[0] is not None]
    assert [r[0] for r in body] == list(range(1, len(body) + 1))
    assert "Xếp loại" in table[header_at] and len(body) > 0


def test_an_export_into_a_missing_folder_is_one_line(sll: Sll, tmp_path: Path) -> None:
    assert sll("db", "nang-cap").code == 0
    target = tmp_path / "khong-co" / "thong-ke.xlsx"
    line = _one_line_failure(sll("thong-ke", "--nam", "2024", "--xuat", str(target)))
    assert "không ghi được tệp" in line and str(target) in line
