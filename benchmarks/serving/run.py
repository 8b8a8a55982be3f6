"""Latency and throughput of ``POST /classify`` against a real ``bentoml serve`` on localhost.

Single-text requests from 1, 8 and 32 concurrent clients (each sends its next request as
soon as the last one is answered), with adaptive batching on and off
(``JINGQING_BATCHING``). Writes ``benchmarks/results/serving.json`` and prints a summary.

Targets (2 cores): p99 <= 30 ms at 8 clients, >= 300 requests/s at 32 clients, no errors.

Usage:
    python benchmarks/serving/run.py                      # champions of $JINGQING_HOME
    python benchmarks/serving/run.py --home DIR           # another project home
    python benchmarks/serving/run.py --stand-in           # stand-in models (no training)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "serving.json"
TARGETS = {"p99_ms_at_8_clients": 30.0, "rps_at_32_clients": 300.0, "errors": 0}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sample_texts(n: int, seed: int = 7) -> list[str]:
    """Realistic call texts from the simulator's generator (fixed seed)."""
    import numpy as np

    from features.labels import CATEGORIES
    from training.simulator.texts import TextGenerator

    rng = np.random.default_rng(seed)
    gen = TextGenerator()
    cats = rng.choice(list(CATEGORIES), size=n)
    return [gen.sample(str(c), rng, hour=int(rng.integers(0, 24))).text for c in cats]


def stand_in_home() -> Path:
    """A temporary home with the test suite's stand-in champions registered."""
    sys.path.insert(0, str(ROOT / "tests" / "serving"))
    from serving_fakes import register_fakes

    home = Path(tempfile.mkdtemp(prefix="jingqing-bench-"))
    os.environ["JINGQING_HOME"] = str(home)
    register_fakes()
    return home


class Server:
    def __init__(
        self, home: Path, batching: bool, workers: int, prefix: tuple[str, ...] = ()
    ) -> None:
        from serving.cli import serve_command

        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "JINGQING_HOME": str(home),
            "BENTOML_DO_NOT_TRACK": "true",
            "JINGQING_BATCHING": "on" if batching else "off",
            "JINGQING_WORKERS": str(workers),
        }
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        self.log = open(home / f"bench-serve-{self.port}.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [*prefix, *serve_command("127.0.0.1", self.port)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self.ready = self._wait_ready()
        except BaseException:  # not ready, exited, or interrupted: leave nothing running
            self.stop()
            raise

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _wait_ready(self, timeout: float = 180) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited; see {self.log.name}")
            try:
                with urllib.request.urlopen(f"{self.base}/readyz", timeout=2) as resp:
                    return json.loads(resp.read())
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"server not ready after {timeout} s; see {self.log.name}")

    def tree(self) -> list[Any]:
        """The server's processes: the CLI, ``bentoml serve`` and its workers (circus gives
        each worker a session of its own, so the process group alone misses them)."""
        import psutil

        try:
            leader = psutil.Process(self.proc.pid)
            return [leader, *leader.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def cpu_seconds(self) -> float:
        """CPU seconds (user + system) the server's live processes have used so far."""
        import psutil

        total = 0.0
        for proc in self.tree():
            try:
                times = proc.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
        return total

    def stop(self) -> None:
        """Stop the server and every process it started, on every exit path; safe twice."""
        import psutil

        tree = self.tree()
        if tree:
            with contextlib.suppress(psutil.NoSuchProcess):
                tree[0].send_signal(signal.SIGTERM)  # graceful: the arbiter stops its workers
            _, alive = psutil.wait_procs(tree, timeout=30)
            for proc in alive:  # whatever did not stop in time, workers included
                with contextlib.suppress(psutil.NoSuchProcess):
                    proc.kill()
            psutil.wait_procs(alive, timeout=10)
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.log.close()


async def _load(base: str, texts: list[str], clients: int, seconds: float) -> dict[str, Any]:
    import aiohttp

    latencies: list[float] = []
    errors: dict[str, int] = {}
    stop_at = time.perf_counter() + seconds
    headers = {"Content-Type": "application/json"}
    token = os.environ.get("JINGQING_API_TOKEN")
    if token:
        headers["Authorization"] = f"Bearer {token}"

    async def client(k: int, session: aiohttp.ClientSession) -> None:
        i = k
        while time.perf_counter() < stop_at:
            body = json.dumps({"texts": [texts[i % len(texts)]]}, ensure_ascii=False)
            i += clients
            t0 = time.perf_counter()
            try:
                async with session.post(f"{base}/classify", data=body, headers=headers) as r:
                    await r.read()
                    status = r.status
            except aiohttp.ClientError as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                continue
            if status == 200:
                latencies.append(time.perf_counter() - t0)
            else:
                errors[str(status)] = errors.get(str(status), 0) + 1

    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(*(client(k, session) for k in range(clients)))
        elapsed = time.perf_counter() - started
    ms = sorted(x * 1000 for x in latencies)
    return {
        "clients": clients,
        "seconds": round(elapsed, 2),
        "requests": len(ms),
        "rps": round(len(ms) / elapsed, 1),
        "p50_ms": round(statistics.median(ms), 2) if ms else None,
        "p99_ms": round(ms[min(len(ms) - 1, int(0.99 * len(ms)))], 2) if ms else None,
        "max_ms": round(ms[-1], 2) if ms else None,
        "errors": sum(errors.values()),
        "error_kinds": errors,
    }


def run(
    home: Path, clients: list[int], seconds: float, modes: list[bool], workers: int
) -> dict[str, Any]:
    texts = sample_texts(2000)
    runs = []
    model: dict[str, Any] = {}
    for batching in modes:
        server = Server(home, batching, workers)
        try:
            model = server.ready.get("models", {}).get("triage", {})
            asyncio.run(_load(server.base, texts, 8, 3.0))  # warm-up, not reported
            for n in clients:
                result = asyncio.run(_load(server.base, texts, n, seconds))
                result["batching"] = batching
                result["load_average_1min_after"] = round(os.getloadavg()[0], 2)
                runs.append(result)
                print(
                    f"  batching={'on ' if batching else 'off'} clients={n:>2}: "
                    f"{result['rps']:>7.1f} req/s  p50 {result['p50_ms']:>6} ms  "
                    f"p99 {result['p99_ms']:>6} ms  errors {result['errors']}",
                    flush=True,
                )
        finally:
            server.stop()
    return {"model": model, "runs": runs}


def in_process(home: Path, texts: list[str], clients: list[int], n: int) -> list[dict[str, Any]]:
    """The same load through ``Jingqing.to_asgi()`` with no sockets: the service's own cost.

    Separates what the service code and model take from HTTP parsing and from other
    processes competing for the CPU (which dominate on a busy 2-core machine).
    """
    import httpx

    os.environ["JINGQING_HOME"] = str(home)
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="jq-prom-"))
    from serving.service import Jingqing

    app = Jingqing.to_asgi()
    out: list[dict[str, Any]] = []

    async def drive() -> None:
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://service") as c,
        ):
            for i in range(200):
                await c.post("/classify", json={"texts": [texts[i % len(texts)]]})
            for k in clients:
                latencies: list[float] = []

                async def client(j: int, k: int = k, latencies: list = latencies) -> None:
                    for i in range(j, n, k):
                        t0 = time.perf_counter()
                        r = await c.post("/classify", json={"texts": [texts[i % len(texts)]]})
                        r.raise_for_status()
                        latencies.append(time.perf_counter() - t0)

                started = time.perf_counter()
                await asyncio.gather(*(client(j) for j in range(k)))
                elapsed = time.perf_counter() - started
                ms = sorted(x * 1000 for x in latencies)
                out.append(
                    {
                        "clients": k,
                        "requests": len(ms),
                        "rps": round(len(ms) / elapsed, 1),
                        "p50_ms": round(statistics.median(ms), 2),
                        "p99_ms": round(ms[int(0.99 * (len(ms) - 1))], 2),
                    }
                )
                print(
                    f"  in-process clients={k:>2}: {out[-1]['rps']:>7.1f} req/s  "
                    f"p50 {out[-1]['p50_ms']:>6} ms  p99 {out[-1]['p99_ms']:>6} ms",
                    flush=True,
                )

    asyncio.run(drive())
    return out


