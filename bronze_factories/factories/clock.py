"""The factories' window: where in time their rows fall, never read from the clock.

Rows fall in the window ``[end - days, end)`` with ``end = 2026-01-01`` unless
:func:`~bronze_factories.factories.seed` (or :func:`set_window`) says otherwise, so a validator run
with ``window=bronze_factories.window()`` checks exactly what the factories meant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..engine.params import Params

#: Default end of the window (exclusive): midnight, 2026-01-01. Rows never depend on today's date.
DEFAULT_END_DATE = dt.datetime(2026, 1, 1)
#: Default window length in days, as in the bulk engine.
DEFAULT_DAYS = 365
#: Default seed of :func:`seed` and of the pytest plugin.
DEFAULT_SEED = 42


@dataclass
class Settings:
    """Module-wide factory settings; change them through :func:`seed`, :func:`set_window` or :func:`advance`."""

    end: dt.datetime = DEFAULT_END_DATE
    days: int = DEFAULT_DAYS
    warehouses: int = Params.warehouses  # the engine's default warehouse count (WH001..WH005)
    elapsed: dt.timedelta = dt.timedelta(0)  # how far advance() moved the end since the window was set
    epoch: int = 0  # bumped whenever the window is set anew: orders of an older epoch no longer move on

    @property
    def start(self) -> dt.datetime:
        return self.end - dt.timedelta(days=self.days) - self.elapsed


settings = Settings()


def _midnight(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(hour=0, minute=0, second=0, microsecond=0)
    return dt.datetime.combine(value, dt.time())


def set_window(end_date: dt.date | dt.datetime | None = None, days: int | None = None) -> tuple[dt.datetime, dt.datetime]:
    """Move the window the factories write into; returns ``(start, end)``.

    The window is ``[end - days, end)`` again: what :func:`advance` added to it is dropped.
    """
    if days is not None and days < 7:
        raise ValueError(f"the window must span at least 7 days, got {days}")
    if end_date is not None or days is not None:
        settings.end = _midnight(end_date) if end_date is not None else settings.end
        settings.days = days if days is not None else settings.days
        settings.elapsed = dt.timedelta(0)
        settings.epoch += 1
    return window()


def rewind() -> None:
    """Take back what :func:`advance` moved: the end the window was set with (``seed()`` starts from it)."""
    if settings.elapsed:
        settings.end -= settings.elapsed
        settings.elapsed = dt.timedelta(0)
        settings.epoch += 1


def move_end(step: dt.timedelta) -> None:
    """Move the window's end forward by ``step``; its start stays (the window grows)."""
    settings.end += step
    settings.elapsed += step


def window() -> tuple[dt.datetime, dt.datetime]:
    """The half-open window ``(start, end)`` of factory rows: pass it to the validator as ``window=``."""
    return settings.start, settings.end


__all__ = ["DEFAULT_DAYS", "DEFAULT_END_DATE", "DEFAULT_SEED", "Settings", "move_end", "rewind", "set_window", "settings",
           "window"]
