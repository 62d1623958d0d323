"""What a run tells its user while it works, and the summary it ends with.

A terminal gets one tqdm bar per table (rows, rows/s, ETA against ``Simulation.estimate()``); a
log file or CI job gets plain lines at most every few seconds, because redrawn bars are
unreadable there; ``--quiet`` gets nothing but errors.
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
        self._bars: dict[str, Any] = {}
        if mode == "bars":
            from tqdm import tqdm

            width = max(len(t) for t in self.totals)
            for i, table in enumerate(self.totals):
                self._bars[table] = tqdm(
                    total=self.totals[table], desc=table.ljust(width), unit=" rows", unit_scale=True, position=i,
                    file=self.stream, dynamic_ncols=True, leave=True, mininterval=0.5,
                )

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
        for table, n in counts.items():
            if not n:
                continue
            self.rows[table] = self.rows.get(table, 0) + n
            bar = self._bars.get(table)
            if bar is not None:
                if bar.n + n > bar.total:  # estimates are estimates: grow rather than overflow
                    bar.total = bar.n + n
                bar.update(n)
        if self.mode == "lines":
            now = time.monotonic()
            if now - self._last_log >= self.log_every:
                self._last_log = now
                self._log_lines(now)

    def _log_lines(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-9)
        for table, total in self.totals.items():
            done = self.rows.get(table, 0)
            pct = 100.0 * done / total if total else 100.0
            print(f"{table}: {_fmt(done)}/{_fmt(total)} rows ({pct:.0f}%), {_fmt(done / elapsed)} rows/s",
                  file=self.stream, flush=True)

    def close(self, completed: bool = True) -> None:
        for bar in self._bars.values():
            if completed and bar.total != bar.n:
                bar.total = bar.n
                bar.refresh()
            bar.close()
        self._bars.clear()

    def summary(self) -> str:
        elapsed = time.monotonic() - self.started
        width = max(len(t) for t in (*self.totals, "total"))
        lines = [f"{'table'.ljust(width)}  {'rows':>12}  {'rows/s':>10}"]
        for table in self.totals:
            n = self.rows.get(table, 0)
            lines.append(f"{table.ljust(width)}  {_fmt(n):>12}  {_fmt(n / max(elapsed, 1e-9)):>10}")
        total = sum(self.rows.values())
        lines.append(f"{'total'.ljust(width)}  {_fmt(total):>12}  {_fmt(total / max(elapsed, 1e-9)):>10}")
        lines.append(f"time {elapsed:.1f} s")
        if self.skipped_units:
            lines.append(f"{self.skipped_units} work units were already loaded and skipped")
        return "\n".join(lines)
