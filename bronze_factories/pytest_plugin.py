"""pytest plugin, registered through the ``pytest11`` entry point.

Fixtures (all prefixed ``bronze_``):

* ``bronze_database_url``: per run, a throwaway PostgreSQL database migrated to head, dropped
  afterwards. The server comes from ``--bronze-db-url``, else ``BRONZE_TEST_DATABASE_URL``,
  else ``postgresql://postgres@127.0.0.1:5432/postgres``.
* ``bronze_engine``: per run, an engine on that database.

When no PostgreSQL answers, tests that use these fixtures are skipped with the reason, except
when ``CI=true``: a CI run without its database is broken, so it fails instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from .config import make_engine
from .testing import DatabaseUnavailable, resolve_server_url, throwaway_database


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
    server = resolve_server_url(request.config.getoption("--bronze-db-url"))
    try:
        database = throwaway_database(server)
        url = database.__enter__()
    except DatabaseUnavailable as exc:
        unavailable(str(exc))
    try:
        yield url
    finally:
        database.__exit__(None, None, None)


@pytest.fixture(scope="session")
def bronze_engine(bronze_database_url: URL) -> Iterator[Engine]:
    engine = make_engine(bronze_database_url)
    yield engine
    engine.dispose()
