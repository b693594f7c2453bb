"""account eid verified: when VNeID first vouched for a citizen account's ID number (the
first such login takes over an account registered here with an unchecked ID number)

Revision ID: 0028
Revises: 0027
Create Date: 2026-11-30 16:20:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('accounts') as batch:
        batch.add_column(sa.Column('eid_verified_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('accounts') as batch:
        batch.drop_column('eid_verified_at')
