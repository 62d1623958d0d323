"""Getting a target ready to receive a dataset, and refusing the ones that cannot.

Preparing is where populate meets a database it did not necessarily create: an empty server
(migrate), a warehouse whose own DDL made the tables (check the columns, add the ledger), a
schema holding another dataset (refuse unless ``--reset``). Every refusal happens here, before
a single row is loaded, and says what is there and what to do.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
from sqlalchemy import Connection, Engine, inspect, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from ..config import make_engine, redact
from ..engine import Params
from ..loaders.files import DirectoryLock
from ..migrate import current_revision, head_revision, upgrade
from ..models import MODELS, PARTITIONED, LoadLedger

LEDGER = LoadLedger.__tablename__
TABLES = tuple(m.__tablename__ for m in MODELS)


class TargetError(RuntimeError):
    """The target cannot take the dataset (exit status 1); the message says why and what to do."""


@dataclass
class Prepared:
    """A target ready for loading: which units of this dataset are already there."""

    done: set[str] = field(default_factory=set)
    migrated: bool = False
    partitions: list[str] = field(default_factory=list)
    #: Held from the check for other datasets until this dataset's first ledger row is committed
    #: (the caller releases it then): ``None`` when the dataset was already there.
    claim: Claim | None = None


def describe(identity: dict[str, object]) -> str:
    keys = ("customers", "products", "orders", "days", "end_date", "sessions_per_day", "events_min", "events_max",
            "warehouses", "seed")
    return ", ".join(f"{k}={identity[k]}" for k in keys if k in identity)


def version_change(where: str, there: dict, here: dict) -> str:
    """The refusal to resume a dataset that other versions of the row-shaping libraries began."""
    changed = ", ".join(f"{name} {there.get(name, 'unknown')} there, {version} here"
                        for name, version in here.items() if there.get(name) != version)
    return (f"{where} holds this dataset made with other versions of the libraries that shape its rows "
            f"({changed}); resuming would mix two datasets. Install those versions "
            "(pip install -c constraints.txt .) to resume it, or add --reset to load it again with these")


def db_error_reason(exc: BaseException) -> str:
    """First line of a driver error, without SQLAlchemy's SQL echo and links."""
    orig = getattr(exc, "orig", None) or exc
    lines = [ln.strip() for ln in str(orig).strip().splitlines() if ln.strip()]
    return lines[0] if lines else type(orig).__name__


def connection_error(url: URL, exc: BaseException) -> TargetError:
    reason = db_error_reason(exc)
    if "password authentication failed" in reason or "no password supplied" in reason:
        hint = "check the user name and password in the URL"
    elif "role" in reason and "does not exist" in reason:
        hint = "check the user name in the URL (that role does not exist on the server)"
    elif "database" in reason and "does not exist" in reason:
        hint = "create the database first (createdb) or fix its name in the URL"
    elif "unable to open database file" in reason:
        hint = "check that the directory of the SQLite file exists and is writable"
    elif "file is not a database" in reason:
        hint = f"{url.database} is some other file, not a SQLite database: choose another file name"
    else:
        hint = "check that the server is running and the host and port are right"
    return TargetError(f"cannot connect to {shown(url)}: {reason}; {hint}")


