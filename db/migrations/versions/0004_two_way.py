"""two-way with home units: unit leaders acknowledge results and absence alerts

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-01

Issue 18. A unit leader's answer for each learner sent to an announced class (will attend, or
cannot with a reason and perhaps a replacement) is one row per class and learner. Where each
learner stands against each attendance rule (level, crossings) is one row per class, learner
and rule, so each crossing is told once. Conduct (rèn luyện): a reminder, criticism or
violation recorded for a learner, with a reason, who and when. A unit leader's reply about a
learner (a remark, the reason for an absence), answered by staff like a question. A unit may
have a parent unit (the district between school and commune). A unit leader's "✅ Đã nhận" on a class's results summary or a session's absence
alert is one row per leader and subject, kept with when and from which chat account.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('units') as batch:
        batch.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f('fk_units_parent_id_units'), 'units', ['parent_id'], ['id'], ondelete='SET NULL',
        )
    op.create_table('acknowledgments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['chat_accounts.id'], name=op.f('fk_acknowledgments_account_id_chat_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['class_id'], ['classes.id'], name=op.f('fk_acknowledgments_class_id_classes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_acknowledgments_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_acknowledgments')),
    sa.UniqueConstraint('kind', 'subject_id', 'person_id', name=op.f('uq_acknowledgments_kind_subject_id_person_id'))
    )
    op.create_index(op.f('ix_acknowledgments_class_id'), 'acknowledgments', ['class_id'], unique=False)
    op.create_index(op.f('ix_acknowledgments_person_id'), 'acknowledgments', ['person_id'], unique=False)
    op.create_table('nominations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('replacement', sa.String(length=200), nullable=True),
    sa.Column('answered_by', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by'], ['people.id'], name=op.f('fk_nominations_answered_by_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['class_id'], ['classes.id'], name=op.f('fk_nominations_class_id_classes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_nominations_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nominations')),
    sa.UniqueConstraint('class_id', 'person_id', name=op.f('uq_nominations_class_id_person_id'))
    )
    op.create_index(op.f('ix_nominations_person_id'), 'nominations', ['person_id'], unique=False)
    op.create_table('attendance_rule_states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.String(length=20), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('crossings', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['classes.id'], name=op.f('fk_attendance_rule_states_class_id_classes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_attendance_rule_states_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_rule_states')),
    sa.UniqueConstraint('class_id', 'person_id', 'measure', name=op.f('uq_attendance_rule_states_class_id_person_id_measure'))
    )
    op.create_index(op.f('ix_attendance_rule_states_person_id'), 'attendance_rule_states', ['person_id'], unique=False)
    op.create_table('conduct_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_by_label', sa.String(length=100), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['classes.id'], name=op.f('fk_conduct_records_class_id_classes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_conduct_records_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by'], ['people.id'], name=op.f('fk_conduct_records_recorded_by_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conduct_records'))
    )
    op.create_index(op.f('ix_conduct_records_class_id'), 'conduct_records', ['class_id'], unique=False)
    op.create_index(op.f('ix_conduct_records_person_id'), 'conduct_records', ['person_id'], unique=False)
    op.create_table('unit_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('answer_text', sa.Text(), nullable=True),
    sa.Column('answered_by', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by'], ['people.id'], name=op.f('fk_unit_replies_answered_by_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['class_id'], ['classes.id'], name=op.f('fk_unit_replies_class_id_classes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['leader_id'], ['people.id'], name=op.f('fk_unit_replies_leader_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['learner_id'], ['people.id'], name=op.f('fk_unit_replies_learner_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_replies'))
    )
    op.create_index('ix_unit_replies_status_created', 'unit_replies', ['status', 'created_at'], unique=False)
    op.create_index(op.f('ix_unit_replies_leader_id'), 'unit_replies', ['leader_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_unit_replies_leader_id'), table_name='unit_replies')
    op.drop_index('ix_unit_replies_status_created', table_name='unit_replies')
    op.drop_table('unit_replies')
    op.drop_index(op.f('ix_conduct_records_person_id'), table_name='conduct_records')
    op.drop_index(op.f('ix_conduct_records_class_id'), table_name='conduct_records')
    op.drop_table('conduct_records')
    op.drop_index(op.f('ix_attendance_rule_states_person_id'), table_name='attendance_rule_states')
    op.drop_table('attendance_rule_states')
    op.drop_index(op.f('ix_nominations_person_id'), table_name='nominations')
    op.drop_table('nominations')
    op.drop_index(op.f('ix_acknowledgments_person_id'), table_name='acknowledgments')
    op.drop_index(op.f('ix_acknowledgments_class_id'), table_name='acknowledgments')
    op.drop_table('acknowledgments')
    with op.batch_alter_table('units') as batch:
        batch.drop_constraint(op.f('fk_units_parent_id_units'), type_='foreignkey')
        batch.drop_column('parent_id')
