"""articles.reference_date: the stated or inferred date that relative dates resolve to

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference_date", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_articles_reference_date"), ["reference_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_reference_date"))
        batch_op.drop_column("reference_date")
