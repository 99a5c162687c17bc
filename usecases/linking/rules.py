"""Linking's decisions over plain values: what an invite code looks like, how long a guesser
waits, and the reasons a link is refused. No database, no clock."""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta

from usecases.refusal import Reason

__all__ = [
    "AUDIT_THROTTLED",
    "AUDIT_WRONG_CODE",
    "INVITE_ALPHABET",
    "INVITE_LENGTH",
    "KIND_ACCOUNT",
    "WRONG_CODES_ALLOWED",
    "WRONG_CODES_WINDOW",
    "LinkReason",
    "new_invite_code",
    "normalize_code",
    "throttled_minutes",
]

# Typed by hand on Zalo, so no look-alike characters (0/O, 1/I/L); 32**10 codes.
INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_LENGTH = 10
# Wrong invite codes one account may type in the window before it has to wait.
WRONG_CODES_ALLOWED = 5
WRONG_CODES_WINDOW = timedelta(minutes=10)
AUDIT_WRONG_CODE = "invite.wrong_code"
AUDIT_THROTTLED = "invite.throttled"
KIND_ACCOUNT = "account"  # notices about a person's own accounts


class LinkReason(Reason):
    UNKNOWN_CODE = "linking.unknown_code"
    USED_CODE = "linking.used_code"
    OTHER_PERSON = "linking.other_person"  # this account belongs to someone else
    NOT_OWN_CONTACT = "linking.not_own_contact"
    BAD_PHONE = "linking.bad_phone"
    UNKNOWN_PHONE = "linking.unknown_phone"
    THROTTLED = "linking.throttled"  # too many wrong codes from this account: wait
    TAKEN_ON_CHANNEL = "linking.taken_on_channel"  # that person has an account on this channel
    REISSUE_NOT_FOUND = "linking.reissue_not_found"


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))


def normalize_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def throttled_minutes(wrong_codes: int, oldest: datetime | None, now: datetime) -> int | None:
    """Minutes an account that typed `wrong_codes` wrong codes in the window (the oldest at
    `oldest`) must wait before typing another, or None."""
    if wrong_codes < WRONG_CODES_ALLOWED or oldest is None:
        return None
    since = now - WRONG_CODES_WINDOW
    return max(1, math.ceil((oldest - since).total_seconds() / 60))
