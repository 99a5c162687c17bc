"""lecturers: people who teach, what they were told, learners' ratings, observations (issue 17)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

A session keeps its lecturer's name as the schedule wrote it and gains `lecturer_id`, the
lecturer that name was matched to.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'lecturers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('centre_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('unit_name', sa.String(length=300), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['centre_id'], ['centres.id'], name=op.f('fk_lecturers_centre_id_centres'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['person_id'], ['people.id'], name=op.f('fk_lecturers_person_id_people'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lecturers')),
        sa.UniqueConstraint('centre_id', 'person_id', name=op.f('uq_lecturers_centre_id_person_id')),
    )
    op.create_index(op.f('ix_lecturers_person_id'), 'lecturers', ['person_id'], unique=False)
    with op.batch_alter_table('sessions') as batch:
        batch.add_column(sa.Column('lecturer_id', sa.Integer(), nullable=True))
        batch.create_index(batch.f('ix_sessions_lecturer_id'), ['lecturer_id'], unique=False)
        batch.create_foreign_key(
            batch.f('fk_sessions_lecturer_id_lecturers'), 'lecturers', ['lecturer_id'], ['id'],
            ondelete='SET NULL',
        )
    op.create_table(
        'lecturer_briefs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('lecturer_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.DateTime(), nullable=False),
        sa.Column('ends_at', sa.DateTime(), nullable=False),
        sa.Column('place', sa.String(length=300), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('told_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['lecturer_id'], ['lecturers.id'], name=op.f('fk_lecturer_briefs_lecturer_id_lecturers'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['session_id'], ['sessions.id'], name=op.f('fk_lecturer_briefs_session_id_sessions'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lecturer_briefs')),
        sa.UniqueConstraint(
            'session_id', 'lecturer_id', name=op.f('uq_lecturer_briefs_session_id_lecturer_id')
        ),
    )
    op.create_index(
        op.f('ix_lecturer_briefs_lecturer_id'), 'lecturer_briefs', ['lecturer_id'], unique=False
    )
    op.create_table(
        'session_ratings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['person_id'], ['people.id'], name=op.f('fk_session_ratings_person_id_people'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['session_id'], ['sessions.id'], name=op.f('fk_session_ratings_session_id_sessions'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_session_ratings')),
        sa.UniqueConstraint(
            'session_id', 'person_id', name=op.f('uq_session_ratings_session_id_person_id')
        ),
    )
    op.create_index(
        op.f('ix_session_ratings_person_id'), 'session_ratings', ['person_id'], unique=False
    )
    op.create_table(
        'observations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('observer_id', sa.Integer(), nullable=True),
        sa.Column('observer_label', sa.String(length=200), nullable=False),
        sa.Column('strengths', sa.Text(), nullable=True),
        sa.Column('improve', sa.Text(), nullable=True),
        sa.Column('score', sa.Integer(), nullable=True),
        sa.Column('registered_at', sa.DateTime(), nullable=False),
        sa.Column('filed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['observer_id'], ['people.id'], name=op.f('fk_observations_observer_id_people'),
            ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['session_id'], ['sessions.id'], name=op.f('fk_observations_session_id_sessions'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_observations')),
        sa.UniqueConstraint(
            'session_id', 'observer_id', name=op.f('uq_observations_session_id_observer_id')
        ),
    )
    op.create_index(
        op.f('ix_observations_observer_id'), 'observations', ['observer_id'], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_observations_observer_id'), table_name='observations')
    op.drop_table('observations')
    op.drop_index(op.f('ix_session_ratings_person_id'), table_name='session_ratings')
    op.drop_table('session_ratings')
    op.drop_index(op.f('ix_lecturer_briefs_lecturer_id'), table_name='lecturer_briefs')
    op.drop_table('lecturer_briefs')
    with op.batch_alter_table('sessions') as batch:
        batch.drop_constraint(batch.f('fk_sessions_lecturer_id_lecturers'), type_='foreignkey')
        batch.drop_index(batch.f('ix_sessions_lecturer_id'))
        batch.drop_column('lecturer_id')
    op.drop_index(op.f('ix_lecturers_person_id'), table_name='lecturers')
    op.drop_table('lecturers')
