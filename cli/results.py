"""Staff commands for results (`sll ket-qua …`) and statistics (`sll thong-ke …`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from cli.common import (
    ConfigOption,
    ask,
    err,
    one_period,
    out,
    progress_parse,
    reject_if_errors,
    run,
    write_file,
)
from texts import results as T
from texts import stats as TS
from vn.dates import format_when

if TYPE_CHECKING:  # the use cases are imported by each command: `sll --help` stays quick
    from db.database import Database
    from usecases import results as R
    from usecases.clock import Clock
    from usecases.settings import Settings

__all__ = ["ket_qua", "thong_ke"]

ket_qua = typer.Typer(
    help="Kết quả học tập: nhập từ tệp, xem trước, công bố cho học viên và đơn vị.",
    no_args_is_help=True,
)
thong_ke = typer.Typer(
    help="Thống kê theo tháng, quý hoặc năm; xuất Excel và biểu đồ.",
    invoke_without_command=True,
)


def _clock() -> Clock:
    from usecases.clock import clock_from_env

    return clock_from_env()


@ket_qua.command("nhap")
def import_results(
    ma: Annotated[str, typer.Argument(help="Mã lớp.")],
    tep: Annotated[Path, typer.Argument(help="Tệp kết quả (.xlsx hoặc .csv).")],
    config: ConfigOption = None,
) -> None:
    """Nhập kết quả của một lớp; dòng nào không khớp học viên thì không nhập gì cả."""
    from sheets.results import parse_results
    from usecases import results as R
    from usecases.identity import Actor

    parsed = progress_parse(parse_results, tep)
    reject_if_errors(parsed.errors, tep)

    async def work(db: Database, settings: Settings, centre_id: int) -> R.ImportReport:
        klass = await R.find_class_by_code(db.uow(), centre_id=centre_id, code=ma)
        return await R.import_results(
            db.uow(),
            actor=Actor.cli(centre_id),
            class_id=klass.id,
            rows=parsed.rows,
            grade_scale=settings.grade_scale,
            tz=settings.timezone,
        )

    report = run(config, work)
    code = ma.upper()
    out.print(
        T.CLI_IMPORTED.format(
            rows=report.rows, code=code, created=report.created, updated=report.updated
        )
    )
    if report.graded_by_scale:
        out.print(T.CLI_GRADED_BY_SCALE.format(count=report.graded_by_scale))
    if report.missing:
        out.print(T.CLI_MISSING_COUNT.format(count=len(report.missing)) + ", ".join(report.missing))
    out.print(T.CLI_NEXT_STEPS.format(code=code))


@ket_qua.command("sua")
def enter(
    ma: Annotated[str, typer.Argument(help="Mã lớp.")],
    tt: Annotated[int, typer.Argument(help="Số thứ tự (TT) của học viên trong danh sách lớp.")],
    ket_qua_: Annotated[
        str,
        typer.Argument(
            metavar="KET_QUA",
            help='Điểm, xếp loại, nhận xét, ví dụ: "8,5 9 Khá ; Tích cực phát biểu".',
        ),
    ],
    config: ConfigOption = None,
) -> None:
    """Nhập hoặc sửa kết quả của một học viên (trước khi công bố)."""
    from texts.refusals import say
    from usecases import results as R
    from usecases.identity import Actor
    from usecases.refusal import Refused

    try:
        entry = R.parse_entry(ket_qua_)
    except Refused as exc:
        err.print(T.CLI_REFUSED_HEADER)
        err.print(T.CLI_REFUSED_LINE.format(line=say(exc)))
        raise typer.Exit(1) from exc

    async def work(db: Database, settings: Settings, centre_id: int) -> R.ResultView:
        return await R.enter_result(
            db.uow(),
            actor=Actor.cli(centre_id),
            centre_id=centre_id,
            code=ma,
            number=tt,
            entry=entry,
            grade_scale=settings.grade_scale,
            tz=settings.timezone,
            now=_clock().now(),
        )

    out.print(R.learner_text(run(config, work)))


def _preview(ma: str, config: Path | None) -> tuple[R.ResultsPreview, ZoneInfo]:
    from usecases import results as R
    from usecases.identity import Actor

    async def work(
        db: Database, settings: Settings, centre_id: int
    ) -> tuple[R.ResultsPreview, ZoneInfo]:
        preview = await R.preview_results(
            db.uow(), actor=Actor.cli(centre_id), centre_id=centre_id, code=ma, now=_clock().now()
        )
        return preview, settings.timezone

    return run(config, work)


def _print_preview(preview: R.ResultsPreview) -> None:
    from rich.table import Table

    from vn.numbers import format_score

    columns: dict[str, None] = {}
    for view in preview.results:
        columns.update(dict.fromkeys(view.scores))
    table = Table(title=T.CLI_TABLE_TITLE.format(code=preview.code, name=preview.name))
    for label in (*T.CLI_COLUMNS_BEFORE, *columns, *T.CLI_COLUMNS_AFTER):
        table.add_column(label)
    for v in preview.results:
        rate = T.CLI_RATE.format(attended=v.attended, held=v.held) if v.held else T.UNIT_RATE_NONE
        table.add_row(
            str(v.number),
            v.full_name,
            v.unit_name or "",
            *(format_score(v.scores[c]) if c in v.scores else "" for c in columns),
            v.grade or "",
            rate,
            v.remark or "",
        )
    out.print(table)
    grades = ", ".join(
        T.CLI_GRADE_COUNT.format(grade=g, count=n) for g, n in preview.grades.items()
    )
    out.print(
        T.CLI_COUNTS.format(
            with_result=len(preview.results), enrolled=preview.enrolled, grades=grades
        )
    )
    if preview.missing:
        out.print(T.CLI_MISSING + ", ".join(preview.missing))


@ket_qua.command("xem")
def show(
    ma: Annotated[str, typer.Argument(help="Mã lớp.")],
    config: ConfigOption = None,
) -> None:
    """Xem trước kết quả của một lớp (điểm, xếp loại, chuyên cần, nhận xét)."""
    preview, tz = _preview(ma, config)
    _print_preview(preview)
    if preview.published_at is not None:
        out.print(T.CLI_PUBLISHED_AT.format(when=format_when(preview.published_at.astimezone(tz))))


@ket_qua.command("cong-bo")
def publish(
    ma: Annotated[str, typer.Argument(help="Mã lớp.")],
    dong_y: Annotated[
        bool, typer.Option("--dong-y", "-y", help="Không hỏi lại (dùng trong kịch bản).")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Công bố kết quả: gửi mỗi học viên kết quả của mình, mỗi lãnh đạo đơn vị bảng tổng hợp.
    Chỉ làm được một lần."""
    from render.results import unit_xlsx
    from usecases import results as R
    from usecases.identity import Actor

    preview, _ = _preview(ma, config)
    _print_preview(preview)
    if preview.published_at is not None:
        err.print(T.CLI_ALREADY_PUBLISHED.format(code=preview.code))
        raise typer.Exit(1)
    if not dong_y and not ask(
        T.CLI_CONFIRM_PUBLISH.format(code=preview.code, count=len(preview.results))
    ):
        out.print(T.CLI_NOT_PUBLISHED)
        raise typer.Exit(0)

    async def work(db: Database, settings: Settings, centre_id: int) -> R.PublishReport:
        return await R.publish_results(
            db.uow(),
            actor=Actor.cli(centre_id),
            centre_id=centre_id,
            code=ma,
            now=_clock().now(),
            tz=settings.timezone,
            unit_file=unit_xlsx,
        )

    report = run(config, work)
    out.print(T.CLI_PUBLISHED.format(learners=report.learners, leaders=report.leaders))
    if report.units_without_leader:
        out.print(T.CLI_UNITS_WITHOUT_LEADER + ", ".join(report.units_without_leader))


