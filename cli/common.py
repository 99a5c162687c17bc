"""What every staff command shares: settings, the database, Vietnamese errors, progress."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from bot.config import ConfigError, load_settings
from db.database import Database
from sheets.errors import SheetError
from usecases import classes, identity
from usecases.settings import Settings
from vn.phones import PhoneError

__all__ = [
    "ConfigOption",
    "err",
    "out",
    "progress_parse",
    "reject_if_errors",
    "run",
    "settings_or_exit",
]

T = TypeVar("T")

out = Console()
err = Console(stderr=True)

# Use-case errors that mean "your input is wrong, nothing changed"; each carries Vietnamese text.
INPUT_ERRORS: tuple[type[Exception], ...] = (
    classes.ImportRejected,
    classes.ClassNotFound,
    SheetError,
    PhoneError,
)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="Tệp cấu hình (mặc định: config.toml).")
]


def settings_or_exit(config: Path | None) -> Settings:
    try:
        return load_settings(config)
    except ConfigError as exc:
        err.print(f"[red]Lỗi cấu hình:[/red] {exc}")
        raise typer.Exit(2) from exc


def run(config: Path | None, work: Callable[[Database, Settings, int], Awaitable[T]]) -> T:
    """Open the database, make sure the centre exists, run one piece of work, close."""
    settings = settings_or_exit(config)

    async def go() -> T:
        db = Database(settings.database_url)
        try:
            await db.migrate()
            centre_id = await identity.ensure_centre(db.uow(), settings.centre_name)
            return await work(db, settings, centre_id)
        finally:
            await db.dispose()

    try:
        return asyncio.run(go())
    except INPUT_ERRORS as exc:
        errors = getattr(exc, "errors", None) or [str(exc)]
        err.print("[red]Không thực hiện được, chưa có gì thay đổi:[/red]")
        for line in errors:
            err.print(f"  • {line}")
        raise typer.Exit(1) from exc


def progress_parse(parse: Callable[..., T], path: Path) -> T:
    """Parse a spreadsheet with a progress bar (large rosters take a few seconds)."""
    if not path.exists():
        err.print(f"[red]Không tìm thấy tệp[/red] {path}")
        raise typer.Exit(1)
    with Progress(
        TextColumn("Đang đọc {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task(path.name, total=None)

        def tick(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            return parse(path, progress=tick)
        except SheetError as exc:
            err.print(f"[red]Không đọc được tệp {path.name}:[/red] {exc}")
            raise typer.Exit(1) from exc


def reject_if_errors(errors: Sequence[Any], path: Path) -> None:
    if errors:
        err.print(
            f"[red]Tệp {path.name} có {len(errors)} dòng lỗi nên chưa nhập gì. "
            "Vui lòng sửa rồi nhập lại:[/red]"
        )
        for e in errors:
            err.print(f"  • {e.reason}")
        raise typer.Exit(1)
