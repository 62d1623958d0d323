"""Our own suite runs on the plugin's fixtures (``bronze_database_url``, ``bronze_engine``)
plus a server URL for tests that need extra fresh databases of their own."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import URL

from bronze_factories.pytest_plugin import unavailable
from bronze_factories.testing import DatabaseUnavailable, ping, resolve_server_url


@pytest.fixture(scope="session")
def pg_server(request: pytest.FixtureRequest) -> URL:
    """The PostgreSQL server URL, checked to answer (skip locally, fail in CI)."""
    server = resolve_server_url(request.config.getoption("--bronze-db-url"))
    try:
        ping(server)
    except DatabaseUnavailable as exc:
        unavailable(str(exc))
    return server
