"""pictures.state: the consolidator state as plain data (MessagePack), no longer a pickle

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

A pickled state ran whatever code its bytes named when it was read: whoever could write that row
ran code in every process that ingests. The state is now plain data that cannot run code (see
briefings/consolidate/state.py). It is derived data: the stored pickles are cleared, and the next
ingest (or read) rebuilds each beat's state from the stored summaries. The downgrade clears the
states too (the older code would refuse the new format and rebuild them anyway); every row of
every table stays.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

pictures = sa.table("pictures", sa.column("state", sa.LargeBinary))


def upgrade() -> None:
    op.execute(sa.update(pictures).values(state=None))


def downgrade() -> None:
    op.execute(sa.update(pictures).values(state=None))
