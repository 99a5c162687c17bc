"""Long texts split at line breaks, for channels with a per-message limit.

The one place for this logic: Telegram (4,096) and Zalo (2,000) both call it. Lengths are
counted in UTF-16 code units, the way Telegram counts and a JavaScript backend (Zalo) most
likely does; that is never fewer than code points, so a part that fits by our count fits by
either. Vietnamese letters count one, an emoji two.
"""

from __future__ import annotations

__all__ = ["split_text", "text_length"]


def text_length(text: str) -> int:
    """Length in UTF-16 code units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _fit(text: str, limit: int) -> int:
    """Number of leading code points of `text` that fit in `limit` UTF-16 units."""
    used = 0
    for index, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


def _split_long_line(line: str, limit: int) -> list[str]:
    """Split one over-long line at spaces (the space is dropped), hard-cutting long words."""
    pieces: list[str] = []
    current = ""
    for word in line.split(" "):
        candidate = f"{current} {word}" if current else word
        if text_length(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        while text_length(word) > limit:
            cut = max(_fit(word, limit), 1)
            pieces.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        pieces.append(current)
    return pieces


def split_text(text: str, limit: int) -> list[str]:
    """Parts of at most `limit` UTF-16 units, in order.

    Cuts fall on line breaks, so for text whose lines all fit, `"\\n".join(parts)` gives the
    text back. A line longer than the limit is cut at spaces, then hard. Parts that would
    show nothing (empty or whitespace only) are dropped: no channel sends an empty message.
    """
    if limit < 2:
        raise ValueError("limit must be at least 2")
    parts: list[str] = []
    current: str | None = None

    def flush() -> None:
        if current is not None and current.strip():
            parts.append(current)

    for line in text.split("\n"):
        pieces = [line] if text_length(line) <= limit else _split_long_line(line, limit)
        for index, piece in enumerate(pieces):
            joinable = (
                index == 0
                and current is not None
                and text_length(current) + 1 + text_length(piece) <= limit
            )
            if joinable:
                current = f"{current}\n{piece}"
            else:
                flush()
                current = piece
    flush()
    return parts
