"""How much disk a dataset takes on each target, for ``--plan``: bytes per row, measured.

The figures are what one table's rows took, tables and indexes included, in a measured run
(``--customers 2000 --products 1000 --days 30 --end-date 2026-01-01``: 122,152 rows) on each
target: PostgreSQL 15 (``pg_total_relation_size`` over every partition), SQLite (``dbstat``),
and the files of each format. Row widths depend on the vocabulary, not on the dataset's size,
so they scale; treat the result as within about a third, enough to see whether a disk will do.
Re-measure them (the command above, then divide) when a change to the rows or the schema makes
rows wider or narrower.
"""

from __future__ import annotations

#: Bytes per row of each table, per target kind (``postgresql``, ``sqlite``, or a file format).
BYTES_PER_ROW: dict[str, dict[str, int]] = {
    "postgresql": {"raw_customers": 1176, "raw_products": 1737, "raw_sessions": 1340, "raw_clickstream": 845,
                   "raw_orders": 1545, "raw_inventory": 522, "raw_reviews": 1100},
    "sqlite": {"raw_customers": 890, "raw_products": 1320, "raw_sessions": 945, "raw_clickstream": 808,
               "raw_orders": 1400, "raw_inventory": 527, "raw_reviews": 800},
    "csv": {"raw_customers": 769, "raw_products": 1093, "raw_sessions": 859, "raw_clickstream": 683,
            "raw_orders": 1161, "raw_inventory": 357, "raw_reviews": 546},
    "jsonl": {"raw_customers": 909, "raw_products": 1242, "raw_sessions": 1012, "raw_clickstream": 808,
              "raw_orders": 1193, "raw_inventory": 516, "raw_reviews": 729},
    "parquet": {"raw_customers": 211, "raw_products": 300, "raw_sessions": 191, "raw_clickstream": 64,
                "raw_orders": 224, "raw_inventory": 41, "raw_reviews": 139},
}


def disk_bytes(kind: str, rows: dict[str, int]) -> dict[str, int]:
    """Estimated bytes of each table's rows on a target of ``kind``."""
    widths = BYTES_PER_ROW[kind]
    return {table: n * widths.get(table, 0) for table, n in rows.items()}


def human(n: float) -> str:
    """``1.2 GB``: decimal units, as ``df -H`` and cloud consoles count."""
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"
