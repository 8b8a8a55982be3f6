"""Benchmark: ``make demo`` on a fresh clone, phase by phase (the issue's 3-minute target).

Clones this repository's current commit into a temporary directory and runs ``make
demo-models`` there (``make demo`` without the install, which only runs on a machine's
first ``make demo``, and without the final ``serve``) with the shared virtual environment,
so the steps and their parallelism are exactly the Makefile's. The whole run's wall and
CPU time (every process, children included) and each phase's (the ``>> PHASE: … s wall,
… s user + … s system`` lines the Makefile prints) are recorded with the load average
before and after. Writes ``benchmarks/results/demo.json``.

Run: ``.venv/bin/python benchmarks/demo/run.py [--venv .venv] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "demo.json"
TARGET_SECONDS = 180


TIMING = re.compile(
    r"^(?:\[(?P<branch>\w+)\]\s+)?>> (?P<phase>[^:]+): (?P<wall>[\d.]+) s wall, "
    r"(?P<user>[\d.]+) s user \+ (?P<sys>[\d.]+) s system$"
)


def run_demo(clone: Path, bin_dir: Path, env: dict[str, str], log: Path) -> list[dict]:
    """``make demo-models`` in ``clone`` (the demo without the install and the final serve);
    the phases' times from the lines the Makefile prints (bash's ``time``)."""
    cmd = ["make", "-s", "demo-models", f"BIN={bin_dir}", "STAMP="]
    phases: list[dict] = []
    with log.open("w") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=clone,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group, stopped as a whole
        )
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                out.write(line)
                found = TIMING.match(line.strip())
                if found:
                    cpu = float(found["user"]) + float(found["sys"])
                    phases.append(
                        {
                            "phase": found["phase"],
                            "branch": found["branch"],
                            "wall_seconds": float(found["wall"]),
                            "cpu_seconds": cpu,
                            "load": os.getloadavg()[0],
                        }
                    )
                    print(f"   {line.strip()} (load {phases[-1]['load']:.1f})", flush=True)
        finally:
            if proc.poll() is None:  # interrupted: stop the demo's processes too
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait()
        if proc.wait():
            raise SystemExit(f"make demo-models failed (exit {proc.returncode}); see {log}")
    return phases


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
    parser.add_argument("--output", type=Path, default=RESULTS, help="the JSON record")
    args = parser.parse_args(argv)
    bin_dir = args.venv.resolve() / "bin"
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    load_before = os.getloadavg()
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
        wall, cpu = time.perf_counter(), _cpu()
        phases = run_demo(clone, bin_dir, env, Path(tmp) / "demo-models.log")
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    record = {
        "benchmark": "demo",
        "commit": commit,
        "phases": phases,
        "wall_seconds": wall,
        "cpu_seconds": cpu,
        "phases_cpu_seconds": sum(p["cpu_seconds"] for p in phases),
        "target_seconds": TARGET_SECONDS,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "note": "fresh clone, shared virtual environment (install step not timed), make "
        "demo-models: every make demo step but the final serve, the two trainings side by "
        "side; wall and CPU seconds of the whole run (CPU: every process, children "
        "included, the figure that does not depend on other users of the machine) and of "
        "each phase (bash's time)",
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(record, indent=2), encoding="utf-8")
    print(f"\ndemo → {args.output}")
    print(
        f"{record['wall_seconds']:.0f} s wall, {record['cpu_seconds']:.0f} s CPU "
        f"(target {TARGET_SECONDS} s); load {load_before[0]:.1f} → "
        f"{record['load_average_after'][0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
