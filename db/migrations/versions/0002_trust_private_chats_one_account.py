"""trust: a person's address is their private chat; notices addressed to one account

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30

Before this, a learner or leader who wrote in a group had the group recorded as their chat, and
their answers, results and summaries went there. A private chat's id is the user's own id on
both channels (Telegram; Zalo's `chat.id == from.id`), so every account is pointed back at it.

One person, one account per channel: an invite staff issue for someone already linked is marked
`reissued`, and a notice about one account (its link replaced, a new link elsewhere) names it.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE chat_accounts SET chat_id = external_id WHERE chat_id <> external_id")
    with op.batch_alter_table('invites') as batch:
        batch.add_column(
            sa.Column('reissued', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table('notifications') as batch:
        batch.add_column(sa.Column('account_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f('fk_notifications_account_id_chat_accounts'),
            'chat_accounts', ['account_id'], ['id'], ondelete='CASCADE',
        )


def downgrade() -> None:
    # The group a person once wrote in is not worth restoring.
    with op.batch_alter_table('notifications') as batch:
        batch.drop_constraint(op.f('fk_notifications_account_id_chat_accounts'), type_='foreignkey')
        batch.drop_column('account_id')
    with op.batch_alter_table('invites') as batch:
        batch.drop_column('reissued')
