"""Delivering the outbox: claiming due rows, choosing the chat, recording what happened.

The rules (DESIGN §5, "nothing is lost"):

* A claim sets ``status=sending`` and a lease (``locked_until``); a sender that crashes leaves
  its lease to run out and the row is claimed again, so at most the message in flight is sent
  twice. On PostgreSQL claims use ``FOR UPDATE SKIP LOCKED`` so several workers share the
  outbox; on SQLite one process sends, and `release_claims` at start-up frees its old claims.
* The chat is chosen at send time, per person: their active chat account seen most recently
  (``ChatAccount.last_seen_at``); if it turns out unreachable, their other account is tried.
* 429 waits ``retry_after`` without using an attempt; network errors and 5xx are retried with
  exponential backoff up to ``max_attempts``; 403 or a vanished chat marks the account blocked,
  falls back to the person's other account, else fails the row and tells staff once.
* A notice past ``expires_at`` (a reminder whose session has begun) expires instead of going.
* In quiet hours a non-urgent notice is held: its due time moves to the end of quiet hours.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, update

from db.database import UnitOfWork
from db.models import (
    Attachment,
    AuditEntry,
    ChatAccount,
    ChatStatus,
    Class,
    Notification,
    NotificationStatus,
    Person,
    StaffMember,
)
from db.models import Session as SessionRow
from texts import notices as T
from usecases.messages import Document, choices_from_json, numbered_menu
from usecases.notices import (
    Kind,
    find_class,
    in_quiet_hours,
    quiet_release,
    reword_reminder,
)
from usecases.outbox import Notice, enqueue
from usecases.settings import Settings

__all__ = [
    "CLAIM_BATCH",
    "LEASE",
    "Delivered",
    "DeliveryView",
    "Due",
    "FailedLine",
    "KindCounts",
    "Outcome",
    "Rejected",
    "RetryAfter",
    "SendResult",
    "Target",
    "TryAgain",
    "Unreachable",
    "backoff",
    "claim_due",
    "delivery_view",
    "load_document",
    "next_wake",
    "record_outcomes",
    "release_claims",
    "resend_failed",
]

CLAIM_BATCH = 200
LEASE = timedelta(seconds=120)
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 600.0
VIEW_MAX_FAILED = 30

S = NotificationStatus


@dataclass(frozen=True)
class Target:
    account_id: int
    channel: str
    chat_id: str


@dataclass(frozen=True)
class Due:
    """A claimed notice with the person's reachable accounts, best first."""

    id: int
    person_id: int
    kind: str
    text: str
    choices: list[Any] | None
    attachment_id: int | None
    due_at: datetime
    attempts: int
    account_id: int | None  # a notice about one account goes there only (see `_targets`)
    targets: tuple[Target, ...]


# --- what a sender reports ------------------------------------------------------------------


@dataclass(frozen=True)
class Delivered:
    message_id: str
    # The channel showed the choices as numbered lines (no buttons): a number the person types
    # next must map back to this notice's choices, as after a reply.
    numbered_choices: bool = False


@dataclass(frozen=True)
class RetryAfter:
    """Flood control: wait, then send again; not an attempt."""

    seconds: float


@dataclass(frozen=True)
class TryAgain:
    """Network error, timeout or 5xx: retried with backoff."""

    reason: str


@dataclass(frozen=True)
class Unreachable:
    """The account cannot receive (blocked the bot, chat gone, never started)."""

    code: str  # a key of texts.notices.REASONS
    detail: str = ""


@dataclass(frozen=True)
class Rejected:
    """The platform refused this message for good (a bad request)."""

    reason: str


SendResult = Delivered | RetryAfter | TryAgain | Unreachable | Rejected


@dataclass(frozen=True)
class Outcome:
    due: Due
    target: Target | None
    result: SendResult


