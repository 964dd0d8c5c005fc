"""second access links: a resent registration link and an award link no longer replace the first

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 01:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ('registration', 'scholarship_application'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('link_token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_link_token_hash'), ['link_token_hash'])


def downgrade() -> None:
    for table in ('registration', 'scholarship_application'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_link_token_hash'), type_='unique')
            batch_op.drop_column('link_token_hash')
