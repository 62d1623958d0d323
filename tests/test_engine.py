"""The engine: exact counts, determinism that survives chunking, workers and shards."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict

import pytest

from bronze_factories.engine import COLUMNS, Params, ParamsError, Simulation, generate

SMALL = Params(end_date=dt.date(2026, 1, 1), customers=300, products=150, orders=500, days=20, sessions_per_day=80)


def checksums(chunks) -> dict[str, tuple[int, str]]:
    """Per table: row count and a digest independent of row order."""
    digests: dict[str, list[bytes]] = defaultdict(list)
    for chunk in chunks:
        digests[chunk.table].extend(hashlib.sha256(repr(row).encode()).digest() for row in chunk.rows)
    return {t: (len(d), hashlib.sha256(b"".join(sorted(d))).hexdigest()) for t, d in sorted(digests.items())}


@pytest.fixture(scope="module")
def reference():
    return checksums(generate(SMALL))


def test_counts_are_exact(reference):
    assert reference["raw_customers"][0] == 300
    assert reference["raw_products"][0] == 150
    assert reference["raw_orders"][0] == 500
    assert reference["raw_sessions"][0] == 80 * 20
    assert set(reference) == set(COLUMNS)
    assert all(n > 0 for n, _ in reference.values())


def test_rows_match_the_column_order():
    for chunk in generate(SMALL, units=["customers:00000", "products:00000", "stock:00000", "day:00003"]):
        assert all(len(row) == len(COLUMNS[chunk.table]) for row in chunk.rows)


def test_chunk_size_does_not_change_rows(reference):
    assert checksums(generate(SMALL, batch_size=1_000)) == reference
    assert checksums(generate(SMALL, batch_size=100_000)) == reference
    sizes = {len(c.rows) for c in generate(SMALL, batch_size=1_000)}
    assert max(sizes) == 1_000


def test_workers_do_not_change_rows(reference):
    assert checksums(generate(SMALL, workers=3)) == reference


def test_shards_are_disjoint_and_their_union_is_the_dataset(reference):
    sim = Simulation(SMALL)
    parts = [sim.units((k, 3)) for k in (1, 2, 3)]
    assert sorted(u for part in parts for u in part) == sorted(sim.units())
    assert not set(parts[0]) & set(parts[1]) and not set(parts[1]) & set(parts[2])
    union = [chunk for k in (1, 2, 3) for chunk in generate(SMALL, shard=(k, 3))]
    assert checksums(union) == reference


def test_same_seed_same_rows_other_seed_other_rows(reference):
    assert checksums(generate(SMALL)) == reference
    other = checksums(generate(Params(**{**SMALL.__dict__, "seed": 7})))
    assert other["raw_customers"][1] != reference["raw_customers"][1]
    assert other["raw_clickstream"][1] != reference["raw_clickstream"][1]


def test_scale_multiplies_volumes():
    scaled = Params(**{**SMALL.__dict__, "scale": 2.0}).sized()
    assert (scaled.customers, scaled.products, scaled.orders, scaled.sessions_per_day) == (600, 300, 1000, 160)
    assert scaled.days == SMALL.days


@pytest.mark.parametrize("changes, message", [
    ({"customers": 0}, "customers must be a positive integer"),
    ({"days": -1}, "days must be a positive integer"),
    ({"events_min": 30, "events_max": 5}, "minimum is above the maximum"),
    ({"orders": 10_000}, "raise --sessions-per-day or --days"),
])
def test_bad_parameters_say_what_to_change(changes, message):
    with pytest.raises(ParamsError, match=message):
        Params(**{**SMALL.__dict__, **changes})


@pytest.mark.parametrize("seconds", [
    [],
    [0, 1, 59, 86_399, 86_400, 1_767_225_599],  # boundaries of a minute, a day, the default window
    [-30_610_224_000, 253_402_300_799],  # 1000-01-01 and the end of 9999: the digits path's range
    [-30_610_224_001, 0],  # the last second of year 999: numpy's path for the whole array
    [-62_135_596_800, 253_402_300_799],  # years 1 and 9999: the widest fixed-width timestamps
    [253_402_300_800, 0, -62_135_596_801],  # years 10000 and 0: not 19 characters, the slow path
])
def test_timestamps_equal_numpy_formatting_one_by_one(seconds):
    """``sql_iso``/``iso``/``sql`` build digits themselves; numpy's ``datetime_as_string`` is the reference."""
    import numpy as np

    from bronze_factories.engine.timefmt import iso, sql, sql_iso

    t = np.array(seconds, dtype=np.int64)
    rng = np.random.default_rng(3)
    many = rng.integers(1_600_000_000, 1_900_000_000, 5_000)
    spread = rng.integers(-30_610_224_000, 253_402_300_800, 5_000)  # a table of millions of days
    for values in (t, many, spread):
        reference = np.datetime_as_string(values.astype("datetime64[s]"), unit="s").tolist()
        reference_sql = [r.replace("T", " ") for r in reference]
        got = sql_iso(values)
        assert got == (reference_sql, reference)
        assert iso(values).tolist() == reference and sql(values).tolist() == reference_sql
        assert all(type(s) is str for s in got[0] + got[1])
