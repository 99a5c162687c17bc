"""Who is speaking, and in which roles: learner, monitor, unit leader, staff.

Every update is first resolved to an `Actor`; handlers check the role a route needs and use
cases check again against the rows they touch (authorization never relies on hidden buttons).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CompoundSelect, literal, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import (
    Centre,
    ChatAccount,
    ChatStatus,
    Enrollment,
    Lecturer,
    Person,
    StaffMember,
    UnitLeader,
)
from usecases.settings import CentreSettings, Settings
from vn.text import name_key

__all__ = [
    "Actor",
    "Role",
    "active_staff_ids",
    "centre_name",
    "configured_centre",
    "ensure_centre",
    "identify",
    "load_actor",
    "remember_pending",
    "sync_staff",
]


class Role(StrEnum):
    LEARNER = "learner"
    MONITOR = "monitor"
    LEADER = "leader"
    STAFF = "staff"
    LECTURER = "lecturer"


@dataclass(frozen=True)
class Actor:
    """Who acts, passed the same way to every use case. From chat, `identify` builds it; the
    staff CLI acts as `Actor.cli(centre)` and the scheduler as `Actor.system()`, which speak
    through no chat account (`account_id` 0)."""

    account_id: int
    channel: str
    chat_id: str
    centre_id: int | None = None  # the centre whose bot they speak to (None: the scheduler)
    person_id: int | None = None
    name: str | None = None
    staff_centre_ids: frozenset[int] = frozenset()
    learner_class_ids: frozenset[int] = frozenset()
    monitor_class_ids: frozenset[int] = frozenset()
    leader_unit_ids: frozenset[int] = frozenset()
    lecturer_ids: frozenset[int] = frozenset()  # their rows in `lecturers` (one per centre)
    province: bool = False  # staff of the provincial school: sees across centres (issue 21)
    pending: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def cli(cls, centre_id: int, *, province: bool = False) -> Actor:
        """Whoever runs the CLI on the server is the centre's staff."""
        return cls(
            account_id=0,
            channel="cli",
            chat_id="",
            centre_id=centre_id,
            staff_centre_ids=frozenset({centre_id}),
            province=province,
        )

    @classmethod
    def system(cls) -> Actor:
        """The scheduler: it acts on the plan staff made, with no one's rights of its own."""
        return cls(account_id=0, channel="system", chat_id="")

    @property
    def label(self) -> str:
        """How the audit log names this actor: ``cli``, ``system`` or ``telegram:<account>``."""
        if self.account_id == 0:
            return self.channel
        return f"{self.channel}:{self.account_id}"

    @property
    def home_centre(self) -> int:
        """The centre whose bot (or command line) they act through."""
        if self.centre_id is None:
            raise ValueError("the scheduler acts for no one centre")
        return self.centre_id

    def sees_centre(self, centre_id: int) -> bool:
        """Whether anything of that centre exists for them: their own centre's (the scheduler
        and the provincial school see every centre)."""
        return self.centre_id is None or self.province or self.centre_id == centre_id

    def is_staff_of(self, centre_id: int) -> bool:
        return centre_id in self.staff_centre_ids

    @property
    def is_linked(self) -> bool:
        return self.person_id is not None

    @property
    def is_staff(self) -> bool:
        return bool(self.staff_centre_ids)

    @property
    def is_lecturer(self) -> bool:
        return bool(self.lecturer_ids)

    @property
    def roles(self) -> frozenset[Role]:
        roles: set[Role] = set()
        if self.learner_class_ids:
            roles.add(Role.LEARNER)
        if self.monitor_class_ids:
            roles.add(Role.MONITOR)
        if self.leader_unit_ids:
            roles.add(Role.LEADER)
        if self.staff_centre_ids:
            roles.add(Role.STAFF)
        if self.lecturer_ids:
            roles.add(Role.LECTURER)
        return frozenset(roles)


