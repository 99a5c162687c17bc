"""Staff commands for classes and units: set up from Excel files, list, invites."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.common import (
    ConfigOption,
    ask,
    err,
    out,
    progress_parse,
    reject_if_errors,
    run,
    write_file,
)
from cli.lecturers import link_schedule, report_schedule_links
from texts import classes as T
from vn.dates import DateError, format_date, format_time, format_when, parse_date, weekday_vi

if TYPE_CHECKING:  # the use cases are imported by each command: `sll --help` stays quick
    from db.database import Database
    from usecases.settings import Settings

__all__ = ["don_vi", "lop"]

lop = typer.Typer(help="Lớp học: tạo lớp, nhập danh sách, lịch học, mã mời.", no_args_is_help=True)
don_vi = typer.Typer(help="Đơn vị cử học viên đi học và lãnh đạo đơn vị.", no_args_is_help=True)


@lop.command("tao")
def create_class(
    ma: Annotated[str, typer.Argument(help="Mã lớp, ví dụ SC-K4-2024.")],
    ten: Annotated[str, typer.Option("--ten", help="Tên lớp.")],
    loai: Annotated[str, typer.Option("--loai", help="Loại chương trình, ví dụ «Sơ cấp LLCT».")],
    dia_diem: Annotated[str | None, typer.Option("--dia-diem", help="Địa điểm học.")] = None,
    mang_theo: Annotated[
        str | None, typer.Option("--mang-theo", help="Học viên cần mang theo gì.")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Tạo một lớp học mới."""
    from usecases import classes
    from usecases.identity import Actor

    async def work(db: Database, settings: Settings, centre_id: int) -> int:
        return await classes.create_class(
            db.uow(),
            actor=Actor.cli(centre_id),
            centre_id=centre_id,
            code=ma,
            name=ten,
            program_type=loai,
            location=dia_diem,
            what_to_bring=mang_theo,
        )

    run(config, work)
    out.print(T.CREATED.format(code=ma.upper(), name=ten))


@lop.command("nhap-hoc-vien")
def import_roster(
    ma: Annotated[str, typer.Argument(help="Mã lớp.")],
    tep: Annotated[Path, typer.Argument(help="Tệp danh sách học viên (.xlsx hoặc .csv).")],
    config: ConfigOption = None,
) -> None:
    """Nhập danh sách học viên từ tệp Excel/CSV của trung tâm (nhập lại thì cập nhật)."""
    from sheets.roster import parse_roster
    from usecases import classes
    from usecases.identity import Actor

    parsed = progress_parse(parse_roster, tep)
    reject_if_errors(parsed.errors, tep)

    async def work(db: Database, settings: Settings, centre_id: int) -> classes.RosterReport:
        klass = await classes.find_class(db.uow(), ma)
        return await classes.import_roster(
            db.uow(), actor=Actor.cli(centre_id), class_id=klass.id, rows=parsed.rows
        )

    report = run(config, work)
    out.print(T.ROSTER_IMPORTED.format(rows=len(parsed.rows), code=ma.upper(), **asdict(report)))
    known = report.enrolled - report.created
    if known > 0:
        out.print(T.ROSTER_KNOWN.format(enrolled=report.enrolled, known=known))
    if report.phone_changed:
        names = ", ".join(report.phone_changed)
        out.print(T.ROSTER_PHONES.format(count=len(report.phone_changed), names=names))
    if report.not_in_file:
        names = ", ".join(report.not_in_file)
        out.print(T.ROSTER_NOT_IN_FILE.format(count=len(report.not_in_file), names=names))


