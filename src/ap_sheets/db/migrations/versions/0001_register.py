"""The register database, first version: returns log, organisations, children, identities,
placements, notifications, purges.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "returns",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("file", sa.Text, nullable=False),
        sa.Column("kind", sa.Text),  # provider-return, school-log, or null (not a standard return)
        sa.Column("org_key", sa.Text),  # Provider ID (upper case, no spaces) or school URN
        sa.Column("org_name", sa.Text),
        sa.Column("term_year", sa.Integer),  # 2024 for 2024/25
        sa.Column("term", sa.Text),  # Autumn, Spring, Summer
        sa.Column("status", sa.String(12), nullable=False),  # accepted, rejected, unreadable
        sa.Column("has_data", sa.Boolean, nullable=False),  # read as a standard return
        sa.Column("errors", sa.Integer, nullable=False, default=0),
        sa.Column("queries", sa.Integer, nullable=False, default=0),
        sa.Column("findings", sa.JSON, nullable=False),
        sa.Column("reason", sa.Text),  # why an unreadable file could not be read
        sa.Column("date_completed", sa.Date),
        sa.Column("record", sa.JSON),  # the Provider / School sheet (no child data)
        sa.Column("complaints", sa.JSON),  # [complaints, compliments, still open]
        sa.Column("file_mtime", sa.Float),
        sa.Column("loaded_at", sa.DateTime, nullable=False),
        sa.Column("superseded_by", sa.Integer, sa.ForeignKey("returns.id")),
    )

    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),  # provider, school
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("name", sa.Text),
        sa.UniqueConstraint("kind", "key", name="uq_organisations_kind_key"),
    )

    op.create_table(
        "children",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("upn", sa.String(13), unique=True),  # null once purged
        sa.Column("sex", sa.Text),
        sa.Column("ethnicity", sa.Text),
        sa.Column("purged_on", sa.Date),
    )

    op.create_table(
        "identities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("child_id", sa.Integer, sa.ForeignKey("children.id"), nullable=False, index=True),
        sa.Column("surname", sa.Text),
        sa.Column("forename", sa.Text),
        sa.Column("date_of_birth", sa.Date),
        sa.Column("return_id", sa.Integer, sa.ForeignKey("returns.id"), nullable=False),  # first returned on
    )

    op.create_table(
        "placements",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("return_id", sa.Integer, sa.ForeignKey("returns.id"), nullable=False, index=True),
        sa.Column("child_id", sa.Integer, sa.ForeignKey("children.id"), nullable=False, index=True),
        sa.Column("row", sa.Integer, nullable=False),
        sa.Column("identity_id", sa.Integer, sa.ForeignKey("identities.id")),  # as on this row
        sa.Column("provider_key", sa.Text),
        sa.Column("provider_name", sa.Text),
        sa.Column("provider_registered", sa.Text),
        sa.Column("school_urn", sa.Text),  # the school's log, or the commissioning school's URN
        sa.Column("commissioner_type", sa.Text),
        sa.Column("commissioner_name", sa.Text),
        sa.Column("nc_year", sa.Text),
        sa.Column("sen", sa.Text),
        sa.Column("looked_after", sa.Text),
        sa.Column("placement_reason", sa.Text),
        sa.Column("tier", sa.Integer),
        sa.Column("start_date", sa.Date),
        sa.Column("planned_end_date", sa.Date),
        sa.Column("end_date", sa.Date),
        sa.Column("hours_per_week", sa.Float),  # provider's hours per week, or the school's hours at the provider
        sa.Column("hours_at_school", sa.Float),
        sa.Column("sessions_possible", sa.Integer),
        sa.Column("sessions_attended", sa.Integer),
        sa.Column("sessions_authorised", sa.Integer),
        sa.Column("attendance_pct", sa.Float),
        sa.Column("engagement", sa.Integer),
        sa.Column("progress_outcomes", sa.Integer),
        sa.Column("progress_learning", sa.Integer),
        sa.Column("progress", sa.Integer),
        sa.Column("quals_entered", sa.Integer),
        sa.Column("quals_achieved", sa.Integer),
        sa.Column("suspensions", sa.Integer),
        sa.Column("safeguarding_concerns", sa.Integer),
        sa.Column("behaviour_incidents", sa.Integer),
        sa.Column("reintegration_plan", sa.Text),
        sa.Column("planned_return_date", sa.Date),
        sa.Column("final_report_received", sa.Text),
        sa.Column("destination", sa.Text),
    )

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("return_id", sa.Integer, sa.ForeignKey("returns.id"), nullable=False, index=True),
        sa.Column("child_id", sa.Integer, sa.ForeignKey("children.id"), index=True),
        sa.Column("row", sa.Integer, nullable=False),
        sa.Column("event_type", sa.Text),
        sa.Column("event_date", sa.Date),
        sa.Column("on_time", sa.Boolean, nullable=False),
    )

    op.create_table(
        "purges",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("purged_at", sa.DateTime, nullable=False),
        sa.Column("ended_before", sa.Date, nullable=False),
        sa.Column("children", sa.Integer, nullable=False),
        sa.Column("placements", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in ("purges", "notifications", "placements", "identities", "children", "organisations", "returns"):
        op.drop_table(table)
