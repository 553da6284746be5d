"""Beats: each article's relevance to each beat, one picture per beat, a beat per subscription

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

The picture stored before beats (no beat) is left in place and rebuilt for the default beat on
first use: relevance is judged for every stored article then, from its stored facts.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article_beats",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("beat", sa.String(length=64), nullable=False),
        sa.Column("relevant", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_beats_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "beat", name=op.f("pk_article_beats")),
    )
    op.create_index("ix_article_beats_beat_relevant", "article_beats", ["beat", "relevant"], unique=False)
    with op.batch_alter_table("pictures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("beat", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("beat_digest", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_pictures_beat"), ["beat"])
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("beat", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_column("beat")
    # the pictures of other beats than the first cannot live in a table without a beat column
    op.execute(
        sa.text("DELETE FROM pictures WHERE beat IS NOT NULL AND id <> (SELECT MIN(id) FROM pictures)")
    )
    with op.batch_alter_table("pictures", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_pictures_beat"), type_="unique")
        batch_op.drop_column("beat_digest")
        batch_op.drop_column("beat")
    op.drop_index("ix_article_beats_beat_relevant", table_name="article_beats")
    op.drop_table("article_beats")
