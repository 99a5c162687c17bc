"""Exceptions raised by the Zalo Bot API client.

The classes mirror python-telegram-bot's (`RetryAfter`, `Forbidden`, `NetworkError`,
`BadRequest`) so that one outbox sender can treat both channels alike: wait and retry on
`ZaloRetryAfter`, back off and retry on `ZaloNetworkError`, mark the chat unreachable on
`ZaloForbidden`, and fail the notice visibly on `ZaloBadRequest`.

`classify_error` holds the mapping from a Zalo answer to an exception. Zalo documents no
error table, so the rules below come from what public clients observed; see API_NOTES.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "DEFAULT_RETRY_AFTER",
    "ZaloBadRequest",
    "ZaloError",
    "ZaloForbidden",
    "ZaloInvalidToken",
    "ZaloNetworkError",
    "ZaloRetryAfter",
    "classify_error",
]

#: Seconds to wait after a 429 that names no delay. Zalo publishes no limits, so this errs
#: on the side of waiting rather than hammering a server that already said "too many".
DEFAULT_RETRY_AFTER = 5.0

# Descriptions that mean "this chat will never accept messages from the bot again" (blocked,
# unfollowed, gone). Zalo documents none of them; they follow Telegram's wording, which the
# Zalo Bot API copies, plus Zalo OA's "not follow" phrasing. Kept loose on purpose: a wrong
# "permanent" costs one staff alert, a wrong "retryable" retries forever.
_PERMANENT_DESCRIPTION = re.compile(
    r"block|unfollow|not\s+follow|chat\s+not\s+found|user\s+not\s+found|deactivated",
    re.IGNORECASE,
)


class ZaloError(Exception):
    """Any failure of a Zalo Bot API call; `error_code` is Zalo's, else the HTTP status."""

    def __init__(self, description: str, error_code: int | None = None) -> None:
        super().__init__(description)
        self.description = description
        self.error_code = error_code

    def __str__(self) -> str:
        if self.error_code is None:
            return self.description
        return f"{self.description} (error_code={self.error_code})"


class ZaloRetryAfter(ZaloError):
    """Zalo answered 429: wait `retry_after` seconds before the next call."""

    def __init__(
        self,
        retry_after: float = DEFAULT_RETRY_AFTER,
        description: str = "Too Many Requests",
        error_code: int | None = 429,
    ) -> None:
        super().__init__(description, error_code)
        self.retry_after = retry_after


class ZaloForbidden(ZaloError):
    """Permanent refusal for this chat (blocked, unfollowed, unknown chat): do not retry."""


class ZaloNetworkError(ZaloError):
    """Connection error, timeout or 5xx: the call may be retried with backoff."""


class ZaloBadRequest(ZaloError):
    """The request itself is wrong (4xx): retrying the same call will fail the same way."""


class ZaloInvalidToken(ZaloBadRequest):
    """401: the bot token is wrong or was reset; every call will fail until it is replaced."""


def _retry_after(payload: Mapping[str, Any], headers: Mapping[str, str] | None) -> float:
    """Find a delay in `parameters.retry_after`, `retry_after` or the Retry-After header."""
    candidates: list[Any] = []
    parameters = payload.get("parameters")
    if isinstance(parameters, Mapping):
        candidates.append(parameters.get("retry_after"))
    candidates.append(payload.get("retry_after"))
    if headers is not None:
        candidates.append(headers.get("Retry-After") or headers.get("retry-after"))
    for value in candidates:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            continue
        if math.isfinite(seconds) and seconds >= 0:
            return seconds
    return DEFAULT_RETRY_AFTER


def classify_error(
    http_status: int,
    payload: Mapping[str, Any] | None,
    *,
    headers: Mapping[str, str] | None = None,
) -> ZaloError:
    """Turn a failed answer into the exception the sender acts on.

    Zalo's `error_code` wins over the HTTP status because public clients saw errors both as
    HTTP errors and as HTTP 200 with `"ok": false`.
    """
    payload = payload or {}
    raw_code = payload.get("error_code")
    code = raw_code if isinstance(raw_code, int) and raw_code > 0 else http_status
    description = str(payload.get("description") or f"HTTP {http_status}")

    if code == 429 or http_status == 429:
        return ZaloRetryAfter(_retry_after(payload, headers), description, code)
    if code >= 500 or http_status >= 500 or code == 408:
        return ZaloNetworkError(description, code)
    if code == 401:
        return ZaloInvalidToken(description, code)
    if code == 403 or _PERMANENT_DESCRIPTION.search(description):
        return ZaloForbidden(description, code)
    if 400 <= code < 500:
        return ZaloBadRequest(description, code)
    return ZaloError(description, code)
