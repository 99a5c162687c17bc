"""Linking a chat account to a person on the roster, safely (DESIGN §2, journey 2).

Two proofs are accepted: a one-time invite code the centre handed out, or the sender's *own*
phone number shared from their Telegram account and found on a roster. Anything else changes
nothing and is refused (`Refused(LinkReason.…)`).

One person, one account per channel (DESIGN §5): once someone is linked on a channel, their
codes no longer link another account there, nor does their phone number; only a code staff
issue afresh (`sll lop loi-moi … --cap-lai`) does, and the account it replaces is unlinked and
told. Every new link tells the person's other accounts. Wrong codes are throttled per account
and counted in the audit log, so codes cannot be guessed.
"""

from usecases.linking.invites import create_invites, reissue_invite
from usecases.linking.link import LinkOutcome, LinkStatus, link_by_code, link_by_contact
from usecases.linking.rules import (
    INVITE_ALPHABET,
    INVITE_LENGTH,
    WRONG_CODES_ALLOWED,
    LinkReason,
    new_invite_code,
    normalize_code,
)

__all__ = [
    "INVITE_ALPHABET",
    "INVITE_LENGTH",
    "WRONG_CODES_ALLOWED",
    "LinkOutcome",
    "LinkReason",
    "LinkStatus",
    "create_invites",
    "link_by_code",
    "link_by_contact",
    "new_invite_code",
    "normalize_code",
    "reissue_invite",
]
