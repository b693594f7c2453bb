"""announcements (maintenance, incidents, declared outages) with the province's minimum
notice for maintenance; the national catalogue's facts on a procedure imported from it

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30 05:45:00.000000
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'announcements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('starts_at', sa.DateTime(), nullable=False),
        sa.Column('ends_at', sa.DateTime(), nullable=False),
        sa.Column('outage', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('short_notice', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('applicants_notified', sa.Integer(), server_default='0', nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['accounts.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_announcements_window', 'announcements', ['ends_at', 'starts_at'])
    with op.batch_alter_table('provinces') as batch:
        batch.add_column(sa.Column('maintenance_notice_days', sa.Integer(),
                                   server_default='3', nullable=False))
    with op.batch_alter_table('procedures') as batch:
        batch.add_column(sa.Column('national', sa.JSON().with_variant(
            postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('procedures') as batch:
        batch.drop_column('national')
    with op.batch_alter_table('provinces') as batch:
        batch.drop_column('maintenance_notice_days')
    op.drop_index('ix_announcements_window', table_name='announcements')
    op.drop_table('announcements')
