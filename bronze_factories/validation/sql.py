"""The pieces rules are written with: a dialect helper, the rule record and the run context.

Every rule is one set-based query returning one number, written once with :class:`Sql` helpers so
that the same text runs on PostgreSQL (jsonb operators) and, where SQLite can express it, on SQLite
(``json_extract``/``json_each``). A rule whose builder returns ``None`` for a dialect is reported
skipped there, never silently passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..engine.params import Params

#: How old an order may be at ``end`` and still be ``pending``/``processing`` (open), or ``shipped``.
#: Defined here, beside the binds that use them, so that ``rules_time`` imports ``sql`` and never
#: the other way round. What the generators produce: open orders are under two days old (the
#: engine's under 48 hours, the factories' under 40); a shipped, undelivered order under 17 days (up
#: to 23 hours to ship and 5 days in transit, plus up to 11 days waiting for a purchase order when
#: back-ordered).
OPEN_MAX_AGE = dt.timedelta(days=2)
SHIPPED_MAX_AGE = dt.timedelta(days=17)


def literal(value: object) -> str:
    """A SQL literal for a vocabulary value (the values are ours, but quote them properly anyway)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def in_list(values: Iterable[object]) -> str:
    return "(" + ", ".join(literal(v) for v in values) + ")"


def values_cte(name: str, columns: tuple[str, ...], rows: Iterable[tuple[object, ...]]) -> str:
    """``name(columns) AS (VALUES ...)``: a vocabulary table inlined into a query."""
    body = ", ".join("(" + ", ".join(literal(v) for v in row) + ")" for row in rows)
    return f"{name}({', '.join(columns)}) AS (VALUES {body})"


class Sql:
    """Dialect-specific fragments: table names, JSON access, timestamps, patterns."""

    def __init__(self, dialect: str, schema: str | None) -> None:
        self.pg = dialect == "postgresql"
        self.schema = schema if self.pg else None

    def t(self, table: str) -> str:
        return f'"{self.schema}"."{table}"' if self.schema else f'"{table}"'

    # --- JSON -----------------------------------------------------------------------------
    def txt(self, doc: str, key: str) -> str:
        """The value under ``key`` as text (NULL when absent or JSON null)."""
        return f"({doc}->>'{key}')" if self.pg else f"json_extract({doc}, '$.{key}')"

    def num(self, doc: str, key: str) -> str:
        return f"CAST({doc}->>'{key}' AS numeric)" if self.pg else f"CAST(json_extract({doc}, '$.{key}') AS REAL)"

    def jts(self, doc: str, key: str) -> str:
        """An ISO-8601 string in a JSON document as a timestamp comparable with :meth:`ts` columns."""
        return f"CAST({doc}->>'{key}' AS timestamp)" if self.pg else f"datetime(json_extract({doc}, '$.{key}'))"

    def is_object(self, doc: str) -> str:
        """True when ``doc`` is a JSON object with at least one key (not NULL, JSON null or ``{}``)."""
        if self.pg:
            return f"(jsonb_typeof({doc}) = 'object' AND {doc} <> '{{}}'::jsonb)"
        return f"(json_type({doc}) = 'object' AND (SELECT count(*) FROM json_each({doc})) > 0)"

    def items(self, order: str, alias: str = "it") -> str:
        """A join clause giving one row per order item, the item in ``{alias}.value``."""
        if self.pg:
            arr = f"{order}.raw_data->'items'"
            return (f"CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof({arr}) = 'array' "
                    f"THEN {arr} ELSE '[]'::jsonb END) AS {alias}(value)")
        return (f"CROSS JOIN json_each(CASE WHEN json_type({order}.raw_data, '$.items') = 'array' "
                f"THEN json_extract({order}.raw_data, '$.items') ELSE '[]' END) AS {alias}")

    # --- time -----------------------------------------------------------------------------
    def ts(self, column: str) -> str:
        """A timestamp column, normalised for comparison (SQLite stores text of varying precision)."""
        return column if self.pg else f"datetime({column})"

    def bind_ts(self, value: dt.datetime) -> object:
        return value if self.pg else value.strftime("%Y-%m-%d %H:%M:%S")

    def seconds(self, start: str, end: str) -> str:
        if self.pg:
            return f"EXTRACT(EPOCH FROM ({end} - {start}))"
        return f"((julianday({end}) - julianday({start})) * 86400.0)"

    def hour(self, column: str) -> str:
        return f"EXTRACT(HOUR FROM {column})" if self.pg else f"CAST(strftime('%H', {column}) AS INTEGER)"

    def dow(self, column: str) -> str:
        """Day of week 0-6 (Sunday = 0) on both dialects."""
        return f"EXTRACT(DOW FROM {column})" if self.pg else f"CAST(strftime('%w', {column}) AS INTEGER)"

    def month(self, column: str) -> str:
        return f"EXTRACT(MONTH FROM {column})" if self.pg else f"CAST(strftime('%m', {column}) AS INTEGER)"

    def day(self, column: str) -> str:
        return f"CAST({column} AS date)" if self.pg else f"date({column})"

    # --- comparisons and patterns -----------------------------------------------------------
    def distinct(self, a: str, b: str) -> str:
        return f"({a} IS DISTINCT FROM {b})" if self.pg else f"({a} IS NOT {b})"

    def id_format(self, column: str, prefix: str, digits: int) -> str:
        """True when ``column`` is ``prefix`` followed by exactly ``digits`` digits."""
        if self.pg:
            return f"({column} ~ '^{prefix}[0-9]{{{digits}}}$')"
        return f"({column} GLOB '{prefix}{'[0-9]' * digits}')"

    def number_like(self, expr: str) -> str:
        """True when the JSON value renders as a plain decimal number (a JSON number or a numeric string)."""
        if self.pg:
            return f"({expr} ~ '^-?[0-9]+(\\.[0-9]+)?$')"
        return f"(CAST({expr} AS TEXT) GLOB '[0-9]*' OR CAST({expr} AS TEXT) GLOB '-[0-9]*')"

    def positive_int_like(self, expr: str) -> str:
        if self.pg:
            return f"({expr} ~ '^[1-9][0-9]*$')"
        return f"(CAST({expr} AS TEXT) GLOB '[1-9]*' AND CAST({expr} AS TEXT) NOT GLOB '*[^0-9]*')"

    @staticmethod
    def cents_differ(a: str, b: str) -> str:
        """True when two amounts differ by a cent or more; NULL operands are another rule's business."""
        return f"(ABS(({a}) - ({b})) >= 0.005)"