@thong_ke.callback()
def statistics(
    thang: Annotated[str | None, typer.Option("--thang", help="Tháng, ví dụ 3/2024.")] = None,
    quy: Annotated[str | None, typer.Option("--quy", help="Quý, ví dụ 1/2024.")] = None,
    nam: Annotated[str | None, typer.Option("--nam", help="Năm, ví dụ 2024.")] = None,
    xuat: Annotated[Path | None, typer.Option("--xuat", help="Ghi bảng Excel ra tệp này.")] = None,
    bieu_do: Annotated[
        Path | None, typer.Option("--bieu-do", help="Ghi biểu đồ (PNG) ra tệp này.")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Thống kê số lớp, học viên, chuyên cần, xếp loại, đơn vị và đánh giá sau đào tạo."""
    from render import stats as RS
    from usecases import stats as S
    from usecases.identity import Actor

    kind, value = one_period(thang, quy, nam)

    async def work(db: Database, settings: Settings, centre_id: int) -> S.Stats:
        period = S.parse_period(kind, value)
        return await S.compute_stats(
            db.uow(),
            actor=Actor.cli(centre_id),
            centre_id=centre_id,
            period=period,
            now=_clock().now(),
            tz=settings.timezone,
        )

    stats = run(config, work)
    out.print(RS.stats_text(stats))
    if xuat is not None:
        write_file(xuat, RS.stats_xlsx(stats).data)
        out.print(TS.CLI_WROTE_WORKBOOK.format(path=xuat))
    if bieu_do is not None:
        write_file(bieu_do, RS.stats_chart(stats))
        out.print(TS.CLI_WROTE_CHART.format(path=bieu_do))
