"""Check a loaded database against the bronze contract.

    python -m bronze_factories.validate --database-url postgresql://postgres@127.0.0.1/warehouse
    bronze-validate --schema staging --end-date 2025-01-01 --days 365 --category relationship,time

Prints one line per rule as it finishes (status, category, name, violations and up to five example
ids, and for realism rules the measured figure and its allowed range), then a summary naming the
failed rules. Progress goes to stderr: on a terminal, one line naming the running rule and its
seconds so far; otherwise (a log) a line when each rule starts and one with its seconds when it
ends; then the whole run's seconds. Exit status: 0 when every rule passes, 1 when one fails (or
the database cannot be read), 2 for a usage error, 130 when interrupted (Ctrl-C stops the running
query). The same check is a function, :func:`validate`, which the factories' and the engine's tests
call.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from sqlalchemy.exc import SQLAlchemyError

from .config import DEFAULT_URL, ENV_URL, ConfigError, database_url, redact
from .engine.params import Params, ParamsError
from .validation import CATEGORIES, RULE_NAMES, RULES, Report, RuleResult, ValidationSetupError, validate
from .validation.report import line_width

__all__ = ["Report", "RuleResult", "main", "validate"]

PROG = "bronze-validate"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Run every rule of the bronze data contract against a loaded database.",
    )
    parser.add_argument("--database-url", help="database to check (default: $BRONZE_DATABASE_URL, else sqlite:///bronze.db)")
    parser.add_argument("--schema", help="schema of the bronze tables (default: $BRONZE_SCHEMA, else bronze)")
    parser.add_argument("--end-date", help="end of the window, YYYY-MM-DD (midnight, exclusive); needs --days")
    parser.add_argument("--days", type=int, help="length of the window in days; needs --end-date")
    parser.add_argument("--category", help=f"comma-separated subset of: {', '.join(CATEGORIES)}")
    parser.add_argument("--rule", help="comma-separated rule names to run (default: all)")
    parser.add_argument("--list-rules", action="store_true", help="print every rule (name, category, what it "
                        "checks) and exit")
    volumes = parser.add_argument_group("dataset parameters for the volume rules (default: from the load ledger; "
                                        "need --end-date and --days)")
    volumes.add_argument("--customers", type=int, metavar="N")
    volumes.add_argument("--products", type=int, metavar="N")
    volumes.add_argument("--orders", type=int, metavar="N")
    volumes.add_argument("--sessions-per-day", type=int, metavar="N")
    volumes.add_argument("--events-per-session", metavar="MIN-MAX", help="default 5-30")
    parser.add_argument("--debug", action="store_true", help="log query times; show tracebacks")
    return parser


def _params(args: argparse.Namespace) -> Params | None:
    """Params from the volume flags (all four, with the window), or ``None`` when none is given."""
    names = ("customers", "products", "orders", "sessions_per_day")
    given = {n: getattr(args, n) for n in names if getattr(args, n) is not None}
    if not given and args.events_per_session is None:
        return None
    missing = [f"--{n.replace('_', '-')}" for n in names if n not in given]
    if missing or args.end_date is None or args.days is None:
        missing += [f for f, v in (("--end-date", args.end_date), ("--days", args.days)) if v is None]
        raise ConfigError(f"the volume flags go together: add {', '.join(missing)}")
    lo, _, hi = (args.events_per_session or "5-30").partition("-")
    try:
        return Params(end_date=dt.date.fromisoformat(args.end_date), days=args.days, events_min=int(lo),
                      events_max=int(hi), **given)
    except (ValueError, ParamsError) as exc:
        raise ConfigError(str(exc)) from None


def list_rules() -> str:
    width = line_width(r.name for r in RULES)
    return "\n".join(f"{r.category:<14}{r.name:<{width}}{r.description}" for r in RULES)


class _Stream:
    """Result lines on ``out`` as the rules finish; progress with elapsed seconds on ``err``.

    On a terminal, one line that names the running rule and counts its seconds (redrawn every
    ``tick`` seconds, cleared before each result line); otherwise a line when a rule starts and one
    with its seconds when it ends, so that a log shows what ran, how long, and what was running when
    it stopped. Both end with the whole run's seconds (:meth:`done`).
    """

    def __init__(self, names: Sequence[str], out: IO[str], err: IO[str], clock: Callable[[], float] = time.monotonic,
                 tick: float = 1.0) -> None:
        self.width, self.out, self.err, self.clock, self.tick = line_width(names), out, err, clock, tick
        self.tty = getattr(err, "isatty", lambda: False)()
        self.began = clock()
        self.running: tuple[str, float] | None = None
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.ticker: threading.Thread | None = None

    def start(self, rule, i: int, n: int) -> None:  # type: ignore[no-untyped-def]
        with self.lock:
            self.running = (f"[{i + 1}/{n}] {rule.name}", self.clock())
            if self.tty:
                self._draw()
            else:
                print(f"{self.running[0]} ...", file=self.err, flush=True)
        if self.tty and self.ticker is None:
            self.ticker = threading.Thread(target=self._redraw, daemon=True)
            self.ticker.start()

    def result(self, result: RuleResult) -> None:
        with self.lock:
            if self.running is not None and not self.tty:
                label, started = self.running
                print(f"{label} {self.clock() - started:.2f} s", file=self.err, flush=True)
            self.running = None
            self._clear()
            print(result.line(self.width), file=self.out, flush=True)

    def done(self, rules: int) -> None:
        """The run's seconds (after the summary line)."""
        self.close()
        print(f"{rules} rules in {self.clock() - self.began:.1f} s", file=self.err, flush=True)

    def close(self) -> None:
        """Stop redrawing and clear the terminal line (also when the run is interrupted)."""
        self.stop.set()
        if self.ticker is not None:
            self.ticker.join()
        with self.lock:
            self.running = None
            self._clear()

    def _draw(self) -> None:
        assert self.running is not None
        label, started = self.running
        self.err.write(f"\r\033[K{label} ... {self.clock() - started:.0f} s")
        self.err.flush()

    def _redraw(self) -> None:
        while not self.stop.wait(self.tick):
            with self.lock:
                if self.running is not None:
                    self._draw()

    def _clear(self) -> None:
        if self.tty:
            self.err.write("\r\033[K")
            self.err.flush()


