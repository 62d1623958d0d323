"""A password never reaches the user's terminal: not in errors, --plan, progress, validate or the plugin."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from populate_support import SMALL, clean_env, fresh_database, pg_url, run_cli
from sqlalchemy.engine import URL

from bronze_factories.config import redact

SECRET = "hunter2pw"
TINY = ["--customers", "20", "--products", "10", "--orders", "20", "--days", "2", "--sessions-per-day", "30",
        "--end-date", "2026-01-01"]


@pytest.mark.parametrize("given", [
    f"postgresql://u:{SECRET}@h/db",
    f"postgresql://u@h/db?password={SECRET}",
    f"postgresql://u@h/db?sslmode=require&sslpassword={SECRET}",
    f"postgresql://u@h/db?api_token={SECRET}&application_name=x",
    f"postgresql://u@h/db?client_secret={SECRET}",
    f"postgresql://u@h/db?PASSWORD={SECRET}",
    f"postgresql://u@h/db?sslkey={SECRET}",
])
def test_redact_hides_the_password_and_every_secret_query_parameter(given: str) -> None:
    shown = redact(given)
    assert SECRET not in shown and "***" in shown
    assert shown.startswith("postgresql://u")


def test_redact_keeps_harmless_query_parameters() -> None:
    assert redact("postgresql://u@h/db?sslmode=require&application_name=x") == \
        "postgresql://u@h/db?application_name=x&sslmode=require"


def _with_query_password(url: URL) -> str:
    return pg_url(url) + f"?password={SECRET}"


def test_query_password_is_not_printed_by_errors_from_the_environment(pg_server: URL) -> None:
    url = _with_query_password(pg_server.set(port=1))
    result = run_cli(SMALL, env=clean_env(BRONZE_DATABASE_URL=url))
    assert result.returncode == 1
    assert SECRET not in result.stdout + result.stderr
    assert "password=***" in result.stderr


def test_query_password_is_not_printed_by_plan_or_progress(pg_server: URL) -> None:
    with fresh_database(pg_server, "secret") as url:
        plan = run_cli([*SMALL, "--plan", "--database-url", _with_query_password(url)])
        assert plan.returncode == 0, plan.stderr
        assert "password=***" in plan.stdout and SECRET not in plan.stdout + plan.stderr
        load = run_cli([*TINY, "--workers", "1", "--database-url", _with_query_password(url)])
        assert load.returncode == 0, load.stderr
        assert "password=***" in load.stdout and SECRET not in load.stdout + load.stderr


def test_query_password_is_not_printed_by_validate(pg_server: URL) -> None:
    url = _with_query_password(pg_server.set(port=1))
    result = subprocess.run([sys.executable, "-m", "bronze_factories.validate", "--database-url", url],
                            env=clean_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "password=***" in result.stderr and SECRET not in result.stdout + result.stderr


def test_query_password_is_not_printed_by_the_pytest_plugin(pg_server: URL, tmp_path: Path) -> None:
    (tmp_path / "test_x.py").write_text(textwrap.dedent('''
        def test_uses_the_database(bronze_session):
            pass
    '''))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "BRONZE_", "CI"))}
    env["BRONZE_TEST_DATABASE_URL"] = _with_query_password(pg_server.set(port=1))
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", "--tb=long"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    out = result.stdout + result.stderr
    assert "PostgreSQL unavailable" in out and "password=***" in out
    assert SECRET not in out
