"""trust: a person's address is their private chat; notices addressed to one account

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30

Before this, a learner or leader who wrote in a group had the group recorded as their chat, and
their answers, results and summaries went there. A private chat's id is the user's own id on
both channels (Telegram; Zalo's `chat.id == from.id`), so every account is pointed back at it.
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE chat_accounts SET chat_id = external_id WHERE chat_id <> external_id")


def downgrade() -> None:
    pass  # the group a person once wrote in is not worth restoring
