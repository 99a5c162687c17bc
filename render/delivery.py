"""The delivery view as staff read it, in chat and on the command line (one wording for both)."""

from __future__ import annotations

from texts import notices as T
from usecases.delivery import DeliveryView

__all__ = ["VIEW_MAX_FAILED", "describe_view"]

VIEW_MAX_FAILED = 30


def describe_view(v: DeliveryView) -> str:
    """Totals by status, then failures with their reason (the ones to act on first; people
    not linked yet as one line), then each kind of notice by name."""
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
    lines += _failures(v)
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


def _failures(v: DeliveryView) -> list[str]:
    shown = [f for f in v.failed if f.reason_code != "not_linked"]
    unlinked = [f for f in v.failed if f.reason_code == "not_linked"]
    lines = [T.VIEW_FAILED_HEADER] if v.failed else []
    for f in shown[:VIEW_MAX_FAILED]:
        reason = T.REASONS.get(f.reason_code, T.REASON_OTHER)
        channel = (
            T.VIEW_CHANNEL.format(channel=T.CHANNEL_NAMES.get(f.channel, f.channel))
            if f.channel
            else ""
        )
        lines.append(
            T.VIEW_FAILED_LINE.format(name=f.name, kind=_kind_name(f.kind), reason=reason) + channel
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
    return lines


def _kind_name(kind: str) -> str:
    return T.KIND_NAMES.get(kind, T.KIND_OTHER)


def _by_channel(sent: dict[str, int]) -> str:
    if not sent:
        return ""
    parts = ", ".join(f"{T.CHANNEL_NAMES.get(ch, ch)} {n}" for ch, n in sorted(sent.items()))
    return T.VIEW_CHANNELS.format(parts=parts)