def verdict(runs: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for batching in (True, False):
        mine = {r["clients"]: r for r in runs if r["batching"] == batching}
        if 8 in mine and 32 in mine:
            out["batching_on" if batching else "batching_off"] = {
                "p99_ms_at_8_clients": mine[8]["p99_ms"],
                "rps_at_32_clients": mine[32]["rps"],
                "errors": sum(r["errors"] for r in mine.values()),
                "meets_targets": (
                    mine[8]["p99_ms"] is not None
                    and mine[8]["p99_ms"] <= TARGETS["p99_ms_at_8_clients"]
                    and mine[32]["rps"] >= TARGETS["rps_at_32_clients"]
                    and sum(r["errors"] for r in mine.values()) == 0
                ),
            }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="project home with champions (JINGQING_HOME)")
    parser.add_argument("--stand-in", action="store_true", help="use the tests' stand-in models")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--seconds", type=float, default=10.0, help="per scenario")
    parser.add_argument("--modes", choices=["on", "off"], nargs="+", default=["on", "off"])
    parser.add_argument("--workers", type=int, default=1, help="service worker processes")
    parser.add_argument(
        "--in-process", action="store_true", help="also drive the app in-process (no sockets)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    os.environ["BENTOML_DO_NOT_TRACK"] = "true"
    temp_home = None
    if args.stand_in:
        home = temp_home = stand_in_home()
    else:
        home = (args.home or Path(os.environ.get("JINGQING_HOME", "."))).resolve()
    print(f"serving benchmark: home {home}, {os.cpu_count()} CPUs, {args.seconds:.0f} s each")
    try:
        load_before = os.getloadavg()[0]
        measured = run(
            home, args.clients, args.seconds, [m == "on" for m in args.modes], args.workers
        )
        if args.in_process:
            measured["in_process"] = in_process(home, sample_texts(2000), args.clients, 2000)
    finally:
        if temp_home is not None:
            shutil.rmtree(temp_home, ignore_errors=True)
    report = {
        "benchmark": f"serving /classify, single-text requests, localhost, {args.workers} worker(s)",
        "command": "python benchmarks/serving/run.py " + " ".join(argv or sys.argv[1:]),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_1min_before": round(load_before, 2),
            "note": "shared machine: other jobs' load is recorded per run",
        },
        "model": {**measured["model"], "stand_in": bool(args.stand_in)},
        "targets": TARGETS,
        "runs": measured["runs"],
        "in_process_batching_on": measured.get("in_process"),
        "verdict": verdict(measured["runs"]),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"model: {report['model'].get('version')} ({'stand-in' if args.stand_in else 'real'})")
    for mode, v in report["verdict"].items():
        print(
            f"{mode}: p99 at 8 clients {v['p99_ms_at_8_clients']} ms (target <= 30), "
            f"{v['rps_at_32_clients']} req/s at 32 clients (target >= 300), "
            f"errors {v['errors']}: {'MEETS' if v['meets_targets'] else 'MISSES'} targets"
        )
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
