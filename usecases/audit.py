"""The audit log: who changed what, and when (DESIGN §5). One way to write an entry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEntry
from usecases.identity import Actor

__all__ = ["record"]


def record(
    session: AsyncSession,
    actor: Actor,
    action: str,
    *,
    entity: str | None = None,
    entity_id: int | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Add an entry to the caller's transaction: it is kept only if the change is. Returns it
    (flushed, it has the id some notice keys carry). `at` is the use case's clock when an
    entry's time is read back (wrong invite codes are counted in a window); else the
    database's."""
    entry = AuditEntry(
        actor_person_id=actor.person_id,
        actor_label=actor.label,
        action=action,
        entity=entity,
        entity_id=entity_id,
        details=details,
    )
    if at is not None:
        entry.at = at
    session.add(entry)
    return entry
