"""What the pytest plugin costs a test run that uses none of its fixtures, not a test.

    python benchmarks/bench_plugin.py [results.json] [--runs 9]

Every pytest run in an environment with bronze-factories installed loads the plugin (pytest11
entry point), so loading it must stay cheap. Two measurements, each the median of ``--runs``
alternating runs in fresh interpreters:

* ``pytest`` on a project with one trivial test, with the plugin and with ``-p no:bronze_factories``;
* ``import pytest, bronze_factories.pytest_plugin`` against ``import pytest`` alone.

Prints a table and writes JSON (default ``benchmarks/results/plugin.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "plugin.json"


def timed(command: list[str], cwd: str) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_plugin", description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(DEFAULT_OUT), help="JSON results file")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)
    py = sys.executable
    cases = {
        "pytest, plugin loaded": [py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_nothing.py"],
        "pytest, -p no:bronze_factories": [py, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                           "-p", "no:bronze_factories", "test_nothing.py"],
        "import pytest + plugin": [py, "-c", "import pytest, bronze_factories.pytest_plugin"],
        "import pytest": [py, "-c", "import pytest"],
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "test_nothing.py").write_text("def test_nothing():\n    assert True\n")
        for _ in range(args.runs):
            for name, command in cases.items():
                times[name].append(timed(command, tmp))
    medians = {name: statistics.median(values) for name, values in times.items()}
    plugin_cost = medians["pytest, plugin loaded"] - medians["pytest, -p no:bronze_factories"]
    import_cost = medians["import pytest + plugin"] - medians["import pytest"]
    print(f"{'case':<36} {'median s':>9}")
    for name, value in medians.items():
        print(f"{name:<36} {value:>9.3f}")
    print(f"plugin cost in a pytest run: {plugin_cost:+.3f} s; import cost: {import_cost:+.3f} s "
          f"(medians of {args.runs} runs)")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"runs": args.runs, "medians": medians, "plugin_cost_seconds": plugin_cost,
                               "import_cost_seconds": import_cost, "all": times}, indent=2) + "\n")
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
