"""Run the rules against a database: resolve the schema and the dataset parameters, one query per rule
(rules over a shared pass: one query per pass, see :mod:`.shared`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from ..config import ConfigError, database_url, make_engine, schema_name, translate_map
from ..engine.params import Params
from ..engine.steps import dataset_end, moment, seconds
from ..models import SCHEMA, TABLES, LoadLedger
from . import (
    rules_catalog,
    rules_consistency,
    rules_inventory,
    rules_people,
    rules_realism,
    rules_relationships,
    rules_time,
)
from .interrupt import interruptible
from .report import CATEGORIES, Report, RuleResult
from .shared import Shared
from .sql import Context, Rule, Sql, parts_query
from .tuning import run_scope

log = logging.getLogger("bronze_factories.validate")

RULES: tuple[Rule, ...] = (
    rules_relationships.RULES + rules_inventory.RULES + rules_time.RULES + rules_consistency.RULES
    + rules_catalog.RULES + rules_realism.RULES + rules_catalog.REALISM_RULES + rules_inventory.REALISM_RULES
    + rules_people.RULES
)
RULE_NAMES: tuple[str, ...] = tuple(r.name for r in RULES)


class ValidationSetupError(RuntimeError):
    """The database cannot be validated at all (no bronze tables there); the message says why."""


def select_rules(categories: Iterable[str] | None = None, rules: Iterable[str] | None = None) -> tuple[Rule, ...]:
    """The rules to run; unknown names are a usage error (:class:`ConfigError`)."""
    chosen = RULES
    if categories is not None:
        cats = [c.strip() for c in categories if c.strip()]
        unknown = sorted(set(cats) - set(CATEGORIES))
        if unknown:
            raise ConfigError(f"unknown rule category {', '.join(unknown)}; choose from {', '.join(CATEGORIES)}")
        chosen = tuple(r for r in chosen if r.category in cats)
    if rules is not None:
        names = [n.strip() for n in rules if n.strip()]
        unknown = sorted(set(names) - set(RULE_NAMES))
        if unknown:
            raise ConfigError(f"unknown rule {', '.join(unknown)}; see the rule names in the README")
        chosen = tuple(r for r in chosen if r.name in names)
    return chosen


@contextmanager
def _connection(bind: Engine | Connection | str | URL, schema: str | None) -> Iterator[tuple[Connection, str | None]]:
    """A connection and the schema the bronze tables live in (``None`` on SQLite)."""
    if isinstance(bind, Connection):
        yield bind, _schema_of(bind.dialect.name, bind.get_execution_options(), schema)
        return
    engine = bind if isinstance(bind, Engine) else make_engine(bind, schema)
    try:
        with engine.connect() as conn:
            try:
                yield conn, _schema_of(engine.dialect.name, engine.get_execution_options(), schema)
            finally:
                conn.rollback()  # the validator only reads
    finally:
        if not isinstance(bind, Engine):
            engine.dispose()


def _schema_of(dialect: str, options: dict, schema: str | None) -> str | None:
    if dialect == "sqlite":
        return None
    if schema is not None:
        return schema_name(schema)
    mapping = options.get("schema_translate_map") or {}
    if SCHEMA in mapping:
        return mapping[SCHEMA]
    return schema_name(None)


def _ledger_params(conn: Connection, schema: str | None) -> tuple[Params | None, str]:
    """The dataset parameters recorded by populate, when the ledger names exactly one dataset."""
    table = LoadLedger.__tablename__
    if not inspect(conn).has_table(table, schema=schema):
        return None, "no dataset parameters (no bronze_load_ledger table)"
    name = f'"{schema}"."{table}"' if schema else f'"{table}"'
    rows = conn.execute(text(f"SELECT dataset_key, params FROM {name} WHERE unit NOT LIKE 'step:%'")).all()
    datasets = {key: params for key, params in rows}
    if not datasets:
        return None, "no dataset parameters (bronze_load_ledger is empty)"
    if len(datasets) > 1:
        return None, f"no dataset parameters (bronze_load_ledger holds {len(datasets)} datasets)"
    ((key, identity),) = datasets.items()
    if isinstance(identity, str):
        import json

        identity = json.loads(identity)
    params = Params.from_identity(identity)
    # A dataset that went on in time (--extend-to, live mode) ends where its latest complete step does.
    steps = conn.execute(text(f"SELECT unit FROM {name} WHERE dataset_key = :k AND unit LIKE 'step:%'"),
                         {"k": key}).scalars()
    end = dataset_end(params, steps)
    if end != seconds(params.end):
        params = dataclasses.replace(params, until=moment(end))
    return params, ""


def _resolve(
    conn: Connection, schema: str | None, params: Params | None, window: tuple[dt.datetime, dt.datetime] | None
) -> tuple[Params | None, tuple[dt.datetime, dt.datetime] | None, str, str]:
    """Params and window for the run, and why each is missing (argument, else window, else ledger)."""
    if params is not None:
        return params, (params.start, params.until or params.end), "", ""
    ledger, reason = _ledger_params(conn, schema)
    if window is not None:
        if ledger is not None and (ledger.start, ledger.until or ledger.end) != tuple(window):
            return None, window, "no dataset parameters for this window (the ledger's dataset has another one)", ""
        return ledger, window, reason, ""
    if ledger is not None:
        return ledger, (ledger.start, ledger.until or ledger.end), "", ""
    return None, None, reason, reason.replace("dataset parameters", "window")


def _check_tables(conn: Connection, schema: str | None) -> None:
    existing = set(inspect(conn).get_table_names(schema=schema))
    missing = [t for t in TABLES if t not in existing]
    if missing:
        where = f"schema {schema!r}" if schema else "the database"
        raise ValidationSetupError(
            f"{where} has no bronze table {', '.join(missing)}; migrate it first "
            "(bronze_factories.migrate.upgrade) or pass the right --schema"
        )


#: Where a skip reason sends the user: the flags (or the ledger) that would let the rule run.
HINTS = {
    "window": "pass --end-date and --days (validate(window=...)), or validate a database populate loaded",
    "params": "pass --customers, --products, --orders, --sessions-per-day with --end-date and --days "
              "(validate(params=...)), or validate a database populate loaded",
}

#: The first id column of each table, for example ids of a failing rule.
ID_COLUMNS = {"raw_customers": "customer_id", "raw_products": "product_id", "raw_orders": "order_id",
              "raw_inventory": "inventory_id", "raw_reviews": "review_id", "raw_sessions": "session_id",
              "raw_clickstream": "event_id"}
EXAMPLES = 5
# The counting query of a rule: ``SELECT count(*) FROM <raw table> [alias] ...`` at the top level.
_COUNTING = re.compile(
    r'^\s*SELECT count\(\*\) FROM ((?:"\w+"\.)?"(raw_\w+)")'
    r"(?:\s+(?!(?:WHERE|JOIN|CROSS|LEFT|INNER|GROUP|ORDER|LIMIT)\b)(\w+))?",
    re.IGNORECASE,
)


def examples_sql(sql: str) -> str | None:
    """The ids of up to five offending rows, for a rule that counts rows of one raw table.

    Rules are written as one number (what they count is the contract's statement); the ids are
    derived from that same text, so a rule cannot report examples that disagree with its count.
    Rules of another shape (CTEs, sums over groups) report their count alone.
    """
    m = _COUNTING.match(sql)
    if m is None or m.group(2) not in ID_COLUMNS:
        return None
    ref = m.group(3) or m.group(1)
    return f"SELECT DISTINCT {ref}.{ID_COLUMNS[m.group(2)]} FROM {sql[m.start(1):]} LIMIT {EXAMPLES}"


def _query(conn: Connection, ctx: Context, sql: str, many: bool = False, row: bool = False,
           binds: dict[str, object] | None = None) -> object:
    values = {**ctx.binds(), **(binds or {})}
    with interruptible(conn):
        if ctx.sql.pg:
            with conn.begin_nested():
                return _fetch(conn.execute(text(sql), values), many, row)
        return _fetch(conn.execute(text(sql), values), many, row)


def _fetch(result, many: bool, row: bool) -> object:  # type: ignore[no-untyped-def]
    if row:
        return tuple(result.one())
    return result.scalars().all() if many else result.scalar()


def _runs(rule: Rule, ctx: Context) -> bool:
    """Whether the rule's query will run (the conditions :func:`_run_rule` checks first)."""
    if (rule.needs == "window" and ctx.window is None) or (rule.needs == "params" and ctx.params is None):
        return False
    if rule.skip is not None and rule.skip(ctx) is not None:
        return False
    return rule.build(ctx.sql) is not None


def _value(conn: Connection, rule: Rule, ctx: Context, sql: str, shared: Shared) -> object:
    """The rule's number: its own query, or its parts read with their passes (and the rest in one query)."""
    indexes = shared.shared(rule)
    if not indexes:
        return _query(conn, ctx, sql)
    for i in indexes:
        name = rule.parts[i].over.name
        if name in shared.read:
            continue
        started = time.perf_counter()
        try:
            shared.store(name, _query(conn, ctx, shared.query(ctx.sql, name), row=True))  # type: ignore[arg-type]
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise
            log.debug("pass %s failed, its rules run their own queries: %s", name, exc.orig)
            shared.broken.add(name)
            return _query(conn, ctx, sql)
        log.debug("pass %s: %.2fs", name, time.perf_counter() - started)
    values = [shared.values[(rule.name, i)] for i in indexes]
    rest = tuple(part for i, part in enumerate(rule.parts) if i not in indexes)
    if rest:
        values.append(_query(conn, ctx, parts_query(ctx.sql, rest)))
    return values[0] if len(rule.parts) == 1 else sum(v or 0 for v in values)  # type: ignore[misc]


def _run_rule(conn: Connection, rule: Rule, ctx: Context, reasons: dict[str, str], shared: Shared) -> RuleResult:
    base = {"name": rule.name, "category": rule.category, "description": rule.description}
    if rule.needs == "window" and ctx.window is None:
        return RuleResult(**base, violations=0, skipped=f"{reasons['window']}; {HINTS['window']}")
    if rule.needs == "params" and ctx.params is None:
        return _without_params(conn, rule, ctx, base, f"{reasons['params']}; {HINTS['params']}")
    reason = rule.skip(ctx) if rule.skip is not None else None
    if reason is not None:
        return RuleResult(**base, violations=0, skipped=reason)
    sql = rule.build(ctx.sql)
    if sql is None:
        return RuleResult(**base, violations=0, skipped=f"not expressible on {conn.dialect.name}")
    started = time.perf_counter()
    try:
        value = _value(conn, rule, ctx, sql, shared)
        examples: tuple[str, ...] = ()
        if rule.allowed is None and value:
            derived = examples_sql(sql)
            if derived is not None:
                examples = tuple(str(v) for v in _query(conn, ctx, derived, many=True))  # type: ignore[union-attr]
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise
        message = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
        return RuleResult(**base, violations=1, error=message)
    finally:
        log.debug("%s: %.2fs", rule.name, time.perf_counter() - started)
    if rule.allowed is None:
        return RuleResult(**base, violations=int(value or 0), examples=examples)
    lo, hi = rule.allowed(ctx)
    measured = None if value is None else float(value)
    inside = measured is not None and lo - 1e-9 <= measured <= hi + 1e-9
    return RuleResult(**base, violations=0 if inside else 1, measured=measured, allowed=(lo, hi))


def _without_params(conn: Connection, rule: Rule, ctx: Context, base: dict, reason: str) -> RuleResult:
    """A volume rule without the dataset's parameters: skipped, unless its table is empty.

    No dataset is empty, so an empty (say, freshly migrated) schema fails the volume rules
    instead of passing everything vacuously.
    """
    sql = rule.build(ctx.sql)
    if sql is None or rule.name == "events_per_session":
        sql = f"SELECT count(*) FROM {ctx.sql.t('raw_sessions')}" if sql is not None else None
    # The counts stop at the first window's end, which only the parameters know: any row will do here.
    anything = {"first_end": ctx.sql.bind_ts(dt.datetime.max.replace(microsecond=0))}
    if sql is not None and not _query(conn, ctx, sql, binds=anything):
        return RuleResult(**base, violations=1, error="no rows: every dataset has some; is this the right schema?")
    return RuleResult(**base, violations=0, skipped=reason)


def validate(
    bind: Engine | Connection | str | URL,
    schema: str | None = None,
    *,
    params: Params | None = None,
    window: tuple[dt.datetime, dt.datetime] | None = None,
    categories: Iterable[str] | None = None,
    rules: Iterable[str] | None = None,
    on_start: Callable[[Rule, int, int], None] | None = None,
    on_result: Callable[[RuleResult], None] | None = None,
) -> Report:
    """Check a loaded database against the bronze contract, one set-based query per rule.

    ``bind`` may be a URL (resolved like everywhere in the project), an engine (its
    ``schema_translate_map`` names the schema) or a connection, whose transaction is left to the caller:
    tests validate uncommitted corruptions and roll them back. ``on_start(rule, i, n)`` and
    ``on_result(result)`` are called around each rule, so that a caller can show results as they
    come (a large database takes minutes); Ctrl-C interrupts the running query.
    """
    selected = select_rules(categories, rules)
    if isinstance(bind, str | URL):
        translate_map(database_url(bind), schema)  # bad scheme or schema name: ConfigError before connecting
    with _connection(bind, schema) as (conn, target):
        _check_tables(conn, target)
        params_, window_, why_params, why_window = _resolve(conn, target, params, window)
        reasons = {"params": why_params or "no dataset parameters", "window": why_window or "no window"}
        ctx = Context(Sql(conn.dialect.name, target), params_, window_)
        shared = Shared(r for r in selected if _runs(r, ctx))
        results = []
        with run_scope(conn, target):
            for i, rule in enumerate(selected):
                if on_start is not None:
                    on_start(rule, i, len(selected))
                results.append(_run_rule(conn, rule, ctx, reasons, shared))
                if on_result is not None:
                    on_result(results[-1])
        return Report(tuple(results))
