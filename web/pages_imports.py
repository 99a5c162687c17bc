"""Imports: upload a roster, schedule or results file, see every row error (by the sheet's
own row numbers) or a preview, and only then write it, with the same parsers and use cases as
`sll lop nhap-…`. The preview carries the file back in the confirming form, so nothing is
stored on the server between the two steps, and it is parsed again before it is written."""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from sheets.errors import RowError, SheetError
from sheets.results import parse_results
from sheets.roster import parse_roster
from sheets.schedule import parse_schedule
from texts import web as T
from usecases import attendance as A
from usecases import classes as C
from usecases import lecturers as L
from usecases import results as R
from usecases.identity import Actor
from vn.dates import format_date, format_time
from web.console import CONSOLE, FORM, Console, actor_of, form_field, render, see_other

__all__ = ["import_check", "import_save", "imports_page"]

PREVIEW_ROWS = 20


@dataclass(frozen=True)
class Kind:
    parse: Callable[..., Any]
    headers: tuple[str, ...]
    cells: Callable[[Any], list[object]]


KINDS: dict[str, Kind] = {
    "roster": Kind(
        parse_roster,
        ("Họ và tên", "Ngày sinh", "Đơn vị", "Điện thoại"),
        lambda r: [
            r.full_name,
            format_date(r.birth_date) if r.birth_date else r.birth_year or "",
            r.unit_name,
            r.phone or "",
        ],
    ),
    "schedule": Kind(
        parse_schedule,
        ("Buổi", "Ngày", "Giờ", "Nội dung"),
        lambda r: [
            r.number or "",
            format_date(r.day),
            f"{format_time(r.start)}–{format_time(r.end)}",
            r.topic or "",
        ],
    ),
    "results": Kind(
        parse_results,
        ("Họ và tên", "Điểm", "Xếp loại"),
        lambda r: [
            r.full_name,
            ", ".join(f"{k}: {v}" for k, v in r.scores.items()),
            r.grade or "",
        ],
    ),
}


@dataclass(frozen=True)
class Upload:
    kind: str
    class_id: int
    filename: str
    data: bytes


async def _classes(console: Console, actor: Actor) -> list[tuple[int, str, str]]:
    return await A.staff_classes(console.db.uow(), actor=actor)


async def _write(console: Console, actor: Actor, up: Upload, rows: Sequence[Any]) -> Any:
    """The use case of each kind; all rows or none."""
    uow, tz = console.db.uow(), console.settings.timezone
    if up.kind == "roster":
        return await C.import_roster(uow, class_id=up.class_id, rows=rows, actor=actor)
    if up.kind == "schedule":
        report = await C.import_schedule(
            uow, class_id=up.class_id, rows=rows, tz=tz, actor=actor,
            notices=console.settings.notices, now=console.clock.now(),
        )  # fmt: skip
        await _brief_lecturers(console, actor, up.class_id, rows)
        return report
    return await R.import_results(
        uow, class_id=up.class_id, rows=rows, grade_scale=console.settings.grade_scale, tz=tz,
        actor=actor,
    )  # fmt: skip


async def _brief_lecturers(
    console: Console, actor: Actor, class_id: int, rows: Sequence[Any]
) -> None:
    """As `sll lop nhap-lich` does: the lecturer column matched to lecturers, who hear of
    their sessions at once (unmatched names are listed by `sll giang-vien ds` and chat)."""
    now, centre_id = console.clock.now(), actor.home_centre
    await L.link_schedule(
        console.db.uow(), actor=actor, centre_id=centre_id, class_id=class_id, rows=rows, now=now
    )
    await L.plan_lecturer_notices(console.db.uow(), settings=console.settings, now=now)


async def imports_page(request: web.Request) -> web.StreamResponse:
    classes = await _classes(request.app[CONSOLE], actor_of(request))
    return render(request, "imports.html", classes=classes, errors=(), preview=None)


async def _upload(request: web.Request, classes: list[tuple[int, str, str]]) -> Upload | None:
    """The form's file (a fresh upload, or the one the preview carries), for a class of the
    staff member's own centre; None when the form is not that."""
    form = request[FORM]
    kind, class_id = form_field(request, "kind"), form_field(request, "class_id")
    if kind not in KINDS or not class_id.isdigit() or int(class_id) not in {c[0] for c in classes}:
        return None
    upload = form.get("file")
    if isinstance(upload, web.FileField):
        return Upload(kind, int(class_id), upload.filename, upload.file.read())
    try:
        data = base64.b64decode(form_field(request, "data"), validate=True)
    except binascii.Error:
        return None
    return Upload(kind, int(class_id), form_field(request, "filename"), data) if data else None


async def _parse(up: Upload) -> tuple[list[Any], list[str]]:
    """Rows, or the errors that stop the import (off the event loop: files can be large)."""
    try:
        parsed = await asyncio.to_thread(KINDS[up.kind].parse, up.data, filename=up.filename)
    except SheetError as exc:
        return [], [exc.reason]
    errors: list[RowError] = parsed.errors
    return parsed.rows, [e.reason for e in sorted(errors)]


async def import_check(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    classes = await _classes(console, actor_of(request))
    up = await _upload(request, classes)
    if up is None:
        return render(request, "imports.html", classes=classes, errors=(T.BAD_FORM,),
                      preview=None, status=400)  # fmt: skip
    rows, errors = await _parse(up)
    if errors:
        return render(request, "imports.html", classes=classes, errors=errors, preview=None,
                      status=400)  # fmt: skip
    kind = KINDS[up.kind]
    preview = {
        "upload": up,
        "data": base64.b64encode(up.data).decode(),
        "count": len(rows),
        "headers": kind.headers,
        "rows": [(r.row, kind.cells(r)) for r in rows[:PREVIEW_ROWS]],
        "code": next(code for i, code, _ in classes if i == up.class_id),
    }
    return render(request, "imports.html", classes=classes, errors=(), preview=preview)


async def import_save(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    actor = actor_of(request)
    classes = await _classes(console, actor)
    up = await _upload(request, classes)
    rows, errors = await _parse(up) if up is not None else ([], [T.IMPORT_EXPIRED])
    if up is not None and not errors:
        try:
            report = await _write(console, actor, up, rows)
        except C.ImportRejected as exc:
            errors = exc.errors
    if errors or up is None:
        return render(request, "imports.html", classes=classes, errors=errors, preview=None,
                      status=400)  # fmt: skip
    code = next(code for i, code, _ in classes if i == up.class_id)
    ok = T.IMPORTED.format(count=len(rows), code=code, created=report.created,
                           updated=report.updated)  # fmt: skip
    see_other(f"/nhap?{urlencode({'ok': ok})}")
