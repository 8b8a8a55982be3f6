"""Benchmark: ``make demo`` on a fresh clone, phase by phase (the issue's 3-minute target).

Two modes, both on a clone of this repository's current commit in a temporary directory:

- ``--fresh-clone``: the whole ``make demo`` path as a newcomer runs it: ``git clone``,
  then ``make demo`` in the clone (its own ``.venv``: the install, then every demo step,
  then ``jingqing serve``) until ``/readyz`` answers 200; then the service is stopped.
  The package cache (uv's, and pip's for the fallback) is the machine's as it is, and the
  record says whether it was warm (how many bytes it held before); ``--cold-cache`` gives
  the install an empty uv cache and no pip cache instead. Writes
  ``benchmarks/results/demo.json``; with ``--install-only`` it stops after the install
  (``make venv``) and writes ``benchmarks/results/demo_install[_cold].json``.
- default: ``make demo-models`` (the demo without the install and the final ``serve``)
  with the shared virtual environment, so the demo's own steps are timed without the
  install. Writes ``benchmarks/results/demo_models.json``.

The whole run's wall and CPU time (every process, children included) and each phase's
(the ``>> PHASE: … s wall, … s user + … s system`` lines the Makefile prints) are recorded
with the load average before, at each phase's end and after.

Run: ``.venv/bin/python benchmarks/demo/run.py --fresh-clone [--cold-cache] [--keep DIR]``
or ``.venv/bin/python benchmarks/demo/run.py [--venv .venv] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"
TARGET_SECONDS = 180
READY_TIMEOUT_S = 300  # after the demo's steps, for the service to answer /readyz

TIMING = re.compile(
    r"^(?:\[(?P<branch>\w+)\]\s+)?>> (?P<phase>[^:]+): (?P<wall>[\d.]+) s wall, "
    r"(?P<user>[\d.]+) s user \+ (?P<sys>[\d.]+) s system$"
)
READY_LINE = "jingqing service is ready on"


def _phase(line: str, started: float) -> dict | None:
    found = TIMING.match(line.strip())
    if not found:
        return None
    return {
        "phase": found["phase"],
        "branch": found["branch"],
        "wall_seconds": float(found["wall"]),
        "cpu_seconds": float(found["user"]) + float(found["sys"]),
        "ended_at_seconds": round(time.perf_counter() - started, 1),
        "load": os.getloadavg()[0],
    }


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


def run_make(
    clone: Path, cmd: list[str], env: dict[str, str], log: Path, port: int | None = None
) -> tuple[list[dict], float | None]:
    """Run ``cmd`` (a ``make`` target) in ``clone``; the phases' times from the lines the
    Makefile prints (bash's ``time``). With ``port``: the target ends in ``jingqing serve``,
    which is stopped once ``/readyz`` answers 200; returns the seconds until then."""
    phases: list[dict] = []
    started = time.perf_counter()
    ready_at = None
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
                phase = _phase(line, started)
                if phase is not None:
                    phases.append(phase)
                    print(f"   {line.strip()} (load {phase['load']:.1f})", flush=True)
                if port is not None and line.startswith(READY_LINE):
                    if not _ready(port):
                        raise SystemExit(f"the service said ready but /readyz is not 200; {log}")
                    ready_at = time.perf_counter() - started
                    print(f"   serve: /readyz 200 at {ready_at:.1f} s", flush=True)
                    break
        finally:
            if proc.poll() is None:  # the service, or an interrupted run: stop the group
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        if port is not None and ready_at is None:
            raise SystemExit(f"{' '.join(cmd)} ended before the service was ready; see {log}")
        if port is None and proc.returncode:
            raise SystemExit(f"{' '.join(cmd)} failed (exit {proc.returncode}); see {log}")
    return phases, ready_at


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else 0


def _uv_cache(env: dict[str, str]) -> Path:
    """Where uv keeps its cache (what ``uv cache dir`` prints, without needing uv)."""
    if env.get("UV_CACHE_DIR"):
        return Path(env["UV_CACHE_DIR"])
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "uv"


def _newcomer_env(base: dict[str, str]) -> dict[str, str]:
    """The environment without any virtual environment's traces (PATH entries inside one,
    VIRTUAL_ENV, PYTHONPATH) or bytecode settings a fresh machine does not have: the
    clone's ``make`` makes and uses its own."""
    own = (
        "VIRTUAL_ENV",
        "PYTHONPATH",
        "PYTHONHOME",
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONPYCACHEPREFIX",
    )
    env = {k: v for k, v in base.items() if k not in own}
    keep = [
        p
        for p in env.get("PATH", "").split(os.pathsep)
        if not (Path(p).parent / "pyvenv.cfg").exists()
    ]
    env["PATH"] = os.pathsep.join(keep)
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--fresh-clone",
        action="store_true",
        help="time the whole make demo: clone, install into the clone's own .venv, the "
        "demo's steps, serve until /readyz answers",
    )
    parser.add_argument(
        "--cold-cache",
        action="store_true",
        help="with --fresh-clone: install with an empty uv cache and no pip cache",
    )
    parser.add_argument(
        "--install-only",
        action="store_true",
        help="with --fresh-clone: time the clone and the install (make venv) alone",
    )
    parser.add_argument(
        "--venv", type=Path, default=Path(sys.prefix), help="environment (default mode)"
    )
    parser.add_argument(
        "--keep",
        type=Path,
        help="run the clone in this new directory and keep it (models, data, step logs), "
        "e.g. to serve its champions with JINGQING_HOME=DIR/jingqing",
    )
    parser.add_argument("--output", type=Path, help="the JSON record")
    args = parser.parse_args(argv)
    if (args.cold_cache or args.install_only) and not args.fresh_clone:
        parser.error("--cold-cache and --install-only time the install: they need --fresh-clone")
    name = "demo.json" if args.fresh_clone else "demo_models.json"
    if args.install_only:
        name = "demo_install_cold.json" if args.cold_cache else "demo_install.json"
    output = args.output or RESULTS / name
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    load_before = os.getloadavg()
    cache: dict = {}
    with tempfile.TemporaryDirectory(prefix="jingqing-demo-") as scratch:
        # MLflow records artifact locations as absolute paths: a kept home is run in place.
        tmp = Path(args.keep.resolve() if args.keep is not None else scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        clone = tmp / "jingqing"
        env = {
            **os.environ,
            "JINGQING_HOME": str(clone),
            "JINGQING_JIEBA_CACHE": str(tmp / "jieba"),  # a fresh machine has none
            "BENTOML_DO_NOT_TRACK": "true",
            "MLFLOW_ALLOW_FILE_STORE": "false",
        }
        wall, cpu = time.perf_counter(), _cpu()
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        subprocess.run(["git", "checkout", "-q", commit], cwd=clone, check=True)
        clone_seconds = time.perf_counter() - wall
        ready_at = None
        if args.fresh_clone:
            env = _newcomer_env(env)
            if args.cold_cache:
                env |= {"UV_CACHE_DIR": str(tmp / "uv-cache"), "PIP_NO_CACHE_DIR": "1"}
            uv_cache = _uv_cache(env)
            pip_cache = Path(env.get("PIP_CACHE_DIR") or Path.home() / ".cache" / "pip")
            cache = {
                "uv_cache": str(uv_cache),
                "uv_cache_bytes_before": _bytes(uv_cache),
                "pip_cache_bytes_before": 0 if args.cold_cache else _bytes(pip_cache),
            }
            cache["warm"] = cache["uv_cache_bytes_before"] > 0
            if args.install_only:
                phases, _ = run_make(clone, ["make", "-s", "venv"], env, tmp / "venv.log")
            else:
                port = _free_port()
                cmd = ["make", "-s", "demo", f"PORT={port}"]
                phases, ready_at = run_make(clone, cmd, env, tmp / "demo.log", port)
                ready_at += clone_seconds
        else:
            env["PYTHONPATH"] = str(clone)
            bin_dir = args.venv.resolve() / "bin"
            cmd = ["make", "-s", "demo-models", f"BIN={bin_dir}", "STAMP="]
            phases, _ = run_make(clone, cmd, env, tmp / "demo-models.log")
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    record = {
        "benchmark": output.stem.replace("_", "-"),
        "commit": commit,
        "clone_seconds": clone_seconds,
        "phases": phases,
        "wall_seconds": ready_at if ready_at is not None else wall,
        "cpu_seconds": cpu,
        "phases_cpu_seconds": sum(p["cpu_seconds"] for p in phases),
        "target_seconds": TARGET_SECONDS,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }
    if args.fresh_clone:
        record["package_cache"] = cache
    if args.install_only:
        record["note"] = (
            "fresh clone, make venv alone: git clone, the install into the clone's own .venv "
            "(package cache as stated); wall and CPU seconds from the clone's start"
        )
    elif args.fresh_clone:
        record["note"] = (
            "fresh clone, make demo as a newcomer runs it: git clone, the install into the "
            "clone's own .venv (package cache as stated), every demo step, jingqing serve "
            "until /readyz answers 200 (wall_seconds: from the clone's start to that "
            "answer); CPU: every process, children included, until the service was stopped"
        )
    else:
        record["note"] = (
            "fresh clone, shared virtual environment (install step not timed), make "
            "demo-models: every make demo step but the final serve, the two trainings side "
            "by side; wall and CPU seconds of the whole run (CPU: every process, children "
            "included, the figure that does not depend on other users of the machine) and "
            "of each phase (bash's time)"
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(record, indent=2), encoding="utf-8")
    print(f"\n{record['benchmark']} → {output}")
    for phase in phases:
        branch = f"[{phase['branch']}] " if phase["branch"] else ""
        print(
            f"  {branch}{phase['phase']}: {phase['wall_seconds']:.1f} s wall, "
            f"{phase['cpu_seconds']:.1f} s CPU"
        )
    cache_note = ""
    if cache:
        cache_note = f"; package cache {'warm' if cache['warm'] else 'cold'}"
    print(
        f"{record['wall_seconds']:.0f} s wall, {record['cpu_seconds']:.0f} s CPU "
        f"(target {TARGET_SECONDS} s); load {load_before[0]:.1f} → "
        f"{record['load_average_after'][0]:.1f}{cache_note}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
