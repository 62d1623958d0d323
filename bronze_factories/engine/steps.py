"""Where a dataset ends, and how work units and the ledger name the steps that take it on in time.

A dataset made for its parameters ends at their end date. It can go on (``--extend-to``, live
mode): a *step* takes it from ending at ``since`` to ending at ``until``. Its work units are the
days that can have rows or changes between the two ends, keyed ``day:NNNNN@<since>-<until>``; the
step is complete when the ledger has its row ``step:<since>-<until>``, so a dataset's current end
is the latest complete step's ``until`` (or the end date). Times are naive UTC seconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .params import Params

#: How many days before a step's start an order's day can still produce rows or change: a back-order
#: waits up to 14 days, shipping takes up to two, transit five, a return comes within 20 days of
#: delivery and a review within 30 (tests/test_story_engine.py checks this bound against the lifecycle).
LOOKBACK_DAYS = 64
DAY_S = 86_400
EPOCH = dt.datetime(1970, 1, 1)
_STAMP = "%Y%m%dT%H%M%S"


def days_until(params: Params, until: int | None) -> int:
    """Days simulated for a dataset ending at ``until`` (seconds; default its end date): whole days,
    at least the first window."""
    p = params.sized()
    if until is None:
        if p.until is None:
            return p.days
        until = seconds(p.until)
    return max(p.days, -(-(until - seconds(p.start)) // DAY_S))


def seconds(moment: dt.datetime | dt.date) -> int:
    """Seconds since the epoch of a naive UTC datetime (a date is its midnight)."""
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time())
    return int((moment - EPOCH).total_seconds())


def moment(at: int) -> dt.datetime:
    """The naive UTC datetime of ``at`` seconds since the epoch."""
    return EPOCH + dt.timedelta(seconds=at)


def stamp(at: int) -> str:
    """``YYYYMMDDTHHMMSS`` of ``at`` (seconds): how unit keys and the ledger name a dataset's end."""
    return moment(at).strftime(_STAMP)


def step_keys(params: Params, since: int, until: int) -> list[str]:
    """The units that take a loaded dataset from ending at ``since`` to ending at ``until``: every day
    that can have rows or changes in ``[since, until)``, each keyed by the step."""
    p = params.sized()
    start = seconds(p.start)
    first = max(0, (since - start) // DAY_S - LOOKBACK_DAYS)
    last = (until - 1 - start) // DAY_S
    return [f"day:{d:05d}@{stamp(since)}-{stamp(until)}" for d in range(first, last + 1)]


def parse_step(unit: str) -> tuple[int, int | None, int | None]:
    """``(day, since, until)`` of a day unit key (``since``/``until`` are ``None`` for a plain day)."""
    kind, _, rest = unit.partition(":")
    if kind != "day":
        raise ValueError(f"unknown work unit {unit!r}")
    number, _, window = rest.partition("@")
    if not window:
        return int(number), None, None
    since, until = _window(window)
    return int(number), since, until


def step_unit(since: int, until: int) -> str:
    """The ledger row that completes a step (written after all its day units, or with its rows)."""
    return f"step:{stamp(since)}-{stamp(until)}"


def _window(text: str) -> tuple[int, int]:
    lo, _, hi = text.partition("-")
    return seconds(dt.datetime.strptime(lo, _STAMP)), seconds(dt.datetime.strptime(hi, _STAMP))


def dataset_end(params: Params, units: Iterable[str]) -> int:
    """Where the loaded dataset ends, from its ledger units: the latest complete step, else the end date."""
    end = seconds(params.sized().end)
    for unit in units:
        if unit.startswith("step:"):
            end = max(end, _window(unit[5:])[1])
    return end


def pending_step(units: Iterable[str]) -> tuple[int, int] | None:
    """The step some of whose day units are loaded but that has no step row (an interrupted extension)."""
    units = list(units)
    complete = {u[5:] for u in units if u.startswith("step:")}
    started = {u.partition("@")[2] for u in units if u.startswith("day:") and "@" in u}
    open_ = sorted(_window(w) for w in started - complete)
    return open_[-1] if open_ else None
