"""connectors' outbox (idempotency key, back-off, dead letters), inbound calls seen, a
dossier's code on the national portal unique

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 05:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'outbox_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.String(length=36), nullable=False),
        sa.Column('connector', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('province', sa.String(length=100), nullable=False),
        sa.Column('dossier_id', sa.Integer(), nullable=True),
        sa.Column('ordering_key', sa.String(length=100), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('delivered_at', sa.DateTime(), nullable=True),
        sa.Column('dead_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('event_id'),
    )
    op.create_index('ix_outbox_messages_pending', 'outbox_messages',
                    ['delivered_at', 'dead_at', 'next_attempt_at'])
    op.create_index('ix_outbox_messages_order', 'outbox_messages',
                    ['connector', 'ordering_key', 'id'])
    op.create_index('ix_outbox_messages_dead', 'outbox_messages', ['dead_at'])
    op.create_table(
        'inbound_calls',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('connector', sa.String(length=40), nullable=False),
        sa.Column('signature', sa.String(length=64), nullable=False),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('connector', 'signature', name='uq_inbound_calls_signature'),
    )
    op.create_index('ix_inbound_calls_received_at', 'inbound_calls', ['received_at'])
    op.create_index('ux_dossiers_external_code', 'dossiers', ['external_code'], unique=True)


def downgrade() -> None:
    op.drop_index('ux_dossiers_external_code', table_name='dossiers')
    op.drop_index('ix_inbound_calls_received_at', table_name='inbound_calls')
    op.drop_table('inbound_calls')
    op.drop_index('ix_outbox_messages_dead', table_name='outbox_messages')
    op.drop_index('ix_outbox_messages_order', table_name='outbox_messages')
    op.drop_index('ix_outbox_messages_pending', table_name='outbox_messages')
    op.drop_table('outbox_messages')
