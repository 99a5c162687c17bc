"""`sll sao-luu` and `sll khoi-phuc`: a verified copy of the database now, and putting one back."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from cli.common import ConfigOption, ask, err, out, settings_or_exit
from texts import cli as T

__all__ = ["restore", "save"]


def save(
    den: Annotated[
        Path | None, typer.Option("--den", help="Thư mục để bản sao lưu (mặc định: [backup] dir).")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Sao lưu cơ sở dữ liệu ngay (kể cả khi bot đang chạy), rồi mở thử bản sao."""
    from db import backup
    from scheduler.backup import backup_dir

    settings = settings_or_exit(config)
    folder = den or backup_dir(settings)
    now = datetime.now(settings.timezone).replace(tzinfo=None)
    try:
        made = backup.make_backup(settings.database_url, folder, now)
    except backup.BackupError as exc:
        err.print(f"[red]{T.BACKUP_FAILED}[/red] {exc}")
        raise typer.Exit(1) from exc
    size = f"{made.stat().st_size / 1_000_000:.1f}".replace(".", ",")  # decimal comma
    out.print(T.BACKUP_DONE.format(path=made, size=size), soft_wrap=True)


def restore(
    tep: Annotated[Path, typer.Argument(help="Tệp sao lưu (.sqlite3 hoặc .dump).")],
    dong_y: Annotated[
        bool, typer.Option("--dong-y", help="Không hỏi lại (dùng trong script).")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Khôi phục cơ sở dữ liệu từ một bản sao lưu; giữ lại bản đang có."""
    import asyncio

    from db import backup, lock

    settings = settings_or_exit(config)
    if not dong_y and not ask(f"Thay toàn bộ dữ liệu hiện tại bằng bản sao lưu {tep.name}?"):
        err.print(T.RESTORE_CANCELLED)
        raise typer.Exit(1)
    now = datetime.now(settings.timezone).replace(tzinfo=None)
    url = settings.database_url
    try:
        # Held while restoring: no bot can start on the file halfway through.
        with lock.exclusive(url):
            if asyncio.run(lock.bots_connected(url)):
                raise lock.DatabaseInUse(Path(url), Path(url))
            kept = backup.restore(url, tep, now)
    except lock.DatabaseInUse as exc:
        err.print(
            "[red]Bot đang chạy trên cơ sở dữ liệu này, chưa có gì thay đổi.[/red] "
            "Hãy dừng bot (systemctl stop so-lien-lac) rồi khôi phục lại."
        )
        raise typer.Exit(1) from exc
    except backup.BackupError as exc:
        err.print(f"[red]{T.RESTORE_FAILED}[/red] {exc}")
        raise typer.Exit(1) from exc
    out.print(T.RESTORED.format(name=tep.name))
    if kept is not None:
        out.print(T.RESTORE_KEPT.format(path=kept), soft_wrap=True)
