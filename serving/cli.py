"""``jingqing serve``: start the BentoML service and tell the user how to call it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any

from features.errors import UserError
from serving.auth import exposure_warning

if TYPE_CHECKING:
    from serving.settings import Settings

SERVICE = "serving.service:Jingqing"
READY_TIMEOUT_S = 180


def register(verbs: Any) -> None:
    p = verbs.top.add_parser(
        "serve",
        help="start the HTTP service with the champion models",
        description="Start the BentoML service with one city's champions: triage@champion "
        "and forecast@champion for the demo city, triage-CITY / forecast-CITY for --city CITY.",
    )
    p.add_argument("--port", type=int, default=3000, help="port to listen on (default 3000)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument(
        "--city",
        help="whose models to serve (default: JINGQING_CITY, else 'demo', the demo city); "
        "`jingqing serve --city houston` serves forecast-houston",
    )
    p.set_defaults(func=run_serve)


def serve_command(host: str, port: int) -> list[str]:
    """The ``bentoml serve`` command line this CLI runs."""
    return [
        sys.executable,
        "-m",
        "bentoml",
        "serve",
        SERVICE,
        "--host",
        host,
        "--port",
        str(port),
    ]


def serve_env(port: int = 3000, city: str | None = None) -> dict[str, str]:
    """Environment for the server: offline-safe (no usage tracking) whatever the caller set.

    BentoML keeps its Prometheus multi-process directory under ``BENTOML_HOME`` and wipes it
    when any service starts; a home of this service's own (per installation and port) keeps
    another BentoML service on the host from zeroing ``/metrics`` for good.
    """
    env = dict(os.environ)
    env["BENTOML_DO_NOT_TRACK"] = "true"
    if city is not None:
        env["JINGQING_CITY"] = city
    env.setdefault("JINGQING_HOME", os.path.abspath(os.environ.get("JINGQING_HOME", ".")))
    env["BENTOML_HOME"] = os.path.join(env["JINGQING_HOME"], "run", f"bentoml-{port}")
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # BentoML derives it from BENTOML_HOME
    return env


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _readiness(base: str) -> tuple[int, dict[str, Any]] | None:
    try:
        with urllib.request.urlopen(f"{base}/readyz", timeout=2) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read() or b"{}")
        except ValueError:
            return exc.code, {}
    except (OSError, ValueError):
        return None


def how_to_call(base: str, token: bool, ready: dict[str, Any] | None = None) -> str:
    """The banner printed once the service is ready: console, docs and curl examples."""
    auth = ' -H "Authorization: Bearer $JINGQING_API_TOKEN"' if token else ""
    forecast = ((ready or {}).get("models") or {}).get("forecast") or {}
    start = str(forecast.get("earliest_start") or "2026-01-01T00:00:00+08:00")
    return "\n".join(
        [
            f"jingqing service is ready on {base}",
            f"  console:  {base}/ui/",
            f"  API docs: {base}/  (OpenAPI: {base}/docs.json)",
            "  classify:",
            f"    curl -s {base}/classify -H 'Content-Type: application/json'{auth} \\",
            '      -d \'{"texts": ["XX路XX小区5号楼，与邻居因停车位发生口角。"]}\'',
            "  forecast:",
            f"    curl -s {base}/forecast -H 'Content-Type: application/json'{auth} \\",
            f'      -d \'{{"start": "{start}", "hours": 24}}\'',
            f"  health:   curl -s {base}/readyz ; metrics: curl -s {base}/metrics",
            "Press Ctrl+C to stop.",
        ]
    )


def run_serve(args: Any) -> int:
    host, port = args.host, int(args.port)
    from serving.settings import Settings

    env = dict(os.environ)
    if getattr(args, "city", None) is not None:
        env["JINGQING_CITY"] = args.city
    settings = Settings.from_env(env)  # a bad JINGQING_* value is one line, not a traceback
    check_city(settings)
    if not 0 < port < 65536:
        raise UserError(f"--port must be between 1 and 65535, got {port}")
    warning = exposure_warning(host, settings.api_token)
    if warning:
        print(warning, file=sys.stderr)
    if not _port_free(host, port):
        raise UserError(f"port {port} on {host} is already in use; choose another with --port")
    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}"
    from training.datasets import KINDS, model_name

    loading = ", ".join(f"{model_name(k, settings.city)}@champion" for k in KINDS)
    print(f"starting the jingqing service on {base} (city {settings.city}: loading {loading})")
    sys.stdout.flush()
    proc = subprocess.Popen(serve_command(host, port), env=serve_env(port, settings.city))
    signal.signal(signal.SIGTERM, lambda *_: proc.terminate())
    try:
        _announce(proc, base, settings)
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        print("service stopped")
        return 0


def check_city(settings: Settings) -> None:
    """A city other than the demo one must have registered models (or cached copies of
    them); otherwise one line listing the cities that do."""
    from serving.models import served_cities
    from training.datasets import DEMO_CITY

    if settings.city == DEMO_CITY or settings.model_source == "bento":
        return
    cities = served_cities()
    if cities is not None and settings.city not in cities:
        known = ", ".join(f"{c} ({'+'.join(k)})" for c, k in cities.items()) or "none yet"
        raise UserError(
            f"unknown city {settings.city!r}: no triage-{settings.city} or "
            f"forecast-{settings.city} in the registry; known cities: {known}"
        )


def _announce(proc: subprocess.Popen, base: str, settings: Settings) -> None:
    """Wait until the server answers ``/readyz``, then print how to call it."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    last_note = time.monotonic()
    while time.monotonic() < deadline and proc.poll() is None:
        state = _readiness(base)
        if state is not None:
            status, body = state
            if status == 200:
                versions = ", ".join(m["version"] for m in body.get("models", {}).values())
                print(f"models: {versions}")
                print(how_to_call(base, settings.api_token is not None, body))
            else:
                print(f"service is up but NOT READY: {body.get('error', body)}", file=sys.stderr)
                print(f"  it keeps running; check {base}/readyz", file=sys.stderr)
            sys.stdout.flush()
            return
        if time.monotonic() - last_note > 10:
            print("  still starting (loading models, warming up) ...")
            last_note = time.monotonic()
        time.sleep(0.5)
