"""The pieces rules are written with: a dialect helper, the rule record and the run context.

Every rule is one set-based query returning one number, written once with :class:`Sql` helpers so
that the same text runs on PostgreSQL (jsonb operators) and, where SQLite can express it, on SQLite
(``json_extract``/``json_each``). A rule whose builder returns ``None`` for a dialect is reported
skipped there, never silently passed.

A rule over a big table is written as :class:`Part` s of a :class:`Pass` (a FROM clause several
rules read): its own query is ``SELECT count(*) FROM <pass> WHERE <part>``, and when several rules
of a run read the same pass, the runner reads it once for all of them (one column each), so that
the millions of clickstream rows are scanned a few times per run rather than once per rule.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..engine.params import Params
from ..vocabulary import CITIES, COUNTRY

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


@functools.cache
def places_cte() -> str:
    """``places(city, state, zips)``: every (city, state) of vocabulary.CITIES with its ZIP codes, space separated.

    One row per city (about 2,500), not per ZIP code (about 27,000): the query text stays near
    250 kB, well inside SQLite's 1 MB statement limit. (city, state) is unique, so a row joined
    with it stays one row.
    """
    zips: dict[tuple[str, str], list[str]] = {}
    for c in CITIES:
        zips.setdefault((c.city, c.state), []).extend(c.zips)
    return values_cte("places", ("city", "state", "zips"), [(*k, " ".join(v)) for k, v in zips.items()])


def place_check(q: Sql, table: str, column: str) -> str:
    """Rows of ``table`` whose ``column`` document is not a real (city, state, ZIP code) in the US.

    A left join with the places on (city, state), not an EXISTS inside the condition: neither
    database turns that EXISTS into a join, and PostgreSQL ran it as a scan of the 2,500 places
    per row (33 s for the sessions of the default dataset).
    """
    doc = f"x.{column}"
    postal = q.txt(doc, "postal_code")
    return f"""WITH {places_cte()}
SELECT count(*) FROM {q.t(table)} x
LEFT JOIN places ON places.city = {q.txt(doc, 'city')} AND places.state = {q.txt(doc, 'state')}
WHERE NOT COALESCE({q.id_format(postal, '', 5)} AND {q.txt(doc, 'country')} = '{COUNTRY}'
                   AND ' ' || places.zips || ' ' LIKE '% ' || {postal} || ' %', FALSE)"""


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

    def has_keys(self, doc: str, keys: Iterable[str]) -> str:
        """True when ``doc`` is a JSON object holding every key of ``keys`` (at least one), null values included.

        SQLite parses the text again for each JSON function: one ``json_type`` per key cost 15 s over the
        events of the default dataset. ``json_insert`` adds only the keys that are missing, so the
        document keeps its length exactly when none is: three parses a row, whatever the number of keys.
        """
        keys = list(keys)
        assert keys
        if self.pg:
            return f"(jsonb_typeof({doc}) = 'object' AND {doc} ?& ARRAY[{', '.join(literal(k) for k in keys)}])"
        paths = ", ".join(f"'$.{k}', 0" for k in keys)
        return f"(json_type({doc}) = 'object' AND length(json_insert({doc}, {paths})) = length(json({doc})))"

    @property
    def apart(self) -> str:
        """The tail that keeps a subquery apart (computed once, not merged into the query that reads it)."""
        return " OFFSET 0" if self.pg else " LIMIT -1 OFFSET 0"

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

    def plain(self, column: str) -> str:
        """A column SQLite must not look up through its index (``+column``), when another term has the better one.

        Without statistics (a file nobody ran ANALYZE on) SQLite ranks every equality alike, and may
        look up a few warehouses rather than thousands of products: a scan of a third of a table per row.
        """
        return column if self.pg else f"+{column}"

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
Fragment = Callable[[Sql], str]


@dataclass(frozen=True)
class Pass:
    """A FROM clause (tables, joins, aliases) that several rules read; see :mod:`.passes`."""

    name: str
    source: Fragment


@dataclass(frozen=True)
class Part:
    """What a rule counts over a pass: the rows where ``where`` holds, or else the aggregate ``value``."""

    over: Pass
    where: Fragment | None = None
    value: Fragment | None = None

    def column(self, q: Sql) -> str:
        """The part as one aggregate column of its pass's query (NULL and FALSE rows are not counted)."""
        if self.where is not None:
            return f"count(CASE WHEN {self.where(q)} THEN 1 END)"
        assert self.value is not None
        return self.value(q)

    def query(self, q: Sql, alias: str = "") -> str:
        """The part alone, as its own query."""
        if self.where is not None:
            return f"SELECT count(*){alias} FROM {self.over.source(q)}\nWHERE {self.where(q)}"
        assert self.value is not None
        return f"SELECT {self.value(q)}{alias} FROM {self.over.source(q)}"


def parts_query(q: Sql, parts: tuple[Part, ...]) -> str:
    """One query for the parts: a part's own query, or the sum of several (each a count or a number)."""
    if len(parts) == 1:
        return parts[0].query(q)
    return "SELECT SUM(n) FROM (" + "\nUNION ALL ".join(p.query(q, " AS n") for p in parts) + ") AS u"


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
    #: the rule as parts of passes (its query is then :func:`parts_query` of them); see :meth:`over`
    parts: tuple[Part, ...] = ()

    @classmethod
    def over(cls, name: str, category: str, description: str, *parts: Part, **options: Any) -> Rule:
        """A rule counting (or measuring) over passes: the sum of its parts, one number."""
        return cls(name, category, description, lambda q: parts_query(q, parts), parts=parts, **options)
