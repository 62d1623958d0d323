"""The built wheel, installed in a clean virtual environment outside the repository, migrates a database."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest
from sqlalchemy import inspect

from bronze_factories.config import make_engine
from bronze_factories.testing import throwaway_database

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (ROOT / "setup.cfg").exists():
        pytest.skip("not running from a source checkout")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
                   check=True)
    (built,) = out.glob("bronze_factories-*.whl")
    return built


def test_wheel_ships_the_migrations(wheel: Path) -> None:
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    assert "bronze_factories/migrations/env.py" in names
    assert "bronze_factories/migrations/script.py.mako" in names
    assert "bronze_factories/vocabulary/places.csv" in names  # the cities every customer lives in
    assert {"bronze_factories/migrations/versions/0001_bronze_schema.py",
            "bronze_factories/migrations/versions/0002_load_ledger.py"} <= names


def test_installed_wheel_migrates_an_empty_database(wheel: Path, pg_server, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, cwd=tmp_path)
    with throwaway_database(pg_server, migrate=False) as url:
        plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
        code = (
            "import bronze_factories, bronze_factories.migrate as m; "
            "assert 'site-packages' in bronze_factories.__file__, bronze_factories.__file__; "
            f"m.upgrade({plain!r})"
        )
        done = subprocess.run([str(python), "-c", code], cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        engine = make_engine(url)
        tables = set(inspect(engine).get_table_names(schema="bronze"))
        engine.dispose()
    assert {"raw_customers", "raw_products", "raw_orders", "raw_inventory", "raw_reviews", "raw_sessions",
            "raw_clickstream", "alembic_version"} <= tables


def test_migrations_found_when_run_from_the_source_checkout(tmp_path: Path) -> None:
    """``python -m bronze_factories.populate`` in the repository root imports the checkout, not the install."""
    if not (ROOT / "setup.cfg").exists():
        pytest.skip("not running from a source checkout")
    db = tmp_path / "bronze.db"
    code = ("import bronze_factories, sys; from bronze_factories.migrate import upgrade; "
            f"assert bronze_factories.__file__.startswith({str(ROOT)!r}), bronze_factories.__file__; "
            f"upgrade('sqlite:///{db}')")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    engine = make_engine(f"sqlite:///{db}")
    assert "raw_clickstream" in inspect(engine).get_table_names()
    engine.dispose()
