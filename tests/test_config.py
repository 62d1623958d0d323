"""URLs: plain postgresql:// runs on psycopg2, the resolution order, no password in messages."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bronze_factories.config import ConfigError, database_url, make_engine, redact


@pytest.mark.parametrize("given", ["postgresql://u@h/db", "postgres://u@h/db", "postgresql+psycopg2://u@h/db"])
def test_plain_postgresql_urls_use_psycopg2(given):
    assert database_url(given).drivername == "postgresql+psycopg2"
    assert make_engine(given).dialect.driver == "psycopg2"


def test_resolution_order(monkeypatch):
    monkeypatch.delenv("BRONZE_DATABASE_URL", raising=False)
    assert database_url().render_as_string() == "sqlite+pysqlite:///bronze.db"
    monkeypatch.setenv("BRONZE_DATABASE_URL", "postgresql://env@h/db")
    assert database_url().username == "env"
    assert database_url("postgresql://flag@h/db").username == "flag"


def test_unknown_scheme_is_a_clear_error():
    with pytest.raises(ConfigError, match="unsupported database URL scheme 'mysql'"):
        database_url("mysql://u:secret@h/db")


def test_unparsable_url_is_a_clear_error_without_the_password():
    with pytest.raises(ConfigError, match="cannot parse database URL") as err:
        database_url("postgresql://u:secret@h:port/db")
    assert "secret" not in str(err.value)


def test_redact_hides_password():
    assert "secret" not in redact("postgresql://u:secret@h/db")


def test_ci_without_postgresql_fails_the_run(tmp_path):
    """With CI=true and nothing listening, the suite fails loudly instead of skipping."""
    test = tmp_path / "test_needs_db.py"
    test.write_text("def test_db(bronze_engine):\n    assert bronze_engine\n")
    env = {**os.environ, "CI": "true", "BRONZE_TEST_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/postgres"}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode != 0
    assert "PostgreSQL unavailable" in done.stdout and "CI=true" in done.stdout
    env["CI"] = "false"
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", str(test)],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0 and "1 skipped" in done.stdout and "PostgreSQL unavailable" in done.stdout
