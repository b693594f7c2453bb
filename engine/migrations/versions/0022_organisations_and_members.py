"""organisations (tax code as login) and the people acting for them (legal representative,
authorised representatives with their authorisation and period)

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 05:25:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'organisations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tax_code', sa.String(length=14), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('address', sa.String(length=300), server_default='', nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('tax_code'),
        sa.UniqueConstraint('account_id'),
    )
    op.create_table(
        'organisation_members',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('authorisation', sa.String(length=200), server_default='', nullable=False),
        sa.Column('valid_from', sa.DateTime(), nullable=True),
        sa.Column('valid_until', sa.DateTime(), nullable=True),
        sa.Column('added_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id']),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id']),
        sa.ForeignKeyConstraint(['added_by_id'], ['accounts.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('organisation_id', 'account_id'),
    )
    op.create_index('ix_organisation_members_account', 'organisation_members', ['account_id'])


def downgrade() -> None:
    op.drop_index('ix_organisation_members_account', table_name='organisation_members')
    op.drop_table('organisation_members')
    op.drop_table('organisations')
