"""indexes for the dossiers of an agency (search, keyset paging) and the inbox

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 12:00:00.000000
"""
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.create_index('ix_dossiers_agency_submitted', ['agency_id', 'submitted_at', 'id'],
                              unique=False)
        batch_op.create_index('ix_dossiers_agency_status',
                              ['agency_id', 'status', 'submitted_at', 'id'], unique=False)
        batch_op.create_index('ix_dossiers_agency_received', ['agency_id', 'received_at'],
                              unique=False)
        batch_op.create_index('ix_dossiers_submitted', ['submitted_at', 'id'], unique=False)
        batch_op.create_index('ix_dossiers_id_number', ['applicant_id_number'], unique=False)
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index('ix_tasks_completed_by',
                              ['completed_by_id', 'agency_id', 'dossier_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_completed_by')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index('ix_dossiers_id_number')
        batch_op.drop_index('ix_dossiers_submitted')
        batch_op.drop_index('ix_dossiers_agency_received')
        batch_op.drop_index('ix_dossiers_agency_status')
        batch_op.drop_index('ix_dossiers_agency_submitted')
