"""Files instead of a database: one file per table (per shard), in Parquet, CSV or JSON lines.

Files are written under a hidden partial name and renamed only when the whole run is complete
(a table's rows come from every work unit, so no table is complete earlier): a reader of the
directory sees a table's file entirely or not at all, and a failed run removes its partials.
Partial names are unique to the run, and a run holds a lock on the files it will write
(:class:`DirectoryLock`), so two runs into one directory cannot write into each other's files:
the second is refused while the first runs. CSV text comes from the same function as the COPY
path and carries a header.

Files hold every column of the table in the table's order, ``ingestion_timestamp`` included (the
time the run started, in UTC: when the rows landed, not part of the dataset), so
``psql \\copy schema.table from file with (format csv, header true)`` loads a CSV file without a
column list. Timestamps are ISO 8601 with a ``T`` in every text format, columns and ``raw_data``
alike. Parquet row groups hold at least :data:`ROW_GROUP_ROWS` rows (a small table: one group).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from pathlib import Path
from typing import Any

from ..engine import COLUMNS, TABLE_ORDER, Chunk
from ..models import MODELS
from .csvtext import csv_text

EXTENSIONS = {"parquet": "parquet", "csv": "csv", "jsonl": "jsonl"}
#: Rows per Parquet row group: readers skip and parallelize by group, tiny groups defeat both.
ROW_GROUP_ROWS = 65_536
INGESTED = "ingestion_timestamp"


def file_name(table: str, fmt: str, shard: tuple[int, int] | None, step: str = "") -> str:
    """``raw_orders.parquet``; a shard's ``raw_orders.shard1of2.parquet``; a step's (a dataset taken on in
    time, :mod:`bronze_factories.populate.story`) ``raw_orders.<since>-<until>.parquet`` for its new rows
    and ``raw_orders.<since>-<until>.changes.parquet`` for the rows it brings up to date."""
    suffix = f".shard{shard[0]}of{shard[1]}" if shard else ""
    return f"{table}{suffix}{'.' + step if step else ''}.{EXTENSIONS[fmt]}"


def partial_name(final: str, run: str = "") -> str:
    """The hidden name a run writes ``final`` under; ``run`` makes it unique to that run."""
    return f".{final}.{run}.partial" if run else f".{final}.partial"


class DirectoryLock:
    """An exclusive lock on the files one run writes into a directory (one format, one shard).

    Held (``flock``) from before the first partial file to after the last rename; the kernel
    releases it when the process dies, so a killed run never blocks the next. Whoever holds it
    is the only writer of those files, so partial files of them found then are a killed run's
    leftovers and are removed.
    """

    def __init__(self, output_dir: Path, fmt: str, shard: tuple[int, int] | None = None) -> None:
        import fcntl

        self.path = output_dir / f".{file_name('bronze-populate', fmt, shard)}.lock"
        self._file = open(self.path, "a")  # held open for the whole run
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.close()
            raise
        for table in TABLE_ORDER:
            final = file_name(table, fmt, shard)
            for stale in output_dir.glob(partial_name(final, "*")):
                stale.unlink(missing_ok=True)

    def release(self) -> None:
        self._file.close()  # closing releases the flock


def _kinds() -> dict[str, dict[str, str]]:
    """Per table and column, how a load-ready value becomes a typed file value."""
    kinds: dict[str, dict[str, str]] = {}
    for model in MODELS:
        cols = {}
        for col in model.__table__.columns:
            name = type(col.type).__name__.lower()
            if col.name in ("raw_data",) or "json" in name or name == "variant":
                cols[col.name] = "json"
            elif "datetime" in name:
                cols[col.name] = "timestamp"
            elif name == "date":
                cols[col.name] = "date"
            elif name == "numeric":
                cols[col.name] = f"numeric:{col.type.precision}:{col.type.scale}"
            elif name == "biginteger":
                cols[col.name] = "int64"
            elif name == "integer":
                cols[col.name] = "int32"
            elif name == "boolean":
                cols[col.name] = "bool"
            else:
                cols[col.name] = "string"
        kinds[model.__tablename__] = cols
    return kinds


KINDS = _kinds()
#: A file's columns: the table's, in its order (the engine's rows lack ``ingestion_timestamp``).
FILE_COLUMNS = {m.__tablename__: tuple(c.name for c in m.__table__.columns) for m in MODELS}


def iso(value: str) -> str:
    """A load-ready timestamp (``YYYY-MM-DD HH:MM:SS[.ffffff]``) in ISO 8601 with its ``T``."""
    return value[:10] + "T" + value[11:] if len(value) > 10 and value[10] == " " else value


def file_rows(table: str, rows: list[tuple], ingested: str) -> list[tuple]:
    """Engine rows as file rows: ``ingestion_timestamp`` in its place, timestamps with a ``T``."""
    cols = COLUMNS[table]
    at = FILE_COLUMNS[table].index(INGESTED)
    stamps = [i for i, c in enumerate(cols) if KINDS[table][c] == "timestamp"]
    out = []
    for row in rows:
        values = list(row)
        for i in stamps:
            if values[i] is not None:
                values[i] = iso(values[i])
        values.insert(at, ingested)
        out.append(tuple(values))
    return out


def _arrow_type(kind: str) -> Any:
    import pyarrow as pa

    if kind.startswith("numeric:"):
        _, p, s = kind.split(":")
        return pa.decimal128(int(p), int(s))
    return {"json": pa.string(), "string": pa.string(), "timestamp": pa.timestamp("us"), "date": pa.date32(),
            "int64": pa.int64(), "int32": pa.int32(), "bool": pa.bool_()}[kind]


def arrow_schema(table: str) -> Any:
    """The Arrow schema of ``table``'s files: its columns in order, typed as in Parquet (timestamps,
    decimals, dates; JSON as text). The Parquet files and :mod:`bronze_factories.dask` share it."""
    import pyarrow as pa

    return pa.schema([(c, _arrow_type(KINDS[table][c])) for c in FILE_COLUMNS[table]])


def arrow_table(table: str, rows: list[tuple]) -> Any:
    """File rows (:func:`file_rows`) of ``table`` as an Arrow table of :func:`arrow_schema`.

    Timestamps, dates and decimals come as the text the engine made (the CSV and COPY text) and
    Arrow casts that text to the column's type; text, integers and booleans go in as they are.
    """
    import pyarrow as pa

    schema = arrow_schema(table)
    columns = list(zip(*rows, strict=True))
    arrays = []
    for field, values in zip(schema, columns, strict=True):
        if pa.types.is_string(field.type) or pa.types.is_integer(field.type) or pa.types.is_boolean(field.type):
            arrays.append(pa.array(values, type=field.type))
        else:
            arrays.append(pa.array([None if v is None else str(v) for v in values], type=pa.string())
                          .cast(field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


class FileSink:
    """Writes chunks to per-table partial files; :meth:`commit` renames them, :meth:`abort` removes them."""

    def __init__(self, output_dir: Path, fmt: str, shard: tuple[int, int] | None = None,
                 loaded_at: dt.datetime | None = None, step: str = "") -> None:
        self.dir = output_dir
        self.fmt = fmt
        loaded_at = loaded_at or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
        self.ingested = loaded_at.isoformat()
        self._groups: dict[str, list[Any]] = {}
        self.final = {t: output_dir / file_name(t, fmt, shard, step) for t in TABLE_ORDER}
        run = f"{os.getpid()}-{secrets.token_hex(4)}"
        self.partial = {t: output_dir / partial_name(p.name, run) for t, p in self.final.items()}
        self._open: dict[str, Any] = {}
        self.rows = dict.fromkeys(TABLE_ORDER, 0)

    # -- writers -------------------------------------------------------------------------------------
    def _handle(self, table: str) -> Any:
        handle = self._open.get(table)
        if handle is None:
            if self.fmt == "parquet":
                import pyarrow.parquet as pq

                handle = pq.ParquetWriter(str(self.partial[table]), arrow_schema(table))
            else:
                handle = open(self.partial[table], "w", encoding="utf-8", newline="")
                if self.fmt == "csv":
                    handle.write(csv_text([], header=FILE_COLUMNS[table]))
            self._open[table] = handle
        return handle

    def write(self, chunk: Chunk) -> None:
        if not chunk.rows:
            return
        handle = self._handle(chunk.table)
        rows = file_rows(chunk.table, chunk.rows, self.ingested)
        if self.fmt == "csv":
            handle.write(csv_text(rows))
        elif self.fmt == "jsonl":
            handle.write(self._jsonl(chunk.table, rows))
        else:
            group = self._groups.setdefault(chunk.table, [])
            group.append(arrow_table(chunk.table, rows))
            if sum(t.num_rows for t in group) >= ROW_GROUP_ROWS:
                self._flush_group(chunk.table)
        self.rows[chunk.table] += len(chunk.rows)

    def _flush_group(self, table: str) -> None:
        """Write the table's buffered Arrow pieces as one row group (memory: one group per table)."""
        import pyarrow as pa

        group = self._groups.pop(table, [])
        if group:
            whole = pa.concat_tables(group)
            self._handle(table).write_table(whole, row_group_size=whole.num_rows)

    def _jsonl(self, table: str, rows: list[tuple]) -> str:
        cols = FILE_COLUMNS[table]
        kinds = [KINDS[table][c] for c in cols]
        lines = []
        for row in rows:
            record = {}
            for col, kind, value in zip(cols, kinds, row, strict=True):
                if value is not None and kind == "json":
                    value = json.loads(value)
                elif value is not None and kind.startswith("numeric"):
                    value = float(value)
                record[col] = value
            lines.append(json.dumps(record, ensure_ascii=False))
        return "\n".join(lines) + "\n"

    # -- completion ----------------------------------------------------------------------------------
    def _close_all(self) -> None:
        for table in list(self._groups):
            self._flush_group(table)
        for handle in self._open.values():
            handle.close()
        self._open.clear()

    def commit(self) -> None:
        """Make every table's file visible at once (tables without rows get an empty file)."""
        for table in TABLE_ORDER:
            self._handle(table)
        self._close_all()
        for table in TABLE_ORDER:
            os.replace(self.partial[table], self.final[table])

    def abort(self) -> None:
        """Remove the partial files (after an error or an interrupt); finished files are left alone."""
        self._groups.clear()
        for handle in self._open.values():
            try:
                handle.close()
            except Exception:  # the partial is removed next anyway
                pass
        self._open.clear()
        for path in self.partial.values():
            try:
                path.unlink()
            except FileNotFoundError:
                pass
