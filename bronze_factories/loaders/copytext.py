"""Rows as PostgreSQL ``COPY ... (FORMAT text)`` input, built column by column, and the stream COPY reads.

COPY's text format is what the server parses fastest (no quote handling) and what we can build
fastest: the rows are turned into columns once, each column is converted in one pass (a
column that needs no escaping, which is nearly all of them, is not touched at all), and the lines
are joined back in C. ``psql \\copy`` users get CSV files instead (see :mod:`.csvtext`).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import Boolean, Integer

from ..engine.columns import COLUMNS
from ..models import MODELS

NULL = "\\N"
_SPECIAL = ("\\", "\t", "\n", "\r")

#: Per table and load column: "int", "bool" or "str" (text, JSON, timestamps and numerics arrive as str).
KINDS: dict[str, tuple[str, ...]] = {
    m.__tablename__: tuple(
        "bool" if isinstance(m.__table__.c[c].type, Boolean)
        else "int" if isinstance(m.__table__.c[c].type, Integer) else "str"
        for c in COLUMNS[m.__tablename__]
    )
    for m in MODELS
}


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _column(values: tuple, kind: str) -> Sequence[str]:
    has_null = None in values
    if kind == "bool":
        return [NULL if v is None else ("t" if v else "f") for v in values]
    if kind == "int":
        return [NULL if v is None else str(v) for v in values] if has_null else list(map(str, values))
    # Escaping, when a column needs it (JSON with escaped quotes, texts with line breaks), is done
    # on the whole column joined by NUL (which COPY text cannot hold, so it is never data) and split
    # back: four C-level passes instead of four method calls per value.
    nulls = [i for i, v in enumerate(values) if v is None] if has_null else []
    joined = "\x00".join("" if v is None else v for v in values) if has_null else "\x00".join(values)
    if any(s in joined for s in _SPECIAL):
        out = _escape(joined).split("\x00")
    elif has_null:
        out = list(values)
    else:
        return values
    for i in nulls:
        out[i] = NULL
    return out


def copy_text(rows: Sequence[Sequence[object]], kinds: Sequence[str]) -> str:
    """``rows`` in COPY text format (tab-separated, ``\\N`` for NULL, backslash escapes), ``\\n`` line ends."""
    if not rows:
        return ""
    columns = [_column(values, kind) for values, kind in zip(zip(*rows, strict=True), kinds, strict=True)]
    return "\n".join(map("\t".join, zip(*columns, strict=True))) + "\n"


class TextStream(io.RawIOBase):
    """A read-only text stream over row batches for ``cursor.copy_expert``: the text is made batch by
    batch as COPY pulls it, so neither a temporary file nor a whole table ever sits in memory."""

    def __init__(self, batches: Iterable[Sequence[Sequence[object]]],
                 render: Callable[[Sequence[Sequence[object]]], str]) -> None:
        self._batches = iter(batches)
        self._render = render
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
            self.rows += len(batch)
            self._text, self._pos = self._render(batch), 0
        out = self._text[self._pos:] if size < 0 else self._text[self._pos:self._pos + size]
        self._pos += len(out)
        return out

    def readline(self, size: int = -1) -> str:  # type: ignore[override]
        raise io.UnsupportedOperation("TextStream is read in blocks")