def shown(url: URL) -> str:
    """The URL as messages print it: no password, no driver suffix."""
    return redact(url.set(drivername=url.get_backend_name()))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Claim:
    """The right to decide what a target holds: one run at a time checks, migrates and starts loading.

    PostgreSQL: a session advisory lock on a connection of its own, so that whatever happens to
    the connection that prepares (an aborted transaction, an interrupt) never touches the lock
    or hides the first error; closing the connection releases it, and so does the server when
    the process dies. SQLite: an ``flock`` on a file beside the database (the first run's
    migration must not race another's).
    """

    def __init__(self, url: URL, schema: str) -> None:
        self._conn: psycopg2.extensions.connection | None = None
        self._file = None
        if url.get_backend_name() == "postgresql":
            from ..loaders.postgres import connect

            self._conn = connect(url)
            self._conn.autocommit = True
            try:
                with self._conn.cursor() as cur:
                    cur.execute("SELECT pg_advisory_lock(hashtext(%s))", (f"bronze_factories.populate:{schema}",))
            except BaseException:
                self.release()
                raise
        elif url.database not in (None, "", ":memory:"):
            import fcntl

            self._file = open(f"{url.database}-populate.lock", "a")  # held until release
            try:
                fcntl.flock(self._file, fcntl.LOCK_EX)
            except BaseException:
                self.release()
                raise

    def release(self) -> None:
        """Let the next run check (idempotent)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except psycopg2.Error:
                pass
        handle, self._file = self._file, None
        if handle is not None:
            handle.close()


def _expected_type(col) -> tuple[str, int | tuple[int, int] | None]:  # type: ignore[no-untyped-def]
    """The model column's type in information_schema spelling (PostgreSQL)."""
    compiled = col.type.dialect_impl(postgresql.dialect()).compile(dialect=postgresql.dialect()).lower()
    if compiled.startswith("varchar"):
        return "character varying", col.type.length
    if compiled.startswith("numeric"):
        return "numeric", (col.type.precision, col.type.scale)
    return {"timestamp without time zone": "timestamp without time zone", "timestamp": "timestamp without time zone",
            "text": "text", "jsonb": "jsonb", "json": "json", "date": "date", "integer": "integer",
            "bigint": "bigint", "boolean": "boolean"}.get(compiled, compiled), None


def _compatible(expected: tuple[str, object], actual: tuple[str, object]) -> bool:
    """Loadable without loss: same type, or a wider one (longer varchar, text, bigint for integer...)."""
    etype, eparam = expected
    atype, aparam = actual
    if etype == atype:
        if etype == "character varying":
            return aparam is None or (eparam is not None and int(aparam) >= int(eparam))  # type: ignore[call-overload]
        if etype == "numeric":
            if aparam is None or aparam == (None, None):
                return True
            (ep, es), (ap, asc) = eparam, aparam  # type: ignore[misc]
            return asc == es and ap >= ep
        return True
    wider = {"character varying": {"text"}, "integer": {"bigint"}, "jsonb": {"json"}}
    return atype in wider.get(etype, set())


def _spell(t: tuple[str, object]) -> str:
    name, param = t
    if param is None or param == (None, None):
        return name
    if isinstance(param, tuple):
        return f"{name}({param[0]},{param[1]})"
    return f"{name}({param})"


def check_columns(conn: Connection, schema: str) -> None:
    """Refuse tables whose columns are missing or of another type than the contract's (PostgreSQL)."""
    rows = conn.execute(text(
        "SELECT table_name, column_name, data_type, character_maximum_length, numeric_precision, numeric_scale "
        "FROM information_schema.columns WHERE table_schema = :s"), {"s": schema}).all()
    actual: dict[str, dict[str, tuple[str, object]]] = {}
    for table, column, dtype, length, precision, scale in rows:
        param = length if dtype == "character varying" else ((precision, scale) if dtype == "numeric" else None)
        actual.setdefault(table, {})[column] = (dtype, param)
    problems: list[str] = []
    for model in MODELS:
        have = actual.get(model.__tablename__, {})
        for col in model.__table__.columns:
            want = _expected_type(col)
            if col.name not in have:
                problems.append(f"{model.__tablename__}.{col.name} is missing (want {_spell(want)})")
            elif not _compatible(want, have[col.name]):
                problems.append(f"{model.__tablename__}.{col.name} is {_spell(have[col.name])}, want {_spell(want)}")
    if problems:
        raise TargetError(
            f"schema {schema!r} has bronze tables that do not match the contract: {'; '.join(problems)}; "
            "fix these columns (or load into another --schema)"
        )


def _months(start: dt.datetime, end: dt.datetime) -> list[dt.date]:
    first = dt.date(start.year, start.month, 1)
    months = []
    while dt.datetime.combine(first, dt.time()) < end:
        months.append(first)
        first = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return months


