"""Staff commands for notices: `sll tin …` — the delivery view of a class, resending failed
notices, announcing a class, moving or cancelling a session, a message to a whole class."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from cli.common import ConfigOption, err, out, run
from texts import notices as T
from vn.dates import DateError, format_when, parse_date, parse_time_range

if TYPE_CHECKING:  # the use cases are imported by each command: `sll --help` stays quick
    from db.database import Database
    from usecases.clock import Clock
    from usecases.settings import Settings

__all__ = ["tin"]

tin = typer.Typer(
    help="Tin nhắn tự động: thông báo lớp, nhắc lịch, thay đổi lịch, tình hình gửi tin.",
    no_args_is_help=True,
)

ClassArg = Annotated[str, typer.Argument(help="Mã lớp, ví dụ SC-K4.")]


def _clock() -> Clock:
    from usecases.clock import clock_from_env

    return clock_from_env()


def _refuse(exc: Exception) -> None:
    err.print(T.CLI_REFUSED.format(error=exc))
    raise typer.Exit(1) from exc


@tin.command("tinh-hinh")
def view(ma: ClassArg, config: ConfigOption = None) -> None:
    """Xem số tin đã gửi, đang chờ, lỗi, hết hạn theo từng loại, và ai chưa nhận được."""
    from usecases import delivery
    from usecases.identity import Actor

    async def work(db: Database, settings: Settings, centre_id: int) -> delivery.DeliveryView:
        return await delivery.delivery_view(db.uow(), actor=Actor.cli(centre_id), class_code=ma)

    from render.delivery import describe_view

    out.print(describe_view(run(config, work)), highlight=False)


@tin.command("gui-lai")
def resend(
    ma: ClassArg,
    loai: Annotated[str | None, typer.Option("--loai", help="Chỉ gửi lại loại tin này.")] = None,
    config: ConfigOption = None,
) -> None:
    """Gửi lại các tin bị lỗi của một lớp."""
    from usecases import delivery
    from usecases.identity import Actor

    async def work(db: Database, settings: Settings, centre_id: int) -> int:
        return await delivery.resend_failed(
            db.uow(), actor=Actor.cli(centre_id), class_code=ma, now=_clock().now(), kind=loai,
        )  # fmt: skip

    count = run(config, work)
    out.print(T.RESENT.format(count=count) if count else T.RESENT_NONE)


@tin.command("thong-bao")
def announce(ma: ClassArg, config: ConfigOption = None) -> None:
    """Gửi thông báo triệu tập lớp cho học viên và lãnh đạo đơn vị, lên lịch nhắc học."""
    from usecases import notices
    from usecases.identity import Actor

    async def work(db: Database, settings: Settings, centre_id: int) -> notices.Announced:
        done = await notices.announce_class(
            db.uow(), actor=Actor.cli(centre_id), class_code=ma, settings=settings,
            now=_clock().now(),
        )  # fmt: skip
        await _brief_lecturers(db, settings)
        return done

    done = run(config, work)
    out.print(T.ANNOUNCED.format(count=done.total, code=ma.upper()))


@tin.command("nhan")
def broadcast(
    ma: ClassArg,
    noi_dung: Annotated[str, typer.Argument(help="Nội dung tin.")],
    config: ConfigOption = None,
) -> None:
    """Nhắn một tin cho toàn bộ học viên của lớp."""
    from usecases import notices
    from usecases.identity import Actor

    async def work(db: Database, settings: Settings, centre_id: int) -> int:
        return await notices.broadcast(
            db.uow(), actor=Actor.cli(centre_id), text=noi_dung, class_code=ma,
            settings=settings, now=_clock().now(),
        )  # fmt: skip

    out.print(T.BROADCAST_DONE.format(count=run(config, work), code=ma.upper()))


@tin.command("doi-buoi")
def move(
    ma: ClassArg,
    buoi: Annotated[int, typer.Argument(help="Số thứ tự buổi học.")],
    ngay: Annotated[str, typer.Argument(help="Ngày mới, ví dụ 12/03/2024.")],
    gio: Annotated[str, typer.Argument(help="Giờ học mới, ví dụ 7h30-11h00.")],
    config: ConfigOption = None,
) -> None:
    """Dời một buổi học: báo học viên và lên lại lịch nhắc."""
    from usecases import notices
    from usecases.identity import Actor

    try:
        day = parse_date(ngay)
        start, end = parse_time_range(gio)
    except DateError as exc:
        _refuse(exc)
        return

    async def work(db: Database, settings: Settings, centre_id: int) -> tuple[datetime, int]:
        tz = settings.timezone
        starts = datetime.combine(day, start, tzinfo=tz)
        _, told = await notices.move_session(
            db.uow(), actor=Actor.cli(centre_id), class_code=ma, number=buoi, starts_at=starts,
            ends_at=datetime.combine(day, end, tzinfo=tz), settings=settings,
            now=_clock().now(),
        )  # fmt: skip
        await _brief_lecturers(db, settings)
        return starts, told

    starts, told = run(config, work)
    label = T.SESSION_LABEL.format(number=buoi)
    out.print(T.MOVED_DONE.format(session=label, when=format_when(starts), count=told))


@tin.command("huy-buoi")
def cancel(
    ma: ClassArg,
    buoi: Annotated[int, typer.Argument(help="Số thứ tự buổi học.")],
    ly_do: Annotated[str | None, typer.Option("--ly-do", help="Lý do hoãn.")] = None,
    config: ConfigOption = None,
) -> None:
    """Hoãn một buổi học: báo học viên và hủy các tin nhắc của buổi đó."""
    from usecases import notices
    from usecases.identity import Actor

    async def work(db: Database, settings: Settings, centre_id: int) -> int:
        _, told = await notices.cancel_session(
            db.uow(), actor=Actor.cli(centre_id), class_code=ma, number=buoi, reason=ly_do,
            settings=settings, now=_clock().now(),
        )  # fmt: skip
        await _brief_lecturers(db, settings)
        return told

    told = run(config, work)
    out.print(T.CANCELLED_DONE.format(session=T.SESSION_LABEL.format(number=buoi), count=told))


async def _brief_lecturers(db: Database, settings: Settings) -> None:
    """Lecturers hear of an announced, moved or cancelled session at once, not at the bot's
    next look (as after `sll lop nhap-lich`)."""
    from usecases import lecturers

    await lecturers.plan_lecturer_notices(db.uow(), settings=settings, now=_clock().now())
