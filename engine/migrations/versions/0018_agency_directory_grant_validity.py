"""agency directory (kind, address, phone, e-mail, hotline), closing an agency; a role
grant's validity period and who granted it; an account closed by its owner

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 05:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='unit',
                                      nullable=False))
        batch_op.add_column(sa.Column('address', sa.String(length=300), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('phone', sa.String(length=20), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('email', sa.String(length=200), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('hotline', sa.String(length=20), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('closed_reason', sa.String(length=300), server_default='',
                                      nullable=False))
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valid_from', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('valid_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('granted_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('granted_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key('fk_role_grants_granted_by', 'accounts',
                                    ['granted_by_id'], ['id'])
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('closed_at')
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_constraint('fk_role_grants_granted_by', type_='foreignkey')
        batch_op.drop_column('granted_at')
        batch_op.drop_column('granted_by_id')
        batch_op.drop_column('valid_until')
        batch_op.drop_column('valid_from')
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        for column in ('closed_reason', 'closed_at', 'hotline', 'email', 'phone', 'address',
                       'kind'):
            batch_op.drop_column(column)
