"""notices' delivery status as the provider reports it: the SMS provider's message id,
the status (sending / delivered / failed) and when it was reported (issue 19)

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-30 06:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notifications') as batch:
        batch.add_column(sa.Column('provider_id', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('delivery_status', sa.String(length=20),
                                   server_default='', nullable=False))
        batch.add_column(sa.Column('status_at', sa.DateTime(), nullable=True))
        batch.create_index('ix_notifications_provider_id', ['provider_id'], unique=True)
        batch.create_index('ix_notifications_dossier_id', ['dossier_id'])


def downgrade() -> None:
    with op.batch_alter_table('notifications') as batch:
        batch.drop_index('ix_notifications_dossier_id')
        batch.drop_index('ix_notifications_provider_id')
        batch.drop_column('status_at')
        batch.drop_column('delivery_status')
        batch.drop_column('provider_id')
