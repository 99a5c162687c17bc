"""`sll don-vi …` for the two-way loop with home units (issue 18): which units have not
acknowledged a class's results, as a table or a spreadsheet."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.classes import don_vi
from cli.common import ConfigOption, out, run

if TYPE_CHECKING:
    from db.database import Database
    from usecases.settings import Settings
    from usecases.units import AckStatus

__all__ = ["not_acknowledged"]


@don_vi.command("chua-nhan")
def not_acknowledged(
    ma_lop: Annotated[str, typer.Argument(metavar="MA_LOP", help="Mã lớp đã công bố kết quả.")],
    xuat: Annotated[
        Path | None, typer.Option("--xuat", help="Lưu bảng xác nhận ra tệp Excel (.xlsx).")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Đơn vị nào đã / chưa xác nhận đã nhận kết quả học tập của lớp."""
    from render.units import ack_xlsx, status_text
    from texts import units as T
    from usecases import units
    from usecases.identity import Actor

    async def work(db: Database, settings: Settings, centre_id: int) -> AckStatus:
        return await units.ack_status(
            db.uow(), Actor.cli(centre_id), centre_id=centre_id, code=ma_lop
        )

    status = run(config, work)
    settings = _settings(config)
    out.print(status_text(status, settings.timezone), markup=False, highlight=False)
    if xuat is not None:
        xuat.write_bytes(ack_xlsx(status, settings.timezone).data)
        out.print(T.CLI_SAVED.format(path=xuat), markup=False, highlight=False)


def _settings(config: Path | None) -> Settings:
    from cli.common import settings_or_exit

    return settings_or_exit(config)
