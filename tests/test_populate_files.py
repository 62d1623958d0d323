"""populate --output-dir: one file per table, loadable unchanged, never half-written."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from checksums import table_checksums
from populate_support import SMALL, clean_env, fresh_database, run_cli
from sqlalchemy.engine import URL

from bronze_factories.engine import TABLE_ORDER
from bronze_factories.loaders.files import FILE_COLUMNS
from bronze_factories.migrate import upgrade
from bronze_factories.testing import psycopg2_dsn


def write(out: Path, fmt: str, *extra: str) -> None:
    result = run_cli([*SMALL, "--output-dir", str(out), "--format", fmt, *extra])
    assert result.returncode == 0, result.stderr


def test_csv_files_load_with_psql_copy_into_the_same_rows(tmp_path: Path, pg_server: URL, small_reference: dict) -> None:
    write(tmp_path, "csv")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == \
        sorted([f"{t}.csv" for t in TABLE_ORDER] + ["bronze-dataset.csv.json"])  # and which dataset they hold
    with fresh_database(pg_server) as url:
        upgrade(url)
        for table in TABLE_ORDER:
            # as the README shows it: every column in table order, no column list needed
            cmd = f"\\copy bronze.{table} from '{tmp_path / (table + '.csv')}' with (format csv, header true)"
            subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-q", psycopg2_dsn(url), "-c", cmd], check=True)
        assert table_checksums(url) == small_reference


def _without_ingestion_time(path: Path) -> list[list[str]]:
    at = FILE_COLUMNS[path.name.split(".")[0]].index("ingestion_timestamp")
    rows = list(csv.reader(path.open(newline="")))
    assert len({row[at] for row in rows[1:]}) <= 1  # one load time per run
    return [row[:at] + row[at + 1:] for row in rows]


def test_files_are_the_same_bytes_whatever_the_workers(tmp_path: Path) -> None:
    write(tmp_path / "one", "csv", "--workers", "1", "--batch-size", "333")
    write(tmp_path / "two", "csv", "--workers", "2")
    for table in TABLE_ORDER:
        one, two = tmp_path / "one" / f"{table}.csv", tmp_path / "two" / f"{table}.csv"
        assert _without_ingestion_time(one) == _without_ingestion_time(two)


def test_jsonl_has_one_object_per_row(tmp_path: Path, small_reference: dict) -> None:
    write(tmp_path, "jsonl")
    for table in TABLE_ORDER:
        lines = (tmp_path / f"{table}.jsonl").read_text().splitlines()
        assert len(lines) == small_reference[table][0]
    order = json.loads((tmp_path / "raw_orders.jsonl").read_text().splitlines()[0])
    assert list(order) == list(FILE_COLUMNS["raw_orders"])
    assert isinstance(order["raw_data"], dict) and order["raw_data"]["items"]
    # one ISO 8601 format, in the columns as in raw_data
    iso = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$")
    assert iso.match(order["order_date"]) and iso.match(order["ingestion_timestamp"])
    assert order["order_date"] == order["raw_data"]["order_date"]


def test_parquet_has_typed_columns(tmp_path: Path, small_reference: dict) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    write(tmp_path, "parquet", "--shard", "1/1")
    for table in TABLE_ORDER:
        t = pq.read_table(tmp_path / f"{table}.shard1of1.parquet")
        assert t.num_rows == small_reference[table][0] and t.column_names == list(FILE_COLUMNS[table])
        # small tables: one row group, not one per work unit
        assert pq.ParquetFile(tmp_path / f"{table}.shard1of1.parquet").metadata.num_row_groups == 1
    orders = pq.read_table(tmp_path / "raw_orders.shard1of1.parquet")
    assert str(orders.schema.field("order_date").type) == "timestamp[us]"
    assert str(orders.schema.field("total_amount").type) == "decimal128(15, 2)"


def test_disk_full_removes_partials_and_says_so(tmp_path: Path) -> None:
    # The clickstream's partial file is /dev/full: every write to it fails with ENOSPC. Partial names
    # are unique to a run, so the run itself links its partial there (the one thing not real here).
    code = ("import os, sys\nimport bronze_factories.loaders.files as f\nreal = f.FileSink.__init__\n"
            "def init(self, *a, **k):\n    real(self, *a, **k)\n"
            "    os.symlink('/dev/full', self.partial['raw_clickstream'])\n"
            "f.FileSink.__init__ = init\nfrom bronze_factories.populate import main\nsys.exit(main(sys.argv[1:]))")
    result = subprocess.run([sys.executable, "-c", code, *SMALL, "--output-dir", str(tmp_path), "--format", "csv"],
                            env=clean_env(), capture_output=True, text=True)
    assert result.returncode == 1
    errors = [ln for ln in result.stderr.splitlines() if "error" in ln]
    assert len(errors) == 1 and errors[0] == result.stderr.splitlines()[-1] and "Traceback" not in result.stderr
    assert "the disk is full; free some space or choose another --output-dir (partial files were removed)" \
        in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == [".bronze-populate.csv.lock"]


def test_parquet_without_pyarrow_is_a_clear_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code = ("import sys; sys.modules['pyarrow'] = None; sys.modules['pyarrow.parquet'] = None; "
            "from bronze_factories.populate import main; sys.exit(main(sys.argv[1:]))")
    result = subprocess.run([sys.executable, "-c", code, *SMALL, "--output-dir", str(out)], env=clean_env(),
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "--format parquet needs pyarrow: pip install 'bronze-factories[parquet]'" in result.stderr
    assert not out.exists()


def test_parquet_row_groups_hold_tens_of_thousands_of_rows(tmp_path: Path) -> None:
    import datetime as dt

    pq = pytest.importorskip("pyarrow.parquet")
    from bronze_factories.engine import Chunk
    from bronze_factories.loaders.files import ROW_GROUP_ROWS, FileSink

    sink = FileSink(tmp_path, "parquet", loaded_at=dt.datetime(2026, 1, 2, 3, 4, 5))
    row = ("SESS000000000001", None, "2025-12-30 12:08:29", "2025-12-30 12:27:13", 1124, "mobile", "Safari", "iOS",
           "{}", "9.57.214.200", True, "ecommerce_platform", "{}")
    for unit in range(150):  # 150 units of 1,000 rows
        sink.write(Chunk("raw_sessions", f"day:{unit}", [row] * 1000))
    sink.commit()
    meta = pq.ParquetFile(tmp_path / "raw_sessions.parquet").metadata
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert sum(sizes) == 150_000 and all(n >= ROW_GROUP_ROWS for n in sizes[:-1]) and len(sizes) == 3
    first = pq.read_table(tmp_path / "raw_sessions.parquet").slice(0, 1).to_pylist()[0]
    assert first["ingestion_timestamp"] == dt.datetime(2026, 1, 2, 3, 4, 5)
    assert first["start_time"] == dt.datetime(2025, 12, 30, 12, 8, 29)
