"""Benchmark: the staff web console at a province's volume (issue 19).

A year of a provincial school, written with bulk inserts into a fresh SQLite file: 339 classes
and 32,399 learner places, every held session marked (about 330,000 attendance rows), and one
class of 150 learners × 40 sessions. The console runs in this process (its real aiohttp app,
middleware and templates) with a logged-in staff session; a timing middleware measures the
server time of each page, from the request reaching the app to the response leaving it.

Reported, as medians of several runs and as ratios to a trivial page (the login page: a
template and no database) measured in the same run:

- the attendance grid of the 150 × 40 class (`/lop/<id>`),
- the yearly statistics page (`/thong-ke?loai=year&ky=2025`);

and also to a signed-in page with almost nothing on it (the empty leave queue: the session's
lookup, the staff member's roles, one small query), which is what every page pays first.

Run from the repo root:  python -m bench.web [--runs 15] [--postgres URL]
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bench import province_data
from db.database import Database
from usecases import identity, web_login
from usecases.clock import FixedClock
from usecases.settings import Settings
from web.auth import COOKIE
from web.console import Console
from web.server import build_app

YEAR = province_data.YEAR
NOW = datetime(YEAR + 1, 1, 15, 9, 0, tzinfo=UTC)
STAFF_TG = 777000
CENTRE = "Trường Chính trị tỉnh (benchmark)"


def timer(times: dict[str, list[float]]) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def measure(request: web.Request, handler: Any) -> web.StreamResponse:
        started = time.perf_counter()
        try:
            return await handler(request)  # type: ignore[no-any-return]
        finally:
            times.setdefault(request.path, []).append(time.perf_counter() - started)

    return measure


async def main(runs: int, postgres: str | None) -> dict[str, Any]:
    """On a fresh SQLite file, or a scratch database on that PostgreSQL server (dropped after)."""
    with tempfile.TemporaryDirectory() as tmp:
        if not postgres:
            return await measure(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}", runs)
        async with province_data.scratch_database(postgres, "web") as url:
            return await measure(url, runs)


async def measure(url: str, runs: int) -> dict[str, Any]:
    db = Database(url)
    await db.migrate()
    centre_id = await identity.ensure_centre(db.uow(), CENTRE)
    started = time.perf_counter()
    big = await province_data.load(db, centre_id)
    load_seconds = time.perf_counter() - started
    await identity.sync_staff(db.uow(), centre_id, (STAFF_TG,))
    actor = await identity.identify(
        db.uow(), centre_id=centre_id, channel="telegram", user_id=str(STAFF_TG),
        chat_id=str(STAFF_TG),
        display_name="", now=NOW,
    )  # fmt: skip
    token = await web_login.issue_link(db.uow(), actor=actor, now=NOW, minutes=10)
    cookie, _ = await web_login.open_session(db.uow(), token=token, now=NOW)
    settings = replace(Settings(), web=replace(Settings().web, port=1))
    app = build_app(Console(db, FixedClock(NOW), settings))
    times: dict[str, list[float]] = {}
    app.middlewares.insert(0, timer(times))
    pages = {"trivial": "/vao/khong-dung", "signed_in_empty": "/xin-phep",
             "grid": f"/lop/{big}", "stats_year": f"/thong-ke?loai=year&ky={YEAR}"}  # fmt: skip
    async with TestClient(TestServer(app), cookies={COOKIE: cookie}) as client:
        for _ in range(runs + 1):  # the first round warms caches and is not counted
            for path in pages.values():
                response = await client.get(path)
                assert response.status == 200, (path, response.status)
                await response.read()
    await db.dispose()
    medians = {
        name: statistics.median(times[path.split("?")[0]][1:]) for name, path in pages.items()
    }
    return {
        "database": "sqlite" if db.is_sqlite else "postgresql",
        "classes": province_data.CLASSES,
        "places": province_data.PLACES,
        "grid": f"{province_data.BIG_LEARNERS}x{province_data.BIG_SESSIONS}",
        "load_seconds": round(load_seconds, 1),
        "runs": runs,
        "trivial_ms": round(medians["trivial"] * 1000, 2),
        "signed_in_empty_ms": round(medians["signed_in_empty"] * 1000, 2),
        "grid_ms": round(medians["grid"] * 1000, 1),
        "stats_year_ms": round(medians["stats_year"] * 1000, 1),
        "grid_ratio": round(medians["grid"] / medians["trivial"], 1),
        "stats_year_ratio": round(medians["stats_year"] / medians["trivial"], 1),
        # the same figures over a signed-in page with one small query (the session's lookup)
        "grid_ratio_signed_in": round(medians["grid"] / medians["signed_in_empty"], 1),
        "stats_year_ratio_signed_in": round(medians["stats_year"] / medians["signed_in_empty"], 1),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--postgres", help="a scratch PostgreSQL database URL (its tables are written)"
    )
    args = parser.parse_args()
    result = asyncio.run(main(args.runs, args.postgres))
    print(f"Loaded {result['classes']} classes, {result['places']} places in "
          f"{result['load_seconds']} s ({result['database']}).")  # fmt: skip
    print(f"Trivial page {result['trivial_ms']} ms; grid {result['grid']} {result['grid_ms']} ms "
          f"= {result['grid_ratio']}×; yearly statistics {result['stats_year_ms']} ms "
          f"= {result['stats_year_ratio']}× (medians of {result['runs']}).")  # fmt: skip
    print(json.dumps(result))
