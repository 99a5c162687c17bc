"""Delivering the outbox: claiming due rows, choosing the chat, recording what happened.

The rules (DESIGN §5, "nothing is lost"), decided in `rules` without I/O:

* A claim is a lease (`claim`): a crashed sender's rows are claimed again when it runs out.
* The chat is chosen at send time, per person: their active chat account seen most recently
  (``ChatAccount.last_seen_at``); if it turns out unreachable, their other account is tried.
* 429 waits ``retry_after`` without using an attempt; network errors and 5xx are retried with
  exponential backoff up to ``max_attempts``; 403 or a vanished chat marks the account blocked,
  falls back to the person's other account, else fails the row and tells staff once
  (`record`).
* A notice past ``expires_at`` (a reminder whose session has begun) expires instead of going.
* In quiet hours a non-urgent notice is held: its due time moves to the end of quiet hours.
"""

from usecases.delivery.claim import claim_due, load_document, next_wake, release_claims
from usecases.delivery.record import record_outcomes
from usecases.delivery.rules import (
    CLAIM_BATCH,
    LEASE,
    Delivered,
    Due,
    FailedLine,
    KindCounts,
    Outcome,
    Rejected,
    RetryAfter,
    SendResult,
    Target,
    TryAgain,
    Unreachable,
    backoff,
    reason_code,
)
from usecases.delivery.view import DeliveryView, delivery_view, resend_failed

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
    "reason_code",
    "record_outcomes",
    "release_claims",
    "resend_failed",
]
