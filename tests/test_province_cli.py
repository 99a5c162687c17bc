"""`sll tinh …` as staff of the provincial school run it: the real command line process, on
the three centres of tests/test_province.py."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
from sqlalchemy import select

from db.database import Database
from db.models import Centre, Notification
from tests.conftest import REPO
from tests.test_province import MAI_SON, PROVINCE, build
from usecases import province as P


def _sll(db: Database, *args: str) -> subprocess.CompletedProcess[str]:
    import os

    environ = {k: v for k, v in os.environ.items() if not k.startswith("SLL_")}
    environ.update(
        {
            "SLL_CONFIG": str(REPO / "tests" / "no-config.toml"),
            "SLL_DATABASE_URL": db.url,
            "SLL_CENTRE_NAME": PROVINCE,
            "SLL_FAKE_NOW": "2026-12-01T08:00+07:00",
            "COLUMNS": "200",
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_the_province_statistics_and_notice_from_the_command_line(
    database: Database, tmp_path: Path
) -> None:
    data = await build(database)
    target = tmp_path / "tinh.xlsx"
    ran = _sll(database, "tinh", "thong-ke", "--thang", "2026-11", "--xlsx", str(target))
    assert ran.returncode == 0, ran.stderr
    assert "Cả tỉnh: 3 lớp, 9 lượt học viên" in ran.stdout and MAI_SON in ran.stdout
    book = openpyxl.load_workbook(io.BytesIO(target.read_bytes()))
    assert book.sheetnames == ["Tổng hợp", "Theo loại hình", "Đánh giá"]
    quarter = _sll(database, "tinh", "thong-ke", "--quy", "2026-Q4")
    assert quarter.returncode == 0 and "Cả tỉnh: 4 lớp, 14 lượt học viên" in quarter.stdout
    sent = _sll(database, "tinh", "thong-bao", "Họp giao ban ngày 3/12")
    assert sent.returncode == 0, sent.stderr
    # From the command line nobody is the sender: every active staff member hears it.
    assert "4 cán bộ của 3 trung tâm" in sent.stdout
    async with database.uow() as uow:
        people = set(
            await uow.session.scalars(
                select(Notification.person_id).where(Notification.kind == P.NOTICE_KIND)
            )
        )
    assert people == {data.staff[n] for n in ("Tỉnh 1", "Tỉnh 2", "Bắc Yên", "Mai Sơn")}


async def test_without_a_provincial_school_the_command_line_says_so(database: Database) -> None:
    await build(database)
    async with database.uow() as uow:
        for centre in await uow.session.scalars(select(Centre)):
            centre.is_province = False
        await uow.commit()
    ran = _sll(database, "tinh", "thong-ke", "--nam", "2026")
    assert ran.returncode != 0
    assert "Chưa cấu hình Trường Chính trị tỉnh" in ran.stderr and "Traceback" not in ran.stderr
