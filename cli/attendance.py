"""Staff commands for attendance: the class's attendance sheet, a session's room code, closing
a session by hand, and where the class meets (for location check-ins)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.common import ConfigOption, err, out, run, write_file
from vn.dates import format_time, format_when

if TYPE_CHECKING:  # the use cases are imported by each command: `sll --help` stays quick
    from db.database import Database
    from usecases import attendance
    from usecases.settings import Settings

__all__ = ["diem_danh"]

diem_danh = typer.Typer(
    help="Điểm danh: xuất bảng điểm danh, mã phòng, khóa sổ buổi học.", no_args_is_help=True
)

ClassArg = Annotated[str, typer.Argument(help="Mã lớp.")]
SessionArg = Annotated[int, typer.Argument(help="Số thứ tự buổi học (Buổi).")]


async def _session_id(db: Database, code: str, number: int) -> int:
    from usecases import classes
    from usecases.attendance import AttendanceReason
    from usecases.refusal import Refused

    klass = await classes.find_class(db.uow(), code)
    for s in await classes.list_sessions(db.uow(), class_id=klass.id):
        if s.number == number:
            return s.id
    raise Refused(AttendanceReason.NO_SUCH_NUMBER, code=code.upper(), number=number)


@diem_danh.command("xuat")
def export(
    ma: ClassArg,
    tep: Annotated[Path | None, typer.Option("--tep", help="Tệp .xlsx sẽ ghi.")] = None,
    config: ConfigOption = None,
) -> None:
    """Xuất bảng điểm danh cả khóa của lớp (học viên × buổi học, tổng và tỉ lệ) ra tệp Excel."""
    from render.attendance import attendance_sheet
    from texts import attendance as T
    from usecases import attendance, classes
    from usecases.clock import SystemClock
    from usecases.identity import Actor

    async def work(db: Database, settings: Settings, centre_id: int) -> tuple[bytes, str]:
        klass = await classes.find_class(db.uow(), ma)
        matrix = await attendance.attendance_matrix(
            db.uow(), class_id=klass.id, actor=Actor.cli(centre_id), settings=settings.attendance
        )
        today = SystemClock().now().astimezone(settings.timezone).date()
        data = attendance_sheet(matrix, today=today, tz=settings.timezone)
        return data, matrix.code

    data, code = run(config, work)
    path = tep or Path(T.SHEET_FILENAME.format(code=code))
    write_file(path, data)
    out.print(T.CLI_SHEET_WRITTEN.format(code=code, path=path))


@diem_danh.command("ma-phong")
def room_code(
    ma: ClassArg,
    buoi: SessionArg,
    doi: Annotated[bool, typer.Option("--doi", help="Đổi sang mã mới.")] = False,
    config: ConfigOption = None,
) -> None:
    """Xem (hoặc đổi) mã phòng 4 chữ số của một buổi học để học viên điểm danh."""
    from texts import attendance as T
    from usecases import attendance
    from usecases.identity import Actor

    async def work(db: Database, settings: Settings, centre_id: int) -> tuple[str, str]:
        session_id = await _session_id(db, ma, buoi)
        view = await attendance.room_code(
            db.uow(),
            actor=Actor.cli(centre_id),
            session_id=session_id,
            settings=settings.attendance,
            rotate=doi,
        )
        tz, info = settings.timezone, view.session
        when = T.CLI_ROOM_CODE_WHEN.format(
            when=format_when(info.starts_at.astimezone(tz)),
            opens=format_time(info.opens_at.astimezone(tz).time()),
            closes=format_time(info.closes_at.astimezone(tz).time()),
        )
        return view.code, when

    code, when = run(config, work)
    out.print(T.CLI_ROOM_CODE.format(number=buoi, code=ma.upper(), when=when, room_code=code))


@diem_danh.command("dong")
def close(ma: ClassArg, buoi: SessionArg, config: ConfigOption = None) -> None:
    """Khóa sổ điểm danh một buổi ngay: ai chưa điểm danh là vắng, báo lãnh đạo đơn vị."""
    from texts import attendance as T
    from usecases import attendance
    from usecases.clock import SystemClock

    async def work(db: Database, settings: Settings, centre_id: int) -> attendance.CloseReport:
        session_id = await _session_id(db, ma, buoi)
        return await attendance.close_session(
            db.uow(), session_id=session_id, now=SystemClock().now(), settings=settings
        )

    report = run(config, work)
    if not report.closed_now:
        err.print(T.CLI_ALREADY_CLOSED.format(number=buoi, code=ma.upper()))
        raise typer.Exit(1)
    out.print(
        T.CLI_CLOSED.format(
            number=buoi, code=ma.upper(), absent=report.marked_absent, alerts=report.alerts
        )
    )


@diem_danh.command("vi-tri")
def venue(
    ma: ClassArg,
    vi_do: Annotated[float, typer.Argument(help="Vĩ độ, ví dụ 21.2236.")],
    kinh_do: Annotated[float, typer.Argument(help="Kinh độ, ví dụ 104.4227.")],
    buoi: Annotated[
        int | None, typer.Option("--buoi", help="Chỉ buổi này (mặc định: mọi buổi).")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Ghi vị trí nơi học, để kiểm tra vị trí học viên gửi khi điểm danh."""
    from texts import attendance as T
    from usecases import attendance, classes
    from usecases.identity import Actor

    async def work(db: Database, settings: Settings, centre_id: int) -> int:
        klass = await classes.find_class(db.uow(), ma)
        return await attendance.set_venue(
            db.uow(),
            actor=Actor.cli(centre_id),
            class_id=klass.id,
            lat=vi_do,
            lon=kinh_do,
            number=buoi,
        )

    count = run(config, work)
    out.print(T.CLI_VENUE_SET.format(count=count, code=ma.upper()))
