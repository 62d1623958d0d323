"""Review rating CHECK constraint named ``ck_raw_reviews_rating_range``, as the models name it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

Revision 0001 passed the full name to ``op.create_table``, where the models' naming convention
(``ck_%(table_name)s_%(constraint_name)s``) prefixed it a second time:
``ck_raw_reviews_ck_raw_reviews_rating_range``. Every database migrated by 0001 has that name,
so the rename is unconditional (and renders offline with ``--sql``). SQLite cannot rename a
constraint: the small ``raw_reviews`` table is rebuilt in batch mode instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "ck_raw_reviews_ck_raw_reviews_rating_range"
NEW = "ck_raw_reviews_rating_range"
CHECK = "rating BETWEEN 1 AND 5"


def _rename(old: str, new: str) -> None:
    context = op.get_context()
    if context.dialect.name == "postgresql":
        schema = context.config.attributes.get("target_schema") or "bronze"
        op.execute(f'ALTER TABLE "{schema}".raw_reviews RENAME CONSTRAINT {old} TO {new}')
        return
    # SQLite has no schemas (no schema= here); op.f(): the name is final, the naming convention
    # must not prefix it again.
    with op.batch_alter_table("raw_reviews", recreate="always") as batch:
        batch.drop_constraint(op.f(old), type_="check")
        batch.create_check_constraint(op.f(new), CHECK)


def upgrade() -> None:
    _rename(OLD, NEW)


def downgrade() -> None:
    _rename(NEW, OLD)
