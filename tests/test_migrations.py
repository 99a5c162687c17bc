"""The schema is made only by Alembic, and the migrations match the models on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from db.database import Database
from db.migrate import head_revision
from db.models import Base


async def test_migrations_match_the_models(database: Database) -> None:
    async with database.engine.connect() as conn:
        diff = await conn.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
        )
    assert diff == []


async def test_the_database_is_at_the_head_revision(database: Database) -> None:
    await database.check_schema()
    assert head_revision(database.url) is not None
