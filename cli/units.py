"""`sll don-vi …` for the two-way loop with home units (issue 18): which units have not
acknowledged a class's results (as text or a spreadsheet), and the units' answers for the
learners they send to a class, with one reminder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.classes import don_vi
from cli.common import ConfigOption, fail, out, run

if TYPE_CHECKING:
    from db.database import Database
    from usecases.clock import Clock
    from usecases.settings import Settings
    from usecases.units import AckStatus

__all__ = ["conduct", "ineligible", "nominations", "not_acknowledged", "parent"]


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


@don_vi.command("cu-di")
def nominations(
    ma_lop: Annotated[str, typer.Argument(metavar="MA_LOP", help="Mã lớp đã thông báo.")],
    nhac: Annotated[
        bool, typer.Option("--nhac", help="Nhắc một lần lãnh đạo đơn vị chưa trả lời.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Đơn vị xác nhận học viên cử đi học: sẽ đi / không đi (lý do, người thay) / chưa trả lời."""
    from render.units import nominations_text
    from texts import units as T
    from usecases import units
    from usecases.identity import Actor

    async def work(db: Database, settings: Settings, centre_id: int) -> tuple[str, str | None]:
        actor = Actor.cli(centre_id)
        klass, by_unit = await units.nomination_status(
            db.uow(), actor, centre_id=centre_id, code=ma_lop
        )
        text = nominations_text(klass.code, klass.name, by_unit)
        if not nhac:
            return text, None
        new, old = await units.remind_nominations(
            db.uow(), actor, centre_id=centre_id, code=ma_lop, now=_clock().now()
        )
        if not new and not old:
            return text, T.NOMINATIONS_NOTHING_TO_REMIND
        said = T.NOMINATIONS_REMINDED.format(new=new)
        return text, said + (T.NOMINATIONS_REMINDED_BEFORE.format(old=old) if old else "")

    text, reminded = run(config, work)
    out.print(text, markup=False, highlight=False)
    if reminded:
        out.print(reminded, markup=False, highlight=False)


def _clock() -> Clock:
    from usecases.clock import clock_from_env

    return clock_from_env()


@don_vi.command("khong-du-dk")
def ineligible(
    ma_lop: Annotated[str, typer.Argument(metavar="MA_LOP", help="Mã lớp.")],
    config: ConfigOption = None,
) -> None:
    """Học viên không đủ điều kiện chuyên cần (vắng quá quy định), để xem trước khi công bố."""
    from render.units import ineligible_text
    from usecases import units
    from usecases.identity import Actor

    async def work(db: Database, settings: Settings, centre_id: int) -> str:
        klass, lines = await units.ineligible(
            db.uow(), Actor.cli(centre_id), centre_id=centre_id, code=ma_lop, settings=settings
        )
        return ineligible_text(klass.code, klass.name, lines, settings.units)

    out.print(run(config, work), markup=False, highlight=False)


@don_vi.command("ren-luyen")
def conduct(
    ma_lop: Annotated[str, typer.Argument(metavar="MA_LOP", help="Mã lớp.")],
    so_tt: Annotated[
        int | None, typer.Argument(metavar="SO_TT", help="Số thứ tự học viên trong danh sách lớp.")
    ] = None,
    loai: Annotated[
        str | None, typer.Option("--loai", help="nhac-nho, phe-binh hoặc vi-pham.")
    ] = None,
    ly_do: Annotated[str | None, typer.Option("--ly-do", help="Lý do.")] = None,
    config: ConfigOption = None,
) -> None:
    """Rèn luyện: ghi nhắc nhở / phê bình / vi phạm cho một học viên (vi phạm báo ngay lãnh đạo
    đơn vị), hoặc xem cả lớp khi chỉ có MA_LOP."""
    from render.units import conduct_text
    from texts import units as T
    from usecases import units
    from usecases.identity import Actor
    from usecases.units import rules

    async def work(db: Database, settings: Settings, centre_id: int) -> str:
        actor = Actor.cli(centre_id)
        if so_tt is None:
            klass, lines = await units.class_conduct(
                db.uow(), actor, centre_id=centre_id, code=ma_lop
            )
            return conduct_text(klass.code, klass.name, lines, settings.timezone)
        kind = rules.conduct_kind(loai or "") or ""
        done = await units.record_conduct(
            db.uow(), actor, centre_id=centre_id, code=ma_lop, number=so_tt, kind=kind,
            reason=ly_do or "", now=_clock().now(),
        )  # fmt: skip
        text = T.CONDUCT_SAVED.format(
            kind=T.CONDUCT_NAMES[done.kind], name=done.full_name, code=ma_lop.upper(),
            reason=done.reason,
        )  # fmt: skip
        told = T.CONDUCT_TOLD.format(count=done.leaders_told) if done.leaders_told else ""
        return text + told

    out.print(run(config, work), markup=False, highlight=False)


@don_vi.command("cap-tren")
def parent(
    don_vi_ten: Annotated[str, typer.Argument(metavar="DON_VI", help="Tên đơn vị cấp dưới.")],
    cap_tren: Annotated[
        str | None, typer.Argument(metavar="CAP_TREN", help="Tên đơn vị cấp trên (huyện).")
    ] = None,
    bo: Annotated[bool, typer.Option("--bo", help="Bỏ đơn vị cấp trên.")] = False,
    config: ConfigOption = None,
) -> None:
    """Đặt đơn vị cấp trên (ví dụ đảng ủy xã thuộc huyện ủy): lãnh đạo cấp trên nhận một bảng
    tổng hợp kết quả của mọi đơn vị cấp dưới."""
    from texts import units as T
    from usecases import units
    from usecases.identity import Actor

    if cap_tren is None and not bo:
        fail(T.PARENT_MISSING)

    async def work(db: Database, settings: Settings, centre_id: int) -> tuple[str, str | None]:
        return await units.set_parent(
            db.uow(), Actor.cli(centre_id), centre_id=centre_id, unit=don_vi_ten,
            parent=None if bo else cap_tren,
        )  # fmt: skip

    unit, above = run(config, work)
    said = (
        T.PARENT_SAVED.format(unit=unit, parent=above)
        if above
        else T.PARENT_CLEARED.format(unit=unit)
    )
    out.print(said, markup=False, highlight=False)
