"""computed_results: region aggregates shared by the web server's processes

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
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
        "computed_results",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("stamp", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_computed_results")),
    )


def downgrade() -> None:
    op.drop_table("computed_results")
