"""The one way a use case says no.

A use case that will not do what was asked raises `Refused` before it writes anything (the
transaction rolls back). `reason` is a member of the feature's `Reason` enum, whose value is the
key of its wording in the text catalogue (``texts/refusals.py``); `details` fill that wording's
placeholders. Handlers and the CLI render it with the same function, so a refusal reads the same
in chat, in the CLI and on the web.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

__all__ = ["Reason", "Refused"]


class Reason(StrEnum):
    """Base of every feature's reasons. Values are ``"<feature>.<reason>"``: unique across
    features, and the key of the wording in the catalogue."""


class Refused(Exception):
    """Nothing changed; `reason` and `details` say why, for the catalogue to word."""

    def __init__(self, reason: Reason, **details: Any) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.details = details
