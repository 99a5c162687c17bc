"""Trust (issue 13): one person one account per channel and they are told, invite-code
guessing throttled, staff told each time someone becomes unreachable. Real database, the real
outbox dispatcher and PTB `Bot` against the local Telegram, a clock that moves when told."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.dispatch import Dispatcher
from channels.incoming import Incoming
from db.database import Database
from db.models import AuditEntry, ChatAccount
from handlers.base import Services
from handlers.routes import ROUTES
from localapi.telegram import LocalTelegram
from localapi.zalo import LocalZalo
from tests.conftest import CENTRE, BotProcess, SampleClass
from tests.test_delivery import add_notice, add_person, dispatcher
from tests.test_linking import LAN_PHONE
from tests.test_private_chats import LAN, outbox
from texts.refusals import say
from usecases import identity, linking
from usecases.clock import FixedClock
from usecases.identity import Actor
from usecases.linking import LinkReason, LinkStatus
from usecases.refusal import Refused
from usecases.settings import Settings

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
                centre_id=await identity.ensure_centre(database.uow(), CENTRE),
                channel="telegram",
                user_id=str(user_id),
                chat_id=str(user_id),
                display_name="Minh",
                now=clock.now(),
            )
            clock.advance(hours=1)
    about_minh = "Không gửi được tin cho Lò Văn Minh"
    alerts = [m for m in local_telegram.sent(STAFF_TG) if about_minh in (m.text or "")]
    assert len(alerts) == 2


# --- one person, one account per channel, and they are told ---------------------------------


async def _speaker(db: Database, clock: FixedClock, channel: str, user_id: str) -> Actor:
    return await identity.identify(
        db.uow(), centre_id=await identity.ensure_centre(db.uow(), CENTRE), channel=channel,
        user_id=user_id, chat_id=user_id, display_name="x", now=clock.now(),
    )  # fmt: skip


async def _person_of(db: Database, account_id: int) -> int | None:
    async with db.uow() as uow:
        account = await uow.session.get(ChatAccount, account_id)
        assert account is not None
        return account.person_id


async def test_a_person_has_one_account_per_channel_and_is_told_of_every_link(
    database: Database,
    sample_class: SampleClass,
    clock: FixedClock,
    local_telegram: LocalTelegram,
    local_zalo: LocalZalo,
) -> None:
    printed = await linking.create_invites(
        database.uow(), class_id=sample_class.id, now=clock.now()
    )
    lan_code = next(code for p, code, _ in printed if p.full_name == LAN)
    lan_tg, other_tg, new_tg, lan_zalo = "5300001", "5300002", "5300003", "z5300004"
    for uid in (lan_tg, other_tg, new_tg):
        local_telegram.user(int(uid), "x")
    local_zalo.user(lan_zalo, "x")

    # She links by sharing her phone; her printed code no longer links another Telegram account.
    lan = await _speaker(database, clock, "telegram", lan_tg)
    shared = await linking.link_by_contact(
        database.uow(), actor=lan, phone=LAN_PHONE, is_own=True, now=clock.now()
    )
    assert shared.status == LinkStatus.LINKED
    other = await _speaker(database, clock, "telegram", other_tg)
    with pytest.raises(Refused) as by_code:
        await linking.link_by_code(database.uow(), actor=other, code=lan_code, now=clock.now())
    with pytest.raises(Refused) as by_phone:
        await linking.link_by_contact(
            database.uow(), actor=other, phone=LAN_PHONE, is_own=True, now=clock.now()
        )
    taken = LinkReason.TAKEN_ON_CHANNEL
    assert by_code.value.reason == by_phone.value.reason == taken
    assert "tài khoản Telegram khác" in say(by_code.value)
    assert await _person_of(database, other.account_id) is None

    # On Zalo (one account there) the code links, and her Telegram account is told.
    clock.advance(minutes=1)
    zalo = await _speaker(database, clock, "zalo", lan_zalo)
    on_zalo = await linking.link_by_code(database.uow(), actor=zalo, code=lan_code, now=clock.now())
    assert on_zalo.status == LinkStatus.LINKED

    # Staff issue a fresh code: it replaces her Telegram account, which is unlinked and told.
    clock.advance(minutes=1)
    _, fresh, _ = await linking.reissue_invite(
        database.uow(),
        actor=Actor.cli(sample_class.centre_id),
        class_id=sample_class.id,
        who=LAN,
        now=clock.now(),
    )
    new = await _speaker(database, clock, "telegram", new_tg)
    replaced = await linking.link_by_code(database.uow(), actor=new, code=fresh, now=clock.now())
    assert replaced.status == LinkStatus.LINKED and replaced.name == LAN
    assert await _person_of(database, lan.account_id) is None
    new_person = await _person_of(database, new.account_id)
    assert new_person == await _person_of(database, zalo.account_id) is not None

    async with outbox(database, clock, local_telegram, local_zalo) as d:
        await d.run_until_idle()
    old_phone = [m.text or "" for m in local_telegram.sent(int(lan_tg))]
    told = "Nếu không phải bạn, hãy báo trung tâm"
    assert any("bị từ chối" in t and told in t for t in old_phone)
    assert any("tài khoản Zalo vừa được liên kết" in t for t in old_phone)
    assert any("không còn được liên kết" in t for t in old_phone)
    on_zalo_told = [m.text or "" for m in local_zalo.sent(lan_zalo)]
    assert any("tài khoản Telegram vừa được liên kết" in t for t in on_zalo_told)
    assert local_telegram.sent(int(other_tg)) == []  # the refused account learns nothing of her
    assert not any(LAN in t or "0731" in t for t in old_phone + on_zalo_told)


# --- guessing invite codes ------------------------------------------------------------------


async def test_wrong_invite_codes_are_throttled_per_account_and_counted_in_the_audit_log(
    database: Database, sample_class: SampleClass, clock: FixedClock
) -> None:
    printed = await linking.create_invites(
        database.uow(), class_id=sample_class.id, now=clock.now()
    )
    right = next(code for p, code, _ in printed if p.full_name == LAN)
    services = Services(database, clock, Settings(), sample_class.centre_id)
    chat = Dispatcher(services, ROUTES)

    def typed(user: str, text: str) -> Incoming:
        return Incoming("zalo", user, user, display_name="x", text=text)

    for i in range(linking.WRONG_CODES_ALLOWED):
        clock.advance(seconds=30)
        [reply] = await chat.handle(typed("z5400001", f"ZZZZZZZZ{i}A"), has_buttons=False)
        assert "không đúng" in reply.text
    clock.advance(seconds=30)
    [wait] = await chat.handle(typed("z5400001", right), has_buttons=False)
    assert "vui lòng đợi 8 phút" in wait.text  # the first wrong code leaves the window then
    [other] = await chat.handle(typed("z5400002", "ZZZZZZZZZZ"), has_buttons=False)
    assert "không đúng" in other.text  # another account is not held back

    async with database.uow() as uow:
        account = await uow.session.scalar(
            select(ChatAccount.id).where(ChatAccount.external_id == "z5400001")
        )
        counted = (
            await uow.session.execute(
                select(AuditEntry.action, func.count())
                .where(AuditEntry.entity == "chat_account", AuditEntry.entity_id == account)
                .group_by(AuditEntry.action)
            )
        ).all()
    assert dict(counted) == {"invite.wrong_code": 5, "invite.throttled": 1}
    assert account is not None and await _person_of(database, account) is None

    clock.advance(minutes=8)
    [linked] = await chat.handle(typed("z5400001", right), has_buttons=False)
    assert "đã được liên kết" in linked.text


async def test_staff_reissue_a_code_and_the_old_account_is_unlinked_and_told_end_to_end(
    bot: BotProcess, local_telegram: LocalTelegram
) -> None:
    bot.set_up_class("SC-K4")
    printed = bot.invite_code(LAN)
    lan = local_telegram.user(5500001, "Lan")
    lan.share_contact(LAN_PHONE)
    await lan.wait_for("đã được liên kết", timeout=10)

    new_phone = local_telegram.user(5500002, "Lan (máy mới)")
    new_phone.send_start(printed)
    await new_phone.wait_for("đã được liên kết với một tài khoản Telegram khác", timeout=10)
    await lan.wait_for("bị từ chối", timeout=30)

    reissued = bot.cli("lop", "loi-moi", "SC-K4", "--cap-lai", LAN)
    assert reissued.returncode == 0, reissued.stderr
    line = next(row for row in reissued.stdout.splitlines() if LAN in row)
    fresh = next(cell.strip() for cell in line.split("│") if len(cell.strip()) == 10)
    assert fresh != printed
    new_phone.send_start(fresh)
    await new_phone.wait_for(f"Xin chào {LAN}", timeout=10)
    await lan.wait_for("không còn được liên kết", timeout=30)
    lan.send_command("ketqua")
    await lan.wait_for("Bạn chưa được liên kết", timeout=10)
