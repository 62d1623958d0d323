"""Our own suite runs on the plugin's fixtures (``bronze_database_url``, ``bronze_engine``)
plus a server URL for tests that need extra fresh databases of their own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from checksums import table_checksums
from populate_support import SMALL, fresh_database, pg_url, run_cli
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


@pytest.fixture(scope="session")
def small_reference(pg_server: URL) -> dict[str, tuple[int, str]]:
    """Row counts and checksums of the populate tests' ``SMALL`` dataset as one worker loads it into
    PostgreSQL: what every other way of making it (files, Dask, a rerun after a kill) must give."""
    with fresh_database(pg_server, "smallref") as url:
        result = run_cli([*SMALL, "--database-url", pg_url(url), "--workers", "1"])
        assert result.returncode == 0, result.stderr
        return table_checksums(url)


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
