"""pictures.packed: the picture as zlib-compressed JSON, in place of the JSON column payload

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22

At ten thousand articles the picture is about 15 MB of JSON: writing it as a JSON column took
most of an update (serialising in Python, then the database parsing and compressing it again).
Compressed by the application it is about 1 MB and is written and read as bytes.
"""

from __future__ import annotations

import zlib

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

pictures = sa.table(
    "pictures",
    sa.column("id", sa.Integer),
    sa.column("payload", sa.Text),
    sa.column("packed", sa.LargeBinary),
)


def upgrade() -> None:
    op.add_column("pictures", sa.Column("packed", sa.LargeBinary(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.select(pictures.c.id, sa.cast(pictures.c.payload, sa.Text))).all()
    for ident, payload in rows:
        packed = zlib.compress((payload or "{}").encode("utf-8"), 1)
        bind.execute(sa.update(pictures).where(pictures.c.id == ident).values(packed=packed))
    with op.batch_alter_table("pictures", schema=None) as batch_op:
        batch_op.alter_column("packed", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column("payload")


def downgrade() -> None:
    op.add_column("pictures", sa.Column("payload", sa.JSON(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.select(pictures.c.id, pictures.c.packed)).all()
    for ident, packed in rows:
        payload = zlib.decompress(packed).decode("utf-8")
        value = (
            sa.cast(sa.literal(payload, sa.Text), sa.JSON) if bind.dialect.name == "postgresql" else payload
        )
        bind.execute(sa.update(pictures).where(pictures.c.id == ident).values(payload=value))
    with op.batch_alter_table("pictures", schema=None) as batch_op:
        batch_op.alter_column("payload", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("packed")
