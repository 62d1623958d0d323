"""The one place rows become CSV text, for ``COPY ... FROM STDIN`` and for ``--format csv`` files alike.

Sharing it is what lets ``psql \\copy ... with (format csv, header true)`` load our CSV files
into the same rows as populate's own COPY. PostgreSQL's CSV format reads an unquoted empty field
as NULL and a quoted one (``""``) as the empty string, so the writer must keep ``None`` and ``''``
apart. Python 3.12's ``csv.QUOTE_NOTNULL`` does exactly that in C; on older Pythons rows that
hold an empty string (rare) are written by a small Python fallback, the rest still in C.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

_NOTNULL = getattr(csv, "QUOTE_NOTNULL", None)


def _writer(buf: io.StringIO) -> csv.Writer:  # type: ignore[name-defined]
    if _NOTNULL is not None:
        return csv.writer(buf, lineterminator="\n", quoting=_NOTNULL)
    return csv.writer(buf, lineterminator="\n")


def _field(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    if text == "" or any(c in text for c in ',"\n\r') or text[0] in " \t" or text[-1] in " \t":
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_text(rows: Sequence[Sequence[object]], header: Sequence[str] | None = None) -> str:
    """CSV text of ``rows`` (``\\n`` line ends, NULL as an empty unquoted field), with an optional header."""
    buf = io.StringIO()
    writer = _writer(buf)
    if header is not None:
        writer.writerow(header)
    if _NOTNULL is not None or not any("" in row for row in rows):
        writer.writerows(rows)
        return buf.getvalue()
    run: list[Sequence[object]] = []
    for row in rows:
        if "" in row:
            writer.writerows(run)
            run = []
            buf.write(",".join(_field(v) for v in row) + "\n")
        else:
            run.append(row)
    writer.writerows(run)
    return buf.getvalue()


class CsvStream(io.RawIOBase):
    """A read-only text stream over row batches, for ``cursor.copy_expert``: CSV is made batch by batch
    as COPY pulls, so neither a temporary file nor a whole table ever sits in memory."""

    def __init__(self, batches: Iterable[Sequence[Sequence[object]]]) -> None:
        self._batches = iter(batches)
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
            self._text, self._pos = csv_text(batch), 0
        if size < 0:
            out = self._text[self._pos:]
        else:
            out = self._text[self._pos:self._pos + size]
        self._pos += len(out)
        return out

    def readline(self, size: int = -1) -> str:  # type: ignore[override]
        raise io.UnsupportedOperation("CsvStream is read in blocks")
