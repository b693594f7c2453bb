"""payment refunds: money a gateway took for a fee request already withdrawn, or a second
transaction for a fee paid already, kept as a refund due until an officer records it paid back

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-01 02:45:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'payment_refunds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dossier_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('payment_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=12), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('gateway', sa.String(length=30), nullable=False),
        sa.Column('transaction', sa.String(length=100), nullable=False),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.Column('refunded_at', sa.DateTime(), nullable=True),
        sa.Column('refunded_by_id', sa.Integer(), nullable=True),
        sa.Column('method', sa.String(length=20), server_default='', nullable=False),
        sa.Column('voucher', sa.String(length=100), server_default='', nullable=False),
        sa.Column('note', sa.String(length=1000), server_default='', nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id']),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id']),
        sa.ForeignKeyConstraint(['payment_id'], ['payments.id']),
        sa.ForeignKeyConstraint(['refunded_by_id'], ['accounts.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('payment_id', 'transaction', name='uq_payment_refunds_transaction'),
    )
    op.create_index('ix_payment_refunds_dossier_id', 'payment_refunds', ['dossier_id'])
    op.create_index('ix_payment_refunds_agency_open', 'payment_refunds',
                    ['agency_id', 'refunded_at'])


def downgrade() -> None:
    op.drop_index('ix_payment_refunds_agency_open', table_name='payment_refunds')
    op.drop_index('ix_payment_refunds_dossier_id', table_name='payment_refunds')
    op.drop_table('payment_refunds')
