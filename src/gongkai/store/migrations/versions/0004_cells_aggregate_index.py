"""cells: a partial index over the cells that region aggregates read (report, key, value)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# frozen here as the schema declared it (tests/test_store_model.py checks that they agree)
KEYS = (
    "appeals.litigation_after_review.corrected",
    "appeals.litigation_after_review.other",
    "appeals.litigation_after_review.pending",
    "appeals.litigation_after_review.total",
    "appeals.litigation_after_review.upheld",
    "appeals.litigation_direct.corrected",
    "appeals.litigation_direct.other",
    "appeals.litigation_direct.pending",
    "appeals.litigation_direct.total",
    "appeals.litigation_direct.upheld",
    "appeals.review.corrected",
    "appeals.review.other",
    "appeals.review.pending",
    "appeals.review.total",
    "appeals.review.upheld",
    "applications.carried_over.total",
    "applications.disclosed.total",
    "applications.not_processed_complaint.total",
    "applications.not_processed_confirmation.total",
    "applications.not_processed_duplicate.total",
    "applications.not_processed_excessive.total",
    "applications.not_processed_publication.total",
    "applications.other.total",
    "applications.other_no_correction.total",
    "applications.other_other.total",
    "applications.other_unpaid_fee.total",
    "applications.partly_disclosed.total",
    "applications.processed_total.total",
    "applications.received.total",
    "applications.unavailable_needs_creation.total",
    "applications.unavailable_not_held.total",
    "applications.unavailable_unclear.total",
    "applications.withheld_enforcement_file.total",
    "applications.withheld_internal_affairs.total",
    "applications.withheld_process_info.total",
    "applications.withheld_prohibited_by_law.total",
    "applications.withheld_query_matter.total",
    "applications.withheld_security_stability.total",
    "applications.withheld_state_secret.total",
    "applications.withheld_third_party.total",
)
PREDICATE = "key IN (" + ", ".join(f"'{k}'" for k in KEYS) + ")"


def upgrade() -> None:
    where = sa.text(PREDICATE)
    op.create_index(
        "ix_cells_aggregate",
        "cells",
        ["report_id", "key", "value"],
        unique=False,
        sqlite_where=where,
        postgresql_where=where,
    )


def downgrade() -> None:
    op.drop_index("ix_cells_aggregate", table_name="cells")
