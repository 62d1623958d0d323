"""Bronze schema: the seven raw tables, default partitions, indexes and comments.

Revision ID: 0001
Revises:
Create Date: 2026-11-26

Table names carry the schema ``bronze``; env.py translates it to the target schema
(``schema_translate_map``) and to none on SQLite. Partitioning and GIN indexes are
PostgreSQL-only; SQLite gets the same tables and b-tree indexes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "bronze"
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PARTITIONED = {"raw_orders": "order_date", "raw_inventory": "movement_date", "raw_clickstream": "event_timestamp"}

# table -> b-tree indexes (column lists), GIN index name and column
BTREE = {
    "raw_customers": [["email"], ["registration_date"]],
    "raw_products": [["category"], ["supplier_id"], ["sku"]],
    "raw_orders": [["customer_id"], ["order_date"], ["status"]],
    "raw_inventory": [["product_id"], ["warehouse_id"], ["movement_type"], ["movement_date"], ["reference_number"]],
    "raw_reviews": [["product_id"], ["customer_id"], ["review_date"], ["rating"]],
    "raw_sessions": [["user_id"], ["start_time"], ["device_type"]],
    "raw_clickstream": [["session_id"], ["user_id"], ["event_type"], ["event_timestamp"]],
}
GIN = {
    "raw_customers": "address",
    "raw_products": "attributes",
    "raw_sessions": "location",
    "raw_clickstream": "device_info",
}


def _tail() -> list[sa.Column]:
    return [
        sa.Column("source_system", sa.String(50), server_default="ecommerce_platform", nullable=False,
                  comment="System the record was extracted from"),
        sa.Column("ingestion_timestamp", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"),
                  comment="When the row landed in bronze (server time, not part of the data)"),
        sa.Column("raw_data", JSON, comment="Complete source record as JSON"),
    ]


def _create(name: str, comment: str, *columns: sa.Column | sa.Constraint) -> None:
    kw = {}
    if name in PARTITIONED:
        kw["postgresql_partition_by"] = f"RANGE ({PARTITIONED[name]})"
    op.create_table(name, *columns, *_tail(), sa.PrimaryKeyConstraint(
        *[c.name for c in columns if isinstance(c, sa.Column) and c.primary_key], name=f"pk_{name}"
    ), schema=S, comment=comment, **kw)


def upgrade() -> None:
    # SQLite cannot autoincrement part of a composite key; the generator supplies ids anyway.
    postgres = op.get_context().dialect.name == "postgresql"  # no bind offline (--sql)
    target = op.get_context().config.attributes.get("target_schema") if postgres else None

    _create(
        "raw_customers", "Customers as extracted from the e-commerce platform",
        sa.Column("customer_id", sa.String(50), primary_key=True, comment="CUST + 8 digits"),
        sa.Column("email", sa.String(255), comment="Login email"),
        sa.Column("customer_name", sa.String(255), comment="Full name"),
        sa.Column("first_name", sa.String(100), comment="Given name"),
        sa.Column("last_name", sa.String(100), comment="Family name"),
        sa.Column("phone", sa.String(50), comment="Phone number"),
        sa.Column("address", JSON, comment="Postal address"),
        sa.Column("registration_date", sa.DateTime(), comment="Account creation time"),
        sa.Column("date_of_birth", sa.Date(), comment="Date of birth"),
        sa.Column("gender", sa.String(20), comment="Self-declared gender"),
    )
    _create(
        "raw_products", "Product catalog as extracted from the e-commerce platform",
        sa.Column("product_id", sa.String(50), primary_key=True, comment="PROD + 8 digits"),
        sa.Column("product_name", sa.Text(), comment="Display name"),
        sa.Column("description", sa.Text(), comment="Marketing description"),
        sa.Column("category", sa.String(100), comment="Top-level category"),
        sa.Column("subcategory", sa.String(100), comment="Subcategory within category"),
        sa.Column("price", sa.Numeric(10, 2), comment="List price"),
        sa.Column("cost", sa.Numeric(10, 2), comment="Unit cost, below price"),
        sa.Column("currency", sa.String(3), server_default="USD", comment="ISO 4217 currency code"),
        sa.Column("attributes", JSON, comment="Size, color, dimensions..."),
        sa.Column("supplier_id", sa.String(50), comment="Supplier identifier"),
        sa.Column("brand", sa.String(100), comment="Brand name"),
        sa.Column("sku", sa.String(100), comment="Stock keeping unit"),
    )
    _create(
        "raw_orders", "Orders; items, payment and fulfilment live in raw_data",
        sa.Column("order_id", sa.String(50), primary_key=True, comment="ORD + 10 digits"),
        sa.Column("customer_id", sa.String(50), comment="Ordering customer"),
        sa.Column("order_date", sa.DateTime(), primary_key=True, nullable=False,
                  comment="Time the order was placed (partition key)"),
        sa.Column("status", sa.String(50), comment="Fulfilment status"),
        sa.Column("shipping_address", JSON, comment="Delivery address"),
        sa.Column("total_amount", sa.Numeric(15, 2), comment="Items + tax + shipping, to the cent"),
    )
    _create(
        "raw_inventory", "Stock movements per product and warehouse",
        sa.Column("inventory_id", BIGINT, primary_key=True, autoincrement=postgres, nullable=False,
                  comment="Movement id, assigned by the generator so re-runs can skip loaded rows"),
        sa.Column("product_id", sa.String(50), nullable=False, comment="Product moved"),
        sa.Column("warehouse_id", sa.String(50), nullable=False, comment="WH + 3 digits"),
        sa.Column("quantity", sa.Integer(), nullable=False, comment="Signed quantity"),
        sa.Column("movement_type", sa.String(50), nullable=False, comment="IN, OUT, ADJUSTMENT or TRANSFER"),
        sa.Column("movement_date", sa.DateTime(), primary_key=True, nullable=False,
                  comment="Time of the movement (partition key)"),
        sa.Column("reference_number", sa.String(100), comment="Order id or document number"),
    )
    _create(
        "raw_reviews", "Product reviews written by customers",
        sa.Column("review_id", sa.String(50), primary_key=True, comment="REV + 10 digits"),
        sa.Column("product_id", sa.String(50), nullable=False, comment="Reviewed product"),
        sa.Column("customer_id", sa.String(50), comment="Reviewing customer"),
        sa.Column("rating", sa.Integer(), comment="1 to 5 stars"),
        sa.Column("review_text", sa.Text(), comment="Body of the review"),
        sa.Column("review_title", sa.String(255), comment="Headline"),
        sa.Column("review_date", sa.DateTime(), comment="Time of posting"),
        sa.Column("helpful_count", sa.Integer(), server_default="0", comment="Helpful votes"),
        sa.Column("verified_purchase", sa.Boolean(), server_default="false",
                  comment="Delivered order before the review"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="ck_raw_reviews_rating_range"),
    )
    _create(
        "raw_sessions", "Web sessions, logged-in or guest",
        sa.Column("session_id", sa.String(100), primary_key=True, comment="SESS + 12 digits"),
        sa.Column("user_id", sa.String(50), comment="Customer id, null for guests"),
        sa.Column("start_time", sa.DateTime(), nullable=False, comment="First event time"),
        sa.Column("end_time", sa.DateTime(), comment="Last event time"),
        sa.Column("duration_seconds", sa.Integer(), comment="end_time - start_time"),
        sa.Column("device_type", sa.String(50), comment="desktop, mobile or tablet"),
        sa.Column("browser", sa.String(100), comment="Browser family"),
        sa.Column("operating_system", sa.String(100), comment="Operating system"),
        sa.Column("location", JSON, comment="Geo-IP location"),
        sa.Column("ip_address", sa.String(45), comment="Client IP address"),
        sa.Column("is_mobile", sa.Boolean(), comment="True for mobile and tablet"),
    )
    _create(
        "raw_clickstream", "Clickstream events of web sessions",
        sa.Column("event_id", BIGINT, primary_key=True, autoincrement=postgres, nullable=False,
                  comment="Event id, assigned by the generator so re-runs can skip loaded rows"),
        sa.Column("session_id", sa.String(100), nullable=False, comment="Owning session"),
        sa.Column("user_id", sa.String(50), comment="Session's user, null for guests"),
        sa.Column("event_type", sa.String(50), nullable=False, comment="page_view, add_to_cart..."),
        sa.Column("page_url", sa.Text(), comment="Page path"),
        sa.Column("referrer", sa.Text(), comment="Referring URL"),
        sa.Column("device_info", JSON, comment="Session device fields"),
        sa.Column("event_timestamp", sa.DateTime(), primary_key=True, nullable=False,
                  comment="Time of the event (partition key)"),
    )

    for table, indexes in BTREE.items():
        for cols in [*indexes, ["source_system", "ingestion_timestamp"]]:
            op.create_index(f"ix_{table}_{'_'.join(cols)}", table, cols, schema=S)
    if postgres:
        for table, column in GIN.items():
            op.create_index(f"ix_{table}_{column}_gin", table, [column], schema=S, postgresql_using="gin")
        op.create_index("ix_raw_reviews_review_text_fts", "raw_reviews",
                        [sa.literal_column("to_tsvector('english', review_text)")],
                        schema=S, postgresql_using="gin")
        for table in PARTITIONED:
            op.execute(f'CREATE TABLE "{target}"."{table}_default" PARTITION OF "{target}"."{table}" DEFAULT')


def downgrade() -> None:
    # Dropping a partitioned table drops its partitions and every index with it.
    for table in reversed(list(BTREE)):
        op.drop_table(table, schema=S)
