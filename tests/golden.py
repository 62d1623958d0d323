"""Golden checksums of a small dataset: any change to the generated rows must be deliberate.

The rows depend on this package's code and on the versions of numpy, Faker and the place tables
(``bronze_factories.engine.params.ROW_SHAPING``). ``tests/test_golden.py`` compares the engine's
rows with ``tests/golden.json``; after a deliberate change (or an upgrade in constraints.txt):

    python tests/golden.py --update

and commit ``tests/golden.json`` with the change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

from bronze_factories.engine import TABLE_ORDER, Params, generate
from bronze_factories.engine.params import versions

PATH = Path(__file__).with_name("golden.json")
PARAMS = Params(end_date=dt.date(2026, 1, 1), customers=60, products=30, orders=90, days=10, sessions_per_day=30,
                warehouses=2, seed=42)
UPDATE = "python tests/golden.py --update"


def checksums(params: Params = PARAMS) -> dict[str, list]:
    """Per table: ``[rows, sha256 of the rows in generation order]`` (one worker: a fixed order)."""
    digests = {t: hashlib.sha256() for t in TABLE_ORDER}
    counts = dict.fromkeys(TABLE_ORDER, 0)
    for chunk in generate(params, batch_size=1_000):
        for row in chunk.rows:
            digests[chunk.table].update(repr(row).encode())
        counts[chunk.table] += len(chunk.rows)
    return {t: [counts[t], digests[t].hexdigest()] for t in TABLE_ORDER}


def current() -> dict:
    return {"params": PARAMS.identity(), "versions": versions(), "tables": checksums()}


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit(f"usage: {UPDATE}")
    PATH.write_text(json.dumps(current(), indent=2, sort_keys=True) + "\n")
    print(f"wrote {PATH}")
