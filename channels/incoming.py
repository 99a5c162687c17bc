"""What a person did in chat, in a shape that no longer knows which channel it came from."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Incoming"]


@dataclass(frozen=True)
class Incoming:
    channel: str  # db.models.Channel value
    user_id: str  # the sender's id on that channel
    chat_id: str
    is_group: bool = False
    display_name: str = ""
    text: str = ""
    command: str | None = None  # "lichhoc" for "/lichhoc" or a pressed button's data
    args: tuple[str, ...] = ()
    contact_phone: str | None = None
    contact_is_own: bool = False
    location: tuple[float, float] | None = None
    pressed: bool = False  # the command came from a button
    has_media: bool = False  # a photo, sticker, file… that carries no text
    captioned_media: bool = False  # a photo or file whose caption is `text`

    @property
    def arg_text(self) -> str:
        return " ".join(self.args)
