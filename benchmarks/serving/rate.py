"""Benchmark: one service worker under a fixed offered rate of single-text ``/classify``.

Open loop, as callers behave: request ``i`` is sent at ``start + i / rate`` whether or not
earlier ones were answered, and its latency counts from that moment (a slow answer cannot
hide the queue behind it). The server (``bentoml serve``, one worker) is pinned to one core
with ``taskset`` and this load generator to the other, so the two do not share a core. The
worker's CPU time per request is read from the server's process tree (its workers too), the
figure that stays meaningful when other jobs load the machine. A second phase offers twice
the rate for a few seconds: load shedding must answer the excess with 503 + ``Retry-After``
at once, and the admitted requests' p99 must stay bounded (the queue cannot grow without
bound). Writes ``benchmarks/results/serving_rate.json``.

Run: ``.venv/bin/python benchmarks/serving/rate.py --demo DIR [--rate 300] [--seconds 60]``
(one command on a fresh machine: ``DIR`` is made by ``benchmarks/demo/run.py --keep DIR``
when it does not exist, then its champions are served), ``--home HOME`` for a project
home that has champions, or ``--stand-in`` for the test suite's stand-in models.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, Server, sample_texts, stand_in_home  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "serving_rate.json"
TARGETS = {"rps": 300.0, "p99_ms": 50.0, "seconds": 60.0}


async def offer(base: str, texts: list[str], rate: float, seconds: float) -> dict[str, Any]:
    import aiohttp

    headers = {"Content-Type": "application/json"}
    token = os.environ.get("JINGQING_API_TOKEN")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    bodies = [json.dumps({"texts": [t]}, ensure_ascii=False).encode() for t in texts]
    latencies: list[float] = []
    shed_latencies: list[float] = []
    statuses: dict[str, int] = {}
    retry_after = 0

    async def one(i: int, due: float, session: aiohttp.ClientSession) -> None:
        nonlocal retry_after
        try:
            async with session.post(
                f"{base}/classify", data=bodies[i % len(bodies)], headers=headers
            ) as r:
                await r.read()
                key = str(r.status)
                retry_after += r.status == 503 and "Retry-After" in r.headers
        except (TimeoutError, aiohttp.ClientError) as exc:
            key = type(exc).__name__
        statuses[key] = statuses.get(key, 0) + 1
        if key == "200":
            latencies.append(time.perf_counter() - due)
        elif key == "503":
            shed_latencies.append(time.perf_counter() - due)

    n = int(rate * seconds)
    connector = aiohttp.TCPConnector(limit=1024)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=30)
    ) as session:
        start = time.perf_counter()
        tasks = []
        for i in range(n):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i, due, session)))
        sent = time.perf_counter() - start
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    ms = sorted(x * 1000 for x in latencies)
    shed_ms = sorted(x * 1000 for x in shed_latencies)

    def pct(q: float, ms: list[float] = ms) -> float | None:
        return round(ms[min(len(ms) - 1, int(q * len(ms)))], 2) if ms else None

    return {
        "offered_rps": rate,
        "seconds": seconds,
        "sent_rps": round(n / sent, 1),
        "answered_ok": len(ms),
        "ok_rps": round(len(ms) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "max_ms": round(ms[-1], 2) if ms else None,
        "statuses": statuses,
        "answered": sum(n for k, n in statuses.items() if k.isdigit()),
        "shed_with_retry_after": retry_after,
        "shed_p99_ms": pct(0.99, shed_ms),
    }


def idle_cpu(server: Server, seconds: float) -> float:
    """CPU seconds per second the server spends with no request (its event loops, the
    batching dispatcher's timer): subtracted from each phase to leave the requests' own."""
    cpu, wall = server.cpu_seconds(), time.perf_counter()
    time.sleep(seconds)
    return (server.cpu_seconds() - cpu) / (time.perf_counter() - wall)


def model_calls(server: Server) -> tuple[float, float]:
    """(texts, model calls) of ``/classify`` so far, from BentoML's adaptive batch-size
    histogram on ``/metrics`` (summed over workers). Read outside the CPU window: a scrape
    may refresh the monitor gauges from the audit log (at most once a minute)."""
    import urllib.request

    with urllib.request.urlopen(f"{server.base}/metrics", timeout=300) as resp:
        text = resp.read().decode()
    sums = {"_sum": 0.0, "_count": 0.0}
    for line in text.splitlines():
        name, _, value = line.rpartition(" ")
        for suffix in sums:
            if name.startswith(f"bentoml_service_adaptive_batch_size{suffix}{{"):
                sums[suffix] += float(value) if 'method_name="classify"' in name else 0.0
    return sums["_sum"], sums["_count"]


def measured(server: Server, load: Any, idle: float) -> dict[str, Any]:
    """Run ``load`` (an ``offer`` coroutine); its figures plus the server's CPU time: per
    answer of any status and per 200 (a refusal costs far less than an answer), with the
    idle CPU of the phase's duration taken out, and the mean texts per model call."""
    texts, calls = model_calls(server)
    cpu, wall = server.cpu_seconds(), time.perf_counter()
    result = asyncio.run(load)
    cpu, wall = server.cpu_seconds() - cpu, time.perf_counter() - wall
    texts_after, calls_after = model_calls(server)
    texts, calls = texts_after - texts, calls_after - calls
    result["model_calls"] = int(calls)
    result["texts_per_model_call"] = round(texts / calls, 2) if calls else None
    net = max(0.0, cpu - idle * wall)
    result["server_cpu_seconds"] = round(cpu, 2)
    # Below ~0.9 with requests shed, the worker was starved of its core by other jobs and
    # the latencies are a queue's, not the service's.
    result["server_core_share"] = round(cpu / wall, 3)
    result["server_idle_cpu_seconds"] = round(idle * wall, 2)
    result["server_cpu_ms_per_request"] = round(1000 * net / max(result["answered"], 1), 3)
    result["server_cpu_ms_per_ok"] = round(1000 * net / max(result["answered_ok"], 1), 3)
    result["load_average_after"] = os.getloadavg()
    return result


def demo_home(directory: Path) -> Path:
    """The project home of the make-demo clone in ``directory``, made first if missing."""
    home = directory / "jingqing"
    if not (home / "mlruns" / "mlflow.db").exists():
        print(f"no demo in {directory}: running make demo's steps there first", flush=True)
        demo = [sys.executable, str(ROOT / "benchmarks" / "demo" / "run.py"), "--keep"]
        out = directory.parent / f"{directory.name}-demo.json"
        subprocess.run([*demo, str(directory), "--output", str(out)], check=True)
    return home


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="project home with champions")
    parser.add_argument(
        "--demo",
        type=Path,
        metavar="DIR",
        help="serve the champions of a make-demo clone in DIR (made first, with "
        "benchmarks/demo/run.py --keep DIR, when DIR does not exist yet)",
    )
    parser.add_argument("--stand-in", action="store_true", help="the tests' stand-in models")
    parser.add_argument("--rate", type=float, default=TARGETS["rps"])
    parser.add_argument("--seconds", type=float, default=TARGETS["seconds"])
    parser.add_argument("--overload-seconds", type=float, default=5.0)
    parser.add_argument("--idle-seconds", type=float, default=10.0, help="idle CPU probe")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="service workers (more than 1: nothing is pinned, the load generator shares "
        "the cores)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    os.environ["BENTOML_DO_NOT_TRACK"] = "true"
    if args.demo is not None:
        home = demo_home(args.demo.resolve())
    else:
        home = stand_in_home() if args.stand_in else (args.home or Path(".")).resolve()
    cpus = sorted(os.sched_getaffinity(0))
    pinned = len(cpus) >= 2 and args.workers == 1
    prefix = ("taskset", "-c", str(cpus[0])) if pinned and shutil.which("taskset") else ()
    if prefix:
        os.sched_setaffinity(0, {cpus[1]})  # the load generator on the other core
    texts = sample_texts(2000)
    load_before = os.getloadavg()
    server = Server(home, batching=True, workers=args.workers, prefix=prefix)
    try:
        model = server.ready.get("models", {}).get("triage", {})
        asyncio.run(offer(server.base, texts, 100, 3))  # warm-up, not reported
        idle = idle_cpu(server, args.idle_seconds)
        print(f"idle server: {1000 * idle:.1f} ms CPU per second", flush=True)
        steady = measured(server, offer(server.base, texts, args.rate, args.seconds), idle)
        print(
            f"steady {args.rate:.0f} req/s offered for {args.seconds:.0f} s: "
            f"{steady['ok_rps']} ok/s, p50 {steady['p50_ms']} ms, p99 {steady['p99_ms']} ms, "
            f"statuses {steady['statuses']}, server CPU {steady['server_cpu_ms_per_request']} "
            f"ms/request, {steady['texts_per_model_call']} texts per model call, the server "
            f"used {steady['server_core_share']} of a core (load "
            f"{steady['load_average_after'][0]:.1f})",
            flush=True,
        )
        overload = measured(
            server, offer(server.base, texts, 2 * args.rate, args.overload_seconds), idle
        )
        print(
            f"overload {2 * args.rate:.0f} req/s for {args.overload_seconds:.0f} s: "
            f"{overload['ok_rps']} ok/s, p99 {overload['p99_ms']} ms, statuses "
            f"{overload['statuses']}, {overload['shed_with_retry_after']} shed with "
            f"Retry-After (p99 of a refusal {overload['shed_p99_ms']} ms), server CPU "
            f"{overload['server_cpu_ms_per_request']} ms/request",
            flush=True,
        )
    finally:
        server.stop()
        if args.stand_in:
            shutil.rmtree(home, ignore_errors=True)
    meets = (  # only a run at the target's rate and length can meet it
        args.rate >= TARGETS["rps"]
        and args.seconds >= TARGETS["seconds"]
        and steady["ok_rps"] >= 0.99 * args.rate
        and steady["p99_ms"] is not None
        and steady["p99_ms"] <= TARGETS["p99_ms"]
        and set(steady["statuses"]) == {"200"}
    )
    report = {
        "benchmark": "serving_rate: open-loop single-text /classify",
        "workers": args.workers,
        "command": "python benchmarks/serving/rate.py " + " ".join(argv or sys.argv[1:]),
        "server_pinned": " ".join(prefix) or "no (several workers, or fewer than 2 cores)",
        "max_inflight": os.environ.get("JINGQING_MAX_INFLIGHT", "64 (default)"),
        "access_log": os.environ.get("JINGQING_ACCESS_LOG", "off (default)"),
        "load_generator_cpu": cpus[1] if prefix else None,
        "model": {**model, "stand_in": bool(args.stand_in)},
        "targets": TARGETS,
        "idle_server_cpu_ms_per_second": round(1000 * idle, 2),
        "steady": steady,
        "overload": overload,
        "meets_targets": meets,
        "load_average_before": load_before,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"{'MEETS' if meets else 'MISSES'} targets; wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