def create_partitions(conn: Connection, schema: str, params: Params, only_without_default: bool = False) -> list[str]:
    """Monthly partitions ``{table}_pYYYYMM`` covering the window (up to ``params.until`` when the dataset
    goes on), for tables that are partitioned. ``only_without_default``: leave a table with a default
    partition alone (it may already hold rows of those months, which a new partition would refuse)."""
    partitioned = set(conn.execute(text(
        "SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :s"), {"s": schema}).scalars())
    if only_without_default:
        partitioned -= set(conn.execute(text(
            "SELECT p.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace "
            "WHERE n.nspname = :s AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT'"), {"s": schema}).scalars())
    existing = set(conn.execute(text(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = :s AND c.relispartition"), {"s": schema}).scalars())
    # A role that may only insert (its owner migrated the schema) cannot create partitions; the
    # migrations' default partitions take the rows then.
    may_create = conn.execute(text("SELECT has_schema_privilege(:s, 'CREATE')"), {"s": schema}).scalar()
    created = []
    months = _months(params.start, params.until or params.end)
    for table in PARTITIONED:
        if table not in partitioned:
            continue
        for month in months:
            nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
            name = f"{table}_p{month:%Y%m}"
            if name in existing or not may_create:
                continue
            try:
                conn.execute(text(
                    f"CREATE TABLE IF NOT EXISTS {_quote(schema)}.{_quote(name)} PARTITION OF "
                    f"{_quote(schema)}.{_quote(table)} FOR VALUES FROM ('{month}') TO ('{nxt}')"))
            except DBAPIError as exc:
                raise TargetError(
                    f"cannot create partition {schema}.{name}: {db_error_reason(exc)}; "
                    "drop the overlapping partition or load into another --schema"
                ) from None
            created.append(name)
    conn.commit()
    return created


def _ledger_state(conn: Connection, params: Params) -> tuple[set[str], dict[str, dict]]:
    ledger = LoadLedger.__table__
    done = set(conn.execute(select(ledger.c.unit).where(ledger.c.dataset_key == params.key())).scalars())
    others: dict[str, dict] = {}
    for key, identity in conn.execute(
        select(ledger.c.dataset_key, ledger.c.params).where(ledger.c.dataset_key != params.key()).distinct()
    ):
        others[key] = identity if isinstance(identity, dict) else json.loads(identity)
    return done, others


def _tables_with_rows(conn: Connection) -> list[str]:
    from ..models import Base

    found = []
    for name in TABLES:
        table = Base.metadata.tables[f"bronze.{name}"]
        if conn.execute(select(text("1")).select_from(table).limit(1)).first() is not None:
            found.append(name)
    return found


def reset(conn: Connection, schema: str, ledger: bool = True) -> None:
    """Empty the seven tables and the ledger (``--reset``)."""
    tables = (*TABLES, LEDGER) if ledger else TABLES
    if conn.dialect.name == "postgresql":
        names = ", ".join(f"{_quote(schema)}.{_quote(t)}" for t in tables)
        conn.execute(text(f"TRUNCATE {names}"))
    else:
        for t in tables:
            conn.execute(text(f"DELETE FROM {_quote(t)}"))
    conn.commit()


def _refuse_other_data(conn: Connection, schema: str, params: Params, end_date_given: bool, where: str) -> set[str]:
    done, others = _ledger_state(conn, params)
    if others:
        identity = next(iter(others.values()))
        ours = params.identity()
        if {k: v for k, v in identity.items() if k != "versions"} == {k: v for k, v in ours.items() if k != "versions"}:
            raise TargetError(version_change(where, identity.get("versions") or {}, ours["versions"]))
        hint = ""
        if not end_date_given and identity.get("end_date") != params.end_date.isoformat():
            hint = f" (no --end-date was given, so today, {params.end_date}, was used: pass --end-date " \
                   f"{identity.get('end_date')} to resume the dataset that is there)"
        raise TargetError(
            f"{where} already holds another dataset ({describe(identity)}); this run is "
            f"({describe(params.identity())}){hint}; add --reset to empty the tables first, or load into another "
            "--schema or database"
        )
    if not done:
        _refuse_rows(conn, where)
    return done


def _refuse_rows(conn: Connection, where: str) -> None:
    filled = _tables_with_rows(conn)
    if filled:
        raise TargetError(
            f"{where} already has rows that populate did not load (in {', '.join(filled)}); add --reset to "
            "empty the tables first, or load into another --schema or database"
        )


def prepare_database(url: URL, schema: str, params: Params, do_reset: bool, end_date_given: bool,
                     under_lock: Callable[[bool], None] | None = None) -> Prepared:
    """Connect, migrate or check, refuse other data (or reset), create partitions; see the module docstring.

    ``under_lock(fresh)`` runs last while the schema is still locked against concurrent runs
    (``fresh``: no row of the tables is there yet).
    """
    # A server that does not answer (firewalled host) must fail in seconds, not after the OS TCP timeout.
    extra = {"connect_args": {"connect_timeout": 10}} if url.get_backend_name() == "postgresql" else {}
    engine = make_engine(url, schema, **extra)
    try:
        return _prepare(engine, url, schema, params, do_reset, end_date_given, under_lock)
    finally:
        engine.dispose()


def _prepare(engine: Engine, url: URL, schema: str, params: Params, do_reset: bool, end_date_given: bool,
             under_lock: Callable[[bool], None] | None) -> Prepared:
    postgres = url.get_backend_name() == "postgresql"
    where = f"schema {schema!r} of {shown(url)}" if postgres else f"{url.database}"
    try:
        conn = engine.connect()
        claim = Claim(url, schema)
    except (DBAPIError, SQLAlchemyError, psycopg2.Error, OSError) as exc:
        raise connection_error(url, exc) from None
    prepared = Prepared()
    try:
        try:
            insp = inspect(conn)
            present = set(insp.get_table_names(schema=schema if postgres else None))
            conn.commit()
            missing = [t for t in TABLES if t not in present]
            create_ledger = False
            if len(missing) == len(TABLES):
                _migrate(engine, url, schema)
                prepared.migrated = True
            elif missing:
                raise TargetError(
                    f"{where} has some bronze tables but not {', '.join(missing)}; create them (or drop the "
                    "others, or load into another --schema)"
                )
            elif "alembic_version" in present:
                if current_revision(engine, schema) not in (None, head_revision()):
                    _migrate(engine, url, schema)  # brings an older revision to head; nothing at all at head
            elif postgres:
                check_columns(conn, schema)
                create_ledger = LEDGER not in present
            if do_reset:
                reset(conn, schema, ledger=not create_ledger)
            if create_ledger:  # a warehouse's own tables: refuse their rows before adding anything
                _refuse_rows(conn, where)
                LoadLedger.__table__.create(conn)
                conn.commit()
            prepared.done = _refuse_other_data(conn, schema, params, end_date_given, where)
            if postgres:
                prepared.partitions = create_partitions(conn, schema, params)
            if under_lock is not None:
                under_lock(not prepared.done)
        except (DBAPIError, SQLAlchemyError, psycopg2.Error) as exc:
            raise TargetError(f"cannot prepare {where}: {db_error_reason(exc)}") from None
        finally:
            conn.close()
    except BaseException:
        claim.release()
        raise
    if prepared.done:
        claim.release()  # the dataset is there already: nothing left to claim
    else:
        prepared.claim = claim
    return prepared


def extend_partitions(url: URL, schema: str, params: Params) -> None:
    """Partitions for the months a step reaches, in tables without a default partition (PostgreSQL)."""
    if url.get_backend_name() != "postgresql":
        return
    engine = make_engine(url, schema)
    try:
        with engine.connect() as conn:
            create_partitions(conn, schema, params, only_without_default=True)
    except (DBAPIError, SQLAlchemyError) as exc:
        raise TargetError(f"cannot add the partitions of {shown(url)} for {params.until}: "
                          f"{db_error_reason(exc)}") from None
    finally:
        engine.dispose()


def loaded_units(url: URL, schema: str, params: Params) -> set[str]:
    """The ledger's units of this dataset (what is loaded now)."""
    engine = make_engine(url, schema)
    try:
        with engine.connect() as conn:
            ledger = LoadLedger.__table__
            return set(conn.execute(select(ledger.c.unit).where(ledger.c.dataset_key == params.key())).scalars())
    except (DBAPIError, SQLAlchemyError) as exc:
        raise TargetError(f"cannot read the load ledger of {shown(url)}: {db_error_reason(exc)}") from None
    finally:
        engine.dispose()


def advance_sequences(url: URL, schema: str) -> list[str]:
    """Move every sequence a bronze column owns (``bigserial`` ids) past the loaded maximum.

    The load writes explicit ids; without this, the warehouse's next plain INSERT would draw id 1.
    Returns the sequences this role may not advance (no UPDATE privilege on them), for a warning.
    """
    skipped: list[str] = []
    conn = None
    try:
        from ..loaders.postgres import connect

        conn = connect(url)
        with conn.cursor() as cur:
            cur.execute(
                "SELECT c.relname, a.attname, pg_get_serial_sequence(format('%%I.%%I', n.nspname, c.relname), a.attname) "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
                "WHERE n.nspname = %s AND c.relname = ANY(%s) AND NOT c.relispartition", (schema, list(TABLES)))
            owned = [(t, col, seq) for t, col, seq in cur.fetchall() if seq]
            for table, column, sequence in owned:
                cur.execute("SELECT has_sequence_privilege(%s, 'UPDATE')", (sequence,))
                if not cur.fetchone()[0]:
                    skipped.append(sequence)
                    continue
                loaded = f"SELECT max({_quote(column)}) AS v FROM {_quote(schema)}.{_quote(table)}"
                cur.execute(f"SELECT setval(%s, m.v) FROM ({loaded}) m, {sequence} s "
                            "WHERE m.v IS NOT NULL AND m.v >= s.last_value", (sequence,))
        conn.commit()
        return skipped
    except psycopg2.Error as exc:
        raise TargetError(f"loaded, but cannot advance the id sequences of schema {schema!r}: "
                          f"{db_error_reason(exc)}; grant UPDATE on them and run the same command again") from None
    finally:
        if conn is not None:
            conn.close()


def _migrate(engine: Engine, url: URL, schema: str) -> None:
    try:
        upgrade(engine, schema)
    except (DBAPIError, SQLAlchemyError) as exc:
        reason = db_error_reason(exc)
        if "permission denied" in reason:
            raise TargetError(
                f"cannot create schema {schema!r} in {shown(url)}: {reason}; grant CREATE on the database to "
                f"{url.username or 'this user'}, or have an owner run `bronze_factories.migrate.upgrade` first"
            ) from None
        raise TargetError(f"cannot migrate {shown(url)} (schema {schema!r}): {reason}") from None


def prepare_directory(output_dir: Path, fmt: str, shard: tuple[int, int] | None = None) -> DirectoryLock:
    """Check the format's library and that the directory can be written, before generating anything,
    and lock the files this run will write there (the caller releases the lock at the end)."""
    if fmt == "parquet":
        try:
            import pyarrow.parquet  # noqa: F401
        except ImportError:
            raise TargetError(
                "--format parquet needs pyarrow: pip install 'bronze-factories[parquet]' (or use --format csv/jsonl)"
            ) from None
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        probe = output_dir / ".bronze-write-probe"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise TargetError(f"cannot write to --output-dir {str(output_dir)!r}: {exc.strerror or exc}; "
                          "choose a writable directory") from None
    try:
        return DirectoryLock(output_dir, fmt, shard)
    except BlockingIOError:
        raise TargetError(f"another bronze-populate is writing the same files into --output-dir {str(output_dir)!r}; "
                          "wait for it to finish, or choose another --output-dir") from None