@dataclass(frozen=True)
class Context:
    """What a run knows besides the tables: the window and the dataset parameters, if any."""

    sql: Sql
    params: Params | None = None
    window: tuple[dt.datetime, dt.datetime] | None = None

    def binds(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.window is not None:
            start, end = self.window
            out["start"] = self.sql.bind_ts(start)
            out["end"] = self.sql.bind_ts(end)
            out["open_cutoff"] = self.sql.bind_ts(end - OPEN_MAX_AGE)
            out["shipped_cutoff"] = self.sql.bind_ts(end - SHIPPED_MAX_AGE)
        if self.params is not None:
            sized = self.params.sized()
            out["events_min"] = sized.events_min
            out["events_max"] = sized.events_max
        # The volume rules count the first window's rows (a dataset may have gone on past it); without
        # parameters they count every row (an empty table still fails them).
        first_end = self.params.sized().end if self.params is not None else dt.datetime(9999, 12, 31)
        out["first_end"] = self.sql.bind_ts(first_end)
        return out


Builder = Callable[[Sql], "str | None"]


@dataclass(frozen=True)
class Rule:
    """One statement of the contract as one query.

    Non-realism queries return the number of violating rows. Realism queries return the measured
    figure; ``allowed`` gives its range for the run (it may depend on the dataset parameters).
    ``needs`` is ``"window"`` or ``"params"`` when the rule cannot run without them, and ``skip``
    may give any other reason not to run (e.g. the window does not cover November-December).
    """

    name: str
    category: str
    description: str
    build: Builder
    needs: str | None = None
    allowed: Callable[[Context], tuple[float, float]] | None = None
    skip: Callable[[Context], str | None] | None = field(default=None)
