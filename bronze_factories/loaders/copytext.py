"""Rows as PostgreSQL ``COPY ... (FORMAT text)`` input, built column by column, and the stream COPY reads.

COPY's text format is what the server parses fastest (no quote handling) and what we can build
fastest. The rows are turned into columns once; a column only changes where it must (``str`` of
its ints, ``\\N`` for its NULLs; a NOT NULL column is never scanned for ``None``); the lines are
joined in C. Escaping is almost never needed (our values come from the vocabulary), so instead of
scanning every value for a tab, a line break or a backslash, each text column is checked once,
joined, with C's ``memchr``; only a column that needs it is escaped. ``psql \\copy`` users get CSV
files instead (see :mod:`.csvtext`).
"""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Boolean, Integer

from ..engine import Chunk
from ..engine.columns import COLUMNS
from ..engine.lines import TabLines
from ..models import MODELS

NULL = "\\N"

#: Per table and load column: "int", "bool" or "str" (text, JSON, timestamps and numerics arrive as str).
KINDS: dict[str, tuple[str, ...]] = {
    m.__tablename__: tuple(
        "bool" if isinstance(m.__table__.c[c].type, Boolean)
        else "int" if isinstance(m.__table__.c[c].type, Integer) else "str"
        for c in COLUMNS[m.__tablename__]
    )
    for m in MODELS
}

#: Per table and load column: whether it may hold NULL (a NOT NULL column is never scanned for one).
NULLABLE: dict[str, tuple[bool, ...]] = {
    m.__tablename__: tuple(bool(m.__table__.c[c].nullable) for c in COLUMNS[m.__tablename__]) for m in MODELS
}


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


#: What this module writes, for the engine to render click events in directly (:mod:`..engine.lines`).
COPY_LINES = TabLines(null=NULL, escape=_escape)


def _column(values: tuple, kind: str, nullable: bool) -> Sequence[str]:
    if kind == "bool":
        return [NULL if v is None else ("t" if v else "f") for v in values]
    if kind == "int":
        return [NULL if v is None else str(v) for v in values] if nullable else list(map(str, values))
    joined = "".join([v for v in values if v is not None] if nullable else values)
    if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
        # A column that needs escaping (JSON with escaped quotes, texts with line breaks) is escaped
        # whole, joined by NUL (which COPY text cannot hold, so it is never data) and split back:
        # four C-level passes instead of four method calls per value.
        out = _escape("\x00".join(["" if v is None else v for v in values])).split("\x00")
        if nullable:
            for i, v in enumerate(values):
                if v is None:
                    out[i] = NULL
        return out
    return [NULL if v is None else v for v in values] if nullable else values


def copy_text(rows: Sequence[Sequence[object]], kinds: Sequence[str], nullable: Sequence[bool] | None = None) -> str:
    """``rows`` in COPY text format (tab-separated, ``\\N`` for NULL, backslash escapes), ``\\n`` line ends.

    ``nullable`` (default: every column) names the columns that may hold ``None``; a ``None`` in a
    column said not to is a ``TypeError``.
    """
    if not rows:
        return ""
    flags = nullable if nullable is not None else (True,) * len(kinds)
    columns = [_column(values, kind, null)
               for values, kind, null in zip(zip(*rows, strict=True), kinds, flags, strict=True)]
    return "\n".join(map("\t".join, zip(*columns, strict=True))) + "\n"


class TextStream(io.RawIOBase):
    """A read-only text stream over row batches for ``cursor.copy_expert``: the text is made batch by
    batch as COPY pulls it, so neither a temporary file nor a whole table ever sits in memory."""

    def __init__(self, batches: Iterable[Sequence[Sequence[object]]],
                 render: Callable[[Sequence[Sequence[object]]], str], count: Callable[[object], int] = len) -> None:
        self._batches = iter(batches)
        self._render = render
        self._count = count
        self._text = ""
        self._pos = 0
        self.rows = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> str:  # type: ignore[override]
        # An offset into the current batch's text rather than slicing off the rest: O(n), not O(n^2).
        while self._pos >= len(self._text):
            batch = next(self._batches, None)
            if batch is None:
                return ""
            self.rows += self._count(batch)
            self._text, self._pos = self._render(batch), 0
        out = self._text[self._pos:] if size < 0 else self._text[self._pos:self._pos + size]
        self._pos += len(out)
        return out

    def readline(self, size: int = -1) -> str:  # type: ignore[override]
        raise io.UnsupportedOperation("TextStream is read in blocks")


@dataclass(frozen=True)
class Rendered:
    """One chunk as COPY text, made ahead of the COPY that sends it."""

    table: str
    upsert: bool
    text: str
    rows: int


_END = object()


def render_ahead(chunks: Iterable[Chunk], depth: int = 2) -> Iterator[Rendered]:
    """The chunks as COPY text, generated and rendered by a thread up to ``depth`` chunks ahead.

    Without it a worker generates a chunk, then sends it, and its server backend idles while it
    generates. Here the sending thread waits for the server inside psycopg2 (which releases the
    GIL), so the next chunks are made meanwhile. Memory grows by ``depth`` chunks of text. An error
    in the thread is raised here; leaving early (an error in COPY) stops the thread after the
    chunk in hand.
    """
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for c in chunks:
                text = c.text if c.text is not None else copy_text(c.rows, KINDS[c.table], NULLABLE[c.table])
                if not put(Rendered(c.table, c.upsert, text, len(c))):
                    return
            put(_END)
        except BaseException as exc:  # re-raised by the consumer
            put(exc)

    thread = threading.Thread(target=produce, name="render-ahead", daemon=True)
    thread.start()
    try:
        while (item := ready.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()
