"""a paper dossier's contact (phone, e-mail); cash payments' receipt number, payer, collector

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 09:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=200), nullable=True))
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_number', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('payer', sa.String(length=200), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('collected_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_payments_collected_by', 'accounts',
                                    ['collected_by_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_constraint('fk_payments_collected_by', type_='foreignkey')
        batch_op.drop_column('collected_by_id')
        batch_op.drop_column('payer')
        batch_op.drop_column('receipt_number')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_column('contact_email')
        batch_op.drop_column('contact_phone')
