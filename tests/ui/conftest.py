"""Shared by the console's browser tests: one trained city, one served instance, one browser.

One small simulated city is trained once for the package (``jingqing simulate`` / ``train
triage`` / ``train forecast`` in a project home), the BentoML service runs as a ``jingqing serve``
subprocess with ``JINGQING_API_TOKEN`` set, and Debian's ``chromium`` + ``chromium-driver`` drive
the page. Package scope: every browser test module shares them, so the city is trained and the
service started once. Screenshots go to ``test-artifacts/ui/``. Nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from ui_browser import ARTIFACTS, CHROME_FLAGS, CHROMEDRIVER, CHROMIUM, TOKEN


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="package")
def trained_home(tmp_path_factory: pytest.TempPathFactory, mlflow_template: Path) -> Iterator:
    """A project home with a 6-grid, 60-day city and both champions trained from it."""
    from training.cli import main

    home = tmp_path_factory.mktemp("console-home")
    (home / "mlruns").mkdir()
    shutil.copy(mlflow_template, home / "mlruns" / "mlflow.db")
    city = home / "city"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JINGQING_HOME", str(home))
        mp.setenv("BENTOML_HOME", str(home / "bentoml"))
        mp.delenv("MLFLOW_TRACKING_URI", raising=False)
        mp.setenv("PROMETHEUS_MULTIPROC_DIR", str(home / "prometheus"))
        (home / "prometheus").mkdir()
        calls = str(city / "calls.csv")
        assert main(["simulate", "--out", str(city), "--grids", "6", "--days", "60"]) == 0
        # one candidate (logistic regression) instead of three halves the training time
        fast = home / "triage-fast.yaml"
        fast.write_text("candidates: [logreg]\n", encoding="utf-8")
        assert main(["train", "triage", "--calls", calls, "--config", str(fast)]) == 0
        # hour-of-week means: a real registered model that trains in a second or two
        geo = str(city / "grids.geojson")
        forecast = ["--grids-geojson", geo, "--model", "how-mean", "--folds", "1"]
        assert main(["train", "forecast", "--calls", calls, *forecast]) == 0
        yield home


@pytest.fixture(scope="package")
def service_url(trained_home: Path) -> Iterator[str]:
    """The real service started the way users start it: ``jingqing serve`` in a subprocess.

    A subprocess (not an in-process ASGI app) keeps BentoML's process-global Prometheus
    registry apart from the other service tests in the same pytest session.
    """
    port = free_port()
    env = dict(os.environ)
    env.update(
        JINGQING_HOME=str(trained_home),
        BENTOML_HOME=str(trained_home / "bentoml"),
        BENTOML_DO_NOT_TRACK="true",
        JINGQING_API_TOKEN=TOKEN,
    )
    env.pop("MLFLOW_TRACKING_URI", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = (trained_home / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "training.cli", "serve", "--port", str(port)],
        cwd=trained_home,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                pytest.fail(f"jingqing serve exited with {proc.returncode}: see {log.name}")
            if time.monotonic() > deadline:
                pytest.fail(f"service not ready within 120 s: see {log.name}")
            time.sleep(0.3)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="package")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Headless Chromium through chromedriver, with its own profile directory."""
    if os.environ.get("JINGQING_SKIP_BROWSER") == "1":
        pytest.skip("JINGQING_SKIP_BROWSER=1")
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not found: install Debian's browser for the console tests "
            "with `apt-get install -y chromium chromium-driver fonts-wqy-zenhei`"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # Exports (CSV, PNG) land here instead of asking where to save.
    driver.download_dir = tmp_path_factory.mktemp("downloads")
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior",
        {"behavior": "allow", "downloadPath": str(driver.download_dir)},
    )
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def no_script_errors(browser) -> Iterator[None]:
    """The test also fails on an uncaught JavaScript error in the page (``usefixtures``)."""
    browser.get_log("browser")  # drop what earlier tests left
    yield
    errors = [e["message"] for e in browser.get_log("browser") if e.get("source") == "javascript"]
    assert not errors, errors
