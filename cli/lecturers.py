"""Staff commands for lecturers (`sll giang-vien …`): the list, invite codes, learners'
ratings by month, quarter or year, and observations (dự giờ)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.common import ConfigOption, err, out, progress_parse, reject_if_errors, run, write_file
from texts import lecturers as LT

if TYPE_CHECKING:
    from db.database import Database
    from usecases.settings import Settings

__all__ = ["giang_vien", "link_schedule", "report_schedule_links"]

giang_vien = typer.Typer(
    help="Giảng viên, báo cáo viên: danh sách, mã mời, ý kiến học viên, dự giờ.",
    no_args_is_help=True,
)


def _now() -> datetime:
    from usecases.clock import clock_from_env

    return clock_from_env().now()


@giang_vien.command("nhap")
def import_list(
    tep: Annotated[Path, typer.Argument(help="Tệp danh sách giảng viên (.xlsx hoặc .csv).")],
    config: ConfigOption = None,
) -> None:
    """Nhập danh sách giảng viên: họ tên, số điện thoại, đơn vị công tác."""
    from sheets.lecturers import parse_lecturers
    from usecases import lecturers as L
    from usecases.identity import Actor

    rows, errors = progress_parse(parse_lecturers, tep)
    reject_if_errors(errors, tep)

    async def work(db: Database, settings: Settings, centre_id: int) -> L.ImportReport:
        return await L.import_lecturers(
            db.uow(), actor=Actor.cli(centre_id), centre_id=centre_id, rows=rows
        )

    report = run(config, work)
    out.print(
        f"Đã nhập {len(rows)} giảng viên: {report.created} mới, {report.updated} cập nhật, "
        f"{report.unchanged} không đổi; {report.sessions_linked} buổi học đã gắn giảng viên."
    )


@giang_vien.command("them")
def add(
    ten: Annotated[str, typer.Option("--ten", help="Họ và tên.")],
    sdt: Annotated[str | None, typer.Option("--sdt", help="Số điện thoại.")] = None,
    don_vi: Annotated[str | None, typer.Option("--don-vi", help="Đơn vị công tác.")] = None,
    config: ConfigOption = None,
) -> None:
    """Thêm một giảng viên (có rồi thì cập nhật)."""
    from usecases import lecturers as L
    from usecases.identity import Actor

    async def work(db: Database, settings: Settings, centre_id: int) -> L.LecturerLine:
        return await L.add_lecturer(
            db.uow(),
            actor=Actor.cli(centre_id),
            centre_id=centre_id,
            full_name=ten,
            phone=sdt,
            unit_name=don_vi,
        )

    line = run(config, work)
    out.print(LT.CLI_ADDED.format(name=line.name))


@giang_vien.command("ds")
def list_all(config: ConfigOption = None) -> None:
    """Danh sách giảng viên."""
    from rich.table import Table

    from usecases import lecturers as L
    from vn.phones import display_phone

    async def work(db: Database, settings: Settings, centre_id: int) -> list[L.LecturerLine]:
        return await L.list_lecturers(db.uow(), centre_id=centre_id)

    lines = run(config, work)
    if not lines:
        out.print(LT.CLI_NONE_YET)
        return
    table = Table("TT", "Họ và tên", "Số điện thoại", "Đơn vị", "Đã liên kết")
    for i, x in enumerate(lines, start=1):
        phone = display_phone(x.phone) if x.phone else ""
        table.add_row(str(i), x.name, phone, x.unit_name or "", "có" if x.linked else "chưa")
    out.print(table)


@giang_vien.command("loi-moi")
def invites(
    cap_lai: Annotated[
        str | None,
        typer.Option("--cap-lai", help="Cấp mã mới cho một giảng viên (họ tên hoặc số ĐT)."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """In mã mời cho giảng viên chưa liên kết tài khoản (Telegram: đường liên kết; Zalo: gõ mã)."""
    from rich.table import Table

    from usecases import lecturers as L

    async def work(db: Database, settings: Settings, centre_id: int) -> tuple[Any, str]:
        made = await L.lecturer_invites(
            db.uow(), centre_id=centre_id, now=_now(), reissue_for=cap_lai
        )
        return made, settings.telegram.bot_username

    made, username = run(config, work)
    if not made:
        out.print(LT.CLI_ALL_LINKED)
        return
    table = Table("Họ và tên", "Mã mời", "Đường liên kết (Telegram)")
    for line, code in made:
        table.add_row(line.name, code, f"https://t.me/{username}?start={code}" if username else "")
    out.print(table)


@giang_vien.command("danh-gia")
def ratings(
    ky: Annotated[str, typer.Argument(help="Kỳ: 03/2024 (tháng), Q1/2024 (quý) hoặc 2024.")],
    xuat: Annotated[Path | None, typer.Option("--xuat", help="Ghi ra tệp .xlsx.")] = None,
    config: ConfigOption = None,
) -> None:
    """Ý kiến học viên về các buổi giảng: theo giảng viên và theo chuyên đề."""
    from rich.table import Table

    from usecases import lecturers as L
    from usecases.identity import Actor

    async def work(db: Database, settings: Settings, centre_id: int) -> tuple[Any, str]:
        report = await L.rating_report(
            db.uow(),
            actor=Actor.cli(centre_id),
            centre_id=centre_id,
            period_text=ky,
            tz=settings.timezone,
        )
        return report, settings.centre_name

    report, centre = run(config, work)
    if xuat:
        from render.lecturers import rating_report_xlsx

        write_file(xuat, rating_report_xlsx(report, centre))
        out.print(LT.CLI_RATINGS_WRITTEN.format(period=report.label, path=xuat))
        return
    for title, lines in (("Giảng viên", report.by_lecturer), ("Chuyên đề", report.by_topic)):
        table = Table(title, "Số buổi", "Số ý kiến", "Điểm TB", title=f"{title} – {report.label}")
        for x in lines:
            table.add_row(x.label, str(x.sessions), str(x.count), f"{x.average:.2f}")
        out.print(table if lines else LT.CLI_NO_RATINGS.format(period=report.label))


@giang_vien.command("du-gio")
def observe(
    ma: Annotated[str, typer.Argument(help="Mã lớp.")],
    buoi: Annotated[int, typer.Argument(help="Số thứ tự buổi học (cột Buổi của sll lop buoi).")],
    diem: Annotated[int, typer.Option("--diem", help="Điểm từ 1 đến 5.")],
    uu_diem: Annotated[str | None, typer.Option("--uu-diem", help="Ưu điểm.")] = None,
    can_rut: Annotated[str | None, typer.Option("--can-rut", help="Cần rút kinh nghiệm.")] = None,
    config: ConfigOption = None,
) -> None:
    """Ghi nhận xét dự giờ một buổi giảng; giảng viên được gửi nhận xét."""
    from usecases.identity import Actor
    from usecases.lecturers import observations as O

    async def work(db: Database, settings: Settings, centre_id: int) -> str:
        form = O.ObservationForm(diem, uu_diem, can_rut)
        session_id = await O.session_by_number(
            db.uow(), centre_id=centre_id, class_code=ma, number=buoi
        )
        return await O.file_observation(
            db.uow(),
            actor=Actor.cli(centre_id),
            session_id=session_id,
            form=form,
            settings=settings,
            now=_now(),
        )

    if not 1 <= diem <= 5:
        err.print(f"[red]{LT.CLI_SCORE_RANGE}[/red]")
        raise typer.Exit(1)
    name = run(config, work)
    out.print(LT.CLI_OBSERVATION_FILED.format(name=name))


@giang_vien.command("chua-du-gio")
def not_observed(
    nam: Annotated[int | None, typer.Option("--nam", help="Năm (mặc định: năm nay).")] = None,
    config: ConfigOption = None,
) -> None:
    """Giảng viên chưa được dự giờ trong năm."""
    from texts import lecturers as T
    from usecases.identity import Actor
    from usecases.lecturers import observations as O

    year = nam or _now().year

    async def work(db: Database, settings: Settings, centre_id: int) -> list[str]:
        return await O.not_observed(
            db.uow(), actor=Actor.cli(centre_id), centre_id=centre_id, year=year, settings=settings
        )

    names = run(config, work)
    if not names:
        out.print(T.ALL_OBSERVED.format(year=year))
        return
    out.print(T.NOT_OBSERVED_HEADER.format(year=year, count=len(names)))
    for name in names:
        out.print(f"  • {name}", markup=False)


async def link_schedule(
    db: Database, klass: Any, rows: Sequence[Any], settings: Settings
) -> list[str]:
    """After `sll lop nhap-lich`: match the lecturer names, tell lecturers of an announced
    class at once; returns the rows whose name matched nobody or several lecturers."""
    from usecases import lecturers as L
    from usecases.identity import Actor

    actor = Actor.cli(klass.centre_id)
    now = _now()
    problems = await L.link_schedule(
        db.uow(), actor=actor, centre_id=klass.centre_id, class_id=klass.id, rows=rows, now=now
    )
    await L.plan_lecturer_notices(db.uow(), settings=settings, now=now)
    return problems


def report_schedule_links(problems: list[str]) -> None:
    """After `sll lop nhap-lich`: schedule rows whose lecturer matched nobody, or several."""
    if problems:
        err.print(f"[yellow]{LT.SCHEDULE_UNMATCHED}[/yellow]")
        for line in problems:
            err.print(f"  • {line}", markup=False)
