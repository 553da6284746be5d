"""send_rate: the sending pace shared by the bot's processes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "send_rate",
        sa.Column("bot", sa.String(length=64), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("bot", name=op.f("pk_send_rate")),
    )


def downgrade() -> None:
    op.drop_table("send_rate")
