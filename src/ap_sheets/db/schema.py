"""The register database's tables (SQLAlchemy Core), as the latest migration leaves them.

What is held, and why (§11.5; the database holds special-category data):
- `returns`: every file loaded, once per content (SHA-256): its name, kind, provider ID or
  school URN, term, status and findings (code, sheet, row, cell, column, severity, message;
  never the cell's value, which can be a pupil's UPN, name or date of birth).
  `superseded_by` points at the return that counts instead (a corrected return).
- `organisations`: providers (by Provider ID) and schools (by URN), with their latest name.
- `children`: one per UPN, with sex and ethnicity (as the Register shows them); `identities`
  keeps every different name / date of birth returned for that UPN (X003 is kept, not
  overwritten). Postcodes, religion, sexual orientation and free text are not held.
- `placements`: one row per Pupils row of a provider return and per Placements row of a
  school log, tied to its return: provider, school / commissioner, dates, hours, sessions,
  outcomes and destination, the fields the report uses; `notifications`: the provider's
  notifications of events (type, date, on time).
- `purges`: when personal data was deleted and how much (no child-level data).
- `directories`, `directory_listings`: every AP Directory loaded (`ap-sheets directory load`),
  by its date, with the providers it lists: which providers were listed when (no child data).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

returns = Table(
    "returns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("file", Text, nullable=False),
    Column("kind", Text),  # provider-return, school-log, or null (not a standard return)
    Column("org_key", Text),  # Provider ID (upper case, no spaces) or school URN
    Column("org_name", Text),
    Column("term_year", Integer),  # 2024 for 2024/25
    Column("term", Text),  # Autumn, Spring, Summer
    Column("status", String(12), nullable=False),  # accepted, rejected, unreadable
    Column("has_data", Boolean, nullable=False),  # read as a standard return
    Column("errors", Integer, nullable=False, default=0),
    Column("queries", Integer, nullable=False, default=0),
    Column("findings", JSON, nullable=False),
    Column("reason", Text),  # why an unreadable file could not be read
    Column("date_completed", Date),
    Column("record", JSON),  # the Provider / School sheet (no child data)
    Column("complaints", JSON),  # [complaints, compliments, still open]
    Column("file_mtime", Float),
    Column("loaded_at", DateTime, nullable=False),
    Column("superseded_by", Integer, ForeignKey("returns.id")),
)

organisations = Table(
    "organisations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", Text, nullable=False),  # provider, school
    Column("key", Text, nullable=False),
    Column("name", Text),
    UniqueConstraint("kind", "key", name="uq_organisations_kind_key"),
)

children = Table(
    "children",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("upn", String(13), unique=True),  # null once purged
    Column("sex", Text),
    Column("ethnicity", Text),
    Column("purged_on", Date),
)

identities = Table(
    "identities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("child_id", Integer, ForeignKey("children.id"), nullable=False, index=True),
    Column("surname", Text),
    Column("forename", Text),
    Column("date_of_birth", Date),
    Column("return_id", Integer, ForeignKey("returns.id"), nullable=False),  # first returned on
)

placements = Table(
    "placements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("return_id", Integer, ForeignKey("returns.id"), nullable=False, index=True),
    Column("child_id", Integer, ForeignKey("children.id"), nullable=False, index=True),
    Column("row", Integer, nullable=False),
    Column("identity_id", Integer, ForeignKey("identities.id")),  # as on this row
    Column("provider_key", Text),
    Column("provider_name", Text),
    Column("provider_registered", Text),
    Column("school_urn", Text),  # the school's log, or the commissioning school's URN
    Column("commissioner_type", Text),
    Column("commissioner_name", Text),
    Column("nc_year", Text),
    Column("sen", Text),
    Column("looked_after", Text),
    Column("placement_reason", Text),
    Column("tier", Integer),
    Column("start_date", Date),
    Column("planned_end_date", Date),
    Column("end_date", Date),
    Column("hours_per_week", Float),  # provider's hours per week, or the school's hours at the provider
    Column("hours_at_school", Float),
    Column("sessions_possible", Integer),
    Column("sessions_attended", Integer),
    Column("sessions_authorised", Integer),
    Column("attendance_pct", Float),
    Column("engagement", Integer),
    Column("progress_outcomes", Integer),
    Column("progress_learning", Integer),
    Column("progress", Integer),
    Column("quals_entered", Integer),
    Column("quals_achieved", Integer),
    Column("suspensions", Integer),
    Column("safeguarding_concerns", Integer),
    Column("behaviour_incidents", Integer),
    Column("reintegration_plan", Text),
    Column("planned_return_date", Date),
    Column("final_report_received", Text),
    Column("destination", Text),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("return_id", Integer, ForeignKey("returns.id"), nullable=False, index=True),
    Column("child_id", Integer, ForeignKey("children.id"), index=True),
    Column("row", Integer, nullable=False),
    Column("event_type", Text),
    Column("event_date", Date),
    Column("on_time", Boolean, nullable=False),
)

purges = Table(
    "purges",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("purged_at", DateTime, nullable=False),
    Column("ended_before", Date, nullable=False),
    Column("children", Integer, nullable=False),
    Column("placements", Integer, nullable=False),
)

directories = Table(
    "directories",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("file", Text, nullable=False),
    Column("directory_date", Date, nullable=False),  # the date it is correct at
    Column("queries", Integer, nullable=False, default=0),
    Column("findings", JSON, nullable=False),
    Column("loaded_at", DateTime, nullable=False),
)

directory_listings = Table(
    "directory_listings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("directory_id", Integer, ForeignKey("directories.id"), nullable=False, index=True),
    Column("row", Integer, nullable=False),
    Column("provider_key", Text, nullable=False),
    Column("provider_id", Text, nullable=False),
    Column("provider_name", Text),
    Column("status", Text),
    Column("registered", Text),
    Column("dfe_urn", Text),
    Column("last_qa_visit", Date),
    Column("qa_outcome", Text),
    Column("standard_fee", Float),  # 0003: pounds per fee_basis (§12.8), for the year's cost estimate
    Column("fee_basis", Text),
)
