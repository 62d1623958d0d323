"""Timestamps as integer seconds, formatted for loading in bulk (numpy, not per-row strftime)."""

from __future__ import annotations

import datetime as dt

import numpy as np

EPOCH = dt.datetime(1970, 1, 1)
#: Characters of ``YYYY-MM-DDTHH:MM:SS``.
ISO_LEN = 19


def to_seconds(value: dt.datetime) -> int:
    return int((value - EPOCH).total_seconds())


def _lines(seconds: np.ndarray) -> np.ndarray | None:
    """``YYYY-MM-DDTHH:MM:SS\\n`` of each timestamp as a ``(n, 20)`` array of ASCII codes.

    The date part comes from a table of the few days the timestamps span and the time of day from
    integer digits: both forms in half the time ``numpy.datetime_as_string`` takes for one, the same text.
    ``None`` when empty or outside years 1000-9999 (other widths), where the caller falls back to numpy.
    """
    s = np.asarray(seconds, dtype=np.int64)
    if not len(s):
        return None
    day, second = np.divmod(s, 86_400)
    first, last = int(day.min()), int(day.max())
    if not _FIRST_DAY <= first <= last <= _LAST_DAY:
        return None
    if last - first < 4 * len(s):  # a table of every day from the first to the last
        days, index = np.arange(first, last + 1), day - first
    else:  # timestamps far apart: a table of the days they fall on
        days, index = np.unique(day, return_inverse=True)
    table = np.datetime_as_string(days.astype("datetime64[D]"), unit="D")
    out = np.empty((len(s), ISO_LEN + 1), np.uint8)
    out[:, :10] = table.view(np.uint32).reshape(len(table), -1)[:, :10][index.reshape(-1)]
    hour, second = np.divmod(second, 3600)
    minute, second = np.divmod(second, 60)
    for col, value in ((11, hour), (14, minute), (17, second)):
        out[:, col] = 48 + value // 10
        out[:, col + 1] = 48 + value % 10
    out[:, 10] = ord("T")
    out[:, 13] = out[:, 16] = ord(":")
    out[:, ISO_LEN] = ord("\n")
    return out


#: Days since 1970 of 1000-01-01 and 9999-12-31: the years ``_lines`` formats (four digits).
_FIRST_DAY = int(np.datetime64("1000-01-01", "D").astype(np.int64))
_LAST_DAY = int(np.datetime64("9999-12-31", "D").astype(np.int64))


def _strings(lines: np.ndarray) -> np.ndarray:
    """The first 19 characters of each line as a numpy string array."""
    return lines[:, :ISO_LEN].copy().view(f"S{ISO_LEN}").ravel().astype(f"U{ISO_LEN}")


def _split(lines: np.ndarray) -> list[str]:
    out = lines.tobytes().decode("ascii").split("\n")
    out.pop()  # after the last line end
    return out


def iso(seconds: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DDTHH:MM:SS`` (for raw_data JSON)."""
    lines = _lines(seconds)
    if lines is None:
        return np.datetime_as_string(np.asarray(seconds, dtype="datetime64[s]"), unit="s")
    return _strings(lines)


def sql(seconds: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD HH:MM:SS`` (for timestamp columns; SQLite compares them as text)."""
    lines = _lines(seconds)
    if lines is None:
        out = iso(seconds)
        return np.char.replace(out, "T", " ") if len(out) else out
    lines[:, 10] = ord(" ")
    return _strings(lines)


def sql_iso(seconds: np.ndarray) -> tuple[list[str], list[str]]:
    """``sql(seconds).tolist()`` and ``iso(seconds).tolist()``, formatted once.

    The hot paths need both forms of every timestamp as Python strings, and numpy's ``tolist``
    makes those one by one; here they come out of one ASCII text each, split in C.
    """
    lines = _lines(seconds)
    if lines is None:
        return sql(seconds).tolist(), iso(seconds).tolist()
    iso_list = _split(lines)
    lines[:, 10] = ord(" ")
    return _split(lines), iso_list


def dates(seconds: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD``."""
    return np.datetime_as_string(np.asarray(seconds, dtype="datetime64[s]").astype("datetime64[D]"), unit="D")
