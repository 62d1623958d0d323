"""What a run tells its user while it works, and the summary it ends with.

A terminal gets an overall bar (rows, ETA against ``Simulation.estimate()``) and one bar per table,
"waiting" until its table's first rows arrive; a log file or CI job gets one plain line every few
seconds with every table's total (never above 100%: an estimate that falls short grows), because
redrawn bars are unreadable there; ``--quiet`` gets nothing but errors. A table's rows/s in the
summary divide by the time that table was being written, not by the whole run.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from typing import IO, Any

LOG_EVERY = 5.0


def _fmt(n: float) -> str:
    return f"{n:,.0f}"


class Progress:
    """Rows per table as they are loaded; ``mode`` is ``bars``, ``lines`` or ``quiet``."""

    def __init__(self, totals: Mapping[str, int], mode: str, stream: IO[str] | None = None,
                 log_every: float = LOG_EVERY) -> None:
        self.totals = dict(totals)
        self.mode = mode
        self.stream = stream or sys.stderr
        self.log_every = log_every
        self.rows = dict.fromkeys(self.totals, 0)
        self.skipped_units = 0
        self.started = time.monotonic()
        self._last_log = self.started
        self._mark = self.started
        #: per table, when its first and its latest rows arrived (its rows/s: over that span)
        self.first: dict[str, float] = {}
        self.last: dict[str, float] = {}
        self._bars: dict[str, Any] = {}
        self._overall: Any = None
        if mode == "bars":
            from tqdm import tqdm

            width = max(len(t) for t in (*self.totals, "all tables"))
            self._overall = tqdm(total=sum(self.totals.values()), desc="all tables".ljust(width), unit=" rows",
                                 unit_scale=True, position=0, file=self.stream, dynamic_ncols=True, leave=True,
                                 mininterval=0.5)
            for i, table in enumerate(self.totals, start=1):
                bar = tqdm(
                    total=self.totals[table], desc=table.ljust(width), unit=" rows", unit_scale=True, position=i,
                    file=self.stream, dynamic_ncols=True, leave=True, mininterval=0.5,
                    bar_format="{desc}: waiting",
                )
                self._bars[table] = bar

    @staticmethod
    def choose_mode(quiet: bool, stream: IO[str] | None = None) -> str:
        if quiet:
            return "quiet"
        stream = stream or sys.stderr
        return "bars" if getattr(stream, "isatty", lambda: False)() else "lines"

    def message(self, text: str) -> None:
        """An informational line (not shown with ``--quiet``), printed around the bars."""
        if self.mode == "quiet":
            return
        if self._bars:
            from tqdm import tqdm

            tqdm.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    def add(self, counts: Mapping[str, int]) -> None:
        now = time.monotonic()
        for table, n in counts.items():
            if not n:
                continue
            # A table is being written from the end of the previous unit (or the start) to now: a table
            # that comes in one burst (the customers) still gets its own time, not the whole run's.
            self.first.setdefault(table, self._mark)
            self.last[table] = now
            self.rows[table] = self.rows.get(table, 0) + n
            if self.rows[table] > self.totals.get(table, 0):  # estimates are estimates: grow, never pass 100%
                self.totals[table] = self.rows[table]
            bar = self._bars.get(table)
            if bar is not None:
                if bar.n == 0:
                    bar.bar_format = None  # the standard bar: rows, rate, ETA
                if bar.n + n > bar.total:
                    bar.total = bar.n + n
                bar.update(n)
                if self._overall.n + n > self._overall.total:
                    self._overall.total = self._overall.n + n
                self._overall.update(n)
        self._mark = now
        if self.mode == "lines" and now - self._last_log >= self.log_every:
            self._last_log = now
            print(self.line(now), file=self.stream, flush=True)

    def line(self, now: float | None = None) -> str:
        """One log line: the time so far and every table's rows against its (grown) estimate."""
        now = time.monotonic() if now is None else now
        parts = []
        for table, total in self.totals.items():
            done = self.rows.get(table, 0)
            pct = 100.0 * done / total if total else 100.0
            parts.append(f"{table} {_fmt(done)}/{_fmt(total)} ({pct:.0f}%)")
        return f"{now - self.started:.0f} s: " + ", ".join(parts)

    def close(self, completed: bool = True) -> None:
        bars = list(self._bars.values()) + ([self._overall] if self._overall is not None else [])
        for bar in bars:
            if completed and bar.total != bar.n:
                bar.total = bar.n
                bar.refresh()
            bar.close()
        self._bars.clear()
        self._overall = None

    def summary(self) -> str:
        elapsed = time.monotonic() - self.started
        width = max(len(t) for t in (*self.totals, "total"))
        lines = [f"{'table'.ljust(width)}  {'rows':>12}  {'rows/s':>10}"]
        for table in self.totals:
            n = self.rows.get(table, 0)
            span = self.last.get(table, 0.0) - self.first.get(table, 0.0)
            rate = n / span if span > 0 else 0.0
            lines.append(f"{table.ljust(width)}  {_fmt(n):>12}  {_fmt(rate):>10}")
        total = sum(self.rows.values())
        lines.append(f"{'total'.ljust(width)}  {_fmt(total):>12}  {_fmt(total / max(elapsed, 1e-9)):>10}")
        lines.append(f"time {elapsed:.1f} s")
        if self.skipped_units:
            lines.append(f"{self.skipped_units} work units were already loaded and skipped")
        return "\n".join(lines)