def backoff(attempt: int) -> timedelta:
    """1 s, 2 s, 4 s … capped at 10 minutes."""
    return timedelta(
        seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempt - 1, 0), BACKOFF_MAX_SECONDS)
    )


# --- claiming -------------------------------------------------------------------------------


# Plain columns, in `Due`'s order: loading ORM objects costs more than the rest of a claim.
CLAIM_COLUMNS = (
    Notification.id,
    Notification.person_id,
    Notification.kind,
    Notification.text,
    Notification.choices,
    Notification.attachment_id,
    Notification.due_at,
    Notification.attempts,
    Notification.account_id,
)


def _reclaimable(now: datetime) -> Any:
    return or_(
        and_(Notification.status == S.PENDING, Notification.due_at <= now),
        and_(Notification.status == S.SENDING, Notification.locked_until <= now),
    )


async def claim_due(
    uow: UnitOfWork,
    *,
    settings: Settings,
    now: datetime,
    limit: int = CLAIM_BATCH,
    lease: timedelta = LEASE,
) -> list[Due]:
    """Claim up to `limit` due notices in one transaction (oldest first)."""
    async with uow:
        session = uow.session
        # Past their use: a reminder whose session has begun.
        await session.execute(
            update(Notification)
            .where(
                _reclaimable(now),
                Notification.expires_at.is_not(None),
                Notification.expires_at <= now,
            )
            .values(status=S.EXPIRED, locked_until=None, last_error="expired")
        )
        if in_quiet_hours(now, settings.notices, settings.timezone):
            release = quiet_release(now, settings.notices, settings.timezone)
            await session.execute(
                update(Notification)
                .where(_reclaimable(now), Notification.urgent.is_(False))
                .values(status=S.PENDING, due_at=release, locked_until=None)
            )
        rows = list(
            await session.execute(
                select(*CLAIM_COLUMNS)
                .where(_reclaimable(now))
                .order_by(Notification.due_at, Notification.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not rows:
            await uow.commit()
            return []
        ids = [r.id for r in rows]
        await session.execute(
            update(Notification)
            .where(Notification.id.in_(ids))
            .values(status=S.SENDING, locked_until=now + lease)
        )
        targets = await _targets(uow, {r.person_id for r in rows})
        accounts = await _account_targets(uow, {r.account_id for r in rows} - {None})
        due = [
            Due(
                *r,
                targets=targets.get(r.person_id, ())
                if r.account_id is None
                else accounts.get(r.account_id, ()),
            )
            for r in rows
        ]
        if any(d.kind == Kind.REMINDER for d in due):
            due = await _reminders_as_of(uow, due, now=now, settings=settings)
        await uow.commit()
        return due


async def _reminders_as_of(
    uow: UnitOfWork, due: list[Due], *, now: datetime, settings: Settings
) -> list[Due]:
    """Reminders say how far off their session is as of now, not as of when they were due
    (a bot down over their due time sends them late); of one person's reminders for one
    session claimed together, only the latest goes, the others are superseded."""
    session = uow.session
    ids = [d.id for d in due if d.kind == Kind.REMINDER]
    found = {
        row_id: (session_id, starts_at, name)
        for row_id, session_id, starts_at, name in await session.execute(
            select(Notification.id, SessionRow.id, SessionRow.starts_at, Class.name)
            .join(SessionRow, SessionRow.id == Notification.session_id)
            .join(Class, Class.id == Notification.class_id)
            .where(Notification.id.in_(ids))
        )
    }
    latest: dict[tuple[int, int], Due] = {}
    for d in due:
        if d.id in found:
            key = (d.person_id, found[d.id][0])
            if key not in latest or (d.due_at, d.id) > (latest[key].due_at, latest[key].id):
                latest[key] = d
    kept: list[Due] = []
    reworded: list[dict[str, Any]] = []
    superseded: list[int] = []
    for d in due:
        if d.id not in found:
            kept.append(d)
            continue
        session_id, starts_at, name = found[d.id]
        if latest[(d.person_id, session_id)] is not d:
            superseded.append(d.id)
            continue
        text = reword_reminder(d.text, name, _aware(starts_at), now, settings.timezone)
        if text != d.text:
            reworded.append({"row_id": d.id, "text": text})
            d = replace(d, text=text)
        kept.append(d)
    if reworded:  # the outbox keeps what was actually sent
        await session.execute(TEXT_UPDATE, reworded)
    if superseded:
        await session.execute(
            update(Notification)
            .where(Notification.id.in_(superseded))
            .values(status=S.EXPIRED, locked_until=None, last_error="expired: superseded")
        )
    return kept


def _aware(value: datetime) -> datetime:
    """SQLite gives naive datetimes back; they are stored in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


async def _targets(uow: UnitOfWork, person_ids: set[int]) -> dict[int, tuple[Target, ...]]:
    """Each person's active accounts, the one seen most recently first.

    The chat is the account's private chat, whose id is the user's own id on both channels
    (Telegram; Zalo's `chat.id == from.id`): never a group someone once wrote in (DESIGN §5)."""
    found: dict[int, list[Target]] = defaultdict(list)
    ids = sorted(person_ids)
    for i in range(0, len(ids), 500):
        accounts = await uow.session.execute(
            select(
                ChatAccount.person_id, ChatAccount.id, ChatAccount.channel, ChatAccount.external_id
            )
            .where(
                ChatAccount.person_id.in_(ids[i : i + 500]),
                ChatAccount.status == ChatStatus.ACTIVE,
            )
            .order_by(
                ChatAccount.person_id,
                ChatAccount.last_seen_at.desc().nulls_last(),
                ChatAccount.id.desc(),
            )
        )
        for person_id, account_id, channel, chat_id in accounts:
            found[person_id].append(Target(account_id, channel, chat_id))
    return {p: tuple(t) for p, t in found.items()}


async def _account_targets(uow: UnitOfWork, account_ids: set[Any]) -> dict[int, tuple[Target, ...]]:
    """For notices about one account: that account's private chat if it is reachable, linked to
    the person or not (an account whose link was replaced is told so)."""
    if not account_ids:
        return {}
    accounts = await uow.session.execute(
        select(ChatAccount.id, ChatAccount.channel, ChatAccount.external_id).where(
            ChatAccount.id.in_(sorted(account_ids)), ChatAccount.status == ChatStatus.ACTIVE
        )
    )
    return {a: (Target(a, channel, chat),) for a, channel, chat in accounts}


async def load_document(uow: UnitOfWork, attachment_id: int) -> Document | None:
    async with uow:
        a = await uow.session.get(Attachment, attachment_id)
        return None if a is None else Document(a.filename, a.data, a.mime_type)


async def next_wake(uow: UnitOfWork) -> datetime | None:
    """When the outbox next needs a look: the earliest due notice or lease to run out."""
    async with uow:
        due = await uow.session.scalar(
            select(func.min(Notification.due_at)).where(Notification.status == S.PENDING)
        )
        lease = await uow.session.scalar(
            select(func.min(Notification.locked_until)).where(Notification.status == S.SENDING)
        )
    found = [t for t in (due, lease) if t is not None]
    return min(found) if found else None


async def release_claims(uow: UnitOfWork, ids: Sequence[int] | None = None) -> int:
    """Give claimed-but-unsent rows back (a clean stop; or, with no ids, every claim at the
    start-up of the only sender on SQLite, whose previous life was killed)."""
    async with uow:
        query = update(Notification).where(Notification.status == S.SENDING)
        if ids is not None:
            query = query.where(Notification.id.in_(list(ids)))
        result = await uow.session.execute(query.values(status=S.PENDING, locked_until=None))
        await uow.commit()
        return int(getattr(result, "rowcount", 0) or 0)


# --- recording ------------------------------------------------------------------------------


async def record_outcomes(
    uow: UnitOfWork, outcomes: Sequence[Outcome], *, settings: Settings, now: datetime
) -> None:
    """Write what happened to each send, in one transaction (batched for throughput)."""
    if not outcomes:
        return
    sent: list[dict[str, Any]] = []
    later: list[dict[str, Any]] = []
    unreachable: list[Outcome] = []
    files_failed: list[Outcome] = []  # kept to those with a file below
    menus: dict[int, list[list[str]]] = {}
    for o in outcomes:
        r = o.result
        if isinstance(r, Delivered):
            assert o.target is not None
            if r.numbered_choices and o.due.choices:
                menus[o.target.account_id] = numbered_menu(choices_from_json(o.due.choices))
            sent.append(
                {
                    "row_id": o.due.id,
                    "attempts": o.due.attempts + 1,
                    "channel": o.target.channel,
                    "chat_id": o.target.chat_id,
                    "sent_message_id": r.message_id,
                    "sent_at": now,
                    "updated_at": now,
                }
            )
        elif isinstance(r, RetryAfter):
            later.append(
                {
                    "id": o.due.id,
                    "status": S.PENDING,
                    "due_at": now + timedelta(seconds=r.seconds),
                    "locked_until": None,
                    "last_error": f"retry_after {r.seconds:g}s",
                }
            )
        elif isinstance(r, TryAgain):
            attempts = o.due.attempts + 1
            if attempts >= settings.notices.max_attempts:
                later.append(_failed(o.due.id, attempts, f"gave_up: {r.reason}"))
                files_failed.append(o)
            else:
                later.append(
                    {
                        "id": o.due.id,
                        "status": S.PENDING,
                        "attempts": attempts,
                        "due_at": now + backoff(attempts),
                        "locked_until": None,
                        "last_error": r.reason,
                    }
                )
        elif isinstance(r, Rejected):
            code = "file_rejected" if o.due.attachment_id is not None else "rejected"
            later.append(_failed(o.due.id, o.due.attempts + 1, f"{code}: {r.reason}"))
            files_failed.append(o)
        else:
            unreachable.append(o)
    async with uow:
        session = uow.session
        if sent:  # the common case, as one Core executemany
            await session.execute(SENT_UPDATE, sent)
        groups: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
        for row in later:  # executemany needs the same keys in every row
            groups[frozenset(row)].append(row)
        for batch in groups.values():
            await session.execute(update(Notification), batch)
        for o in unreachable:
            await _unreachable(uow, o, now=now)
        for o in files_failed:
            if o.due.attachment_id is not None:
                await _tell_staff_file_failed(uow, o, now=now)
        for account_id, choices in menus.items():
            account = await session.get(ChatAccount, account_id)
            if account is not None:
                account.pending = {"choices": choices}
        await uow.commit()


_table = Notification.__table__
SENT_UPDATE = (
    _table.update()
    .where(_table.c.id == bindparam("row_id"), _table.c.status == S.SENDING)
    .values(
        status=S.SENT,
        attempts=bindparam("attempts"),
        channel=bindparam("channel"),
        chat_id=bindparam("chat_id"),
        sent_message_id=bindparam("sent_message_id"),
        sent_at=bindparam("sent_at"),
        updated_at=bindparam("updated_at"),
        locked_until=None,
        last_error=None,
    )
)


TEXT_UPDATE = (
    _table.update().where(_table.c.id == bindparam("row_id")).values(text=bindparam("text"))
)


def _failed(row_id: int, attempts: int, reason: str) -> dict[str, Any]:
    return {
        "id": row_id,
        "status": S.FAILED,
        "attempts": attempts,
        "locked_until": None,
        "last_error": reason,
    }


async def _unreachable(uow: UnitOfWork, o: Outcome, *, now: datetime) -> None:
    r = o.result
    assert isinstance(r, Unreachable)
    session = uow.session
    reason = f"{r.code}: {r.detail}" if r.detail else r.code
    row = await session.get(Notification, o.due.id)
    if row is None or row.status != S.SENDING:
        return
    if o.target is None:  # no account at all on a channel we can send on
        row.status, row.locked_until, row.last_error = S.FAILED, None, "not_linked"
        return
    account = await session.get(ChatAccount, o.target.account_id)
    first_time = account is not None and account.status == ChatStatus.ACTIVE
    if account is not None:
        account.status, account.status_reason = ChatStatus.BLOCKED, reason
    await session.flush()
    other = None
    if o.due.account_id is None:  # a notice about one account has nowhere else to go
        other = await session.scalar(
            select(ChatAccount.id).where(
                ChatAccount.person_id == o.due.person_id,
                ChatAccount.status == ChatStatus.ACTIVE,
                ChatAccount.id != o.target.account_id,
            )
        )
    row.locked_until = None
    if other is not None:  # try their other account at once
        row.status, row.due_at, row.last_error = S.PENDING, now, reason
    else:
        row.status, row.last_error = S.FAILED, reason
        row.attempts = o.due.attempts + 1
    if first_time:
        await _tell_staff(uow, o.due.person_id, o.target, r, now=now)


async def _tell_staff(
    uow: UnitOfWork, person_id: int, target: Target, r: Unreachable, *, now: datetime
) -> None:
    """One alert per staff member each time an account becomes unreachable, whatever number of
    notices failed: the key carries the moment it became so, so blocked, unblocked (they wrote
    again) and blocked again is told again."""
    session = uow.session
    person = await session.get(Person, person_id)
    staff = list(
        await session.scalars(
            select(StaffMember.person_id).where(StaffMember.active.is_(True)).distinct()
        )
    )
    text = T.STAFF_UNREACHABLE.format(
        name=person.full_name if person else f"#{person_id}",
        channel=T.CHANNEL_NAMES.get(target.channel, target.channel),
        reason=T.REASONS.get(r.code, T.REASON_OTHER),
    )
    for staff_id in staff:
        if staff_id == person_id:
            continue
        await enqueue(
            session,
            Notice(
                key=f"staff.unreachable:{target.account_id}:{staff_id}:{now.isoformat()}",
                person_id=staff_id,
                kind=Kind.STAFF_ALERT,
                text=text,
                due_at=now,
            ),
        )


async def _tell_staff_file_failed(uow: UnitOfWork, o: Outcome, *, now: datetime) -> None:
    """A file that will not go (refused, or the network gave up): staff hear of it once per
    class and kind of notice (once per publication), however many rows failed."""
    session = uow.session
    found = (
        await session.execute(
            select(Notification.class_id, Class.code, Person.full_name)
            .join(Person, Person.id == Notification.person_id)
            .outerjoin(Class, Class.id == Notification.class_id)
            .where(Notification.id == o.due.id)
        )
    ).first()
    if found is None:
        return
    class_id, code, name = found
    r = o.result
    reason = T.REASONS["file_rejected"] if isinstance(r, Rejected) else T.REASONS["gave_up"]
    text = T.STAFF_FILE_FAILED.format(
        code=code or "—", kind=T.KIND_NAMES.get(o.due.kind, o.due.kind), name=name, reason=reason
    )
    staff = await session.scalars(
        select(StaffMember.person_id).where(StaffMember.active.is_(True)).distinct()
    )
    for staff_id in list(staff):
        await enqueue(
            session,
            Notice(
                key=f"staff.file_failed:{class_id or o.due.id}:{o.due.kind}:{staff_id}",
                person_id=staff_id,
                kind=Kind.STAFF_ALERT,
                text=text,
                due_at=now,
                class_id=class_id,
            ),
        )


# --- the staff view -------------------------------------------------------------------------


@dataclass
class KindCounts:
    kind: str
    sent: int = 0
    pending: int = 0  # includes the ones being sent right now
    failed: int = 0
    expired: int = 0
    cancelled: int = 0
    sent_by_channel: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class FailedLine:
    person_id: int
    name: str
    kind: str
    reason_code: str
    detail: str
    channel: str | None = None  # where the last attempt went, if any


@dataclass
class DeliveryView:
    class_id: int
    code: str
    name: str
    kinds: list[KindCounts] = field(default_factory=list)
    failed: list[FailedLine] = field(default_factory=list)
    failed_total: int = 0


def reason_code(last_error: str | None) -> str:
    """'blocked: Forbidden…' → 'blocked'; the codes are the keys of texts.notices.REASONS."""
    head = (last_error or "").split(":", 1)[0].strip()
    return head if head in T.REASONS else "other"


async def delivery_view(
    uow: UnitOfWork, *, class_code: str, centre_id: int | None = None
) -> DeliveryView:
    """Per notice kind: sent, pending, failed, expired; and who could not be reached, why."""
    async with uow:
        session = uow.session
        klass = await find_class(uow.session, class_code, centre_id)
        view = DeliveryView(klass.id, klass.code, klass.name)
        counts: dict[str, KindCounts] = {}
        for kind, status, channel, n in await session.execute(
            select(Notification.kind, Notification.status, Notification.channel, func.count())
            .where(Notification.class_id == klass.id)
            .group_by(Notification.kind, Notification.status, Notification.channel)
        ):
            c = counts.setdefault(kind, KindCounts(kind))
            if status == S.SENT:
                c.sent += n
                c.sent_by_channel[channel or "?"] = c.sent_by_channel.get(channel or "?", 0) + n
            elif status in (S.PENDING, S.SENDING):
                c.pending += n
            elif status == S.FAILED:
                c.failed += n
            elif status == S.EXPIRED:
                c.expired += n
            else:
                c.cancelled += n
        order = list(Kind)
        view.kinds = sorted(
            counts.values(), key=lambda c: (order.index(c.kind) if c.kind in order else 99, c.kind)
        )
        failed = (
            await session.execute(
                select(
                    Person.id,
                    Person.full_name,
                    Notification.kind,
                    Notification.last_error,
                    Notification.channel,
                )
                .join(Person, Person.id == Notification.person_id)
                .where(Notification.class_id == klass.id, Notification.status == S.FAILED)
                .order_by(Person.full_name, Notification.kind)
            )
        ).all()
        seen: set[tuple[int, str]] = set()
        for person_id, name, kind, error, channel in failed:
            if (person_id, kind) in seen:
                continue
            seen.add((person_id, kind))
            view.failed.append(
                FailedLine(person_id, name, kind, reason_code(error), error or "", channel)
            )
        # What staff can act on first: a refused file or a gave-up network before the many
        # people who simply have not linked an account yet.
        rank = {code: i for i, code in enumerate(REASON_ORDER)}
        view.failed.sort(
            key=lambda f: (rank.get(f.reason_code, len(rank)), _kind_rank(f.kind), f.name)
        )
        view.failed_total = len(view.failed)
        return view


# The order failures are shown in: the ones staff can do something about first.
REASON_ORDER = (
    "file_rejected", "rejected", "gave_up", "other", "blocked", "not_found", "not_started",
    "not_linked",
)  # fmt: skip
# Kinds that concern a class's outcome come before the day-to-day ones.
KIND_ORDER = ("unit_results", "unit_results_file", "result", "absence_alert", *list(Kind))


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def describe_view(v: DeliveryView) -> str:
    """The delivery view as staff read it, in chat and on the command line: totals by
    status, then failures with their reason (the ones to act on first; people not linked
    yet as one line), then each kind of notice by name."""
    lines = [T.VIEW_HEADER.format(code=v.code, name=v.name)]
    if not v.kinds:
        lines.append(T.VIEW_NONE)
        return "\n".join(lines)
    lines.append(
        T.VIEW_TOTALS.format(
            total=sum(c.sent + c.pending + c.failed + c.expired + c.cancelled for c in v.kinds),
            sent=sum(c.sent for c in v.kinds),
            pending=sum(c.pending for c in v.kinds),
            failed=sum(c.failed for c in v.kinds),
            expired=sum(c.expired for c in v.kinds),
            cancelled=sum(c.cancelled for c in v.kinds),
        )
    )
    shown = [f for f in v.failed if f.reason_code != "not_linked"]
    unlinked = [f for f in v.failed if f.reason_code == "not_linked"]
    if v.failed:
        lines.append(T.VIEW_FAILED_HEADER)
    for f in shown[:VIEW_MAX_FAILED]:
        lines.append(
            T.VIEW_FAILED_LINE.format(
                name=f.name,
                kind=_kind_name(f.kind),
                reason=T.REASONS.get(f.reason_code, T.REASON_OTHER),
            )
            + (
                T.VIEW_CHANNEL.format(channel=T.CHANNEL_NAMES.get(f.channel, f.channel))
                if f.channel
                else ""
            )
        )
    if len(shown) > VIEW_MAX_FAILED:
        lines.append(T.VIEW_FAILED_MORE.format(count=len(shown) - VIEW_MAX_FAILED))
    if unlinked:
        by_kind: dict[str, int] = {}
        for f in unlinked:
            by_kind[f.kind] = by_kind.get(f.kind, 0) + 1
        lines.append(
            T.VIEW_UNLINKED.format(
                people=len({f.person_id for f in unlinked}),
                reason=T.REASONS["not_linked"],
                kinds=", ".join(f"{_kind_name(k)} {n}" for k, n in by_kind.items()),
                code=v.code,
            )
        )
    lines.append(T.VIEW_KINDS_HEADER)
    for c in v.kinds:
        lines.append(
            T.VIEW_KIND.format(
                kind=_kind_name(c.kind),
                sent=c.sent,
                pending=c.pending,
                failed=c.failed,
                expired=c.expired,
            )
            + _by_channel(c.sent_by_channel)
        )
    return "\n".join(lines)


def _kind_name(kind: str) -> str:
    return T.KIND_NAMES.get(kind, T.KIND_OTHER)


def _by_channel(sent: dict[str, int]) -> str:
    if not sent:
        return ""
    parts = ", ".join(f"{T.CHANNEL_NAMES.get(ch, ch)} {n}" for ch, n in sorted(sent.items()))
    return T.VIEW_CHANNELS.format(parts=parts)


async def resend_failed(
    uow: UnitOfWork,
    *,
    class_code: str,
    now: datetime,
    kind: str | None = None,
    actor_label: str = "cli",
    centre_id: int | None = None,
) -> int:
    """Failed notices of a class get a new chance (same row, attempts start over). A person
    whose accounts were all blocked is tried again on them too: staff ask because they know
    the person is back."""
    async with uow:
        session = uow.session
        klass = await find_class(uow.session, class_code, centre_id)
        where = [Notification.class_id == klass.id, Notification.status == S.FAILED]
        if kind:
            where.append(Notification.kind == kind)
        people = list(await session.scalars(select(Notification.person_id).where(*where)))
        await session.execute(
            update(ChatAccount)
            .where(
                ChatAccount.person_id.in_(people),
                ChatAccount.status == ChatStatus.BLOCKED,
            )
            .values(status=ChatStatus.ACTIVE, status_reason=None)
        )
        result = await session.execute(
            update(Notification)
            .where(*where)
            .values(status=S.PENDING, due_at=now, attempts=0, locked_until=None)
        )
        session.add(
            AuditEntry(
                actor_label=actor_label,
                action="notice.resend_failed",
                entity="class",
                entity_id=klass.id,
                details={"count": int(getattr(result, "rowcount", 0) or 0)},
            )
        )
        await uow.commit()
        return int(getattr(result, "rowcount", 0) or 0)
