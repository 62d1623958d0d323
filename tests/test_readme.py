"""The README's marked snippets run as written (``<!-- readme-test: bash|python -->`` before a block).

They run in order against one throwaway database on the test server: the database name
``warehouse`` in them becomes a fresh name (created by the snippet's own ``createdb``), so a run
never touches a real ``warehouse``.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import sysconfig
from pathlib import Path

from sqlalchemy.engine import URL

from bronze_factories.testing import drop_database, psycopg2_dsn

ROOT = Path(__file__).resolve().parents[1]
MARKED = re.compile(r"<!-- readme-test: (bash|python) -->\n```(?:bash|python)\n(.*?)```", re.DOTALL)
README_URL = "postgresql://postgres@127.0.0.1:5432/warehouse"
README_CREATEDB = "createdb -h 127.0.0.1 -U postgres warehouse"


def snippets() -> list[tuple[str, str]]:
    return MARKED.findall((ROOT / "README.md").read_text())


def test_the_readme_has_marked_snippets() -> None:
    kinds = [kind for kind, _ in snippets()]
    assert kinds.count("bash") >= 2 and kinds.count("python") >= 1
    assert all(README_URL in code or README_CREATEDB in code for _, code in snippets())


def test_readme_snippets_run_as_written(pg_server: URL, tmp_path: Path) -> None:
    name = f"bronze_readme_{secrets.token_hex(4)}"
    url = pg_server.set(drivername="postgresql", database=name)
    plain = url.render_as_string(hide_password=False)
    createdb = f"createdb -d {psycopg2_dsn(pg_server)!r} {name}".replace(" -d ", " --maintenance-db=")
    # The commands the snippets name (alembic, bronze-populate) are the ones installed beside this
    # interpreter, as for a reader who installed the package: found whether or not a venv is activated.
    env = {**os.environ, "PATH": os.pathsep.join([sysconfig.get_path("scripts"), os.environ.get("PATH", "")])}
    try:
        for kind, code in snippets():
            code = code.replace(README_CREATEDB, createdb).replace(README_URL, plain)
            if kind == "bash":
                done = subprocess.run(["bash", "-euo", "pipefail", "-c", code], cwd=ROOT, env=env,
                                      capture_output=True, text=True, timeout=600)
            else:
                done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                                      timeout=600)
            assert done.returncode == 0, f"{kind} snippet failed:\n{code}\n{done.stderr}"
    finally:
        drop_database(pg_server, name)
