"""Staff command line: `sll` (or `python -m cli`). One sub-command group per feature."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer
import typer.main

from cli import backup, common
from cli import units as _units  # noqa: F401 - adds issue 18's `don-vi` verbs
from cli.attendance import diem_danh
from cli.classes import don_vi, lop
from cli.common import ConfigOption, out, run
from cli.frame import localize, run_command
from cli.lecturers import giang_vien
from cli.notices import tin
from cli.province import tinh
from cli.questions import xuat
from cli.results import ket_qua, thong_ke
from texts import cli as T

if TYPE_CHECKING:
    from db.database import Database
    from usecases.settings import Settings

__all__ = ["app", "main"]

app = typer.Typer(
    help="Sổ Liên Lạc: công cụ dành cho cán bộ trung tâm.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
db_app = typer.Typer(help="Cơ sở dữ liệu.", no_args_is_help=True)

# Feature groups; a new feature adds its own module and one line here.
app.add_typer(lop, name="lop")
app.add_typer(don_vi, name="don-vi")
app.add_typer(xuat, name="xuat")
app.add_typer(diem_danh, name="diem-danh")
app.add_typer(ket_qua, name="ket-qua")
app.add_typer(thong_ke, name="thong-ke")
app.add_typer(tin, name="tin")
app.add_typer(giang_vien, name="giang-vien")
app.add_typer(tinh, name="tinh")
app.add_typer(db_app, name="db")
app.command("sao-luu")(backup.save)
app.command("khoi-phuc")(backup.restore)


@app.callback()
def choose_centre(
    trung_tam: Annotated[
        str | None, typer.Option("--trung-tam", envvar="SLL_TRUNG_TAM", help=T.CENTRE_OPTION)
    ] = None,
) -> None:
    """Sổ Liên Lạc: công cụ dành cho cán bộ trung tâm."""
    common.centre_key = trung_tam


def main(argv: Sequence[str] | None = None) -> None:
    """`sll`: the command tree with a Vietnamese frame (help pages and usage errors)."""
    command = localize(typer.main.get_command(app))
    sys.exit(run_command(command, argv, prog_name="sll"))


@db_app.command("nang-cap")
def upgrade(config: ConfigOption = None) -> None:
    """Áp dụng các bản nâng cấp cấu trúc cơ sở dữ liệu (Alembic)."""

    async def work(db: Database, settings: Settings, centre_id: int) -> None:
        await db.check_schema()

    run(config, work, create=True)
    out.print(T.DB_CURRENT)