async def identify(
    uow: UnitOfWork,
    *,
    centre_id: int,
    channel: str,
    user_id: str,
    chat_id: str,
    display_name: str,
    now: datetime,
) -> Actor:
    """Find (or open) the sender's chat account and load their roles.

    For private chats only (the dispatcher answers a group without it): `chat_id` becomes the
    account's address, and a group must never be anyone's address (DESIGN §5). `centre_id` is
    the centre whose bot received the update: the same user writing to another centre's bot is
    another account, of a person of that centre (issue 21).

    This runs for every update, so it is two reads (the account, then every role in one
    query) and one small write.
    """
    async with uow:
        session = uow.session
        account = await session.scalar(
            select(ChatAccount).where(
                ChatAccount.centre_id == centre_id,
                ChatAccount.channel == channel,
                ChatAccount.external_id == user_id,
            )
        )
        if account is None:
            account = ChatAccount(
                centre_id=centre_id, channel=channel, external_id=user_id, chat_id=chat_id
            )
            session.add(account)
        if account.chat_id != chat_id:
            account.chat_id = chat_id
        if display_name and account.display_name != display_name:
            account.display_name = display_name
        # Kept exact: notices go to the account a person used last, and someone may switch
        # from Zalo to Telegram and back within seconds.
        account.last_seen_at = now
        if account.status == ChatStatus.BLOCKED:
            # They are writing to us, so they unblocked the bot: reachable again.
            account.status, account.status_reason = ChatStatus.ACTIVE, None
        await session.flush()
        await uow.commit()
        return await load_actor(uow, account)


def _roles_of(pid: int) -> CompoundSelect[Any]:
    """One query for a person's name and every role: (kind, id, is_monitor, name) rows."""
    return union_all(
        select(literal("name"), literal(0), literal(False), Person.full_name).where(
            Person.id == pid
        ),
        select(literal("class"), Enrollment.class_id, Enrollment.is_monitor, literal(None)).where(
            Enrollment.person_id == pid
        ),
        select(literal("unit"), UnitLeader.unit_id, literal(False), literal(None)).where(
            UnitLeader.person_id == pid
        ),
        select(literal("centre"), StaffMember.centre_id, Centre.is_province, literal(None))
        .join(Centre, Centre.id == StaffMember.centre_id)
        .where(StaffMember.person_id == pid, StaffMember.active.is_(True)),
        select(literal("lecturer"), Lecturer.id, literal(False), literal(None)).where(
            Lecturer.person_id == pid, Lecturer.active.is_(True)
        ),
    )


async def load_actor(uow: UnitOfWork, account: ChatAccount) -> Actor:
    """The account's person and every role they hold, in one query."""
    base = Actor(
        account_id=account.id,
        channel=account.channel,
        chat_id=account.chat_id,
        centre_id=account.centre_id,
        pending=dict(account.pending or {}),
    )
    if account.person_id is None:
        return base
    pid = account.person_id
    rows = (await uow.session.execute(_roles_of(pid))).all()
    name: str | None = None
    classes: set[int] = set()
    monitor: set[int] = set()
    units: set[int] = set()
    centres: set[int] = set()
    lecturers: set[int] = set()
    province = False
    for kind, ref, flag, text in rows:
        if kind == "name":
            name = text
        elif kind == "class":
            classes.add(ref)
            if flag:
                monitor.add(ref)
        elif kind == "unit":
            units.add(ref)
        elif kind == "lecturer":
            lecturers.add(ref)
        else:
            centres.add(ref)
            province = province or bool(flag)
    return replace(
        base,
        person_id=pid,
        name=name,
        staff_centre_ids=frozenset(centres),
        learner_class_ids=frozenset(classes),
        monitor_class_ids=frozenset(monitor),
        leader_unit_ids=frozenset(units),
        lecturer_ids=frozenset(lecturers),
        province=province,
    )


async def remember_pending(uow: UnitOfWork, account_id: int, pending: dict[str, Any]) -> None:
    """Keep what the bot now waits for from this account (replaces what it waited for)."""
    async with uow:
        account = await uow.session.get(ChatAccount, account_id)
        if account is not None:
            account.pending = pending or None
            await uow.commit()


