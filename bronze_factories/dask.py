"""The dataset as a ``dask.dataframe``, for notebooks and Dask pipelines (``pip install 'bronze-factories[dask]'``).

::

    import datetime as dt
    from bronze_factories.dask import dataframe
    from bronze_factories.engine import Params

    orders = dataframe(Params(end_date=dt.date(2026, 1, 1)), "raw_orders")
    orders.groupby(orders.order_date.dt.month).total_amount.sum().compute()

One partition per work unit (``dd.from_map``), so partitions are generated where they are computed
(on the cluster of the current ``distributed.Client``, if any) and are the same rows the populate
command writes, typed as in the Parquet files (timestamps, decimals, JSON as text).
"""

from __future__ import annotations

from typing import Any

from .engine import COLUMNS, Params
from .engine.simulation import simulation_for, unit_keys

#: Which units yield rows of each table.
_KINDS = {"raw_customers": ("customers",), "raw_products": ("products",), "raw_inventory": ("stock", "day")}


def units_of(params: Params, table: str) -> list[str]:
    """The units that hold rows of ``table``, in load order."""
    if table not in COLUMNS:
        raise ValueError(f"unknown table {table!r}; one of {', '.join(COLUMNS)}")
    kinds = _KINDS.get(table, ("day",))
    return [u for u in unit_keys(params) if u.split(":", 1)[0] in kinds]


#: ``ingestion_timestamp`` is when a load landed, not part of the dataset: a frame of the dataset
#: has the engine's columns only (the placeholder below is dropped again).
_INGESTED = "ingestion_timestamp"
_PLACEHOLDER = "1970-01-01T00:00:00"


def _empty(table: str) -> Any:
    from .loaders.files import arrow_schema

    return arrow_schema(table).empty_table().drop_columns([_INGESTED]).to_pandas()


def unit_frame(params: Params, table: str, batch_size: int, unit: str) -> Any:
    """One partition: the rows of ``table`` in ``unit``, as a pandas DataFrame."""
    import pyarrow as pa

    from .loaders.files import arrow_table, file_rows

    pieces = [arrow_table(table, file_rows(table, c.rows, _PLACEHOLDER)).drop_columns([_INGESTED])
              for c in simulation_for(params).generate_unit(unit, batch_size) if c.table == table and c.rows]
    if not pieces:
        return _empty(table)
    return pa.concat_tables(pieces).to_pandas()


def dataframe(params: Params, table: str, batch_size: int = 50_000) -> Any:
    """``table`` of the dataset ``params`` as a lazy ``dask.dataframe``, one partition per work unit."""
    from functools import partial

    import dask.dataframe as dd

    units = units_of(params, table)
    return dd.from_map(partial(unit_frame, params, table, batch_size), units, meta=_empty(table),
                       label=f"bronze-{table}", enforce_metadata=False)
