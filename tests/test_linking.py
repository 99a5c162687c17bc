"""Journey 2: a chat account is linked to a person only by a one-time code or their own phone."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.database import Database
from db.models import ChatAccount, Invite
from tests.conftest import CENTRE, SampleClass
from texts.refusals import say
from usecases import classes, identity, linking
from usecases.clock import FixedClock
from usecases.identity import Actor, Role
from usecases.linking import LinkReason, LinkStatus
from usecases.refusal import Refused

LAN_PHONE = "0731706690"  # Lê Thị Ngọc Lan, row 1 of the sample roster (stored as 731706690)


async def _speaker(db: Database, clock: FixedClock, user_id: str) -> Actor:
    return await identity.identify(
        db.uow(),
        centre_id=await identity.ensure_centre(db.uow(), CENTRE),
        channel="telegram",
        user_id=user_id,
        chat_id=user_id,
        display_name="x",
        now=clock.now(),
    )


async def _linked_person(db: Database, account_id: int) -> int | None:
    async with db.uow() as uow:
        account = await uow.session.get(ChatAccount, account_id)
        assert account is not None
        return account.person_id


async def test_own_contact_on_the_roster_links_the_learner(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    actor = await _speaker(database, clock, "501")
    outcome = await linking.link_by_contact(
        database.uow(),
        actor=actor,
        phone="+84 73 170 6690",
        is_own=True,
        now=clock.now(),
    )
    assert outcome.status == LinkStatus.LINKED
    assert outcome.name == "Lê Thị Ngọc Lan"
    assert outcome.class_names == ("Sơ cấp lý luận chính trị khóa IV năm 2024",)
    assert outcome.actor is not None and outcome.actor.roles == {Role.LEARNER}
    again = await _speaker(database, clock, "501")
    assert again.learner_class_ids == {sample_class.id}


async def test_someone_elses_contact_card_is_refused_and_changes_nothing(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    actor = await _speaker(database, clock, "502")
    with pytest.raises(Refused) as refused:
        await linking.link_by_contact(
            database.uow(),
            actor=actor,
            phone=LAN_PHONE,
            is_own=False,
            now=clock.now(),
        )
    assert refused.value.reason == LinkReason.NOT_OWN_CONTACT
    assert await _linked_person(database, actor.account_id) is None


async def test_an_unknown_or_unreadable_number_changes_nothing(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    actor = await _speaker(database, clock, "503")
    with pytest.raises(Refused) as unknown:
        await linking.link_by_contact(
            database.uow(),
            actor=actor,
            phone="0912000111",
            is_own=True,
            now=clock.now(),
        )
    assert unknown.value.reason == LinkReason.UNKNOWN_PHONE
    assert "0912000111" not in say(unknown.value)  # the number is masked in the reply
    with pytest.raises(Refused) as bad:
        await linking.link_by_contact(
            database.uow(), actor=actor, phone="12", is_own=True, now=clock.now()
        )
    assert bad.value.reason == LinkReason.BAD_PHONE
    assert await _linked_person(database, actor.account_id) is None


async def test_an_invite_code_links_once_and_only_once(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    person, code, _ = (
        await linking.create_invites(database.uow(), class_id=sample_class.id, now=clock.now())
    )[5]
    first = await _speaker(database, clock, "601")
    outcome = await linking.link_by_code(
        database.uow(), actor=first, code=code.lower(), now=clock.now()
    )
    assert (outcome.status, outcome.name) == (LinkStatus.LINKED, person.full_name)

    repeat = await linking.link_by_code(database.uow(), actor=first, code=code, now=clock.now())
    assert repeat.status == LinkStatus.ALREADY

    second = await _speaker(database, clock, "602")
    with pytest.raises(Refused) as used:
        await linking.link_by_code(database.uow(), actor=second, code=code, now=clock.now())
    assert used.value.reason == LinkReason.USED_CODE
    assert await _linked_person(database, second.account_id) is None


async def test_an_unknown_code_changes_nothing(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    actor = await _speaker(database, clock, "603")
    with pytest.raises(Refused) as refused:
        await linking.link_by_code(database.uow(), actor=actor, code="ZZZZZZZZZZ", now=clock.now())
    assert refused.value.reason == LinkReason.UNKNOWN_CODE
    assert "«ZZZZZZZZZZ» không đúng" in say(refused.value)
    assert await _linked_person(database, actor.account_id) is None


async def test_a_linked_account_cannot_take_someone_elses_code(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    actor = await _speaker(database, clock, "604")
    await linking.link_by_contact(
        database.uow(),
        actor=actor,
        phone=LAN_PHONE,
        is_own=True,
        now=clock.now(),
    )
    invites = await linking.create_invites(
        database.uow(), class_id=sample_class.id, now=clock.now()
    )
    other_code = next(code for p, code, _ in invites if p.full_name == "Bùi Đức Hải")
    with pytest.raises(Refused) as refused:
        await linking.link_by_code(database.uow(), actor=actor, code=other_code, now=clock.now())
    assert refused.value.reason == LinkReason.OTHER_PERSON
    assert refused.value.details == {"name": "Lê Thị Ngọc Lan"}
    async with database.uow() as uow:
        invite = await uow.session.scalar(select(Invite).where(Invite.code == other_code))
        assert invite is not None and invite.used_at is None


async def test_a_unit_leader_links_by_code_and_gets_the_leader_role(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    await classes.add_unit_leader(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        centre_id=sample_class.centre_id,
        unit_name="Đoàn xã Phiêng Ban",
        full_name="Hà Văn Thắng",
        phone="0912 345 678",
    )
    invites = await linking.create_invites(
        database.uow(), class_id=sample_class.id, now=clock.now()
    )
    code = next(code for _, code, role in invites if role == "leader")
    actor = await _speaker(database, clock, "605")
    outcome = await linking.link_by_code(database.uow(), actor=actor, code=code, now=clock.now())
    assert outcome.unit_names == ("Đoàn xã Phiêng Ban",)
    assert outcome.actor is not None and outcome.actor.roles == {Role.LEADER}


async def test_configured_staff_are_staff_and_only_while_configured(
    database: Database, centre_id: int, clock: FixedClock
) -> None:
    await identity.sync_staff(database.uow(), centre_id, (42, 43))
    assert (await _speaker(database, clock, "42")).roles == {Role.STAFF}
    await identity.sync_staff(database.uow(), centre_id, (43,))
    assert (await _speaker(database, clock, "42")).roles == frozenset()
    assert (await _speaker(database, clock, "43")).roles == {Role.STAFF}
