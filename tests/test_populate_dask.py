"""The same rows whatever runs the work units: local processes, a local Dask cluster, a Dask scheduler
with two ``dask worker`` processes (real processes on 127.0.0.1, started and stopped here), into
PostgreSQL, Parquet files and S3 (a local moto server). A Dask worker killed mid-run never hangs it.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from checksums import PRIMARY_KEYS, table_checksums
from populate_support import SMALL, clean_env, fresh_database, ledger_units, pg_url, run_cli, wait_for
from sqlalchemy.engine import URL

from bronze_factories.engine import COLUMNS, TABLE_ORDER
from bronze_factories.loaders.files import FILE_COLUMNS

pytestmark = pytest.mark.timeout(600)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)


class Cluster:
    """``dask scheduler`` plus ``n`` single-threaded ``dask worker`` processes (no nanny: a killed worker stays dead)."""

    def __init__(self, workers: int = 2, env: dict[str, str] | None = None) -> None:
        port = _free_port()
        self.address = f"tcp://127.0.0.1:{port}"
        env = env or clean_env()
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
        self.scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host",
                                           "127.0.0.1", "--port", str(port), "--no-dashboard"], **quiet)
        self.workers = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", self.address,
                                          "--host", "127.0.0.1", "--nthreads", "1", "--no-nanny", "--no-dashboard"],
                                         **quiet) for _ in range(workers)]
        try:
            self._wait(workers)
        except BaseException:
            self.stop()
            raise

    def _wait(self, n: int, timeout: float = 240) -> None:
        import distributed

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with distributed.Client(self.address, timeout="5s") as client:
                    client.wait_for_workers(n, timeout=max(1.0, deadline - time.monotonic()))
                    return
            except (OSError, TimeoutError):
                time.sleep(0.5)
        raise AssertionError(f"the Dask cluster at {self.address} did not get {n} workers")

    def stop(self) -> None:
        _stop([*self.workers, self.scheduler])


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    c = Cluster(2)
    yield c
    c.stop()


RUNS = {
    "local default": [],
    "dask local, 2 workers": ["--dask", "local", "--workers", "2"],
    "dask scheduler, 2 worker processes": ["--dask", "SCHEDULER"],
}


def _args(run: str, cluster: Cluster | None) -> list[str]:
    return [cluster.address if a == "SCHEDULER" and cluster else a for a in RUNS[run]]


@pytest.mark.parametrize("run", list(RUNS))
def test_postgres_rows_are_the_same_on_every_executor(pg_server: URL, small_reference: dict, cluster: Cluster,
                                                      run: str) -> None:
    with fresh_database(pg_server, "dask") as url:
        result = run_cli([*SMALL, "--database-url", pg_url(url), "--quiet", *_args(run, cluster)])
        assert result.returncode == 0, result.stderr
        assert table_checksums(url) == small_reference


def parquet_checksums(fs, root: str) -> dict[str, tuple[int, str]]:
    """Per table: row count and a digest of the rows in primary-key order, over every Parquet file of the table."""
    import pyarrow.parquet as pq

    out = {}
    for table in TABLE_ORDER:
        files = sorted(p for p in fs.find(f"{root}/{table}") if p.endswith(".parquet")) \
            if fs.exists(f"{root}/{table}") else [f"{root}/{table}.parquet"]
        rows = []
        for path in files:
            with fs.open(path, "rb") as handle:
                t = pq.read_table(handle)
            # every column of the table, in its order; ingestion_timestamp is the load's time, not the dataset's
            assert t.column_names == list(FILE_COLUMNS[table]), path
            rows += [tuple(r.values()) for r in t.drop_columns(["ingestion_timestamp"]).to_pylist()]
        pk = [COLUMNS[table].index(c) for c in PRIMARY_KEYS[table]]
        rows.sort(key=lambda r: tuple(r[i] for i in pk))
        digest = hashlib.md5()
        for row in rows:
            digest.update(repr(row).encode())
        out[table] = (len(rows), digest.hexdigest())
    return out


@pytest.fixture(scope="module")
def parquet_reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str]]:
    import fsspec

    out = tmp_path_factory.mktemp("pqref")
    result = run_cli([*SMALL, "--output-dir", str(out), "--workers", "1", "--quiet"])
    assert result.returncode == 0, result.stderr
    return parquet_checksums(fsspec.filesystem("file"), str(out))


@pytest.mark.parametrize("run", list(RUNS))
def test_parquet_rows_are_the_same_on_every_executor(tmp_path: Path, parquet_reference: dict, cluster: Cluster,
                                                     run: str) -> None:
    import fsspec

    target = f"file://{tmp_path}" if run == "local default" else str(tmp_path)  # a URL: the partitioned layout
    result = run_cli([*SMALL, "--output-dir", target, "--quiet", *_args(run, cluster)])
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "_SUCCESS").exists() and (tmp_path / "raw_orders" / "month=2025-12").is_dir()
    assert not [p for p in tmp_path.rglob(".*")], "no partial file is left"
    assert parquet_checksums(fsspec.filesystem("file"), str(tmp_path)) == parquet_reference


def test_parquet_to_s3_reads_back_the_same_rows(parquet_reference: dict) -> None:
    import json

    import s3fs
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        creds = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
        fs = s3fs.S3FileSystem(key="testing", secret="testing", endpoint_url=endpoint)
        fs.mkdir("lake")
        env = clean_env(**creds, FSSPEC_S3_ENDPOINT_URL=endpoint)
        result = run_cli([*SMALL, "--output-dir", "s3://lake/bronze", "--workers", "2", "--quiet"], env=env)
        assert result.returncode == 0, result.stderr
        fs.invalidate_cache()
        assert parquet_checksums(fs, "lake/bronze") == parquet_reference
        manifest = json.loads(fs.cat_file("lake/bronze/_SUCCESS"))
        assert manifest["rows"] == {t: n for t, (n, _) in parquet_reference.items()}
    finally:
        server.stop()


def test_killed_dask_worker_never_hangs_and_rerun_gives_the_same_rows(pg_server: URL, small_reference: dict) -> None:
    own = Cluster(2)
    try:
        with fresh_database(pg_server, "daskkill") as url:
            args = [*SMALL, "--database-url", pg_url(url), "--dask", own.address, "--batch-size", "150", "--quiet"]
            proc = subprocess.Popen([sys.executable, "-m", "bronze_factories.populate", *args], env=clean_env(),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            assert wait_for(proc, lambda: ledger_units(url) >= 4, timeout=240), "the run ended before the kill"
            psutil.Process(own.workers[0].pid).send_signal(signal.SIGKILL)
            try:
                _, err = proc.communicate(timeout=300)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.communicate()
                pytest.fail("the run hung after a Dask worker died")
            # Dask re-runs the lost worker's units on the other one; or, if it gives up, one line and exit 1.
            assert proc.returncode in (0, 1), err
            if proc.returncode == 1:
                assert len(err.splitlines()) == 1 and err.startswith("bronze-populate: error: "), err
            result = run_cli(args, timeout=300)
            assert result.returncode == 0, result.stderr
            assert table_checksums(url) == small_reference
    finally:
        own.stop()