# Several bot processes sharing PostgreSQL start together and insert the same rows at start-up:
# the one that loses the race (a unique index refuses its insert) reads again and finds them.
START_ATTEMPTS = 3


async def ensure_centre(
    uow: UnitOfWork, name: str, *, key: str | None = None, province: bool = False
) -> int:
    """The centre's id, made if new. With `key` (the configured short name) it is found by
    key, so renaming a centre in the configuration keeps its data; without, by name."""
    for attempt in range(1, START_ATTEMPTS + 1):
        try:
            return await _ensure_centre(uow, name, key, province)
        except IntegrityError:
            if attempt == START_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


async def configured_centre(uow: UnitOfWork, settings: Settings, centre: CentreSettings) -> int:
    """A configured centre's id: found by its key when several are configured, by name when
    there is one (as before there were several)."""
    key = centre.key if settings.centres else None
    return await ensure_centre(uow, centre.name, key=key, province=centre.province)


async def _ensure_centre(uow: UnitOfWork, name: str, key: str | None, province: bool) -> int:
    async with uow:
        session = uow.session
        centre = None
        if key is not None:
            centre = await session.scalar(select(Centre).where(Centre.key == key))
        if centre is None:  # made before it had a key, or by a staff command (by name)
            centre = await session.scalar(select(Centre).where(Centre.name == name))
            if centre is not None and key is not None and centre.key not in (None, key):
                centre = None  # that name belongs to another configured centre
        if centre is None:
            centre = Centre(name=name, key=key, is_province=province)
            session.add(centre)
        elif key is not None:
            centre.key, centre.name, centre.is_province = key, name, province
        await session.flush()
        await uow.commit()
        return centre.id


async def sync_staff(uow: UnitOfWork, centre_id: int, telegram_ids: tuple[int, ...]) -> None:
    """Make the configured Telegram users the centre's staff, and only them."""
    for attempt in range(1, START_ATTEMPTS + 1):
        try:
            return await _sync_staff(uow, centre_id, telegram_ids)
        except IntegrityError:
            if attempt == START_ATTEMPTS:
                raise


async def _sync_staff(uow: UnitOfWork, centre_id: int, telegram_ids: tuple[int, ...]) -> None:
    async with uow:
        session = uow.session
        wanted = {str(i) for i in telegram_ids}
        members = (
            await session.execute(
                select(StaffMember, ChatAccount)
                .join(ChatAccount, ChatAccount.person_id == StaffMember.person_id)
                .where(
                    StaffMember.centre_id == centre_id,
                    ChatAccount.centre_id == centre_id,
                    ChatAccount.channel == "telegram",
                )
            )
        ).all()
        seen: set[str] = set()
        for member, account in members:
            member.active = account.external_id in wanted
            seen.add(account.external_id)
        for external_id in sorted(wanted - seen):
            found = await session.scalar(
                select(ChatAccount).where(
                    ChatAccount.centre_id == centre_id,
                    ChatAccount.channel == "telegram",
                    ChatAccount.external_id == external_id,
                )
            )
            if found is None:
                found = ChatAccount(
                    centre_id=centre_id,
                    channel="telegram",
                    external_id=external_id,
                    chat_id=external_id,
                )
                session.add(found)
            if found.person_id is None:
                label = f"Cán bộ {external_id}"
                person = Person(centre_id=centre_id, full_name=label, name_key=name_key(label))
                session.add(person)
                await session.flush()
                found.person_id = person.id
            session.add(StaffMember(centre_id=centre_id, person_id=found.person_id))
        await uow.commit()


async def active_staff_ids(session: AsyncSession, centre_id: int) -> list[int]:
    """The people who are active staff of the centre: who hears that something of theirs needs
    a person (never another centre's staff). In the caller's transaction."""
    query = select(StaffMember.person_id).where(
        StaffMember.active.is_(True), StaffMember.centre_id == centre_id
    )
    return list(await session.scalars(query.distinct()))


async def centre_name(session: AsyncSession, centre_id: int) -> str:
    """How messages sign for a centre: its name, as configured."""
    return await session.scalar(select(Centre.name).where(Centre.id == centre_id)) or ""
