"""a version's content hash (the same files saved again make no new draft); drafts that did
not pass validation, kept with their problems (procedure_drafts)

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 05:00:00.000000
"""
import hashlib
import json

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def _hash(package: object) -> str | None:
    if isinstance(package, str):
        package = json.loads(package)
    if not isinstance(package, dict):
        return None
    text = json.dumps(package, sort_keys=True, ensure_ascii=False, separators=(',', ':'))
    return hashlib.sha256(text.encode('utf-8')).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table('procedure_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_hash', sa.String(length=64), nullable=True))
    versions = sa.table('procedure_versions', sa.column('id', sa.Integer),
                        sa.column('package', JSON), sa.column('content_hash', sa.String))
    connection = op.get_bind()
    for row in connection.execute(sa.select(versions.c.id, versions.c.package)).all():
        connection.execute(versions.update().where(versions.c.id == row.id)
                           .values(content_hash=_hash(row.package)))
    op.create_table(
        'procedure_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=500), nullable=False),
        sa.Column('package', JSON, nullable=False),
        sa.Column('report', JSON, nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('based_on_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('version_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id']),
        sa.ForeignKeyConstraint(['based_on_id'], ['procedure_versions.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['accounts.id']),
        sa.ForeignKeyConstraint(['version_id'], ['procedure_versions.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_procedure_drafts_agency_id', 'procedure_drafts', ['agency_id'])
    op.create_index('ix_procedure_drafts_agency_hash', 'procedure_drafts',
                    ['agency_id', 'content_hash'])


def downgrade() -> None:
    op.drop_index('ix_procedure_drafts_agency_hash', table_name='procedure_drafts')
    op.drop_index('ix_procedure_drafts_agency_id', table_name='procedure_drafts')
    op.drop_table('procedure_drafts')
    with op.batch_alter_table('procedure_versions', schema=None) as batch_op:
        batch_op.drop_column('content_hash')
