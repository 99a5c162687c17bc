"""The database handle and the unit of work every use case runs in."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.engine import create_engine, is_sqlite, make_sessionmaker

__all__ = ["Database", "SchemaOutOfDate", "UnitOfWork"]


class SchemaOutOfDate(Exception):
    """The database is behind the code's migrations."""


class UnitOfWork:
    """One transaction: rolls back on leaving unless `commit()` was called (cosmicpython)."""

    session: AsyncSession

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def __aenter__(self) -> Self:
        self.session = self._sessionmaker()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back whatever was not committed, and unlike rollback() it leaves loaded
        # rows readable, so a read-only use case can return them.
        await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()


class Database:
    def __init__(self, url: str, *, echo: bool = False, application_name: str = "") -> None:
        self.url = url
        self.engine: AsyncEngine = create_engine(url, echo=echo, application_name=application_name)
        self.sessionmaker = make_sessionmaker(self.engine)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessionmaker)

    async def migrate(self) -> None:
        from db.migrate import upgrade  # Alembic is slow to import; only when upgrading

        await upgrade(self.url)

    async def migrate_if_behind(self) -> None:
        """Upgrade only when the schema is not at the code's head (staff commands start
        quickly in the usual case, where there is nothing to do)."""
        from db.revision import current_revisions, head_revisions

        if await current_revisions(self.engine) != head_revisions():
            await self.migrate()

    async def check_schema(self) -> None:
        from db.migrate import current_revision, head_revision

        current, head = await current_revision(self.engine), head_revision(self.url)
        if current != head:
            raise SchemaOutOfDate(f"database at revision {current}, code expects {head}")

    async def dispose(self) -> None:
        await self.engine.dispose()
