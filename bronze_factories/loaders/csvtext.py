"""The one place rows become CSV text: ``--format csv`` files (and the factories' small COPYs).

The files must load with ``psql \\copy ... with (format csv, header true)`` into the same rows as
populate's own COPY (which uses the faster text format, see :mod:`.copytext`). PostgreSQL's CSV
format reads an unquoted empty field as NULL and a quoted one (``""``) as the empty string, so the
writer must keep ``None`` and ``''`` apart. Python 3.12's ``csv.QUOTE_NOTNULL`` does exactly that
in C; on older Pythons rows that hold an empty string (rare) are written by a small Python
fallback, the rest still in C.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

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
