"""Command line and environment of ``bronze-populate``, checked before anything touches a target.

Every option can come from a flag or from an environment variable ``BRONZE_<NAME>`` (flags win),
so that a container or a CI job can be configured without changing its command. Everything that
can be wrong with the input is found here, before a database or a directory is touched: that is
what keeps a bad invocation from leaving half a dataset behind.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL

from ..config import ConfigError, database_url, schema_name
from ..engine import Params, ParamsError
from ..vocabulary.store import SOURCE_SYSTEM

FORMATS = ("parquet", "csv", "jsonl")
DEFAULT_BATCH_SIZE = 50_000

#: The old generator's environment variables, accepted as aliases of the ``BRONZE_*`` ones (which win).
OLD_ENV = {"customers": "NUM_CUSTOMERS", "products": "NUM_PRODUCTS", "orders": "NUM_ORDERS", "days": "DAYS_OF_DATA"}

# The default store (10,000 customers, 365 days, 50,000 orders, 1,000 sessions a day) as rates, so
# that a window or a store of another size gets volumes in the same proportions: 5 orders per
# customer a year, 0.1 sessions per customer a day, and 50,000 / 365,000 sessions ending in an order.
_ORDERS_PER_CUSTOMER_DAY = (50_000, 10_000 * 365)
_SESSIONS_PER_CUSTOMER = (1_000, 10_000)
_ORDERS_PER_SESSION = (50_000, 365 * 1_000)


def derived_orders(customers: int, days: int, sessions_per_day: int | None = None) -> int:
    """Orders at the default store's rate per customer and day; below the sessions' conversion."""
    num, den = _ORDERS_PER_CUSTOMER_DAY
    orders = (customers * days * num + den // 2) // den
    if sessions_per_day is not None:
        num, den = _ORDERS_PER_SESSION
        orders = min(orders, sessions_per_day * days * num // den)
    return max(1, orders)


def derived_sessions_per_day(customers: int, days: int, orders: int) -> int:
    """Sessions at the default store's rate per customer, and enough to convert ``orders`` at its rate."""
    num, den = _SESSIONS_PER_CUSTOMER
    by_customers = (customers * num + den // 2) // den
    num, den = _ORDERS_PER_SESSION
    by_orders = -(-orders * den // (days * num))
    return max(1, by_customers, by_orders)


class UsageError(ValueError):
    """The invocation itself is wrong (exit status 2); the message says what to change."""


@dataclass(frozen=True)
class Options:
    """A checked invocation: the dataset, where it goes, and how to run."""

    params: Params
    url: URL | None
    schema: str
    output_dir: Path | None
    format: str
    shard: tuple[int, int] | None
    workers: int
    batch_size: int
    plan: bool
    quiet: bool
    reset: bool
    debug: bool
    end_date_given: bool
    summary_json: Path | None = None
    #: Lines for stderr about how the invocation was read (old variable names used).
    notices: tuple[str, ...] = ()
    #: How the target was chosen when nothing named it (empty when a flag or variable did).
    target_note: str = ""
    #: ``None`` (local processes), ``"local"`` (a Dask ``LocalCluster``) or a scheduler address.
    dask: str | None = None
    #: With Dask and PostgreSQL: COPY streams open into the server at once, over the whole cluster.
    copy_streams: int = 8
    #: ``--output-dir`` given as a URL (``s3://bucket/prefix``): partitioned files, written by the workers.
    output_url: str | None = None
    #: Take the dataset on to this moment after loading it (``--extend-to``).
    extend_to: dt.datetime | None = None
    #: Keep the dataset going (``--live``): simulated seconds per wall second, wall seconds per tick.
    live: bool = False
    speed: float = 1.0
    tick: float = 5.0

    @property
    def partitioned(self) -> bool:
        """One file per table and work unit (a URL, or any directory on Dask): see ``loaders.partitioned``."""
        return self.output_url is not None or (self.output_dir is not None and self.dask is not None)

    @property
    def output_location(self) -> str | None:
        return self.output_url if self.output_url is not None else (
            str(self.output_dir) if self.output_dir is not None else None)

    @property
    def target_kind(self) -> str:
        if self.output_dir is not None or self.output_url is not None:
            return "files"
        assert self.url is not None
        return self.url.get_backend_name()


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad flag raises :class:`UsageError` (one line) instead of printing usage."""

    def error(self, message: str) -> Any:  # type: ignore[override]
        raise UsageError(f"{message} (see --help)")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="bronze-populate",
        description="Fill the bronze tables (PostgreSQL, SQLite) or write them as files, with one consistent "
        "simulated store. Every option also reads BRONZE_<OPTION> from the environment (flags win).",
    )
    size = p.add_argument_group("dataset (its identity: same values, same rows)")
    size.add_argument("--customers", metavar="N", help="customers (default 10000; BRONZE_CUSTOMERS, NUM_CUSTOMERS)")
    size.add_argument("--products", metavar="N", help="products (default 5000; BRONZE_PRODUCTS, NUM_PRODUCTS)")
    size.add_argument("--orders", metavar="N", help="orders (default: 5 per customer a year, 50000 for the "
                      "default store; BRONZE_ORDERS, NUM_ORDERS)")
    size.add_argument("--days", metavar="N", help="days of history before --end-date (default 365; BRONZE_DAYS, "
                      "DAYS_OF_DATA)")
    size.add_argument("--end-date", metavar="YYYY-MM-DD",
                      help="first day after the window (default: today, UTC; BRONZE_END_DATE)")
    size.add_argument("--seed", metavar="N", help="random seed (default 42; BRONZE_SEED)")
    size.add_argument("--scale", metavar="X",
                      help="multiply customers, products, orders and sessions (default 1; BRONZE_SCALE)")
    size.add_argument("--sessions-per-day", metavar="N",
                      help="web sessions per day (default: 0.1 per customer and enough for the orders, 1000 for the "
                      "default store; BRONZE_SESSIONS_PER_DAY)")
    size.add_argument("--events-per-session", metavar="MIN-MAX",
                      help="clickstream events per session (default 5-30; BRONZE_EVENTS_PER_SESSION)")
    size.add_argument("--warehouses", metavar="N", help="warehouses (default 5; BRONZE_WAREHOUSES)")
    size.add_argument("--source-system", metavar="NAME",
                      help="the source_system column of every row (default ecommerce_platform; BRONZE_SOURCE_SYSTEM)")
    where = p.add_argument_group("target (default: SQLite file bronze.db in the working directory)")
    where.add_argument("--database-url", metavar="URL", help="postgresql://user:password@host:port/db or sqlite:///file.db "
                       "(BRONZE_DATABASE_URL)")
    where.add_argument("--schema", metavar="NAME", help="target schema (default bronze; BRONZE_SCHEMA)")
    where.add_argument("--output-dir", metavar="DIR", help="write files into this directory instead of a database "
                       "(BRONZE_OUTPUT_DIR)")
    where.add_argument("--format", metavar="FORMAT", help=f"file format with --output-dir: {', '.join(FORMATS)} "
                       "(default parquet; BRONZE_FORMAT)")
    story = p.add_argument_group("going on in time (a database target; see README, Incremental loads and live mode)")
    story.add_argument("--extend-to", metavar="WHEN",
                       help="after loading the dataset, take it on to this moment (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS, "
                       "UTC): the new days' rows, and the orders whose state moved on as upserts (BRONZE_EXTEND_TO)")
    story.add_argument("--live", action="store_true", default=None,
                       help="after loading (and extending), keep the dataset going until Ctrl-C or SIGTERM; a later "
                       "start goes on from where it stopped (BRONZE_LIVE)")
    story.add_argument("--speed", metavar="X", help="with --live: simulated seconds per wall-clock second (default 1; "
                       "60 is an hour a minute; BRONZE_SPEED)")
    story.add_argument("--tick", metavar="SECONDS", help="with --live: wall-clock seconds between loads (default 5; "
                       "BRONZE_TICK)")
    run = p.add_argument_group("running")
    run.add_argument("--workers", metavar="N", help="parallel worker processes (default: CPUs, at most 8; BRONZE_WORKERS)")
    run.add_argument("--dask", metavar="SCHEDULER",
                     help="run the work units on Dask: 'local' (a local cluster of --workers processes) or a "
                     "scheduler address such as tcp://host:8786 (BRONZE_DASK_SCHEDULER; pip install "
                     "'bronze-factories[dask]')")
    run.add_argument("--copy-streams", metavar="N",
                     help="with --dask into PostgreSQL: at most N COPY streams into the server at once, over the "
                     "whole cluster (default 8; BRONZE_COPY_STREAMS)")
    run.add_argument("--batch-size", metavar="N", help=f"rows per chunk (default {DEFAULT_BATCH_SIZE}; BRONZE_BATCH_SIZE)")
    run.add_argument("--shard", metavar="K/N", help="load only the K-th of N disjoint parts (BRONZE_SHARD)")
    run.add_argument("--plan", action="store_true", default=None, help="print the sizing table and exit")
    run.add_argument("--quiet", action="store_true", default=None, help="print errors only (BRONZE_QUIET)")
    run.add_argument("--summary-json", metavar="FILE",
                     help="also write the summary (rows and seconds per table) as JSON, for scripts and benchmarks")
    run.add_argument("--reset", action="store_true", default=None,
                     help="empty the seven tables and the load ledger first (BRONZE_RESET)")
    run.add_argument("--debug", action="store_true", default=None, help="tracebacks on errors (BRONZE_DEBUG)")
    run.add_argument("--load", action="store_true", help="accepted for compatibility with the old tool (no-op)")
    return p


def _positive_int(text: str) -> int:
    value = int(text.replace("_", "").replace(",", ""))
    if value <= 0:
        raise ValueError("must be a positive integer")
    return value


def _int(text: str) -> int:
    return int(text.replace("_", "").replace(",", ""))


def _scale(text: str) -> float:
    value = float(text)
    if not value > 0 or value != value or value == float("inf"):
        raise ValueError("must be a positive number")
    return value


def _date(text: str) -> dt.date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError("expected YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"not a date ({exc}); expected YYYY-MM-DD") from None


def _moment(text: str) -> dt.datetime:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.datetime.combine(_date(text), dt.time())
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?", text):
        raise ValueError("expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (UTC)")
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"not a time ({exc}); expected YYYY-MM-DDTHH:MM:SS") from None


def _range(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", text)
    if not m:
        raise ValueError("expected MIN-MAX, e.g. 5-30")
    return int(m.group(1)), int(m.group(2))


def _shard(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not m:
        raise ValueError("expected K/N with 1 <= K <= N, e.g. 2/3")
    k, n = int(m.group(1)), int(m.group(2))
    if n < 1 or not 1 <= k <= n:
        raise ValueError("expected K/N with 1 <= K <= N, e.g. 2/3")
    return k, n


def _scheduler(text: str) -> str:
    if text == "local" or re.fullmatch(r"(tcp|tls|inproc|ucx|ws|wss)://[^\s/]+(:\d+)?/?", text):
        return text
    if re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+:\d+", text):
        return "tcp://" + text
    raise ValueError("expected 'local' or a scheduler address such as tcp://host:8786")


def _output_url(text: str) -> str:
    try:
        import fsspec
    except ImportError:
        raise UsageError(f"--output-dir {text!r}: a URL needs fsspec: pip install 'bronze-factories[dask]'") from None
    protocol = text.split("://", 1)[0]
    try:
        fsspec.get_filesystem_class(protocol)
    except (ImportError, ValueError) as exc:
        raise UsageError(f"--output-dir {text!r}: {str(exc).splitlines()[0]}") from None
    return text


def _dask(ns: argparse.Namespace, env: Mapping[str, str]) -> str | None:
    """``--dask``, else ``BRONZE_DASK_SCHEDULER`` (the name Dask users know), else ``None``."""
    if ns.dask is not None:
        raw, source = ns.dask, "--dask"
    elif env.get("BRONZE_DASK_SCHEDULER", "").strip():
        raw, source = env["BRONZE_DASK_SCHEDULER"], "BRONZE_DASK_SCHEDULER"
    else:
        return None
    try:
        return _scheduler(raw.strip())
    except ValueError as exc:
        raise UsageError(f"{source} {raw!r}: {exc}") from None


def _format(text: str) -> str:
    if text.lower() not in FORMATS:
        raise ValueError(f"expected one of {', '.join(FORMATS)}")
    return text.lower()


def _flag(text: str) -> bool:
    if text.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if text.strip().lower() in {"", "0", "false", "no", "off"}:
        return False
    raise ValueError("expected 1/0, true/false, yes/no")


def _source(ns: argparse.Namespace, env: Mapping[str, str], name: str) -> str | None:
    """Where option ``name`` comes from: its flag, ``BRONZE_<NAME>``, an old variable, or nowhere."""
    flag = getattr(ns, name)
    if flag is not None and flag is not False:
        return "--" + name.replace("_", "-")
    for var in ("BRONZE_" + name.upper(), OLD_ENV.get(name)):
        if var is not None and env.get(var, "") != "":
            return var
    return None


#: The window must fit the calendar the data uses (birth dates decades before it, deliveries after
#: it); a date outside is a typo, not a dataset.
FIRST_START = dt.date(1900, 1, 1)
LAST_END = dt.date(2999, 12, 31)
MAX_DAYS = 36_525  # a century of history


def _check_window(params: Params) -> None:
    if params.days > MAX_DAYS:
        raise UsageError(f"--days {params.days:,}: at most {MAX_DAYS:,} (a century of history)")
    if params.end_date > LAST_END:
        raise UsageError(f"--end-date {params.end_date}: must be on or before {LAST_END}")
    start = params.end_date - dt.timedelta(days=params.days)
    if start < FIRST_START:
        raise UsageError(f"--end-date {params.end_date} with --days {params.days:,} starts the window on {start}, "
                         f"before {FIRST_START}; use a later --end-date or fewer --days")


def _check_writable(path: Path) -> None:
    """``--summary-json`` is written after the whole load: a path that cannot be written is found now."""
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"--summary-json {str(path)!r} is a directory; give a file name")
    if not parent.is_dir():
        raise UsageError(f"--summary-json {str(path)!r}: directory {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"--summary-json {str(path)!r} cannot be written (permission denied); choose another path")


def _resolve(ns: argparse.Namespace, env: Mapping[str, str], name: str, convert: Callable[[str], Any],
             default: Any) -> Any:
    """Flag, else ``BRONZE_<NAME>``, else the old variable, else the default; a bad value names its source."""
    source = _source(ns, env, name)
    if source is None:
        return default
    raw = getattr(ns, name) if source.startswith("--") else env[source]
    if isinstance(raw, bool):
        return raw
    try:
        return convert(str(raw).strip())
    except (ValueError, TypeError) as exc:
        reason = str(exc) if str(exc) and "invalid literal" not in str(exc) else "not a valid value"
        if convert in (_int, _positive_int):
            reason = "must be a positive integer" if convert is _positive_int else "must be an integer"
        raise UsageError(f"{source} {raw!r}: {reason}") from None


def parse(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None,
          today: Callable[[], dt.date] | None = None) -> Options:
    """Check the whole invocation; raise :class:`UsageError` with one line saying what to change."""
    env = os.environ if env is None else env
    ns = build_parser().parse_args(argv)
    r = lambda name, conv, default: _resolve(ns, env, name, conv, default)  # noqa: E731

    end_date = r("end_date", _date, None)
    end_date_given = end_date is not None
    if end_date is None:
        # Resolved once, here: the engine never reads the clock, the date is a dataset parameter.
        end_date = (today or (lambda: dt.datetime.now(dt.timezone.utc).date()))()
    events_min, events_max = r("events_per_session", _range, (5, 30))
    old = [(_source(ns, env, name), name) for name in OLD_ENV]
    notices = tuple(f"reading {var}={env[var]} as --{name} (the old generator's variable; BRONZE_{name.upper()} "
                    "is the new name)" for var, name in old if var == OLD_ENV[name])
    customers = r("customers", _positive_int, 10_000)
    days = r("days", _positive_int, 365)
    orders = r("orders", _positive_int, None)
    sessions = r("sessions_per_day", _positive_int, None)
    if orders is not None and sessions is not None:
        _check_sessions_fit(orders, sessions, days, _source(ns, env, "orders"), _source(ns, env, "sessions_per_day"),
                            _source(ns, env, "days"))
    if orders is None:
        orders = derived_orders(customers, days, sessions)
    if sessions is None:
        sessions = derived_sessions_per_day(customers, days, orders)
    try:
        params = Params(
            end_date=end_date,
            customers=customers,
            products=r("products", _positive_int, 5_000),
            orders=orders,
            days=days,
            sessions_per_day=sessions,
            events_min=events_min,
            events_max=events_max,
            warehouses=r("warehouses", _positive_int, 5),
            seed=r("seed", _int, 42),
            scale=r("scale", _scale, 1.0),
            source_system=r("source_system", str, SOURCE_SYSTEM),
        )
    except ParamsError as exc:
        raise UsageError(str(exc)) from None
    _check_window(params)

    # Flags win over the environment, also across options: a --database-url flag is not overridden
    # by a BRONZE_OUTPUT_DIR (or BRONZE_FORMAT) left in the environment, nor --output-dir by BRONZE_DATABASE_URL.
    if ns.database_url is not None and ns.output_dir is None:
        env = {k: v for k, v in env.items() if k not in ("BRONZE_OUTPUT_DIR", "BRONZE_FORMAT")}
    output_dir_text = r("output_dir", str, None)
    fmt = r("format", _format, None)
    url_text = r("database_url", str, None)
    if ns.output_dir is not None and ns.database_url is not None:
        raise UsageError("--output-dir writes files, --database-url loads a database: give one of them")
    if fmt is not None and output_dir_text is None:
        raise UsageError("--format applies to files: add --output-dir DIR (or drop --format)")
    output_dir = Path(output_dir_text) if output_dir_text is not None else None
    output_url = None
    if output_dir_text is not None and "://" in output_dir_text:  # fsspec: s3://, gs://, file://...
        output_url, output_dir = _output_url(output_dir_text), None
    url: URL | None = None
    target_note = ""
    if output_dir is None and output_url is None:
        try:
            url = database_url(url_text) if url_text is not None else database_url("sqlite:///bronze.db")
        except ConfigError as exc:
            raise UsageError(str(exc)) from None
        if url_text is None:
            target_note = "the default; --database-url or BRONZE_DATABASE_URL names a PostgreSQL database"
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            raise UsageError("an in-memory SQLite database vanishes when the run ends; give a file, e.g. "
                             "--database-url sqlite:///bronze.db")
    try:
        schema = schema_name(r("schema", str, None))
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    workers = r("workers", _positive_int, None)
    if workers is None:
        workers = max(1, min(8, os.cpu_count() or 1))
    summary_json = r("summary_json", Path, None)
    if summary_json is not None:
        _check_writable(summary_json)
    extend_to, live, speed, tick = _story(r, params, url, output_url)
    shard = r("shard", _shard, None)
    if shard is not None and (extend_to is not None or live):
        raise UsageError("--shard splits a first load; --extend-to and --live go on from the whole dataset: drop --shard")
    if extend_to is not None and output_dir is not None and _dask(ns, env) is not None:
        raise UsageError("--extend-to writes a step's files from this process: drop --dask with --output-dir")
    return Options(
        params=params, url=url, schema=schema, output_dir=output_dir, format=fmt or "parquet",
        shard=shard, workers=workers,
        batch_size=r("batch_size", _positive_int, DEFAULT_BATCH_SIZE),
        plan=bool(r("plan", _flag, False)), quiet=bool(r("quiet", _flag, False)),
        summary_json=summary_json,
        reset=bool(r("reset", _flag, False)), debug=bool(r("debug", _flag, False)),
        end_date_given=end_date_given, notices=notices, target_note=target_note,
        dask=_dask(ns, env), output_url=output_url, copy_streams=r("copy_streams", _positive_int, 8),
        extend_to=extend_to, live=live, speed=speed, tick=tick,
    )


def _story(r: Callable[[str, Callable[[str], Any], Any], Any], params: Params, url: URL | None,
           output_url: str | None) -> tuple[dt.datetime | None, bool, float, float]:
    """``--extend-to``, ``--live``, ``--speed``, ``--tick``: checked against the dataset and the target."""
    extend_to = r("extend_to", _moment, None)
    live = bool(r("live", _flag, False))
    speed, tick = r("speed", _scale, None), r("tick", _scale, None)
    if (speed is not None or tick is not None) and not live:
        raise UsageError("--speed and --tick pace --live: add --live (or drop them)")
    if extend_to is None and not live:
        return None, False, 1.0, 5.0
    if live and url is None:
        raise UsageError("--live keeps a database going: give --database-url (a PostgreSQL or SQLite database), "
                         "not --output-dir")
    if extend_to is not None and url is None and output_url is not None:
        raise UsageError("--extend-to writes a step's files into a local --output-dir, not a URL")
    if extend_to is not None:
        if extend_to < params.end:
            raise UsageError(f"--extend-to {extend_to}: before the dataset's end date {params.end_date}; give a later "
                             "moment (the dataset goes on from its end date)")
        if extend_to.date() > LAST_END:
            raise UsageError(f"--extend-to {extend_to}: must be on or before {LAST_END}")
    return extend_to, live, speed or 1.0, tick or 5.0


def _check_sessions_fit(orders: int, sessions: int, days: int, orders_from: str | None, sessions_from: str | None,
                        days_from: str | None) -> None:
    """Both volumes were given: refuse a pair that cannot fit, naming every way out."""
    if orders * 2 <= sessions * days:
        return
    days_name = days_from or "--days"
    raise UsageError(
        f"{orders:,} orders ({orders_from}) need at least {orders * 2:,} web sessions (each order is placed in a "
        f"session), but {sessions:,} sessions a day ({sessions_from}) for {days} days ({days_from or 'the default'}) "
        f"make {sessions * days:,}: raise {sessions_from} to {-(-orders * 2 // days):,}, raise {days_name} to "
        f"{-(-orders * 2 // sessions):,}, lower {orders_from} to {sessions * days // 2:,}, or leave out "
        f"{orders_from} or {sessions_from} to have it derived from the window"
    )
