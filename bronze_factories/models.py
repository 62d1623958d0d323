"""SQLAlchemy models of the seven bronze tables (see ``bronze-contract.md``).

Bronze is a raw landing zone: it has no foreign-key constraints, so the relationships
below are *logical* (``primaryjoin`` with ``foreign()``). They exist so that tests can
navigate ``order.customer`` or ``session.events`` and so that factories can hand a
parent object instead of an id.

Every table lives in the schema ``bronze`` in the metadata; another schema name is a
runtime choice made with ``schema_translate_map`` (see :func:`bronze_factories.config.make_engine`),
so no code has to change to load into ``staging`` instead.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.naming import conv

SCHEMA = "bronze"
SOURCE_SYSTEM = "ecommerce_platform"

#: JSONB on PostgreSQL (indexable with GIN), plain JSON elsewhere (SQLite).
JsonDoc = JSON().with_variant(JSONB(), "postgresql")

#: Tables range-partitioned on a date column, with the column.
PARTITIONED = {
    "raw_orders": "order_date",
    "raw_inventory": "movement_date",
    "raw_clickstream": "event_timestamp",
}


class Base(DeclarativeBase):
    metadata = MetaData(
        schema=SCHEMA,
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "pk": "pk_%(table_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
        },
    )


def _source_system() -> Mapped[str]:
    return mapped_column(
        String(50),
        nullable=False,
        server_default=SOURCE_SYSTEM,
        default=SOURCE_SYSTEM,
        comment="System the record was extracted from",
    )


def _ingestion_timestamp() -> Mapped[dt.datetime | None]:
    return mapped_column(
        DateTime(),
        server_default=text("CURRENT_TIMESTAMP"),
        comment="When the row landed in bronze (server time, not part of the data)",
    )


def _raw_data() -> Mapped[dict[str, Any] | None]:
    return mapped_column(JsonDoc, comment="Complete source record as JSON")


def _gin(name: str, column: str) -> Index:
    return Index(name, column, postgresql_using="gin").ddl_if(dialect="postgresql")


class RawCustomer(Base):
    __tablename__ = "raw_customers"
    __table_args__ = (
        Index(None, "email"),
        Index(None, "registration_date"),
        Index(None, "source_system", "ingestion_timestamp"),
        _gin("ix_raw_customers_address_gin", "address"),
        {"comment": "Customers as extracted from the e-commerce platform"},
    )

    customer_id: Mapped[str] = mapped_column(String(50), primary_key=True, comment="CUST + 8 digits")
    email: Mapped[str | None] = mapped_column(String(255), comment="Login email")
    customer_name: Mapped[str | None] = mapped_column(String(255), comment="Full name")
    first_name: Mapped[str | None] = mapped_column(String(100), comment="Given name")
    last_name: Mapped[str | None] = mapped_column(String(100), comment="Family name")
    phone: Mapped[str | None] = mapped_column(String(50), comment="Phone number")
    address: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc, comment="Postal address")
    registration_date: Mapped[dt.datetime | None] = mapped_column(DateTime(), comment="Account creation time")
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date(), comment="Date of birth")
    gender: Mapped[str | None] = mapped_column(String(20), comment="Self-declared gender")
    source_system: Mapped[str] = _source_system()
    ingestion_timestamp: Mapped[dt.datetime | None] = _ingestion_timestamp()
    raw_data: Mapped[dict[str, Any] | None] = _raw_data()

    orders: Mapped[list[RawOrder]] = relationship(
        primaryjoin="RawCustomer.customer_id == foreign(RawOrder.customer_id)",
        back_populates="customer",
    )
    reviews: Mapped[list[RawReview]] = relationship(
        primaryjoin="RawCustomer.customer_id == foreign(RawReview.customer_id)",
        back_populates="customer",
    )
    sessions: Mapped[list[RawSession]] = relationship(
        primaryjoin="RawCustomer.customer_id == foreign(RawSession.user_id)",
        back_populates="customer",
    )


class RawProduct(Base):
    __tablename__ = "raw_products"
    __table_args__ = (
        Index(None, "category"),
        Index(None, "supplier_id"),
        Index(None, "sku"),
        Index(None, "source_system", "ingestion_timestamp"),
        _gin("ix_raw_products_attributes_gin", "attributes"),
        {"comment": "Product catalog as extracted from the e-commerce platform"},
    )

    product_id: Mapped[str] = mapped_column(String(50), primary_key=True, comment="PROD + 8 digits")
    product_name: Mapped[str | None] = mapped_column(Text(), comment="Display name")
    description: Mapped[str | None] = mapped_column(Text(), comment="Marketing description")
    category: Mapped[str | None] = mapped_column(String(100), comment="Top-level category")
    subcategory: Mapped[str | None] = mapped_column(String(100), comment="Subcategory within category")
    price: Mapped[Decimal | None] = mapped_column(Numeric(10, 2), comment="List price")
    cost: Mapped[Decimal | None] = mapped_column(Numeric(10, 2), comment="Unit cost, below price")
    currency: Mapped[str | None] = mapped_column(
        String(3), server_default="USD", default="USD", comment="ISO 4217 currency code"
    )
    attributes: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc, comment="Size, color, dimensions...")
    supplier_id: Mapped[str | None] = mapped_column(String(50), comment="Supplier identifier")
    brand: Mapped[str | None] = mapped_column(String(100), comment="Brand name")
    sku: Mapped[str | None] = mapped_column(String(100), comment="Stock keeping unit")
    source_system: Mapped[str] = _source_system()
    ingestion_timestamp: Mapped[dt.datetime | None] = _ingestion_timestamp()
    raw_data: Mapped[dict[str, Any] | None] = _raw_data()

    reviews: Mapped[list[RawReview]] = relationship(
        primaryjoin="RawProduct.product_id == foreign(RawReview.product_id)",
        back_populates="product",
    )
    movements: Mapped[list[RawInventory]] = relationship(
        primaryjoin="RawProduct.product_id == foreign(RawInventory.product_id)",
        back_populates="product",
    )


class RawOrder(Base):
    __tablename__ = "raw_orders"
    __table_args__ = (
        Index(None, "customer_id"),
        Index(None, "order_date"),
        Index(None, "status"),
        Index(None, "source_system", "ingestion_timestamp"),
        {
            "comment": "Orders; items, payment and fulfilment live in raw_data",
            "postgresql_partition_by": "RANGE (order_date)",
        },
    )

    order_id: Mapped[str] = mapped_column(String(50), primary_key=True, comment="ORD + 10 digits")
    customer_id: Mapped[str | None] = mapped_column(String(50), comment="Ordering customer")
    order_date: Mapped[dt.datetime] = mapped_column(
        DateTime(), primary_key=True, comment="Time the order was placed (partition key)"
    )
    status: Mapped[str | None] = mapped_column(String(50), comment="Fulfilment status")
    shipping_address: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc, comment="Delivery address")
    total_amount: Mapped[Decimal | None] = mapped_column(
        Numeric(15, 2), comment="Items + tax + shipping, to the cent"
    )
    source_system: Mapped[str] = _source_system()
    ingestion_timestamp: Mapped[dt.datetime | None] = _ingestion_timestamp()
    raw_data: Mapped[dict[str, Any] | None] = _raw_data()

    customer: Mapped[RawCustomer | None] = relationship(
        primaryjoin="foreign(RawOrder.customer_id) == RawCustomer.customer_id",
        back_populates="orders",
    )


class RawInventory(Base):
    __tablename__ = "raw_inventory"
    __table_args__ = (
        Index(None, "product_id"),
        Index(None, "warehouse_id"),
        Index(None, "movement_type"),
        Index(None, "movement_date"),
        Index(None, "reference_number"),
        Index(None, "source_system", "ingestion_timestamp"),
        {
            "comment": "Stock movements per product and warehouse",
            "postgresql_partition_by": "RANGE (movement_date)",
        },
    )

    inventory_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
        comment="Movement id, assigned by the generator so re-runs can skip loaded rows",
    )
    product_id: Mapped[str] = mapped_column(String(50), nullable=False, comment="Product moved")
    warehouse_id: Mapped[str] = mapped_column(String(50), nullable=False, comment="WH + 3 digits")
    quantity: Mapped[int] = mapped_column(Integer(), nullable=False, comment="Signed quantity")
    movement_type: Mapped[str] = mapped_column(
        String(50), nullable=False, comment="IN, OUT, ADJUSTMENT or TRANSFER"
    )
    movement_date: Mapped[dt.datetime] = mapped_column(
        DateTime(), primary_key=True, comment="Time of the movement (partition key)"
    )
    reference_number: Mapped[str | None] = mapped_column(String(100), comment="Order id or document number")
    source_system: Mapped[str] = _source_system()
    ingestion_timestamp: Mapped[dt.datetime | None] = _ingestion_timestamp()
    raw_data: Mapped[dict[str, Any] | None] = _raw_data()

    product: Mapped[RawProduct | None] = relationship(
        primaryjoin="foreign(RawInventory.product_id) == RawProduct.product_id",
        back_populates="movements",
    )


class RawReview(Base):
    __tablename__ = "raw_reviews"
    __table_args__ = (
        # The full, final name (conv: not prefixed again by the naming convention), the one
        # migration 0003 gives databases whose 0001 prefixed it twice.
        CheckConstraint("rating BETWEEN 1 AND 5", name=conv("ck_raw_reviews_rating_range")),
        Index(None, "product_id"),
        Index(None, "customer_id"),
        Index(None, "review_date"),
        Index(None, "rating"),
        Index(None, "source_system", "ingestion_timestamp"),
        Index(
            "ix_raw_reviews_review_text_fts",
            func.to_tsvector(text("'english'"), text("review_text")),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
        {"comment": "Product reviews written by customers"},
    )

    review_id: Mapped[str] = mapped_column(String(50), primary_key=True, comment="REV + 10 digits")
    product_id: Mapped[str] = mapped_column(String(50), nullable=False, comment="Reviewed product")
    customer_id: Mapped[str | None] = mapped_column(String(50), comment="Reviewing customer")
    rating: Mapped[int | None] = mapped_column(Integer(), comment="1 to 5 stars")
    review_text: Mapped[str | None] = mapped_column(Text(), comment="Body of the review")
    review_title: Mapped[str | None] = mapped_column(String(255), comment="Headline")
    review_date: Mapped[dt.datetime | None] = mapped_column(DateTime(), comment="Time of posting")
    helpful_count: Mapped[int | None] = mapped_column(
        Integer(), server_default="0", default=0, comment="Helpful votes"
    )
    verified_purchase: Mapped[bool | None] = mapped_column(
        Boolean(), server_default="false", default=False, comment="Delivered order before the review"
    )
    source_system: Mapped[str] = _source_system()
    ingestion_timestamp: Mapped[dt.datetime | None] = _ingestion_timestamp()
    raw_data: Mapped[dict[str, Any] | None] = _raw_data()

    product: Mapped[RawProduct | None] = relationship(
        primaryjoin="foreign(RawReview.product_id) == RawProduct.product_id",
        back_populates="reviews",
    )
    customer: Mapped[RawCustomer | None] = relationship(
        primaryjoin="foreign(RawReview.customer_id) == RawCustomer.customer_id",
        back_populates="reviews",
    )


class RawSession(Base):
    __tablename__ = "raw_sessions"
    __table_args__ = (
        Index(None, "user_id"),
        Index(None, "start_time"),
        Index(None, "device_type"),
        Index(None, "source_system", "ingestion_timestamp"),
        _gin("ix_raw_sessions_location_gin", "location"),
        {"comment": "Web sessions, logged-in or guest"},
    )

    session_id: Mapped[str] = mapped_column(String(100), primary_key=True, comment="SESS + 12 digits")
    user_id: Mapped[str | None] = mapped_column(String(50), comment="Customer id, null for guests")
    start_time: Mapped[dt.datetime] = mapped_column(DateTime(), nullable=False, comment="First event time")
    end_time: Mapped[dt.datetime | None] = mapped_column(DateTime(), comment="Last event time")
    duration_seconds: Mapped[int | None] = mapped_column(Integer(), comment="end_time - start_time")
    device_type: Mapped[str | None] = mapped_column(String(50), comment="desktop, mobile or tablet")
    browser: Mapped[str | None] = mapped_column(String(100), comment="Browser family")
    operating_system: Mapped[str | None] = mapped_column(String(100), comment="Operating system")
    location: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc, comment="Geo-IP location")
    ip_address: Mapped[str | None] = mapped_column(String(45), comment="Client IP address")
    is_mobile: Mapped[bool | None] = mapped_column(Boolean(), comment="True for mobile and tablet")
    source_system: Mapped[str] = _source_system()
    ingestion_timestamp: Mapped[dt.datetime | None] = _ingestion_timestamp()
    raw_data: Mapped[dict[str, Any] | None] = _raw_data()

    events: Mapped[list[RawClickstream]] = relationship(
        primaryjoin="RawSession.session_id == foreign(RawClickstream.session_id)",
        back_populates="session",
        order_by="RawClickstream.event_timestamp",
    )
    customer: Mapped[RawCustomer | None] = relationship(
        primaryjoin="foreign(RawSession.user_id) == RawCustomer.customer_id",
        back_populates="sessions",
    )


class RawClickstream(Base):
    __tablename__ = "raw_clickstream"
    __table_args__ = (
        Index(None, "session_id"),
        Index(None, "user_id"),
        Index(None, "event_type"),
        Index(None, "event_timestamp"),
        Index(None, "source_system", "ingestion_timestamp"),
        _gin("ix_raw_clickstream_device_info_gin", "device_info"),
        {
            "comment": "Clickstream events of web sessions",
            "postgresql_partition_by": "RANGE (event_timestamp)",
        },
    )

    event_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
        comment="Event id, assigned by the generator so re-runs can skip loaded rows",
    )
    session_id: Mapped[str] = mapped_column(String(100), nullable=False, comment="Owning session")
    user_id: Mapped[str | None] = mapped_column(String(50), comment="Session's user, null for guests")
    event_type: Mapped[str] = mapped_column(String(50), nullable=False, comment="page_view, add_to_cart...")
    page_url: Mapped[str | None] = mapped_column(Text(), comment="Page path")
    referrer: Mapped[str | None] = mapped_column(Text(), comment="Referring URL")
    device_info: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc, comment="Session device fields")
    event_timestamp: Mapped[dt.datetime] = mapped_column(
        DateTime(), primary_key=True, comment="Time of the event (partition key)"
    )
    source_system: Mapped[str] = _source_system()
    ingestion_timestamp: Mapped[dt.datetime | None] = _ingestion_timestamp()
    raw_data: Mapped[dict[str, Any] | None] = _raw_data()

    session: Mapped[RawSession | None] = relationship(
        primaryjoin="foreign(RawClickstream.session_id) == RawSession.session_id",
        back_populates="events",
    )


class LoadLedger(Base):
    """What populate has loaded: one row per dataset and work unit, written in the unit's transaction.

    A re-run reads it to skip units already loaded, which is what makes populate idempotent and
    resumable after a kill; the validator reads the dataset parameters from it.
    """

    __tablename__ = "bronze_load_ledger"
    __table_args__ = ({"comment": "Work units loaded by bronze_factories.populate, with the dataset parameters"},)

    dataset_key: Mapped[str] = mapped_column(String(64), primary_key=True, comment="Hash of the dataset parameters")
    unit: Mapped[str] = mapped_column(String(100), primary_key=True, comment="Work unit, e.g. day:0042")
    params: Mapped[dict[str, Any]] = mapped_column(JsonDoc, nullable=False, comment="Dataset parameters")
    row_counts: Mapped[dict[str, Any]] = mapped_column(JsonDoc, nullable=False, comment="Rows loaded per table")
    loaded_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(), server_default=text("CURRENT_TIMESTAMP"), comment="Server time of the load"
    )


MODELS: tuple[type[Base], ...] = (
    RawCustomer,
    RawProduct,
    RawOrder,
    RawInventory,
    RawReview,
    RawSession,
    RawClickstream,
)
TABLES: tuple[str, ...] = tuple(m.__tablename__ for m in MODELS)

__all__ = [
    "MODELS",
    "PARTITIONED",
    "SCHEMA",
    "SOURCE_SYSTEM",
    "TABLES",
    "Base",
    "LoadLedger",
    "RawClickstream",
    "RawCustomer",
    "RawInventory",
    "RawOrder",
    "RawProduct",
    "RawReview",
    "RawSession",
]
