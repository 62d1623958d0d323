"""Migrations as migration tools see them: pytest-alembic's four standard tests, offline SQL.

pytest-alembic's automatic collector (``--test-alembic``) fails under pytest 9, so the plugin is
off (``-p no:pytest_alembic`` in setup.cfg) and its standard tests are imported here, on a runner
made by ``create_alembic_fixture``: the usage its documentation gives for running them without the
flag. They hand ``env.py``
an ``Engine``, where ``bronze_factories.migrate`` hands it a ``Connection``: both must work.
"""

from __future__ import annotations

import io
import subprocess
from collections.abc import Iterator

import pytest
from alembic import command
from pytest_alembic import create_alembic_fixture
from pytest_alembic.tests import (  # noqa: F401  (collected here as our tests)
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import Engine, inspect, text

from bronze_factories.config import make_engine
from bronze_factories.migrate import alembic_config as packaged_config
from bronze_factories.migrate import upgrade
from bronze_factories.testing import psycopg2_dsn, throwaway_database


@pytest.fixture
def alembic_engine(pg_server) -> Iterator[Engine]:
    with throwaway_database(pg_server, migrate=False, prefix="bronze_alembic") as url:
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


alembic_runner = create_alembic_fixture(packaged_config())


def offline_sql(schema: str | None = None) -> str:
    cfg = packaged_config(schema)
    cfg.output_buffer = io.StringIO()
    command.upgrade(cfg, "head", sql=True)
    return cfg.output_buffer.getvalue()


def _dump(url) -> str:
    done = subprocess.run(["pg_dump", "--schema-only", "--no-owner", psycopg2_dsn(url)],
                          capture_output=True, text=True, check=True)
    # Version comments and the per-dump random \restrict key aside, the dump is the schema.
    return "\n".join(line for line in done.stdout.splitlines()
                     if not line.startswith(("-- Dumped", "\\restrict", "\\unrestrict")))


@pytest.mark.parametrize("schema", [None, "staging_bronze"])
def test_offline_sql_applies_with_psql_and_equals_the_online_schema(pg_server, schema):
    script = offline_sql(schema)
    with throwaway_database(pg_server, migrate=False) as offline, \
            throwaway_database(pg_server, migrate=False) as online:
        done = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", psycopg2_dsn(offline)],
                              input=script, capture_output=True, text=True)
        assert done.returncode == 0 and done.stderr == "", done.stderr
        upgrade(online, schema=schema)
        assert _dump(offline) == _dump(online)
        engine = make_engine(offline, schema)
        name = schema or "bronze"
        with engine.connect() as conn:
            version = conn.execute(text(f'SELECT version_num FROM "{name}".alembic_version')).scalar()
            check = conn.execute(text(
                "SELECT conname FROM pg_constraint WHERE contype = 'c' AND conrelid = :t ::regclass"),
                {"t": f"{name}.raw_reviews"}).scalars().all()
        engine.dispose()
        assert version == "0003"
        assert check == ["ck_raw_reviews_rating_range"]


def test_offline_sql_refuses_sqlite_with_one_line(tmp_path):
    cfg = packaged_config()
    cfg.cmd_opts = None
    cfg.set_main_option("sqlalchemy.url", f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(SystemExit) as exc:
        command.upgrade(cfg, "head", sql=True)
    assert str(exc.value) == ("offline (--sql) mode renders PostgreSQL DDL; on SQLite run the migration "
                              "against the file (alembic upgrade head)")


def test_rating_constraint_is_renamed_in_databases_migrated_before(pg_server, tmp_path):
    """0003 renames the doubled name 0001 gave, on PostgreSQL and SQLite; the models agree."""
    from bronze_factories.migrate import downgrade
    from bronze_factories.models import RawReview

    assert {c.name for c in RawReview.__table__.constraints} == {"pk_raw_reviews", "ck_raw_reviews_rating_range"}
    sqlite = f"sqlite:///{tmp_path / 'old.db'}"
    with throwaway_database(pg_server, migrate=False) as pg:
        for url in (pg, sqlite):
            upgrade(url, revision="0002")
            assert _check_names(url) == ["ck_raw_reviews_ck_raw_reviews_rating_range"]
            upgrade(url)
            assert _check_names(url) == ["ck_raw_reviews_rating_range"]
            downgrade(url, revision="0002")
            assert _check_names(url) == ["ck_raw_reviews_ck_raw_reviews_rating_range"]


def _check_names(url) -> list[str]:
    engine = make_engine(url)
    try:
        schema = "bronze" if engine.dialect.name == "postgresql" else None
        return [c["name"] for c in inspect(engine).get_check_constraints("raw_reviews", schema=schema)]
    finally:
        engine.dispose()
