"""Migrate a database from Python, with the migrations shipped inside the package.

An installed wheel has no ``alembic.ini``; these functions build the alembic configuration
in memory, point it at ``bronze_factories.migrations`` and hand alembic a connection::

    from bronze_factories.migrate import upgrade
    upgrade("postgresql://postgres@localhost/warehouse")            # schema "bronze"
    upgrade("postgresql://postgres@localhost/warehouse", schema="staging")
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine
from sqlalchemy.engine import URL

from .config import make_engine, translate_map
from .models import SCHEMA


def script_location() -> str:
    """The migrations: packaged as ``bronze_factories.migrations`` in an install, or, when the
    package is imported from a source checkout (``python -m ...`` run in the repository root puts
    the checkout first on ``sys.path``), the ``migrations/`` folder beside it."""
    try:
        return str(files("bronze_factories.migrations"))
    except ModuleNotFoundError:
        return str(Path(__file__).resolve().parent.parent / "migrations")


def alembic_config(schema: str | None = None) -> Config:
    """An in-memory alembic ``Config`` whose scripts are the packaged migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", script_location())
    cfg.attributes["schema"] = schema
    return cfg


@contextmanager
def _connection(target: str | URL | Engine | None, schema: str | None) -> Iterator[Connection]:
    """A connection to ``target``; an engine made here from a URL is disposed afterwards."""
    engine = target if isinstance(target, Engine) else make_engine(target, schema)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        if not isinstance(target, Engine):
            engine.dispose()


def _run(action: str, target: str | URL | Engine | None, schema: str | None, revision: str) -> None:
    with _connection(target, schema) as connection:
        cfg = alembic_config(schema)
        cfg.attributes["connection"] = connection
        getattr(command, action)(cfg, revision)
        connection.commit()


def head_revision() -> str | None:
    """The newest revision the packaged migrations know."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade(url: str | URL | Engine | None = None, schema: str | None = None, revision: str = "head") -> None:
    """Create or bring the bronze schema up to ``revision`` (default: the newest).

    At head this does nothing at all, not even ``CREATE SCHEMA IF NOT EXISTS`` (which needs the
    CREATE privilege on the database): a role that may only read and insert can then run it
    against a schema its owner migrated.
    """
    if revision == "head":
        with _connection(url, schema) as connection:
            if _current(connection, schema) == head_revision():
                return
    _run("upgrade", url, schema, revision)


def downgrade(url: str | URL | Engine | None = None, schema: str | None = None, revision: str = "base") -> None:
    """Remove the bronze tables down to ``revision`` (default: all of them)."""
    _run("downgrade", url, schema, revision)


def check(url: str | URL | Engine | None = None, schema: str | None = None) -> None:
    """Raise ``alembic.util.CommandError`` when the models and the migrated database differ."""
    with _connection(url, schema) as connection:
        cfg = alembic_config(schema)
        cfg.attributes["connection"] = connection
        command.check(cfg)


def current_revision(url: str | URL | Engine | None = None, schema: str | None = None) -> str | None:
    """The revision the database is at, or ``None`` when it has no migration history."""
    with _connection(url, schema) as connection:
        return _current(connection, schema)


def _current(connection: Connection, schema: str | None) -> str | None:
    target = translate_map(connection.engine.url, schema)[SCHEMA]
    ctx = MigrationContext.configure(connection, opts={"version_table_schema": target})
    revision = ctx.get_current_revision()
    connection.rollback()  # the read began a transaction: end it before anything else runs here
    return revision