@lop.command("nhap-lich")
def import_schedule(
    ma: Annotated[str, typer.Argument(help="Mã lớp.")],
    tep: Annotated[Path, typer.Argument(help="Tệp lịch học (.xlsx hoặc .csv).")],
    bat_dau: Annotated[
        str | None,
        typer.Option("--bat-dau", help="Dời cả lịch để buổi đầu rơi vào ngày này (dd/mm/yyyy)."),
    ] = None,
    dong_y: Annotated[
        bool,
        typer.Option("--dong-y", "-y", help="Không hỏi lại khi buổi học bị dời vào cuối tuần."),
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Nhập lịch học của lớp (nhập lại thì cập nhật các buổi theo số buổi)."""
    from sheets.schedule import parse_schedule
    from usecases import classes
    from usecases.identity import Actor

    shift_to: date | None = None
    if bat_dau:
        try:
            shift_to = parse_date(bat_dau)
        except DateError as exc:
            err.print(f"[red]--bat-dau:[/red] {exc}")
            raise typer.Exit(1) from exc
    parsed = progress_parse(parse_schedule, tep)
    reject_if_errors(parsed.errors, tep)
    weekend = classes.shifted_onto_weekend(parsed.rows, shift_to) if shift_to else []
    if shift_to and weekend:
        err.print(T.SHIFT_WEEKEND.format(date=format_date(shift_to), count=len(weekend)))
        for row, day in weekend:
            old = f"{weekday_vi(row.day)} {format_date(row.day)}"
            new = f"{weekday_vi(day)} {format_date(day)}"
            err.print(T.SHIFT_WEEKEND_LINE.format(number=row.number or row.row, old=old, new=new))
        if not dong_y and not ask(T.SHIFT_ASK):
            out.print(T.SHIFT_NOT_IMPORTED)
            raise typer.Exit(0)

    async def work(db: Database, settings: Settings, centre_id: int) -> classes.ScheduleReport:
        klass = await classes.find_class(db.uow(), ma)
        report = await classes.import_schedule(
            db.uow(),
            actor=Actor.cli(centre_id),
            class_id=klass.id,
            rows=parsed.rows,
            tz=settings.timezone,
            shift_to=shift_to,
        )
        report_schedule_links(await link_schedule(db, klass, parsed.rows, settings))
        return report

    report = run(config, work)
    out.print(T.SCHEDULE_IMPORTED.format(rows=len(parsed.rows), code=ma.upper(), **asdict(report)))


@lop.command("ds")
def list_classes(config: ConfigOption = None) -> None:
    """Liệt kê các lớp."""
    from rich.table import Table

    from usecases import classes

    async def work(db: Database, settings: Settings, centre_id: int) -> list[Any]:
        return await classes.list_classes(db.uow(), centre_id=centre_id)

    rows = run(config, work)
    table = Table(*T.CLASSES_HEADER)
    for c in rows:
        table.add_row(
            c.code,
            c.name,
            c.program_type,
            format_date(c.start_date) if c.start_date else "",
            format_date(c.end_date) if c.end_date else "",
            str(c.learners),
            str(c.sessions),
        )
    out.print(table if rows else T.NO_CLASSES)


@lop.command("buoi")
def list_sessions(
    ma: Annotated[str, typer.Argument(help="Mã lớp.")], config: ConfigOption = None
) -> None:
    """Liệt kê các buổi học của lớp."""
    from rich.table import Table

    from usecases import classes

    async def work(db: Database, settings: Settings, centre_id: int) -> tuple[Any, Settings]:
        klass = await classes.find_class(db.uow(), ma)
        return await classes.list_sessions(db.uow(), class_id=klass.id), settings

    sessions, settings = run(config, work)
    tz = settings.timezone
    table = Table(*T.SESSIONS_HEADER)
    for s in sessions:
        table.add_row(
            str(s.number or ""),
            format_when(s.starts_at.astimezone(tz)),
            format_time(s.ends_at.astimezone(tz).time()),
            s.topic or "",
            s.lecturer or "",
            s.place or "",
            T.SESSION_CANCELLED if s.status == "cancelled" else "",
        )
    out.print(table if sessions else T.NO_SESSIONS)


@lop.command("hoc-vien")
def list_learners(
    ma: Annotated[str, typer.Argument(help="Mã lớp.")], config: ConfigOption = None
) -> None:
    """Liệt kê học viên của lớp và tài khoản đã liên kết."""
    from rich.table import Table

    from usecases import classes
    from vn.phones import display_phone

    async def work(db: Database, settings: Settings, centre_id: int) -> list[Any]:
        klass = await classes.find_class(db.uow(), ma)
        return await classes.list_learners(db.uow(), class_id=klass.id)

    learners = run(config, work)
    table = Table(*T.LEARNERS_HEADER)
    for line in learners:
        p = line.person
        table.add_row(
            str(line.number),
            p.full_name,
            format_date(p.birth_date) if p.birth_date else "",
            line.unit_name or "",
            display_phone(p.phone) if p.phone else "",
            ", ".join(line.linked_channels) or T.NOT_LINKED,
            T.MONITOR if line.is_monitor else "",
        )
    out.print(table if learners else T.NO_LEARNERS)


@lop.command("lop-truong")
def set_monitor(
    ma: Annotated[str, typer.Argument(help="Mã lớp.")],
    ai: Annotated[str, typer.Argument(help="Số thứ tự (TT), số điện thoại hoặc họ tên.")],
    config: ConfigOption = None,
) -> None:
    """Chỉ định lớp trưởng (người điểm danh cho lớp)."""
    from usecases import classes
    from usecases.identity import Actor

    async def work(db: Database, settings: Settings, centre_id: int) -> Any:
        klass = await classes.find_class(db.uow(), ma)
        return await classes.set_monitor(
            db.uow(), actor=Actor.cli(centre_id), class_id=klass.id, who=ai
        )

    person = run(config, work)
    out.print(T.MONITOR_SET.format(name=person.full_name, code=ma.upper()))


@lop.command("bo-lop-truong")
def unset_monitor(
    ma: Annotated[str, typer.Argument(help="Mã lớp.")],
    ai: Annotated[str, typer.Argument(help="Số thứ tự (TT), số điện thoại hoặc họ tên.")],
    config: ConfigOption = None,
) -> None:
    """Thôi cử một học viên làm lớp trưởng (không điểm danh cho lớp nữa)."""
    from usecases import classes
    from usecases.identity import Actor

    async def work(db: Database, settings: Settings, centre_id: int) -> Any:
        klass = await classes.find_class(db.uow(), ma)
        return await classes.set_monitor(
            db.uow(), actor=Actor.cli(centre_id), class_id=klass.id, who=ai, monitor=False
        )

    person = run(config, work)
    out.print(T.MONITOR_UNSET.format(name=person.full_name, code=ma.upper()))


@lop.command("loi-moi")
def invites(
    ma: Annotated[str, typer.Argument(help="Mã lớp.")],
    xuat: Annotated[
        Path | None, typer.Option("--xuat", help="Ghi danh sách mã mời ra tệp .xlsx để in.")
    ] = None,
    cap_lai: Annotated[
        str | None,
        typer.Option(
            "--cap-lai",
            help="Cấp mã mới cho một người (số thứ tự, số điện thoại hoặc họ tên), kể cả "
            "người đã liên kết: mã mới thay tài khoản cũ của họ trên ứng dụng dùng mã, "
            "mã cũ hết hiệu lực.",
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """In mã mời cho học viên và lãnh đạo đơn vị chưa liên kết tài khoản."""
    from rich.table import Table

    from sheets.writer import SheetSpec, write_xlsx
    from usecases import classes, linking
    from usecases.clock import SystemClock
    from usecases.identity import Actor

    async def work(db: Database, settings: Settings, centre_id: int) -> tuple[Any, Settings]:
        klass = await classes.find_class(db.uow(), ma)
        now = SystemClock().now()
        if cap_lai is not None:
            one = await linking.reissue_invite(
                db.uow(), actor=Actor.cli(centre_id), class_id=klass.id, who=cap_lai, now=now
            )
            return [one], settings
        made = await linking.create_invites(db.uow(), class_id=klass.id, now=now)
        return made, settings

    made, settings = run(config, work)
    username = settings.telegram.bot_username
    rows = [
        (
            p.full_name,
            T.ROLE_NAMES.get(role, role),
            code,
            f"https://t.me/{username}?start={code}" if username else "",
        )
        for p, code, role in made
    ]
    if xuat:
        write_file(
            xuat,
            write_xlsx(
                [
                    SheetSpec(
                        T.INVITES_SHEET,
                        T.INVITES_FILE_HEADER,
                        rows,
                        title_lines=(T.INVITES_TITLE.format(code=ma.upper()),),
                    )
                ]
            ),
        )
        out.print(T.INVITES_WRITTEN.format(count=len(rows), path=xuat))
        return
    table = Table(*T.INVITES_HEADER)
    for row in rows:
        table.add_row(*row)
    out.print(table if rows else T.NO_INVITES)
    if rows and not username:
        out.print(T.NO_BOT_USERNAME)


@don_vi.command("lanh-dao")
def add_leader(
    don_vi_ten: Annotated[str, typer.Argument(metavar="DON_VI", help="Tên đơn vị.")],
    ten: Annotated[str, typer.Option("--ten", help="Họ và tên lãnh đạo đơn vị.")],
    sdt: Annotated[str | None, typer.Option("--sdt", help="Số điện thoại.")] = None,
    chuc_vu: Annotated[str | None, typer.Option("--chuc-vu", help="Chức vụ.")] = None,
    config: ConfigOption = None,
) -> None:
    """Thêm lãnh đạo đơn vị (nhận báo vắng học và kết quả học tập của học viên đơn vị)."""
    from usecases import classes
    from usecases.identity import Actor

    async def work(db: Database, settings: Settings, centre_id: int) -> Any:
        return await classes.add_unit_leader(
            db.uow(),
            actor=Actor.cli(centre_id),
            centre_id=centre_id,
            unit_name=don_vi_ten,
            full_name=ten,
            phone=sdt,
            position=chuc_vu,
        )

    person = run(config, work)
    out.print(T.LEADER_ADDED.format(name=person.full_name, unit=don_vi_ten))
