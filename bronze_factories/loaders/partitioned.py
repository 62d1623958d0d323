"""Files at any fsspec URL, one per table and work unit, written by the workers themselves.

This is the layout of a distributed run (``--dask``) and of any ``--output-dir`` given as a URL
(``s3://bucket/prefix``, ``gs://...``, ``file:///...``): no process holds a table's whole file,
so each unit's rows go to their own file, partitioned by table and month::

    raw_customers/customers-00000.parquet
    raw_inventory/month=2025-12/stock-00000.parquet
    raw_orders/month=2026-01/day-00042.parquet
    _units/day-00042.json          one record per finished unit: dataset key, rows per table
    _SUCCESS                       written last, when every unit of the dataset is there

The month is the month of the unit's day (the day its sessions start and its orders are placed;
initial stock is dated at the window start), so one unit never spans two files of a table. The
names come from the unit, so a task run twice (Dask retries a task whose worker died) overwrites
its own files instead of duplicating them; a file appears whole or not at all (object stores
publish an object when its upload completes, a local file is renamed from a hidden partial name).
A unit's record is written after its files: a rerun skips the units that have one, so a killed
run resumes. Readers take the ``month=`` directories as a Hive partition column and skip names
starting with ``_`` or ``.``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..engine import TABLE_ORDER, Chunk, Params
from .files import EXTENSIONS, FileSink

MANIFEST = "_SUCCESS"
UNITS_DIR = "_units"


class OtherDatasetError(RuntimeError):
    """The location holds files of another dataset."""


def is_url(text: str) -> bool:
    return "://" in text


def filesystem(url: str) -> tuple[Any, str]:
    """The fsspec filesystem of ``url`` and the root path in it (credentials from the usual environment)."""
    import fsspec

    fs, root = fsspec.core.url_to_fs(url)
    return fs, root.rstrip("/")


def unit_stem(unit: str) -> str:
    kind, _, number = unit.partition(":")
    return f"{kind}-{number}"


def unit_month(params: Params, unit: str) -> str | None:
    """``YYYY-MM`` of the unit's day (stock: the window start); ``None`` for customer and product blocks."""
    kind, _, number = unit.partition(":")
    if kind == "day":
        return (params.start + dt.timedelta(days=int(number))).strftime("%Y-%m")
    if kind == "stock":
        return params.start.strftime("%Y-%m")
    return None


def relative_path(params: Params, table: str, unit: str, fmt: str) -> str:
    month = unit_month(params, unit)
    folder = table if month is None else f"{table}/month={month}"
    return f"{folder}/{unit_stem(unit)}.{EXTENSIONS[fmt]}"


class PartitionedFiles:
    """One dataset's files under one URL; :meth:`write_unit` runs on workers, the rest in the parent."""

    def __init__(self, url: str, fmt: str, params: Params) -> None:
        self.url = url
        self.fmt = fmt
        self.params = params
        self.key = params.key()
        self.fs, self.root = filesystem(url)
        from fsspec.implementations.local import LocalFileSystem

        self.local = isinstance(self.fs, LocalFileSystem)

    def _path(self, relative: str) -> str:
        return f"{self.root}/{relative}"

    # -- the parent: what is there ----------------------------------------------------------------------
    def done_units(self) -> dict[str, dict[str, int]]:
        """Rows per table of every unit already written; raise :class:`OtherDatasetError` for another dataset."""
        self.fs.makedirs(self._path(UNITS_DIR), exist_ok=True)
        manifest = self._path(MANIFEST)
        if self.fs.exists(manifest):
            self._check_key(json.loads(self.fs.cat_file(manifest)), manifest)
        try:
            paths = [p for p in self.fs.ls(self._path(UNITS_DIR), detail=False) if p.endswith(".json")]
        except FileNotFoundError:  # object stores have no empty directories: no unit written yet
            paths = []
        done: dict[str, dict[str, int]] = {}
        for path, blob in (self.fs.cat(paths) if paths else {}).items():
            record = json.loads(blob)
            self._check_key(record, path)
            done[record["unit"]] = record["rows"]
        return done

    def _check_key(self, record: dict, path: str) -> None:
        if record.get("dataset_key") != self.key:
            raise OtherDatasetError(
                f"{self.url} holds files of another dataset (key {record.get('dataset_key')} in {path}, this one is "
                f"{self.key}); choose another --output-dir or empty it")

    def write_manifest(self, rows: dict[str, int], units: int) -> None:
        """The ``_SUCCESS`` file: the dataset, its rows per table, its layout. Written last."""
        manifest = {
            "dataset_key": self.key, "params": self.params.identity(), "format": self.fmt, "units": units,
            "rows": {t: rows.get(t, 0) for t in TABLE_ORDER}, "layout": "TABLE/month=YYYY-MM/UNIT." + EXTENSIONS[self.fmt],
        }
        self._put_bytes(MANIFEST, json.dumps(manifest, indent=2).encode())

    # -- a worker: one unit -------------------------------------------------------------------------------
    def write_unit(self, unit: str, chunks: Iterable[Chunk]) -> dict[str, int]:
        """Write the unit's files (tables without rows get none), then its record; rows per table."""
        with tempfile.TemporaryDirectory(prefix="bronze-unit-") as tmp:
            sink = FileSink(Path(tmp), self.fmt)
            try:
                for chunk in chunks:
                    sink.write(chunk)
                sink.commit()
            except BaseException:
                sink.abort()
                raise
            counts = {t: sink.rows[t] for t in TABLE_ORDER}
            for table in TABLE_ORDER:
                if counts[table]:
                    self._put_file(str(sink.final[table]), relative_path(self.params, table, unit, self.fmt))
        record = {"dataset_key": self.key, "unit": unit, "rows": counts}
        self._put_bytes(f"{UNITS_DIR}/{unit_stem(unit)}.json", json.dumps(record).encode())
        return counts

    def _put_file(self, local: str, relative: str) -> None:
        target = self._path(relative)
        parent = target.rsplit("/", 1)[0]
        self.fs.makedirs(parent, exist_ok=True)
        if self.local:  # hidden partial name, then a rename: a reader never sees half a file
            partial = f"{parent}/.{target.rsplit('/', 1)[1]}.{uuid.uuid4().hex[:8]}.partial"
            self.fs.put_file(local, partial)
            os.replace(partial, target)
        else:  # an object store publishes the object only when its upload completes
            self.fs.put_file(local, target)

    def _put_bytes(self, relative: str, data: bytes) -> None:
        with tempfile.NamedTemporaryFile(prefix="bronze-", delete=False) as handle:
            handle.write(data)
        try:
            self._put_file(handle.name, relative)
        finally:
            os.unlink(handle.name)
