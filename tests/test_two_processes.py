"""Several bot processes sharing one PostgreSQL start together (issue 21 item 3): each runs the
start-up's `ensure_centre` and `sync_staff` at the same moment, and none may fail on the rows
another inserted first (bench.scaleout found a second bot exiting on uq_staff_members_person_id)."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from db.database import Database
from db.models import Centre, ChatAccount, StaffMember
from usecases import identity

CENTRE = "Trung tâm Chính trị huyện Mộc Châu"
STAFF = (777001, 777002)
PROCESSES = 4


async def _start(url: str) -> int:
    """What bot/app.py does before it serves, on its own engine as a process would."""
    db = Database(url)
    try:
        centre_id = await identity.ensure_centre(db.uow(), CENTRE)
        await identity.sync_staff(db.uow(), centre_id, STAFF)
        return centre_id
    finally:
        await db.dispose()


async def test_bots_starting_together_make_one_centre_and_its_staff_once(
    database: Database,
) -> None:
    for _ in range(3):  # a race: try it a few times
        centres = await asyncio.gather(*(_start(database.url) for _ in range(PROCESSES)))
        assert len(set(centres)) == 1
    async with database.uow() as uow:
        count = uow.session.scalar
        assert await count(select(func.count()).select_from(Centre)) == 1
        assert await count(select(func.count()).select_from(StaffMember)) == len(STAFF)
        accounts = await count(
            select(func.count()).select_from(ChatAccount).where(ChatAccount.channel == "telegram")
        )
        assert accounts == len(STAFF)
