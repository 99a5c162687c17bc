"""Zalo Bot Platform channel: the HTTP client, update parsing and error mapping.

The adapter (updates in, sender out) builds on these; use cases never import them.
"""

from channels.zalo.client import (
    DEFAULT_BASE_URL,
    TEXT_LIMIT,
    WEBHOOK_SECRET_HEADER,
    ZaloBotInfo,
    ZaloClient,
    ZaloSent,
    ZaloUpdate,
    parse_update,
    parse_updates_result,
    parse_webhook_update,
    split_text,
    text_length,
    verify_webhook_secret,
)
from channels.zalo.errors import (
    DEFAULT_RETRY_AFTER,
    ZaloBadRequest,
    ZaloError,
    ZaloForbidden,
    ZaloInvalidToken,
    ZaloNetworkError,
    ZaloRetryAfter,
    classify_error,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_RETRY_AFTER",
    "TEXT_LIMIT",
    "WEBHOOK_SECRET_HEADER",
    "ZaloBadRequest",
    "ZaloBotInfo",
    "ZaloClient",
    "ZaloError",
    "ZaloForbidden",
    "ZaloInvalidToken",
    "ZaloNetworkError",
    "ZaloRetryAfter",
    "ZaloSent",
    "ZaloUpdate",
    "classify_error",
    "parse_update",
    "parse_updates_result",
    "parse_webhook_update",
    "split_text",
    "text_length",
    "verify_webhook_secret",
]
