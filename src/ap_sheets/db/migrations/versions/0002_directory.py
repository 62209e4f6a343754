"""The council's AP Directory: every directory loaded, with its date, and its providers.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "directories",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("file", sa.Text, nullable=False),
        sa.Column("directory_date", sa.Date, nullable=False),  # the date it is correct at
        sa.Column("queries", sa.Integer, nullable=False, default=0),
        sa.Column("findings", sa.JSON, nullable=False),
        sa.Column("loaded_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "directory_listings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("directory_id", sa.Integer, sa.ForeignKey("directories.id"), nullable=False, index=True),
        sa.Column("row", sa.Integer, nullable=False),
        sa.Column("provider_key", sa.Text, nullable=False),
        sa.Column("provider_id", sa.Text, nullable=False),
        sa.Column("provider_name", sa.Text),
        sa.Column("status", sa.Text),
        sa.Column("registered", sa.Text),
        sa.Column("dfe_urn", sa.Text),
        sa.Column("last_qa_visit", sa.Date),
        sa.Column("qa_outcome", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("directory_listings")
    op.drop_table("directories")
