"""`sll giang-vien …` and the schedule import as staff meet them (issue 17): a list with
titled names, the lecturer names of a schedule matched or reported with their rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from cli import common
from cli.app import main
from tests.conftest import CENTRE, REPO, SAMPLES
from tests.test_lecturers import _xlsx

SCHEDULE = SAMPLES / "lich-hoc-so-cap-llct-k4-2024.xlsx"


@dataclass
class Ran:
    code: int
    out: str
    err: str


Sll = Callable[..., Ran]


@pytest.fixture
def sll(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Sll:
    """`sll …` in this process, against a fresh SQLite file."""
    monkeypatch.setenv("SLL_CONFIG", str(REPO / "tests" / "no-config.toml"))
    monkeypatch.setenv("SLL_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'sll.sqlite3'}")
    monkeypatch.setenv("SLL_CENTRE_NAME", CENTRE)
    monkeypatch.setattr(common.out, "_width", 250)
    monkeypatch.setattr(common.err, "_width", 250)

    def call(*args: str) -> Ran:
        with pytest.raises(SystemExit) as ended:
            main(list(args))
        captured = capsys.readouterr()
        code = ended.value.code
        return Ran(code if isinstance(code, int) else 1, captured.out, captured.err)

    return call


def _setup(sll: Sll, tmp_path: Path) -> None:
    assert sll("db", "nang-cap").code == 0
    assert sll("lop", "tao", "SC-K4", "--ten", "Sơ cấp LLCT khóa IV", "--loai", "Sơ cấp").code == 0
    lecturers = tmp_path / "giang-vien.xlsx"
    lecturers.write_bytes(
        _xlsx(
            [
                (1, "ThS. Nguyễn Thị Huệ", "0912000001", "Trung tâm Chính trị huyện"),
                (2, "Nguyễn Thị Huệ", "0912000009", "Huyện đoàn"),
                (3, "Đ/c Vũ Công Thành", "0912000002", "Ban Tuyên giáo Huyện ủy"),
                (4, "Lương Trọng Thành", None, None),
                (5, "Trần Thị Ngọc Diệp", "0912000003", None),
            ]
        )
    )
    imported = sll("giang-vien", "nhap", str(lecturers))
    assert imported.code == 0, imported.err
    assert "5 mới" in imported.out


def test_the_schedule_import_names_the_rows_whose_lecturer_is_shared(
    sll: Sll, tmp_path: Path
) -> None:
    _setup(sll, tmp_path)
    ran = sll("lop", "nhap-lich", "SC-K4", str(SCHEDULE))
    assert ran.code == 0, ran.err
    assert "Đã nhập 16 buổi học" in ran.out
    shared = [line for line in ran.err.splitlines() if "cùng tên" in line]
    assert [line.split(":")[0].strip(" •") for line in shared] == [
        f"Dòng {row}" for row in (4, 7, 9, 10, 11, 14, 16)
    ]
    assert "Vũ Công Thành" not in ran.err and "Lương Trọng Thành" not in ran.err

    listing = sll("giang-vien", "ds")
    assert listing.code == 0
    assert (
        "091 200 0002" in listing.out
        or "0912 000 002" in listing.out
        or "0912000002" in listing.out
    )
    assert listing.out.count("chưa") == 5  # nobody linked yet

    codes = sll("giang-vien", "loi-moi")
    assert codes.code == 0 and codes.out.count("Vũ Công Thành") == 1

    ratings = sll("giang-vien", "danh-gia", "03/2024")
    assert ratings.code == 0 and "Chưa có ý kiến nào" in ratings.out
    wrong = sll("giang-vien", "danh-gia", "tháng trước")
    assert wrong.code == 1 and "không đúng" in wrong.err

    unobserved = sll("giang-vien", "chua-du-gio", "--nam", "2024")
    assert unobserved.code == 0 and "(5)" in unobserved.out

    # Session 2 is Đ/c Vũ Công Thành's: observed from the command line, he is off the list.
    filed = sll("giang-vien", "du-gio", "sc-k4", "2", "--diem", "4", "--uu-diem", "Sinh động")
    assert filed.code == 0, filed.err
    assert "Vũ Công Thành" in filed.out
    unobserved = sll("giang-vien", "chua-du-gio", "--nam", "2024")
    assert "(4)" in unobserved.out and "Vũ Công Thành" not in unobserved.out
    nowhere = sll("giang-vien", "du-gio", "SC-K4", "99", "--diem", "4")
    assert nowhere.code == 1 and "Không tìm thấy buổi học" in nowhere.err
