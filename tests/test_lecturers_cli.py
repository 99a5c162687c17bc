"""`sll giang-vien …` and the schedule import as staff meet them (issue 17): a list with
titled names, the lecturer names of a schedule matched or reported with their rows."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli import (  # noqa: F401 - the fixture, shared
    SCHEDULE,
    Sll,
    db_path,
    sll,
)
from tests.test_lecturers import _xlsx


def _setup(sll: Sll, tmp_path: Path) -> None:  # noqa: F811
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
    sll: Sll,  # noqa: F811
    tmp_path: Path,
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
