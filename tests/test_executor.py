"""The executor is the only place that starts worker processes, and it stays below the command line."""

from __future__ import annotations

import ast
from pathlib import Path

import bronze_factories

PACKAGE = Path(bronze_factories.__file__).parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add(("." * node.level) + (node.module or ""))
    return names


def test_only_the_executor_starts_process_pools() -> None:
    users = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                   if {"multiprocessing", "concurrent.futures"} & _imports(p)
                   or "ProcessPoolExecutor" in p.read_text() or ".Pool(" in p.read_text())
    assert users == ["executor.py"]


def test_executor_imports_neither_loaders_nor_the_command() -> None:
    assert not [n for n in _imports(PACKAGE / "executor.py") if "loaders" in n or "populate" in n or "engine" in n]
