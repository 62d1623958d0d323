"""The validator's SQLite text catches the same corruptions as its PostgreSQL text.

Most rules are written twice over (JSON access, timestamps, patterns, and query shapes SQLite plans
well without statistics), so each corruption of test_validate.py is made in PostgreSQL, where its
statements are written, and the corrupted rows are copied into a fresh SQLite file and validated
there: the same rules must fail, the same realism figures must be in or out of range.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.engine import URL
from test_validate import CHECKS, CORRUPTIONS, NON_REALISM, REALISM, SHARPENED, run
from validate_fixtures import PARAMS, load_valid_dataset

from bronze_factories.config import make_engine
from bronze_factories.migrate import upgrade
from bronze_factories.models import MODELS
from bronze_factories.testing import throwaway_database
from bronze_factories.validation import Report, validate


@pytest.fixture(scope="module")
def valid_db(pg_server: URL) -> Iterator[Engine]:
    with throwaway_database(pg_server) as url:
        engine = make_engine(url)
        load_valid_dataset(engine)
        yield engine
        engine.dispose()


@pytest.fixture
def conn(valid_db: Engine) -> Iterator[Connection]:
    """A PostgreSQL connection whose changes are rolled back after the test."""
    with valid_db.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite file, copied for each test (migrating takes longer than copying)."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def on_sqlite(conn: Connection, template: Path, tmp_path: Path, **kwargs: object) -> Report:
    """Validate the rows ``conn`` sees, copied into a fresh SQLite file."""
    target = tmp_path / "bronze.db"
    shutil.copy(template, target)
    url = f"sqlite:///{target}"
    engine = make_engine(url)
    with engine.begin() as lite:
        for model in MODELS:
            rows = [dict(row._mapping) for row in conn.execute(select(model.__table__))]
            if rows:
                lite.execute(insert(model.__table__), rows)
    try:
        return validate(engine, params=PARAMS, **kwargs)  # type: ignore[arg-type]
    finally:
        engine.dispose()


def test_the_valid_dataset_copied_passes_every_non_realism_rule(conn: Connection, template: Path,
                                                                 tmp_path: Path) -> None:
    report = on_sqlite(conn, template, tmp_path, categories=CHECKS)
    assert [r.name for r in report.results] == NON_REALISM
    assert [r.line() for r in report.results if not r.passed or r.skipped] == []


@pytest.mark.parametrize("rule", NON_REALISM)
def test_corruption_trips_exactly_its_rule_on_sqlite(conn: Connection, template: Path, tmp_path: Path,
                                                     rule: str) -> None:
    statements, expected = CORRUPTIONS[rule]
    run(conn, statements)
    report = on_sqlite(conn, template, tmp_path, categories=CHECKS)
    assert {r.name for r in report.failed()} == (expected or {rule})
    assert report[rule].violations >= 1 and report[rule].error is None


@pytest.mark.parametrize(("rule", "statements"), SHARPENED, ids=[f"{r}-{i}" for i, (r, _) in enumerate(SHARPENED)])
def test_sharpened_rules_catch_what_they_missed_on_sqlite(conn: Connection, template: Path, tmp_path: Path,
                                                          rule: str, statements: list[str]) -> None:
    run(conn, statements)
    assert {r.name for r in on_sqlite(conn, template, tmp_path, categories=CHECKS).failed()} == {rule}


@pytest.mark.parametrize(("case", "statements", "expected"), REALISM, ids=[c[0] for c in REALISM])
def test_realism_rules_see_figures_out_of_range_on_sqlite(conn: Connection, template: Path, tmp_path: Path, case: str,
                                                          statements: list[str], expected: dict[str, bool]) -> None:
    run(conn, statements)
    report = on_sqlite(conn, template, tmp_path, categories=["realism"])
    assert {name: report[name].passed for name in expected} == expected
