"""Our own suite runs on the plugin's fixtures (``bronze_database_url``, ``bronze_engine``)
plus a server URL for tests that need extra fresh databases of their own."""

from __future__ import annotations

import os
from pathlib import Path

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


#: Settings a caller's shell could hand the commands besides ``BRONZE_*``: the old generator's variables.
OLD_SETTINGS = ("NUM_CUSTOMERS", "NUM_PRODUCTS", "NUM_ORDERS", "DAYS_OF_DATA")


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory (where bronze.db would land) and none of the caller's ``BRONZE_*``
    (or old generator) settings: what a command does in the test depends on the test alone.

    Modules whose every test runs a command in-process use it for all of them
    (``pytestmark = pytest.mark.usefixtures("isolated")``); it returns the directory.
    """
    for key in list(os.environ):
        if key.startswith("BRONZE_") or key in OLD_SETTINGS:
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    return tmp_path