def _window(end_date: str | None, days: int | None) -> tuple[dt.datetime, dt.datetime] | None:
    if end_date is None and days is None:
        return None
    if end_date is None or days is None:
        raise ConfigError("--end-date and --days go together; give both (or neither, to read them from the load ledger)")
    try:
        end = dt.datetime.combine(dt.date.fromisoformat(end_date), dt.time())
    except ValueError:
        raise ConfigError(f"--end-date {end_date!r} is not a date; write YYYY-MM-DD") from None
    if days <= 0:
        raise ConfigError(f"--days must be a positive integer, got {days}")
    return end - dt.timedelta(days=days), end


def _split(value: str | None) -> list[str] | None:
    return None if value is None else [v for v in value.split(",") if v.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.list_rules:
        print(list_rules())
        return 0
    if args.debug:
        logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s")
    # Errors name the URL as the user typed it (password hidden), not the driver it runs on.
    url_text = redact(args.database_url or os.environ.get(ENV_URL) or DEFAULT_URL)
    missing: str | None = None
    try:
        url = database_url(args.database_url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            # Open the file read-write but never create it: sqlite3 would make an empty file at a
            # mistyped path and report every table missing.
            missing = url.database if not Path(url.database).is_file() else None
            url = url.set(database=f"file:{url.database}", query={**url.query, "mode": "rw", "uri": "true"})
        from .validation.runner import select_rules

        params = _params(args)
        selected = select_rules(_split(args.category), _split(args.rule))
        window = None if params else _window(args.end_date, args.days)
        stream = _Stream([r.name for r in selected], sys.stdout, sys.stderr)
        try:
            report = validate(url, args.schema, params=params, window=window, categories=_split(args.category),
                              rules=_split(args.rule), on_start=stream.start, on_result=stream.result)
        except BaseException:
            stream.close()  # the terminal line goes before the error's
            raise
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted (the running query was cancelled)", file=sys.stderr)
        return 130
    except ConfigError as exc:
        if args.debug:
            raise
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except ValidationSetupError as exc:
        if args.debug:
            raise
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        if args.debug:
            raise
        if missing is not None:
            print(f"{PROG}: error: no SQLite database at {missing!r}; check the path", file=sys.stderr)
            return 1
        orig = getattr(exc, "orig", None) or exc
        reason = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
        print(f"{PROG}: error: cannot validate {url_text}: {reason}", file=sys.stderr)
        return 1
    print(report.summary(), flush=True)
    stream.done(len(report))
    return 0 if report.ok else 1


assert RULE_NAMES  # the rule table is importable: a broken rule module fails at import, not mid-run

if __name__ == "__main__":
    sys.exit(main())
