"""One way to cut a list into pages for a phone screen."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Window", "window"]


@dataclass(frozen=True)
class Window:
    """Which page is shown (clamped into range), of how many, and its slice of the items."""

    page: int
    pages: int
    offset: int
    size: int

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def window(total: int, page: int, size: int) -> Window:
    """Page `page` of `total` items, `size` a page; an out-of-range page shows the nearest one."""
    pages = max(1, -(-total // size))
    page = min(max(page, 1), pages)
    return Window(page=page, pages=pages, offset=(page - 1) * size, size=size)
