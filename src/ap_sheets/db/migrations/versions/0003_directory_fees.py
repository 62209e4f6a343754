"""The directory's standard fee and its basis, for the year's estimated cost per provider (§12.8).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("directory_listings", sa.Column("standard_fee", sa.Float))
    op.add_column("directory_listings", sa.Column("fee_basis", sa.Text))


def downgrade() -> None:
    op.drop_column("directory_listings", "fee_basis")
    op.drop_column("directory_listings", "standard_fee")
