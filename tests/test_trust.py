"""Trust (issue 13): one person one account per channel and they are told, invite-code
guessing throttled, staff told each time someone becomes unreachable. Real database, the real
outbox dispatcher and PTB `Bot` against the local Telegram, a clock that moves when told."""

from __future__ import annotations

from db.database import Database
from localapi.telegram import LocalTelegram
from tests.test_delivery import add_notice, add_person, dispatcher
from usecases import identity
from usecases.clock import FixedClock

STAFF_TG = 4_900_001


async def test_staff_are_told_each_time_a_person_becomes_unreachable(
    database: Database, clock: FixedClock, local_telegram: LocalTelegram, centre_id: int
) -> None:
    local_telegram.user(STAFF_TG, "Cán bộ")
    await identity.sync_staff(database.uow(), centre_id, (STAFF_TG,))
    person_id, user_id = await add_person(database, local_telegram, "Lò Văn Minh", seen=clock.now())
    async with dispatcher(database, clock, local_telegram) as d:
        for n in range(2):  # blocked, unblocked (she writes again), blocked again
            local_telegram.block(user_id)
            await add_notice(database, person_id, f"Tin số {n}.", clock.now())
            await d.run_until_idle()
            local_telegram.unblock(user_id)
            clock.advance(hours=1)
            await identity.identify(
                database.uow(),
                channel="telegram",
                user_id=str(user_id),
                chat_id=str(user_id),
                display_name="Minh",
                now=clock.now(),
            )
            clock.advance(hours=1)
    alerts = [
        m for m in local_telegram.sent(STAFF_TG) if "Không gửi được tin cho Lò Văn Minh" in m.text
    ]
    assert len(alerts) == 2
