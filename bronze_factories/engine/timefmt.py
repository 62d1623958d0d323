"""Timestamps as integer seconds, formatted for loading in bulk (numpy, not per-row strftime)."""

from __future__ import annotations

import datetime as dt

import numpy as np

EPOCH = dt.datetime(1970, 1, 1)


def to_seconds(value: dt.datetime) -> int:
    return int((value - EPOCH).total_seconds())


def iso(seconds: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DDTHH:MM:SS`` (for raw_data JSON)."""
    return np.datetime_as_string(np.asarray(seconds, dtype="datetime64[s]"), unit="s")


def sql(seconds: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD HH:MM:SS`` (for timestamp columns; SQLite compares them as text)."""
    out = iso(seconds)
    if not len(out):
        return out
    codes = out.view(np.uint32).reshape(len(out), -1)
    codes[:, 10] = ord(" ")
    return out


def dates(seconds: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD``."""
    return np.datetime_as_string(np.asarray(seconds, dtype="datetime64[s]").astype("datetime64[D]"), unit="D")
