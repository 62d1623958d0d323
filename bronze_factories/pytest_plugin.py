"""pytest plugin, registered through the ``pytest11`` entry point.

Fixtures (all prefixed ``bronze_``):

* ``bronze_database_url``: per run, a throwaway PostgreSQL database migrated to head, dropped
  afterwards. The server comes from ``--bronze-db-url``, else ``BRONZE_TEST_DATABASE_URL``,
  else ``postgresql://postgres@127.0.0.1:5432/postgres``.
* ``bronze_engine``: per run, an engine on that database.
* ``bronze_session``: per test, a SQLAlchemy ``Session`` inside a transaction that is rolled back
  after the test. It runs in ``join_transaction_mode="create_savepoint"``, so the code under test
  may ``commit()`` (it releases a SAVEPOINT) or ``rollback()`` freely: nothing survives the test.
  The factories are bound to it and reseeded (``bronze_seed``, ``bronze_end_date``), so every test
  sees the same rows whatever ran before it.
* ``bronze_seed`` (42) and ``bronze_end_date`` (2026-01-01): override them in a conftest to change
  the seed or the window end of the factories; ``bronze_window`` is the resulting ``(start, end)``.

The fixtures work with pytest-factoryboy: ``bronze_factories.register_all()`` in a conftest
registers every factory (``raw_order``, ``raw_customer``... written through ``bronze_session``).
When the plugin is active, Faker's own ``faker`` fixture knows the ``bronze_*`` provider.

Loading the plugin is cheap: it imports only pytest at load time; SQLAlchemy, factory_boy, Faker
and psycopg2 are imported by the fixtures that need them (``benchmarks/bench_plugin.py``).

When no PostgreSQL answers, tests that use these fixtures are skipped with the reason, except
when ``CI=true``: a CI run without its database is broken, so it fails instead.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # imported lazily below: loading the plugin must stay cheap
    from sqlalchemy import Engine
    from sqlalchemy.engine import URL
    from sqlalchemy.orm import Session

#: Defaults of ``bronze_seed`` and ``bronze_end_date`` (the factories' ``DEFAULT_SEED`` and
#: ``DEFAULT_END_DATE``), repeated here so that the plugin does not import the factories to load.
DEFAULT_SEED = 42
DEFAULT_END_DATE = dt.datetime(2026, 1, 1)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bronze", "bronze-factories")
    group.addoption(
        "--bronze-db-url",
        default=None,
        help="PostgreSQL server URL for the throwaway test database "
        "(default: $BRONZE_TEST_DATABASE_URL or postgresql://postgres@127.0.0.1:5432/postgres)",
    )


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """Skip (locally) or fail (in CI) because PostgreSQL is not reachable."""
    message = f"PostgreSQL unavailable, bronze database tests cannot run: {reason}"
    if _in_ci():
        pytest.fail(f"{message} (CI=true: a missing database fails the run)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def bronze_database_url(request: pytest.FixtureRequest) -> Iterator[URL]:
    from .testing import DatabaseUnavailable, ping, resolve_server_url, throwaway_database

    server = resolve_server_url(request.config.getoption("--bronze-db-url"))
    try:
        ping(server)
    except DatabaseUnavailable as exc:
        unavailable(str(exc))
    with throwaway_database(server) as url:
        yield url


@pytest.fixture(scope="session")
def bronze_engine(bronze_database_url: URL) -> Iterator[Engine]:
    from .config import make_engine

    engine = make_engine(bronze_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def bronze_seed() -> int:
    """Seed the factories get at the start of every test (override to change it)."""
    return DEFAULT_SEED


@pytest.fixture
def bronze_end_date() -> dt.datetime:
    """End of the factories' window (exclusive, midnight); the window is the 365 days before it."""
    return DEFAULT_END_DATE


@pytest.fixture
def bronze_window(bronze_session: Session) -> tuple[dt.datetime, dt.datetime]:
    """``(start, end)`` of the factory rows of this test: pass it to the validator as ``window=``."""
    from . import factories

    return factories.window()


@pytest.fixture
def bronze_session(bronze_engine: Engine, bronze_seed: int, bronze_end_date: dt.datetime) -> Iterator[Session]:
    """A session whose every change is rolled back after the test, with the factories bound to it."""
    from sqlalchemy.orm import Session

    from . import factories

    with bronze_engine.connect() as connection:
        transaction = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        factories.seed(bronze_seed, end_date=bronze_end_date, days=factories.DEFAULT_DAYS)
        try:
            with factories.bind(session):
                yield session
        finally:
            session.close()
            transaction.rollback()


@pytest.fixture(autouse=True)
def _bronze_faker_provider(request: pytest.FixtureRequest) -> None:
    """Teach Faker's own ``faker`` fixture the ``bronze_*`` provider, only in tests that use it."""
    if "faker" in request.fixturenames:
        from .faker_provider import BronzeProvider

        fake: Any = request.getfixturevalue("faker")
        if not hasattr(fake, "bronze_category"):
            fake.add_provider(BronzeProvider)
