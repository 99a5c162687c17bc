"""web: one-time login links and sessions of the staff web console (issue 19)

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-01

Only hashes of the link and cookie tokens are stored: a copy of the database lets nobody in.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _table(name: str, *extra: sa.Column) -> None:  # type: ignore[type-arg]
    op.create_table(
        name,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        *extra,
        sa.ForeignKeyConstraint(
            ['account_id'], ['chat_accounts.id'],
            name=op.f(f'fk_{name}_account_id_chat_accounts'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}')),
        sa.UniqueConstraint('token_hash', name=op.f(f'uq_{name}_token_hash')),
    )
    op.create_index(op.f(f'ix_{name}_account_id'), name, ['account_id'], unique=False)


def upgrade() -> None:
    _table(
        'web_links',
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
    )
    _table(
        'web_sessions',
        sa.Column('last_seen_at', sa.DateTime(), nullable=False),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
    )


def downgrade() -> None:
    for name in ('web_sessions', 'web_links'):
        op.drop_index(op.f(f'ix_{name}_account_id'), table_name=name)
        op.drop_table(name)
