"""populate --output-dir: one file per table, loadable unchanged, never half-written."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from checksums import table_checksums
from populate_support import SMALL, clean_env, fresh_database, pg_url, run_cli
from sqlalchemy.engine import URL

from bronze_factories.engine import COLUMNS, TABLE_ORDER
from bronze_factories.migrate import upgrade
from bronze_factories.testing import psycopg2_dsn


@pytest.fixture(scope="module")
def reference(pg_server: URL) -> Iterator[dict[str, tuple[int, str]]]:
    with fresh_database(pg_server, "fileref") as url:
        result = run_cli([*SMALL, "--database-url", pg_url(url), "--workers", "1"])
        assert result.returncode == 0, result.stderr
        yield table_checksums(url)


def write(out: Path, fmt: str, *extra: str) -> None:
    result = run_cli([*SMALL, "--output-dir", str(out), "--format", fmt, *extra])
    assert result.returncode == 0, result.stderr


def test_csv_files_load_with_psql_copy_into_the_same_rows(tmp_path: Path, pg_server: URL, reference: dict) -> None:
    write(tmp_path, "csv")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == \
        sorted(f"{t}.csv" for t in TABLE_ORDER)
    with fresh_database(pg_server) as url:
        upgrade(url)
        for table in TABLE_ORDER:
            cmd = (f"\\copy bronze.{table} ({', '.join(COLUMNS[table])}) from '{tmp_path / (table + '.csv')}' "
                   "with (format csv, header true)")
            subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-q", psycopg2_dsn(url), "-c", cmd], check=True)
        assert table_checksums(url) == reference


def test_files_are_the_same_bytes_whatever_the_workers(tmp_path: Path) -> None:
    write(tmp_path / "one", "csv", "--workers", "1", "--batch-size", "333")
    write(tmp_path / "two", "csv", "--workers", "2")
    for table in TABLE_ORDER:
        assert (tmp_path / "one" / f"{table}.csv").read_bytes() == (tmp_path / "two" / f"{table}.csv").read_bytes()


def test_jsonl_has_one_object_per_row(tmp_path: Path, reference: dict) -> None:
    write(tmp_path, "jsonl")
    for table in TABLE_ORDER:
        lines = (tmp_path / f"{table}.jsonl").read_text().splitlines()
        assert len(lines) == reference[table][0]
    order = json.loads((tmp_path / "raw_orders.jsonl").read_text().splitlines()[0])
    assert list(order) == list(COLUMNS["raw_orders"])
    assert isinstance(order["raw_data"], dict) and order["raw_data"]["items"]


def test_parquet_has_typed_columns(tmp_path: Path, reference: dict) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    write(tmp_path, "parquet", "--shard", "1/1")
    for table in TABLE_ORDER:
        t = pq.read_table(tmp_path / f"{table}.shard1of1.parquet")
        assert t.num_rows == reference[table][0] and t.column_names == list(COLUMNS[table])
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
