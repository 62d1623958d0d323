"""The causal story at the engine level: a dataset taken on in steps holds the same rows as one made
at once up to the same end, and no row is dated after the end it was made for."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bronze_factories.engine import COLUMNS, Params, Simulation
from bronze_factories.engine.orders import DAY, HOUR, MAX_BACKORDER_WAIT
from bronze_factories.engine.steps import LOOKBACK_DAYS, seconds, step_keys

PARAMS = Params(end_date=dt.date(2026, 1, 1), customers=400, products=150, orders=1200, days=40,
                sessions_per_day=200, seed=11)
#: The primary key of each table (the contract's), the identity an upsert replaces.
KEYS = {"raw_customers": ("customer_id",), "raw_products": ("product_id",), "raw_orders": ("order_id", "order_date"),
        "raw_inventory": ("inventory_id", "movement_date"), "raw_reviews": ("review_id",),
        "raw_sessions": ("session_id",), "raw_clickstream": ("event_id", "event_timestamp")}
DATED = {"raw_orders": "order_date", "raw_inventory": "movement_date", "raw_reviews": "review_date",
         "raw_sessions": "end_time", "raw_clickstream": "event_timestamp", "raw_customers": "registration_date"}


def _apply(store: dict[str, dict[tuple, tuple]], sim: Simulation, units: list[str]) -> None:
    for unit in units:
        for chunk in sim.generate_unit(unit):
            key = [COLUMNS[chunk.table].index(c) for c in KEYS[chunk.table]]
            table = store.setdefault(chunk.table, {})
            for row in chunk.rows:
                k = tuple(row[i] for i in key)
                assert chunk.upsert == (k in table), f"{chunk.table} {k}: upsert={chunk.upsert} but present={k in table}"
                table[k] = row


def _fresh(until: dt.datetime) -> dict[str, dict[tuple, tuple]]:
    sim = Simulation(dataclasses.replace(PARAMS, until=until))
    store: dict[str, dict[tuple, tuple]] = {}
    _apply(store, sim, sim.units())
    return store


@pytest.mark.parametrize("steps", [[dt.datetime(2026, 1, 31)],
                                   [dt.datetime(2026, 1, 3, 7, 30), dt.datetime(2026, 1, 9), dt.datetime(2026, 1, 31)]])
def test_a_dataset_taken_on_in_steps_equals_one_made_at_once(steps: list[dt.datetime]) -> None:
    store: dict[str, dict[tuple, tuple]] = {}
    base = Simulation(PARAMS)
    _apply(store, base, base.units())
    since = seconds(PARAMS.end)
    for until in steps:
        sim = Simulation(dataclasses.replace(PARAMS, until=until))
        _apply(store, sim, step_keys(PARAMS, since, seconds(until)))
        since = seconds(until)
        fresh = _fresh(until)
        assert {t: len(r) for t, r in store.items()} == {t: len(r) for t, r in fresh.items()}
        assert store == fresh
    orders = store["raw_orders"].values()
    assert {r[3] for r in orders} >= {"delivered", "shipped", "cancelled", "returned"}
    assert len(store["raw_customers"]) > PARAMS.customers  # registrations went on


def test_no_row_is_dated_at_or_after_the_end_it_was_made_for() -> None:
    until = dt.datetime(2026, 1, 5, 13, 17, 5)
    store = _fresh(until)
    text = until.strftime("%Y-%m-%d %H:%M:%S")
    for table, column in DATED.items():
        at = COLUMNS[table].index(column)
        assert max(row[at] for row in store[table].values()) < text, table


def test_the_first_window_keeps_its_exact_counts_when_the_dataset_goes_on() -> None:
    store = _fresh(dt.datetime(2026, 2, 20))
    end = PARAMS.end.strftime("%Y-%m-%d %H:%M:%S")
    orders = [r for r in store["raw_orders"].values() if r[2] < end]
    assert len(orders) == PARAMS.orders
    sessions = [r for r in store["raw_sessions"].values() if r[2] < end]
    assert len(sessions) == PARAMS.sessions_per_day * PARAMS.days
    assert sum(r[0] <= f"CUST{PARAMS.customers:08d}" for r in store["raw_customers"].values()) == PARAMS.customers


def test_the_lookback_covers_the_longest_lifecycle() -> None:
    """A step regenerates LOOKBACK_DAYS of earlier days: the longest an order keeps producing rows
    (a back-order's wait, a slow shipment, the longest transit and return, then a review a month
    after delivery) must fit in it."""
    longest = MAX_BACKORDER_WAIT + 47 * HOUR + 5 * DAY + max(20 * DAY, 30 * DAY) + DAY
    assert longest < LOOKBACK_DAYS * DAY
