"""centres: several centres on one installation, each with its own people and chat accounts
(issue 21)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

A person and a chat account now belong to one centre. Existing rows get the centre they are
tied to (staff, class, unit, lecturer; a linked account its person's), else the first centre;
a database with people but no centre gets one, named as the default setting names it.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_CENTRE = 'Trung tâm Chính trị'

PERSON_CENTRE = """
UPDATE people SET centre_id = COALESCE(
  (SELECT s.centre_id FROM staff_members s WHERE s.person_id = people.id ORDER BY s.id LIMIT 1),
  (SELECT c.centre_id FROM enrollments e JOIN classes c ON c.id = e.class_id
    WHERE e.person_id = people.id ORDER BY e.id LIMIT 1),
  (SELECT u.centre_id FROM units u WHERE u.id = people.unit_id),
  (SELECT u.centre_id FROM unit_leaders l JOIN units u ON u.id = l.unit_id
    WHERE l.person_id = people.id ORDER BY l.id LIMIT 1),
  (SELECT l.centre_id FROM lecturers l WHERE l.person_id = people.id ORDER BY l.id LIMIT 1),
  (SELECT MIN(id) FROM centres))
"""
ACCOUNT_CENTRE = """
UPDATE chat_accounts SET centre_id = COALESCE(
  (SELECT p.centre_id FROM people p WHERE p.id = chat_accounts.person_id),
  (SELECT MIN(id) FROM centres))
"""


def upgrade() -> None:
    with op.batch_alter_table('centres') as batch:
        batch.add_column(sa.Column('key', sa.String(length=40), nullable=True))
        batch.add_column(
            sa.Column('is_province', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_unique_constraint(op.f('uq_centres_key'), ['key'])
    bind = op.get_bind()
    has_rows = bind.execute(
        sa.text('SELECT (SELECT COUNT(*) FROM people) + (SELECT COUNT(*) FROM chat_accounts)')
    ).scalar()
    has_centre = bind.execute(sa.text('SELECT COUNT(*) FROM centres')).scalar()
    if has_rows and not has_centre:
        bind.execute(
            sa.text(
                'INSERT INTO centres (name, created_at, is_province) '
                'VALUES (:n, CURRENT_TIMESTAMP, :f)'
            ),
            {'n': DEFAULT_CENTRE, 'f': False},
        )
    with op.batch_alter_table('people') as batch:
        batch.add_column(sa.Column('centre_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('chat_accounts') as batch:
        batch.add_column(sa.Column('centre_id', sa.Integer(), nullable=True))
    op.execute(PERSON_CENTRE)
    op.execute(ACCOUNT_CENTRE)
    with op.batch_alter_table('people') as batch:
        batch.alter_column('centre_id', existing_type=sa.Integer(), nullable=False)
        batch.drop_constraint(op.f('uq_people_phone'), type_='unique')
        batch.create_unique_constraint(op.f('uq_people_centre_id_phone'), ['centre_id', 'phone'])
        batch.create_foreign_key(
            op.f('fk_people_centre_id_centres'), 'centres', ['centre_id'], ['id'],
            ondelete='CASCADE',
        )
        batch.create_index(op.f('ix_people_centre_id'), ['centre_id'], unique=False)
    with op.batch_alter_table('chat_accounts') as batch:
        batch.alter_column('centre_id', existing_type=sa.Integer(), nullable=False)
        batch.drop_constraint(op.f('uq_chat_accounts_channel_external_id'), type_='unique')
        batch.create_unique_constraint(
            op.f('uq_chat_accounts_centre_id_channel_external_id'),
            ['centre_id', 'channel', 'external_id'],
        )
        batch.create_foreign_key(
            op.f('fk_chat_accounts_centre_id_centres'), 'centres', ['centre_id'], ['id'],
            ondelete='CASCADE',
        )


def downgrade() -> None:
    with op.batch_alter_table('chat_accounts') as batch:
        batch.drop_constraint(op.f('fk_chat_accounts_centre_id_centres'), type_='foreignkey')
        batch.drop_constraint(
            op.f('uq_chat_accounts_centre_id_channel_external_id'), type_='unique'
        )
        batch.create_unique_constraint(
            op.f('uq_chat_accounts_channel_external_id'), ['channel', 'external_id']
        )
        batch.drop_column('centre_id')
    with op.batch_alter_table('people') as batch:
        batch.drop_index(op.f('ix_people_centre_id'))
        batch.drop_constraint(op.f('fk_people_centre_id_centres'), type_='foreignkey')
        batch.drop_constraint(op.f('uq_people_centre_id_phone'), type_='unique')
        batch.create_unique_constraint(op.f('uq_people_phone'), ['phone'])
        batch.drop_column('centre_id')
    with op.batch_alter_table('centres') as batch:
        batch.drop_constraint(op.f('uq_centres_key'), type_='unique')
        batch.drop_column('is_province')
        batch.drop_column('key')
