"""pictures.state: the consolidator's indexes, for incremental updates

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pictures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pictures", schema=None) as batch_op:
        batch_op.drop_column("state")
