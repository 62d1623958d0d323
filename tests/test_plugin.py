"""The pytest plugin as another project uses it: in a subprocess, through the installed entry point."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bronze_factories.testing import throwaway_database

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "silver_daily_revenue"
SECTION = "## Using the factories in your tests"


def run_pytest(directory: Path, server, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m pytest`` in ``directory``; the plugin is found through its pytest11 entry point only."""
    env = {k: val for k, val in os.environ.items() if not k.startswith("PYTEST")}
    env["BRONZE_TEST_DATABASE_URL"] = server.render_as_string(hide_password=False)
    return subprocess.run(
        # -p no:pytest_alembic: our migration-test tool (CI installs it) is not the example's dependency.
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:pytest_alembic", *args],
        cwd=directory, env=env, capture_output=True, text=True, timeout=600,
    )


def test_plugin_is_registered_through_the_entry_point():
    from importlib.metadata import entry_points

    plugins = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert plugins.get("bronze_factories") == "bronze_factories.pytest_plugin"


def test_example_project_passes_with_the_installed_plugin(pg_server):
    result = run_pytest(EXAMPLE, pg_server)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b8 passed\b", result.stdout), result.stdout


def test_bronze_session_rolls_back_even_after_commit(pg_server, tmp_path):
    (tmp_path / "test_rollback.py").write_text(textwrap.dedent('''
        from sqlalchemy import text
        from bronze_factories import CustomerFactory, RawCustomer

        def test_1_commits(bronze_session):
            CustomerFactory(customer_id="CUST00000042")
            bronze_session.commit()  # the code under test commits
            bronze_session.rollback()  # and even rolls back afterwards
            assert bronze_session.get(RawCustomer, "CUST00000042") is not None
            CustomerFactory()  # the factories still work after the rollback

        def test_2_sees_nothing(bronze_session):
            assert bronze_session.get(RawCustomer, "CUST00000042") is None
            assert bronze_session.execute(text("SELECT count(*) FROM bronze.raw_customers")).scalar() == 0

        def test_3_same_seed_same_rows_in_every_test(bronze_session):
            assert CustomerFactory().customer_id == "CUST90000000"
    '''))
    result = run_pytest(tmp_path, pg_server, "-p", "no:randomly")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b3 passed\b", result.stdout), result.stdout


def test_bronze_seed_and_end_date_fixtures_can_be_overridden(pg_server, tmp_path):
    (tmp_path / "conftest.py").write_text(textwrap.dedent('''
        import datetime as dt
        import pytest

        @pytest.fixture
        def bronze_end_date():
            return dt.datetime(2024, 7, 1)
    '''))
    (tmp_path / "test_window.py").write_text(textwrap.dedent('''
        import datetime as dt
        from bronze_factories import OrderFactory

        def test_window(bronze_window):
            assert bronze_window == (dt.datetime(2023, 7, 2), dt.datetime(2024, 7, 1))
            assert OrderFactory().order_date < dt.datetime(2024, 7, 1)
    '''))
    result = run_pytest(tmp_path, pg_server)
    assert result.returncode == 0, result.stdout + result.stderr


def readme_blocks() -> dict[str, str]:
    """The Python blocks of the README section, keyed by the file name on their first line."""
    text = (ROOT / "README.md").read_text()
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    named = {}
    for block in blocks:
        first, _, _ = block.partition("\n")
        assert first.startswith("# ") and first.endswith(".py"), f"README block without a file name: {first!r}"
        named[first[2:]] = block
    return named


def test_readme_examples_run(pg_server, tmp_path):
    blocks = readme_blocks()
    assert {"test_orders.py", "conftest.py", "test_fixtures.py", "outside_pytest.py"} <= set(blocks)
    for name, code in blocks.items():
        (tmp_path / name).write_text(code)
    result = run_pytest(tmp_path, pg_server)
    assert result.returncode == 0, result.stdout + result.stderr
    collected = sum(name.startswith("test_") for name in blocks)
    assert re.search(r"\b\d+ passed\b", result.stdout) and "failed" not in result.stdout, result.stdout
    assert collected >= 3

    with throwaway_database(pg_server) as url:
        env = {**os.environ, "BRONZE_DATABASE_URL": url.render_as_string(hide_password=False)}
        from bronze_factories.config import make_engine

        for run in (1, 2):  # the second run, same seed, same database: ids continue, nothing collides
            script = subprocess.run([sys.executable, "outside_pytest.py"], cwd=tmp_path, env=env,
                                    capture_output=True, text=True, timeout=300)
            assert script.returncode == 0, script.stderr
            engine = make_engine(url)
            try:
                with engine.connect() as conn:
                    assert conn.exec_driver_sql("SELECT count(*) FROM bronze.raw_orders").scalar() == 100 * run
                    assert conn.exec_driver_sql("SELECT max(order_id) FROM bronze.raw_orders").scalar() == \
                        f"ORD{9_000_000_000 + 100 * run - 1}"
            finally:
                engine.dispose()


@pytest.mark.parametrize("name", ["test_orders.py", "test_contract.py", "test_fixtures.py"])
def test_readme_blocks_are_valid_python(name):
    compile(readme_blocks()[name], name, "exec")
