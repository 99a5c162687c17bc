"""What every staff command shares: settings, the database, Vietnamese errors, progress.

A command that cannot run ends with one Vietnamese line naming the cause and a non-zero exit,
never a traceback: SQLAlchemy's error text carries the statement's parameters (a learner's
name, birth date and phone), and a page of Python is no help to a centre's staff.

Heavy modules (SQLAlchemy, the use cases, openpyxl) are imported inside the functions that
need them, so `sll --help` and a mistyped command answer at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console

from texts import cli as T
from texts import stats as TS

if TYPE_CHECKING:
    from db.database import Database
    from usecases.settings import CentreSettings, Settings

__all__ = [
    "ConfigOption",
    "ask",
    "err",
    "fail",
    "one_period",
    "out",
    "progress_parse",
    "reject_if_errors",
    "run",
    "settings_or_exit",
]

T_ = TypeVar("T_")

out = Console()
err = Console(stderr=True)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="Tệp cấu hình (mặc định: config.toml).")
]


def fail(cause: str, code: int = 1) -> NoReturn:
    """One line on stderr naming the cause, then exit non-zero."""
    err.print(T.FAILED.format(cause=cause), markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def input_errors() -> tuple[type[Exception], ...]:
    """Use-case errors that mean "your input is wrong, nothing changed"; each carries
    Vietnamese text."""
    from sheets.errors import SheetError
    from usecases import classes
    from vn.phones import PhoneError

    return (classes.ImportRejected, SheetError, PhoneError)


def settings_or_exit(config: Path | None) -> Settings:
    from bot.config import ConfigError, load_settings

    try:
        return load_settings(config)
    except ConfigError as exc:
        fail(T.CONFIG.format(error=exc), 2)


# The centre a command acts for (`sll --trung-tam KEY …`), set by the app's callback.
centre_key: str | None = None


def chosen_centre(settings: Settings) -> CentreSettings:
    """The centre named by `--trung-tam` (or SLL_TRUNG_TAM); with one centre, that one."""
    centres = settings.centre_list
    keys = ", ".join(c.key for c in centres)
    if centre_key is None:
        if len(centres) == 1:
            return centres[0]
        fail(T.CENTRE_NEEDED.format(keys=keys), 2)
    found = next((c for c in centres if c.key == centre_key), None)
    if found is None:
        fail(T.CENTRE_UNKNOWN.format(key=centre_key, keys=keys), 2)
    return found


def one_period(month: str | None, quarter: str | None, year: str | None) -> tuple[str, str]:
    """The one period `--thang`, `--quy` or `--nam` names, as (kind, value); none or several:
    say so and exit 2."""
    chosen = [(k, v) for k, v in (("month", month), ("quarter", quarter), ("year", year)) if v]
    if len(chosen) != 1:
        err.print(TS.CLI_ONE_PERIOD)
        raise typer.Exit(2)
    return chosen[0]


def run(
    config: Path | None,
    work: Callable[[Database, Settings, int], Awaitable[T_]],
    *,
    create: bool = False,
) -> T_:
    """Open the database, make sure the centre exists, run one piece of work, close.

    Only `create=True` (`sll db nang-cap`) may make a new SQLite file: a mistyped path in the
    configuration must not quietly start an empty database.
    """
    import asyncio

    settings = settings_or_exit(config)
    centre = chosen_centre(settings)
    if not create:
        missing = missing_sqlite_file(settings.database_url)
        if missing is not None:
            fail(T.DB_MISSING.format(path=missing))

    async def go() -> T_:
        from db.database import Database
        from usecases import identity

        db = Database(settings.database_url)
        try:
            if create:
                await db.migrate()
            else:
                await db.migrate_if_behind()
            centre_id = await identity.configured_centre(db.uow(), settings, centre)
            return await work(db, settings.for_centre(centre), centre_id)
        finally:
            await db.dispose()

    try:
        return asyncio.run(go())
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        fail(T.INTERRUPTED, 130)
    except Exception as exc:
        from texts.refusals import say
        from usecases.refusal import Refused

        if isinstance(exc, (Refused, *input_errors())):
            if isinstance(exc, Refused):
                errors = [say(exc)]
            else:
                errors = getattr(exc, "errors", None) or [str(exc)]
            err.print(f"[red]{T.NOT_DONE}[/red]")
            for line in errors:
                err.print(f"  • {line}", markup=False)
            raise typer.Exit(1) from exc
        fail(describe_failure(exc))


def missing_sqlite_file(url: str) -> Path | None:
    """The SQLite file a URL names, when it does not exist (None for PostgreSQL or memory)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return None  # reported when the engine is made
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(parsed.database)
    return None if path.exists() else path


