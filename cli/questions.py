"""Staff review exports: a class's questions and answers, and the check-ins of a day or a
period, as xlsx files (the same workbooks staff get in chat with /xuatcauhoi, /xuatdiemdanh)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.common import ConfigOption, err, out, run, write_file
from texts import questions as T
from texts import results as TR
from vn.dates import DateError, parse_date

if TYPE_CHECKING:  # the use cases are imported by each command: `sll --help` stays quick
    from db.database import Database
    from usecases.settings import Settings

__all__ = ["xuat"]

xuat = typer.Typer(
    help="Xuất báo cáo ra Excel: câu hỏi của học viên, điểm danh, kết quả học tập.",
    no_args_is_help=True,
)

FileOption = Annotated[
    Path | None,
    typer.Option("--tep", help="Tệp .xlsx sẽ ghi (mặc định: tên tự đặt, ở thư mục hiện tại)."),
]


@xuat.command("cau-hoi")
def export_questions(
    ma: Annotated[str, typer.Argument(help="Mã lớp.")],
    tep: FileOption = None,
    config: ConfigOption = None,
) -> None:
    """Xuất câu hỏi và câu trả lời của một lớp."""
    from render.questions import questions_filename, questions_workbook
    from usecases import questions
    from usecases.identity import Actor

    async def work(db: Database, settings: Settings, centre_id: int) -> tuple[str, bytes, int]:
        actor = Actor.cli(centre_id)
        klass = await questions.find_class_for_staff(db.uow(), actor=actor, code=ma)
        views = await questions.class_questions(db.uow(), class_id=klass.id)
        return klass.code, questions_workbook(klass, views, settings.timezone), len(views)

    code, data, count = run(config, work)
    path = tep or Path(questions_filename(code))
    write_file(path, data)
    out.print(f"{T.EXPORT_QUESTIONS_CAPTION.format(code=code, count=count)} → {path}")


@xuat.command("diem-danh")
def export_checkins(
    ma: Annotated[str, typer.Argument(help="Mã lớp.")],
    tu: Annotated[
        str | None, typer.Option("--tu", help="Từ ngày (dd/mm/yyyy); mặc định hôm nay.")
    ] = None,
    den: Annotated[
        str | None, typer.Option("--den", help="Đến ngày (dd/mm/yyyy); mặc định bằng --tu.")
    ] = None,
    tep: FileOption = None,
    config: ConfigOption = None,
) -> None:
    """Xuất điểm danh của một lớp trong một ngày hoặc một khoảng thời gian."""
    from render.attendance_export import checkins_filename, checkins_workbook, period_text
    from usecases import attendance_export, questions
    from usecases.clock import SystemClock
    from usecases.identity import Actor

    first_day, last_day = _day(tu), _day(den)

    async def work(db: Database, settings: Settings, centre_id: int) -> tuple[str, Path]:
        today = SystemClock().now().astimezone(settings.timezone).date()
        start = first_day or today
        end = last_day or start
        if start > end:
            err.print(f"[red]{T.BAD_PERIOD}[/red]")
            raise typer.Exit(1)
        actor = Actor.cli(centre_id)
        klass = await questions.find_class_for_staff(db.uow(), actor=actor, code=ma)
        checkins = await attendance_export.class_checkins(
            db.uow(), class_id=klass.id, start=start, end=end, tz=settings.timezone
        )
        period = period_text(start, end)
        path = tep or Path(checkins_filename(klass.code, start, end))
        write_file(path, checkins_workbook(checkins, settings.timezone))
        count = len(checkins.rows)
        caption = T.EXPORT_CHECKINS_CAPTION.format(code=klass.code, period=period, count=count)
        return caption, path

    caption, path = run(config, work)
    out.print(f"{caption} → {path}")


@xuat.command("ket-qua")
def export_results(
    ma: Annotated[str, typer.Argument(help="Mã lớp.")],
    tep: FileOption = None,
    config: ConfigOption = None,
) -> None:
    """Xuất kết quả học tập của cả lớp (điểm, xếp loại, chuyên cần, nhận xét) ra Excel."""
    from render.results import class_xlsx
    from usecases import results
    from usecases.clock import SystemClock
    from usecases.identity import Actor

    async def work(db: Database, settings: Settings, centre_id: int) -> results.ResultsPreview:
        return await results.preview_results(
            db.uow(),
            actor=Actor.cli(centre_id),
            centre_id=centre_id,
            code=ma,
            now=SystemClock().now(),
        )

    preview = run(config, work)
    if not preview.results:
        err.print(TR.CLI_NOTHING_TO_EXPORT.format(code=preview.code))
        raise typer.Exit(1)
    document = class_xlsx(preview)
    path = tep or Path(document.filename)
    write_file(path, document.data)
    out.print(
        TR.CLI_EXPORTED.format(
            with_result=len(preview.results),
            enrolled=preview.enrolled,
            code=preview.code,
            path=path,
        )
    )


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return parse_date(value)
    except DateError as exc:  # its reason tells a wrong shape from a day that does not exist
        err.print(f"[red]{exc.reason}[/red]", highlight=False)
        raise typer.Exit(1) from exc
