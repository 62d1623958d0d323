"""Check a loaded database against the bronze contract.

    python -m bronze_factories.validate --database-url postgresql://postgres@127.0.0.1/warehouse
    bronze-validate --schema staging --end-date 2025-01-01 --days 365 --category relationship,time

Prints one line per rule (status, category, name, violations, and for realism rules the measured
figure and its allowed range). Exit status: 0 when every rule passes, 1 when one fails (or the
database cannot be read), 2 for a usage error. The same check is a function, :func:`validate`,
which the factories' and the engine's tests call.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from .config import ConfigError, database_url, redact
from .validation import CATEGORIES, RULE_NAMES, Report, RuleResult, ValidationSetupError, validate

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
    parser.add_argument("--debug", action="store_true", help="log query times; show tracebacks")
    return parser


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
    if args.debug:
        logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s")
    url_text = "the database"
    missing: str | None = None
    try:
        url = database_url(args.database_url)
        url_text = redact(url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            # Open the file read-write but never create it: sqlite3 would make an empty file at a
            # mistyped path and report every table missing.
            missing = url.database if not Path(url.database).is_file() else None
            url = url.set(database=f"file:{url.database}", query={**url.query, "mode": "rw", "uri": "true"})
        report = validate(url, args.schema, window=_window(args.end_date, args.days),
                          categories=_split(args.category), rules=_split(args.rule))
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
    print(report.format())
    return 0 if report.ok else 1


assert RULE_NAMES  # the rule table is importable: a broken rule module fails at import, not mid-run

if __name__ == "__main__":
    sys.exit(main())