def describe_failure(exc: BaseException) -> str:
    """The cause of a failed command in one Vietnamese sentence, without the statement or
    its parameters (which hold learners' personal data)."""
    from sqlalchemy import exc as sa

    from db.database import SchemaOutOfDate

    chain = _chain(exc)
    texts = " ".join(str(getattr(e, "orig", None) or e.args[:1]).lower() for e in chain)
    for e in chain:
        if isinstance(e, sa.ArgumentError | sa.NoSuchModuleError) or (
            isinstance(e, ValueError) and "url" in str(e).lower()
        ):
            return T.DB_URL_BAD
        if isinstance(e, SchemaOutOfDate):
            return T.DB_OUT_OF_DATE
    if "database is locked" in texts or "database table is locked" in texts:
        return T.DB_LOCKED
    if "file is not a database" in texts or "database disk image is malformed" in texts:
        return T.DB_CORRUPT
    names = {type(e).__name__ for e in chain}
    if names & {"InvalidPasswordError", "InvalidAuthorizationSpecificationError"}:
        return T.DB_AUTH
    if "InvalidCatalogNameError" in names:
        return T.DB_NOT_FOUND_ON_SERVER
    if "unable to open database file" in texts:
        return T.DB_MISSING.format(path="đường dẫn đã cấu hình")
    if (
        any(isinstance(e, ConnectionError | TimeoutError | OSError) for e in chain)
        and (
            any(isinstance(e, sa.DBAPIError | sa.InterfaceError) for e in chain)
            or any(isinstance(e, ConnectionError | TimeoutError) for e in chain)
            or "connect" in texts
        )
        and not any(isinstance(e, PermissionError | FileNotFoundError) for e in chain)
    ):
        return T.DB_UNREACHABLE
    if any(isinstance(e, sa.DBAPIError) for e in chain):
        return T.DB_ERROR.format(kind=type(exc).__name__)
    return T.UNEXPECTED.format(kind=type(exc).__name__)


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception, what caused it, and SQLAlchemy's wrapped driver error."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or any(e is s for s in seen):
            continue
        seen.append(e)
        todo += [e.__cause__, e.__context__, getattr(e, "orig", None)]
        if isinstance(e, BaseExceptionGroup):
            todo += list(e.exceptions)
    return seen


def progress_parse(parse: Callable[..., T_], path: Path) -> T_:
    """Parse a spreadsheet with a progress bar (large rosters take a few seconds)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from sheets.errors import SheetError

    if not path.exists():
        err.print(f"[red]{T.FILE_NOT_FOUND}[/red] {path}")
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
            error = exc
        except Exception as exc:  # a damaged file can fail deep inside openpyxl
            error = SheetError(
                "File bị hỏng hoặc không đúng định dạng, không đọc được "
                f"({type(exc).__name__}). Hãy mở bằng Excel, lưu lại rồi thử lại."
            )
    err.print(f"[red]{T.FILE_UNREADABLE.format(name=path.name)}[/red] {error}", highlight=False)
    raise typer.Exit(1)


def reject_if_errors(errors: Sequence[Any], path: Path) -> None:
    if errors:
        err.print(
            f"[red]Tệp {path.name} có {len(errors)} dòng lỗi nên chưa nhập gì. "
            "Vui lòng sửa rồi nhập lại:[/red]"
        )
        for e in errors:
            err.print(f"  • {e.reason}", markup=False)
        raise typer.Exit(1)


def ask(question: str) -> bool:
    """A yes/no question in Vietnamese ('c' or 'có' is yes); no answer (no terminal) is no."""
    err.print(f"{question} Gõ c (có) hoặc k (không): ", end="", markup=False)
    try:
        answer = input()
    except EOFError:
        err.print()
        return False
    return answer.strip().lower() in ("c", "có", "co", "y", "yes")


def write_file(path: Path, data: bytes) -> None:
    """Write an export; a wrong folder is one line, not a traceback."""
    try:
        path.write_bytes(data)
    except OSError:
        fail(T.FILE_WRITE.format(path=path))
