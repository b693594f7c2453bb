"""postal orders: pickup of papers or delivery of the result by the postal connector, with
the carrier's tracking number and status (issue 19)

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-30 06:10:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'postal_orders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reference', sa.String(length=40), nullable=False),
        sa.Column('dossier_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('address', sa.String(length=500), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('tracking_number', sa.String(length=60), nullable=True),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('status_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id']),
        sa.ForeignKeyConstraint(['requested_by_id'], ['accounts.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('reference'),
    )
    op.create_index('ix_postal_orders_dossier_id', 'postal_orders', ['dossier_id'])


def downgrade() -> None:
    op.drop_index('ix_postal_orders_dossier_id', table_name='postal_orders')
    op.drop_table('postal_orders')
