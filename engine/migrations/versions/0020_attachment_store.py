"""attachment contents may live outside the database: `store` names where ('database':
the bytes in `content`; 's3': an object named by the SHA-256 in the configured bucket)

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 05:10:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attachment_contents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('store', sa.String(length=16), server_default='database',
                                      nullable=False))
        batch_op.alter_column('content', existing_type=sa.LargeBinary(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('attachment_contents', schema=None) as batch_op:
        batch_op.alter_column('content', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column('store')
