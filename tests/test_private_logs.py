"""No personal data in logs (issue 13 item 4): a failed write never carries the values it
tried to write into its error message, and the bot's log after the journeys names nobody."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from db.database import Database
from db.models import Person

PHONE = "+84912000111"
NAME = "Nguyễn Thị Bí Mật"


async def test_a_failed_write_does_not_carry_its_values_into_the_error(
    database: Database, centre_id: int
) -> None:
    async with database.uow() as uow:
        uow.session.add(
            Person(
                centre_id=centre_id, full_name="Người có số", name_key="nguoi co so", phone=PHONE
            )
        )
        await uow.commit()
    with pytest.raises(IntegrityError) as failed:
        async with database.uow() as uow:  # the same phone twice: the unique index refuses
            uow.session.add(
                Person(
                    centre_id=centre_id, full_name=NAME, name_key="nguyen thi bi mat", phone=PHONE
                )
            )
            await uow.commit()
    message = str(failed.value)
    assert PHONE not in message and NAME not in message
