"""The provincial school's commands (`sll tinh …`): statistics across every centre, and a
notice to every centre's staff. The command line acts as staff of the provincial school."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.common import ConfigOption, fail, one_period, out, run, write_file
from texts import province as T

if TYPE_CHECKING:  # the use cases are imported by each command: `sll --help` stays quick
    from db.database import Database
    from usecases import province as P
    from usecases.identity import Actor
    from usecases.settings import Settings

__all__ = ["tinh"]

tinh = typer.Typer(
    help="Trường Chính trị tỉnh: thống kê toàn tỉnh, thông báo cho cán bộ các trung tâm.",
    no_args_is_help=True,
)


async def province_actor(db: Database) -> Actor:
    """The CLI as staff of the provincial school's centre; none configured, a clear error."""
    from sqlalchemy import select

    from db.models import Centre
    from usecases.identity import Actor

    async with db.uow() as uow:
        centre_id = await uow.session.scalar(
            select(Centre.id).where(Centre.is_province.is_(True)).order_by(Centre.id).limit(1)
        )
    if centre_id is None:
        fail(T.CLI_NO_PROVINCE)
    return Actor.cli(centre_id, province=True)


@tinh.command("thong-ke")
def statistics(
    thang: Annotated[
        str | None, typer.Option("--thang", help="Tháng, ví dụ 11/2026 hoặc 2026-11.")
    ] = None,
    quy: Annotated[
        str | None, typer.Option("--quy", help="Quý, ví dụ 4/2026 hoặc 2026-Q4.")
    ] = None,
    nam: Annotated[str | None, typer.Option("--nam", help="Năm, ví dụ 2026.")] = None,
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="Ghi bảng Excel (kèm biểu đồ) ra tệp này.")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Thống kê mọi trung tâm và cả tỉnh: lớp, học viên, chuyên cần, xếp loại, đánh giá."""
    from render import province as RP
    from usecases import province as P
    from usecases.clock import clock_from_env

    kind, value = one_period(thang, quy, nam)

    async def work(db: Database, settings: Settings, centre_id: int) -> P.ProvinceFigures:
        period = P.parse_period(kind, value)
        return await P.compute_province(
            db.uow(),
            actor=await province_actor(db),
            period=period,
            now=clock_from_env().now(),
            tz=settings.timezone,
        )

    figures = run(config, work)
    out.print(RP.province_text(figures), markup=False, highlight=False)
    if xlsx is not None:
        write_file(xlsx, RP.province_xlsx(figures).data)
        out.print(T.CLI_WROTE_WORKBOOK.format(path=xlsx), markup=False)


@tinh.command("thong-bao")
def notice(
    noi_dung: Annotated[str, typer.Argument(metavar="NOI_DUNG", help="Nội dung thông báo.")],
    config: ConfigOption = None,
) -> None:
    """Gửi thông báo cho cán bộ đang làm việc của tất cả các trung tâm."""
    from usecases import province as P
    from usecases.clock import clock_from_env

    async def work(db: Database, settings: Settings, centre_id: int) -> P.Sent:
        return await P.send_to_centres(
            db.uow(), actor=await province_actor(db), text=noi_dung, now=clock_from_env().now()
        )

    sent = run(config, work)
    out.print(T.NOTICE_DONE.format(staff=sent.staff, centres=sent.centres), markup=False)
