"""``bronze_factories.dask.dataframe``: the dataset's rows as a lazy dask.dataframe, one partition per unit."""

from __future__ import annotations

import datetime as dt

from bronze_factories.dask import dataframe, units_of
from bronze_factories.engine import COLUMNS, Params, generate

SMALL = Params(end_date=dt.date(2026, 1, 1), customers=200, products=100, orders=400, days=30, sessions_per_day=60)


def test_dataframe_holds_the_engine_rows_one_partition_per_unit() -> None:
    orders = dataframe(SMALL, "raw_orders")
    assert orders.npartitions == len(units_of(SMALL, "raw_orders")) == 30
    assert list(orders.columns) == list(COLUMNS["raw_orders"])
    frame = orders.compute(scheduler="synchronous").sort_values("order_id")
    expected = sorted(row for c in generate(SMALL) if c.table == "raw_orders" for row in c.rows)
    assert frame.order_id.tolist() == [r[0] for r in expected]
    assert str(frame.order_date.dtype).startswith("datetime64")
    assert frame.order_date.min() >= SMALL.start and frame.order_date.max() < SMALL.end


def test_inventory_spans_stock_and_day_units() -> None:
    inventory = dataframe(SMALL, "raw_inventory")
    assert inventory.npartitions == 31
    rows = sum(len(c.rows) for c in generate(SMALL) if c.table == "raw_inventory")
    assert len(inventory.compute(scheduler="synchronous")) == rows
