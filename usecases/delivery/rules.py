"""Delivery decisions over plain values: what a sender's answer does to a row (sent, later,
failed, unreachable), the backoff, which of a person's reminders claimed together is sent,
and how the staff view groups and orders what failed. No database, no clock (`now` is passed
in): tested in milliseconds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from db.models import NotificationStatus
from texts import notices as T
from usecases.messages import choices_from_json, numbered_menu
from usecases.notices.rules import Kind

__all__ = [
    "BACKOFF_BASE_SECONDS",
    "BACKOFF_MAX_SECONDS",
    "CLAIM_BATCH",
    "KIND_ORDER",
    "LEASE",
    "REASON_ORDER",
    "Delivered",
    "Due",
    "FailedLine",
    "KindCounts",
    "Outcome",
    "RecordPlan",
    "Rejected",
    "RetryAfter",
    "SendResult",
    "Target",
    "TryAgain",
    "Unreachable",
    "backoff",
    "count_kinds",
    "failed_lines",
    "kind_rank",
    "plan_record",
    "reason_code",
    "superseded",
    "unreachable_reason",
]

CLAIM_BATCH = 200
LEASE = timedelta(seconds=120)
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 600.0

S = NotificationStatus


@dataclass(frozen=True)
class Target:
    account_id: int
    channel: str
    chat_id: str
    centre_id: int = 0  # whose bot knows this chat: only that bot can write to it (issue 21)


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
    account_id: int | None  # a notice about one account goes there only
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


# --- recording what happened ----------------------------------------------------------------


@dataclass
class RecordPlan:
    """What to write for a batch of outcomes: the sent rows (one executemany), the rows to
    try later or failed (column values by row), the unreachable ones (need their account),
    the failures of a file staff must hear of, and the numbered menus to remember."""

    sent: list[dict[str, Any]] = field(default_factory=list)
    later: list[dict[str, Any]] = field(default_factory=list)
    unreachable: list[Outcome] = field(default_factory=list)
    files_failed: list[Outcome] = field(default_factory=list)
    menus: dict[int, list[list[str]]] = field(default_factory=dict)


def plan_record(outcomes: Iterable[Outcome], *, max_attempts: int, now: datetime) -> RecordPlan:
    """Sort each send's outcome into what it writes: sent; a 429 waits without using an
    attempt; a network error backs off until `max_attempts`, then fails; a refusal fails."""
    plan = RecordPlan()
    for o in outcomes:
        r = o.result
        if isinstance(r, Delivered):
            _delivered(plan, o, r, now)
        elif isinstance(r, RetryAfter):
            plan.later.append(
                {"id": o.due.id, "status": S.PENDING, "due_at": now + timedelta(seconds=r.seconds),
                 "locked_until": None, "last_error": f"retry_after {r.seconds:g}s"}
            )  # fmt: skip
        elif isinstance(r, TryAgain):
            attempts = o.due.attempts + 1
            if attempts >= max_attempts:
                plan.later.append(_failed(o.due.id, attempts, f"gave_up: {r.reason}"))
                if o.due.attachment_id is not None:
                    plan.files_failed.append(o)
            else:
                plan.later.append(
                    {"id": o.due.id, "status": S.PENDING, "attempts": attempts,
                     "due_at": now + backoff(attempts), "locked_until": None,
                     "last_error": r.reason}
                )  # fmt: skip
        elif isinstance(r, Rejected):
            code = "file_rejected" if o.due.attachment_id is not None else "rejected"
            plan.later.append(_failed(o.due.id, o.due.attempts + 1, f"{code}: {r.reason}"))
            if o.due.attachment_id is not None:
                plan.files_failed.append(o)
        else:
            plan.unreachable.append(o)
    return plan


def _delivered(plan: RecordPlan, o: Outcome, r: Delivered, now: datetime) -> None:
    assert o.target is not None
    if r.numbered_choices and o.due.choices:
        plan.menus[o.target.account_id] = numbered_menu(choices_from_json(o.due.choices))
    plan.sent.append(
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


def _failed(row_id: int, attempts: int, reason: str) -> dict[str, Any]:
    return {
        "id": row_id,
        "status": S.FAILED,
        "attempts": attempts,
        "locked_until": None,
        "last_error": reason,
    }


def unreachable_reason(r: Unreachable) -> str:
    return f"{r.code}: {r.detail}" if r.detail else r.code


# --- claiming -------------------------------------------------------------------------------


def superseded(due: Sequence[Due], sessions: Mapping[int, int]) -> set[int]:
    """Of one person's reminders for one session claimed together, only the latest goes: the
    ids of the others. `sessions` maps a reminder's row id to its session id."""
    latest: dict[tuple[int, int], Due] = {}
    for d in due:
        if d.id in sessions:
            key = (d.person_id, sessions[d.id])
            if key not in latest or (d.due_at, d.id) > (latest[key].due_at, latest[key].id):
                latest[key] = d
    kept = {d.id for d in latest.values()}
    return {d.id for d in due if d.id in sessions and d.id not in kept}


# --- the staff view -------------------------------------------------------------------------

# The order failures are shown in: the ones staff can do something about first.
REASON_ORDER = (
    "file_rejected", "rejected", "gave_up", "other", "blocked", "not_found", "not_started",
    "not_linked",
)  # fmt: skip
# Kinds that concern a class's outcome come before the day-to-day ones.
KIND_ORDER: tuple[str, ...] = (
    "unit_results", "unit_results_file", "result", "absence_alert", *list(Kind)
)  # fmt: skip


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


def reason_code(last_error: str | None) -> str:
    """'blocked: Forbidden…' → 'blocked'; the codes are the keys of texts.notices.REASONS."""
    head = (last_error or "").split(":", 1)[0].strip()
    return head if head in T.REASONS else "other"


def kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def count_kinds(rows: Iterable[tuple[str, str, str | None, int]]) -> list[KindCounts]:
    """Per notice kind, from (kind, status, channel, count) rows: how many were sent (by
    channel), are pending, failed, expired or were cancelled; in the order of `Kind`."""
    counts: dict[str, KindCounts] = {}
    for kind, status, channel, n in rows:
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
    order: list[str] = list(Kind)
    return sorted(
        counts.values(), key=lambda c: (order.index(c.kind) if c.kind in order else 99, c.kind)
    )


def failed_lines(
    rows: Iterable[tuple[int, str, str, str | None, str | None]],
) -> list[FailedLine]:
    """One line per person and kind from failed rows (person id, name, kind, last error,
    channel) sorted by name; what staff can act on first (a refused file, a network that gave
    up) before the many people who simply have not linked an account yet."""
    lines: list[FailedLine] = []
    seen: set[tuple[int, str]] = set()
    for person_id, name, kind, error, channel in rows:
        if (person_id, kind) in seen:
            continue
        seen.add((person_id, kind))
        lines.append(FailedLine(person_id, name, kind, reason_code(error), error or "", channel))
    rank = {code: i for i, code in enumerate(REASON_ORDER)}
    lines.sort(key=lambda f: (rank.get(f.reason_code, len(rank)), kind_rank(f.kind), f.name))
    return lines
