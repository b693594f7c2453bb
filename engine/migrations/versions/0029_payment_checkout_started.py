"""payment checkout started: when the applicant opened the gateway's checkout, so that a
checkout abandoned without a word from the gateway stops counting as a payment in flight
once the gateway's own time limit and a margin for its late report have passed

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-01 00:10:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('payments') as batch:
        batch.add_column(sa.Column('checkout_started_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('payments') as batch:
        batch.drop_column('checkout_started_at')
