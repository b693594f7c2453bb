"""procedure agencies: other agencies where a procedure's published version applies too
(«Áp dụng cho cơ quan»), and when it stopped applying there («Ngừng áp dụng»)

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-30 15:55:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'procedure_agencies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('procedure_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('applied_by_id', sa.Integer(), nullable=True),
        sa.Column('applied_at', sa.DateTime(), nullable=False),
        sa.Column('stopped_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id']),
        sa.ForeignKeyConstraint(['applied_by_id'], ['accounts.id']),
        sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('procedure_id', 'agency_id'),
    )
    op.create_index(op.f('ix_procedure_agencies_agency_id'), 'procedure_agencies',
                    ['agency_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_procedure_agencies_agency_id'), table_name='procedure_agencies')
    op.drop_table('procedure_agencies')
