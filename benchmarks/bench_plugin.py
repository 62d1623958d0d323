"""What the pytest plugin costs a test run that uses none of its fixtures, not a test.

    python benchmarks/bench_plugin.py [results.json] [--runs 9]

Every pytest run in an environment with bronze-factories installed loads the plugin (pytest11
entry point), so loading it must stay cheap. Two measurements, each the median of ``--runs``
alternating runs in fresh interpreters:

* ``pytest`` on a project with one trivial test, with the plugin and with ``-p no:bronze_factories``;
* ``import pytest, bronze_factories.pytest_plugin`` against ``import pytest`` alone.

Both wall and CPU seconds (user + system of the child) are reported: on a shared machine the CPU
figure is the steadier one. Other plugins in the environment (pytest-factoryboy imports factory_boy,
Faker and SQLAlchemy itself) cost the same in both runs and cancel out.

Prints a table and writes JSON (default ``benchmarks/results/plugin.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "plugin.json"


def timed(command: list[str], cwd: str) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one run in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


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
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "test_nothing.py").write_text("def test_nothing():\n    assert True\n")
        for _ in range(args.runs):
            for name, command in cases.items():
                times[name].append(timed(command, tmp))
    wall = {name: statistics.median(w for w, _ in values) for name, values in times.items()}
    cpu = {name: statistics.median(c for _, c in values) for name, values in times.items()}
    costs = {
        "plugin in a pytest run": {"wall": wall["pytest, plugin loaded"] - wall["pytest, -p no:bronze_factories"],
                                   "cpu": cpu["pytest, plugin loaded"] - cpu["pytest, -p no:bronze_factories"]},
        "plugin import": {"wall": wall["import pytest + plugin"] - wall["import pytest"],
                          "cpu": cpu["import pytest + plugin"] - cpu["import pytest"]},
    }
    print(f"{'case':<36} {'wall s':>8} {'cpu s':>8}   (medians of {args.runs} alternating runs)")
    for name in cases:
        print(f"{name:<36} {wall[name]:>8.3f} {cpu[name]:>8.3f}")
    for name, cost in costs.items():
        print(f"cost of the {name}: {cost['wall']:+.3f} s wall, {cost['cpu']:+.3f} s CPU")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"runs": args.runs, "wall": wall, "cpu": cpu, "costs": costs, "all": times},
                              indent=2) + "\n")
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
