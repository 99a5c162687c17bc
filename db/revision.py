"""Is the database at the code's schema revision? Answered without importing Alembic.

Every staff command asks this before it runs; Alembic (with Mako and its DDL modules) costs
a noticeable part of a second to import, so the heads are read from the migration files'
`revision` / `down_revision` lines and the current revision from `alembic_version`.
Alembic itself runs only when an upgrade is due.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["current_revisions", "head_revisions"]

VERSIONS = Path(__file__).with_name("migrations") / "versions"
_ASSIGN = re.compile(r"^(revision|down_revision)\b[^=\n]*=\s*(.+)$", re.MULTILINE)
_QUOTED = re.compile(r"""['"]([^'"]+)['"]""")


@cache
def head_revisions() -> frozenset[str]:
    """Revisions no other migration names as its parent."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in VERSIONS.glob("*.py"):
        for name, value in _ASSIGN.findall(path.read_text(encoding="utf-8")):
            found = set(_QUOTED.findall(value))
            (revisions if name == "revision" else parents).update(found)
    return frozenset(revisions - parents)


async def current_revisions(engine: AsyncEngine) -> frozenset[str]:
    """What `alembic_version` says; empty for a database Alembic has never touched."""
    async with engine.connect() as conn:
        try:
            rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
        except DBAPIError as exc:
            if "alembic_version" in str(exc.orig):
                return frozenset()
            raise
        return frozenset(row[0] for row in rows)
