"""Long texts split at line breaks, for channels with a per-message limit."""

from __future__ import annotations

__all__ = ["split_text"]


def split_text(text: str, limit: int) -> list[str]:
    """Parts of at most `limit` characters, cut at line breaks, else at a space, else hard;
    joined with newlines they give the text back (except the whitespace at the cuts)."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit + 1)
            cut = cut if cut > 0 else limit
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:cut])
            line = line[cut:].lstrip(" ")
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return [p for p in parts if p.strip()]
