"""Load ledger: what populate loaded, per dataset and work unit.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "bronze_load_ledger",
        sa.Column("dataset_key", sa.String(64), nullable=False, comment="Hash of the dataset parameters"),
        sa.Column("unit", sa.String(100), nullable=False, comment="Work unit, e.g. day:0042"),
        sa.Column("params", JSON, nullable=False, comment="Dataset parameters"),
        sa.Column("row_counts", JSON, nullable=False, comment="Rows loaded per table"),
        sa.Column("loaded_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"),
                  comment="Server time of the load"),
        sa.PrimaryKeyConstraint("dataset_key", "unit", name="pk_bronze_load_ledger"),
        schema="bronze",
        comment="Work units loaded by bronze_factories.populate, with the dataset parameters",
    )


def downgrade() -> None:
    op.drop_table("bronze_load_ledger", schema="bronze")
