"""Files instead of a database: one file per table (per shard), in Parquet, CSV or JSON lines.

Files are written under a hidden partial name and renamed only when the whole run is complete
(a table's rows come from every work unit, so no table is complete earlier): a reader of the
directory sees a table's file entirely or not at all, and a failed run removes its partials.
Partial names are unique to the run, and a run holds a lock on the files it will write
(:class:`DirectoryLock`), so two runs into one directory cannot write into each other's files:
the second is refused while the first runs.
CSV text comes from the same function as the COPY path and carries a header, so
``psql \\copy schema.table (columns) from file with (format csv, header true)`` loads it unchanged.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from ..engine import COLUMNS, TABLE_ORDER, Chunk
from ..models import MODELS
from .csvtext import csv_text

EXTENSIONS = {"parquet": "parquet", "csv": "csv", "jsonl": "jsonl"}


def file_name(table: str, fmt: str, shard: tuple[int, int] | None) -> str:
    suffix = f".shard{shard[0]}of{shard[1]}" if shard else ""
    return f"{table}{suffix}.{EXTENSIONS[fmt]}"


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


class FileSink:
    """Writes chunks to per-table partial files; :meth:`commit` renames them, :meth:`abort` removes them."""

    def __init__(self, output_dir: Path, fmt: str, shard: tuple[int, int] | None = None) -> None:
        self.dir = output_dir
        self.fmt = fmt
        self.final = {t: output_dir / file_name(t, fmt, shard) for t in TABLE_ORDER}
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

                handle = pq.ParquetWriter(str(self.partial[table]), self._arrow_schema(table))
            else:
                handle = open(self.partial[table], "w", encoding="utf-8", newline="")
                if self.fmt == "csv":
                    handle.write(csv_text([], header=COLUMNS[table]))
            self._open[table] = handle
        return handle

    def _arrow_schema(self, table: str) -> Any:
        import pyarrow as pa

        return pa.schema([(c, self._arrow_type(KINDS[table][c])) for c in COLUMNS[table]])

    @staticmethod
    def _arrow_type(kind: str) -> Any:
        import pyarrow as pa

        if kind.startswith("numeric:"):
            _, p, s = kind.split(":")
            return pa.decimal128(int(p), int(s))
        return {"json": pa.string(), "string": pa.string(), "timestamp": pa.timestamp("us"), "date": pa.date32(),
                "int64": pa.int64(), "int32": pa.int32(), "bool": pa.bool_()}[kind]

    def write(self, chunk: Chunk) -> None:
        if not chunk.rows:
            return
        handle = self._handle(chunk.table)
        if self.fmt == "csv":
            handle.write(csv_text(chunk.rows))
        elif self.fmt == "jsonl":
            handle.write(self._jsonl(chunk))
        else:
            handle.write_table(self._arrow_table(chunk))
        self.rows[chunk.table] += len(chunk.rows)

    def _arrow_table(self, chunk: Chunk) -> Any:
        import pyarrow as pa

        schema = self._arrow_schema(chunk.table)
        columns = list(zip(*chunk.rows, strict=True))
        arrays = []
        for field, values in zip(schema, columns, strict=True):
            if pa.types.is_string(field.type) or pa.types.is_integer(field.type) or pa.types.is_boolean(field.type):
                arrays.append(pa.array(values, type=field.type))
            else:
                arrays.append(pa.array([None if v is None else str(v) for v in values], type=pa.string())
                              .cast(field.type))
        return pa.Table.from_arrays(arrays, schema=schema)

    def _jsonl(self, chunk: Chunk) -> str:
        cols = COLUMNS[chunk.table]
        kinds = [KINDS[chunk.table][c] for c in cols]
        lines = []
        for row in chunk.rows:
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
