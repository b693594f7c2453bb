"""dossier claims: one-time codes, sent to the contact written on a dossier submitted
without an account, that let its applicant add the dossier to their account

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-30 15:20:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'dossier_claims',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dossier_id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id']),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_dossier_claims_dossier_account', 'dossier_claims',
                    ['dossier_id', 'account_id'])


def downgrade() -> None:
    op.drop_index('ix_dossier_claims_dossier_account', table_name='dossier_claims')
    op.drop_table('dossier_claims')
