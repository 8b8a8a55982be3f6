"""Benchmark: ``make demo`` on a fresh clone, phase by phase (the issue's 3-minute target).

Clones this repository's current commit into a temporary directory, asks ``make -n demo``
for the demo's commands (so the steps are exactly the Makefile's), and runs each of them
but the final ``serve`` in the clone with the shared virtual environment (the install
step is left out: it only runs on the first ``make demo`` of a machine). Every phase's
wall time and CPU time (its processes, children included) are recorded with the load
average before and after. Writes ``benchmarks/results/demo.json``.

Run: ``.venv/bin/python benchmarks/demo/run.py [--venv .venv] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "demo.json"
TARGET_SECONDS = 180


def demo_commands(clone: Path, bin_dir: Path) -> list[list[str]]:
    """The demo's commands as ``make -n demo`` prints them, without the final serve."""
    out = subprocess.run(
        ["make", "-n", "-s", "demo", f"BIN={bin_dir}", "STAMP="],
        cwd=clone,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commands = []
    for line in out.splitlines():
        words = shlex.split(line)
        if words and words[0] == "time":
            words = words[1:]
        if words and words[0].endswith("/jingqing") and words[1:2] != ["serve"]:
            commands.append(words)
    return commands


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=Path(sys.prefix), help="environment")
    parser.add_argument(
        "--keep",
        type=Path,
        help="run the clone in this new directory and keep it (models, data, step logs), "
        "e.g. to serve its champions with JINGQING_HOME=DIR/jingqing",
    )
    args = parser.parse_args(argv)
    bin_dir = args.venv.resolve() / "bin"
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    load_before = os.getloadavg()
    phases = []
    with tempfile.TemporaryDirectory(prefix="jingqing-demo-") as scratch:
        # MLflow records artifact locations as absolute paths: a kept home is run in place.
        tmp = str(args.keep.resolve()) if args.keep is not None else scratch
        Path(tmp).mkdir(parents=True, exist_ok=True)
        clone = Path(tmp) / "jingqing"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        subprocess.run(["git", "checkout", "-q", commit], cwd=clone, check=True)
        env = {
            **os.environ,
            "PYTHONPATH": str(clone),
            "JINGQING_HOME": str(clone),
            "JINGQING_JIEBA_CACHE": str(Path(tmp) / "jieba"),
            "BENTOML_DO_NOT_TRACK": "true",
            "MLFLOW_ALLOW_FILE_STORE": "false",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        for command in demo_commands(clone, bin_dir):
            name = " ".join(command[1:3]) if command[1] == "train" else command[1]
            print(f">> {name}: {' '.join(command[1:])}", flush=True)
            wall, cpu = time.perf_counter(), _cpu()
            log = Path(tmp) / f"{name.replace(' ', '-')}.log"
            with log.open("w") as out:
                subprocess.run(command, cwd=clone, env=env, check=True, stdout=out)
            wall, cpu = time.perf_counter() - wall, _cpu() - cpu
            load = os.getloadavg()[0]
            phases.append({"phase": name, "wall_seconds": wall, "cpu_seconds": cpu, "load": load})
            print(f"   {wall:6.1f} s wall, {cpu:6.1f} s CPU (load {load:.1f})", flush=True)
    record = {
        "benchmark": "demo",
        "commit": commit,
        "phases": phases,
        "wall_seconds": sum(p["wall_seconds"] for p in phases),
        "cpu_seconds": sum(p["cpu_seconds"] for p in phases),
        "target_seconds": TARGET_SECONDS,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "note": "fresh clone, shared virtual environment (install step not timed), every "
        "make demo step but the final serve; CPU seconds are the phases' processes with "
        "their children, the figure that does not depend on other users of the machine",
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(record, indent=2), encoding="utf-8")
    print(f"\ndemo → {RESULTS}")
    print(
        f"{record['wall_seconds']:.0f} s wall, {record['cpu_seconds']:.0f} s CPU "
        f"(target {TARGET_SECONDS} s); load {load_before[0]:.1f} → "
        f"{record['load_average_after'][0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
