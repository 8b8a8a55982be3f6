"""The console in a real headless Chromium against the real service with trained champions.

One small simulated city is trained once for the module (``jingqing simulate`` / ``train
triage`` / ``train forecast`` in a project home), the BentoML service runs as a ``jingqing serve``
subprocess with ``JINGQING_API_TOKEN`` set, and Debian's ``chromium`` + ``chromium-driver`` drive
the page. Screenshots go to ``test-artifacts/ui/``. Nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "ui"
CHROMIUM = os.environ.get("JINGQING_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("JINGQING_CHROMEDRIVER", "/usr/bin/chromedriver")
CHROME_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1400,1000",
    "--lang=zh-CN",
)
TOKEN = "console-test-token"
# A description with a live weapon, an injury and a phone number (which must be masked).
URGENT_TEXT = (
    "报警人称XX路XX小区门口有人持刀砍人，一名男子受伤流血，嫌疑人还在现场，电话13812345678"
)
CATEGORY_ZH = {
    "criminal": "刑事",
    "public_order": "治安",
    "dispute": "纠纷",
    "assistance": "求助",
    "non_police": "非警务",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
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


@pytest.fixture(scope="module")
def service_url(trained_home: Path) -> Iterator[str]:
    """The real service started the way users start it: ``jingqing serve`` in a subprocess.

    A subprocess (not an in-process ASGI app) keeps BentoML's process-global Prometheus
    registry apart from the other service tests in the same pytest session.
    """
    port = _free_port()
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


@pytest.fixture(scope="module")
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
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(autouse=True)
def no_script_errors(browser) -> Iterator[None]:
    """Every test also fails on an uncaught JavaScript error in the page."""
    browser.get_log("browser")  # drop what earlier tests left
    yield
    errors = [e["message"] for e in browser.get_log("browser") if e.get("source") == "javascript"]
    assert not errors, errors


def _wait(driver, condition, timeout: float = 30, message: str = ""):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(condition, message)


def _by_id(driver, element_id: str):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, element_id)


def _all(driver, css: str) -> list:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, css)


def _open_console(driver, url: str, *, token: str | None) -> None:
    """Load ``/ui`` in a clean tab state; with ``token`` it is already in sessionStorage."""
    driver.get(f"{url}/ui")
    driver.execute_script("sessionStorage.clear(); localStorage.clear();")
    if token is not None:
        driver.execute_script("sessionStorage.setItem('jingqing.apiToken', arguments[0]);", token)
    driver.refresh()
    _wait(driver, lambda d: _by_id(d, "call-text").is_displayed())


def _api(url: str, path: str, body: dict) -> object:
    answer = httpx.post(
        f"{url}{path}", json=body, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
    )
    answer.raise_for_status()
    return answer.json()


def _feedback_row(home: Path, row_id: int) -> dict:
    with sqlite3.connect(home / "feedback" / "feedback.db") as db:
        db.row_factory = sqlite3.Row
        row = db.execute("SELECT * FROM feedback WHERE id = ?", (row_id,)).fetchone()
    assert row is not None, f"feedback row {row_id} not in the database"
    return dict(row)


def test_token_is_asked_once_and_kept_for_the_session(browser, service_url: str) -> None:
    # Given a service that requires a token and a browser that has none
    _open_console(browser, service_url, token=None)
    dialog = _by_id(browser, "token-dialog")
    assert not dialog.is_displayed()

    # When the call taker classifies, the 401 opens the token form; a wrong token is refused
    _by_id(browser, "call-text").send_keys("XX路XX小区5号楼，与邻居因停车位发生口角。")
    _by_id(browser, "classify-btn").click()
    _wait(browser, lambda d: dialog.is_displayed(), message="token dialog did not open")
    _by_id(browser, "token-input").send_keys("wrong-token")
    _by_id(browser, "token-ok").click()
    _wait(browser, lambda d: "rejected" in _by_id(d, "token-reason").text)
    assert dialog.is_displayed()
    browser.save_screenshot(str(ARTIFACTS / "token-dialog.png"))

    # Then the right token gets the suggestion and is kept in sessionStorage
    _by_id(browser, "token-input").send_keys(TOKEN)
    _by_id(browser, "token-ok").click()
    _wait(browser, lambda d: _by_id(d, "suggestion").is_displayed(), message="no suggestion")
    assert not dialog.is_displayed()
    stored = browser.execute_script("return sessionStorage.getItem('jingqing.apiToken');")
    assert stored == TOKEN

    # And a reload in the same session does not ask again
    browser.refresh()
    _wait(browser, lambda d: _by_id(d, "call-text").is_displayed())
    _by_id(browser, "call-text").send_keys("我家水管爆了，小区停水了")
    _by_id(browser, "classify-btn").click()
    _wait(browser, lambda d: _by_id(d, "suggestion").is_displayed())
    assert not _by_id(browser, "token-dialog").is_displayed()


def test_call_taker_sees_the_suggestion_and_accepts_it(
    browser, service_url: str, trained_home: Path
) -> None:
    # Given what the service itself answers for an urgent description
    expected = _api(service_url, "/classify", {"texts": [URGENT_TEXT]})[0]
    _open_console(browser, service_url, token=TOKEN)

    # When the call taker types it and asks for a suggestion (Ctrl+Enter)
    from selenium.webdriver.common.keys import Keys

    box = _by_id(browser, "call-text")
    box.send_keys(URGENT_TEXT)
    box.send_keys(Keys.CONTROL, Keys.ENTER)
    _wait(browser, lambda d: _by_id(d, "suggestion").is_displayed(), message="no suggestion")

    # Then the page shows the service's category, a bar per label, routing and flags
    category = _by_id(browser, "category")
    assert category.get_attribute("data-category") == expected["category"]
    assert CATEGORY_ZH[expected["category"]] in category.text
    bars = _all(browser, "#prob-bars .bar")
    assert sorted(b.get_attribute("data-label") for b in bars) == sorted(expected["probabilities"])
    top = _all(browser, "#prob-bars .bar.top")
    assert [b.get_attribute("data-label") for b in top] == [expected["category"]]
    assert _by_id(browser, "urgent-flag").is_displayed() == expected["urgent"]
    assert _by_id(browser, "review-flag").is_displayed() == expected["review"]
    assert expected["model_version"] in _by_id(browser, "model-version").text
    routing = _by_id(browser, "routing").text
    assert routing  # the Chinese disposition name, plus the divert target when diverted
    # every highlighted span is (part of) a keyword the model gave, found in the text
    marks = [m.text for m in _all(browser, "#highlighted mark")]
    in_text = [k for k in expected["keywords"] if k and k.lower() in URGENT_TEXT.lower()]
    assert bool(marks) == bool(in_text)
    assert all(m in URGENT_TEXT and any(k.lower() in m.lower() for k in in_text) for m in marks)
    browser.save_screenshot(str(ARTIFACTS / "call-taker-suggestion.png"))

    # When they accept with one click
    _by_id(browser, "feedback-btn").click()
    status = _by_id(browser, "feedback-status")
    _wait(browser, lambda d: status.get_attribute("data-id"), message=status.text)
    row_id = int(status.get_attribute("data-id"))
    assert f"#{row_id}" in status.text

    # Then the decision is in the feedback database, with the phone number masked
    row = _feedback_row(trained_home, row_id)
    assert row["suggested_category"] == row["final_category"] == expected["category"]
    assert row["final_disposition"] == expected["disposition"]
    assert row["final_divert_to"] == (
        expected["divert_to"] if expected["disposition"] == "divert" else ""
    )
    assert bool(row["final_urgent"]) == expected["urgent"]
    assert row["model_version"] == expected["model_version"]
    assert "13812345678" not in row["text"] and "<MOBILE>" in row["text"]
    browser.save_screenshot(str(ARTIFACTS / "call-taker-accepted.png"))


def test_call_taker_sees_an_earlier_call_of_the_same_incident(browser, service_url: str) -> None:
    # Given a first caller, three minutes ago, reporting a fight in grid G-UI
    import datetime as dt

    earlier = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=3)
    first = {
        "call_id": "UI-FIRST",
        "text": "万达广场东门两伙人打起来了，有人拿酒瓶砸人",
        "received_at": earlier.isoformat(),
        "grid_id": "G-UI",
    }
    assert _api(service_url, "/classify", {"calls": [first]})[0]["same_incident"] == []
    _open_console(browser, service_url, token=TOKEN)
    # When the call taker types a second caller's words for the same grid
    _by_id(browser, "call-grid").send_keys("G-UI")
    _by_id(browser, "call-text").send_keys("万达广场东门有一群人在打架，还有人拿瓶子砸")
    _by_id(browser, "classify-btn").click()
    _wait(browser, lambda d: _by_id(d, "same-incident").is_displayed(), message="no link shown")
    # Then the suggestion says which call it probably repeats, how long ago and where
    text = _by_id(browser, "same-incident").text
    assert "UI-FIRST" in text and "same grid" in text and "3 min ago" in text
    assert "可能与警情 UI-FIRST 为同一事件" in text
    browser.save_screenshot(str(ARTIFACTS / "call-taker-same-incident.png"))


def test_call_taker_corrects_the_category(browser, service_url: str, trained_home: Path) -> None:
    # Given a suggestion on screen
    _open_console(browser, service_url, token=TOKEN)
    _by_id(browser, "call-text").send_keys("报警人称在商场丢失钱包，里面有身份证")
    _by_id(browser, "classify-btn").click()
    _wait(browser, lambda d: _by_id(d, "suggestion").is_displayed())
    suggested = _by_id(browser, "category").get_attribute("data-category")

    # When the call taker picks another category and a diversion, then submits
    other = next(
        c
        for c in _all(browser, "#final-category .chip")
        if c.get_attribute("data-value") != suggested
    )
    chosen = other.get_attribute("data-value")
    other.click()
    _all(browser, "#final-disposition .chip[data-value='divert']")[0].click()
    from selenium.webdriver.support.ui import Select

    Select(_by_id(browser, "final-divert")).select_by_value("12345")
    button = _by_id(browser, "feedback-btn")
    assert "提交更正" in button.text  # the button now says it submits a correction
    button.click()
    status = _by_id(browser, "feedback-status")
    _wait(browser, lambda d: status.get_attribute("data-id"), message=status.text)

    # Then the stored row keeps the suggestion and the correction apart
    row = _feedback_row(trained_home, int(status.get_attribute("data-id")))
    assert (row["suggested_category"], row["final_category"]) == (suggested, chosen)
    assert (row["final_disposition"], row["final_divert_to"]) == ("divert", "12345")


def test_a_suggestion_without_routing_preselects_no_disposition(
    browser, service_url: str, trained_home: Path
) -> None:
    # Given the answer of a model trained without routing columns (null routing)
    text = "小区门口两个人在吵架"
    answer = {**_api(service_url, "/classify", {"texts": [text]})[0]}
    answer.update(disposition=None, divert_to=None)
    _open_console(browser, service_url, token=TOKEN)
    _by_id(browser, "call-text").send_keys(text)
    browser.execute_script(
        "state.suggestion = arguments[0]; state.text = arguments[1];"
        "renderSuggestion(arguments[0], arguments[1]);",
        answer,
        text,
    )
    # Then no disposition chip is preselected or made up, and nothing can be sent yet
    chips = _all(browser, "#final-disposition .chip")
    assert sorted(c.get_attribute("data-value") for c in chips) == [
        "divert",
        "on_scene",
        "transfer",
    ]
    assert not _all(browser, "#final-disposition .chip.selected, #final-disposition .suggested")
    assert "无分流建议" in _by_id(browser, "routing").text
    button = _by_id(browser, "feedback-btn")
    assert not button.is_enabled()
    # When the call taker picks a disposition, the decision is accepted and stored
    _all(browser, "#final-disposition .chip[data-value='on_scene']")[0].click()
    assert button.is_enabled()
    button.click()
    status = _by_id(browser, "feedback-status")
    _wait(browser, lambda d: status.get_attribute("data-id"), message=status.text)
    row = _feedback_row(trained_home, int(status.get_attribute("data-id")))
    assert (row["final_disposition"], row["final_divert_to"]) == ("on_scene", "")


def test_planner_sees_heat_map_map_and_top_grids(browser, service_url: str) -> None:
    # Given the grids the service knows
    grids = httpx.get(f"{service_url}/grids", timeout=10).json()["features"]
    polygons = [f for f in grids if f["geometry"] and "Polygon" in f["geometry"]["type"]]
    _open_console(browser, service_url, token=TOKEN)

    # When the planner opens the planner panel (it loads the next 24 h)
    _by_id(browser, "tab-planner").click()
    status = _by_id(browser, "forecast-status")
    _wait(browser, lambda d: "× 24" in status.text, message=status.text)

    # Then the heat map is drawn: many distinct colours on the canvas
    canvas = _by_id(browser, "heatmap")
    assert canvas.size["width"] > 300 and canvas.size["height"] > 50
    colours = browser.execute_script(
        """const c = arguments[0]; const d = c.getContext('2d')
             .getImageData(0, 0, c.width, c.height).data; const seen = new Set();
           for (let i = 0; i < d.length; i += 16) seen.add(d[i] * 65536 + d[i+1] * 256 + d[i+2]);
           return seen.size;""",
        canvas,
    )
    assert colours > 10
    # and the map has one shape per grid (polygons when the model has them)
    shapes = _all(browser, "#map [data-grid]")
    assert len(shapes) == len(grids)
    if polygons:
        assert len(_all(browser, "#map path[data-grid]")) == len(polygons)
    rows = _all(browser, "#top-grids tbody tr")
    assert len(rows) == min(10, len(grids))
    assert all("–" in r.find_elements("css selector", "td")[2].text for r in rows)
    browser.save_screenshot(str(ARTIFACTS / "planner-24h.png"))

    # When the planner hovers over the heat map, the value and its interval show
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser).move_to_element_with_offset(canvas, 40, 10).perform()
    tooltip = _by_id(browser, "tooltip")
    _wait(browser, lambda d: tooltip.is_displayed(), message="no tooltip on hover")
    assert "p10–p90" in tooltip.text

    # And moving the hour slider recolours the map for that hour
    label_before = _by_id(browser, "hour-label").text
    browser.execute_script(
        "const s = arguments[0]; s.value = 12; s.dispatchEvent(new Event('input'));",
        _by_id(browser, "hour-slider"),
    )
    assert _by_id(browser, "hour-label").text != label_before
    browser.execute_script("arguments[0].scrollIntoView();", _by_id(browser, "map"))
    browser.save_screenshot(str(ARTIFACTS / "planner-map.png"))

    # When they ask for the next 7 days, the heat map covers 168 hours
    browser.execute_script("window.scrollTo(0, 0);")
    _by_id(browser, "fc-168").click()
    _wait(browser, lambda d: "× 168" in status.text, message=status.text)
    browser.save_screenshot(str(ARTIFACTS / "planner-7d.png"))


def test_planner_shows_the_services_reason_for_a_bad_start(browser, service_url: str) -> None:
    # Given the planner panel with a forecast on screen
    _open_console(browser, service_url, token=TOKEN)
    _by_id(browser, "tab-planner").click()
    status = _by_id(browser, "forecast-status")
    _wait(browser, lambda d: "× 24" in status.text, message=status.text)

    # When the planner asks for a start long before the model's history ends
    browser.execute_script("arguments[0].value = '2020-01-01T00:00';", _by_id(browser, "fc-start"))
    _by_id(browser, "fc-24").click()

    # Then the service's 422 message is shown, naming the field, and the page keeps working
    _wait(browser, lambda d: "422" in status.text, message=status.text)
    assert "start" in status.text and "error" in status.get_attribute("class")
    assert _by_id(browser, "planner-body").is_displayed()


def test_planner_plans_patrols_and_sees_the_share_map(browser, service_url: str) -> None:
    # Given the planner panel with a forecast on screen
    grids = httpx.get(f"{service_url}/grids", timeout=10).json()["features"]
    _open_console(browser, service_url, token=TOKEN)
    _by_id(browser, "tab-planner").click()
    status = _by_id(browser, "forecast-status")
    _wait(browser, lambda d: "× 24" in status.text, message=status.text)

    # When they ask for a plan with 12 units per shift
    plan_status = _by_id(browser, "dp-status")
    browser.execute_script("arguments[0].value = '12';", _by_id(browser, "dp-units"))
    browser.execute_script("arguments[0].scrollIntoView();", _by_id(browser, "dp-run"))
    _by_id(browser, "dp-run").click()
    _wait(browser, lambda d: "rows" in plan_status.text, message=plan_status.text)

    # Then every grid is drawn, coloured by its share within the target, with its units
    shapes = _all(browser, "#dp-map polygon[data-grid]")
    assert len({s.get_attribute("data-grid") for s in shapes}) == len(grids)
    assert "within 5 min" in _by_id(browser, "dp-summary").text
    assert len(_all(browser, "#dp-shifts-bar button")) == 3
    browser.save_screenshot(str(ARTIFACTS / "planner-plan.png"))

    # When too few units are asked for, the service's 422 names the field
    browser.execute_script("arguments[0].value = '3';", _by_id(browser, "dp-units"))
    _by_id(browser, "dp-run").click()
    _wait(browser, lambda d: "422" in plan_status.text, message=plan_status.text)
    assert "units" in plan_status.text and "minimum" in plan_status.text


def test_model_health_panel_shows_the_monitor(browser, service_url: str) -> None:
    # Given a champion trained with its monitor reference and a few suggestions served
    _api(service_url, "/classify", {"texts": ["我家水管爆了，小区停水了"] * 3})
    # When the console opens
    _open_console(browser, service_url, token=TOKEN)
    # Then the health panel shows the monitor's verdict and what it is based on
    _wait(browser, lambda d: "…" not in _by_id(d, "health-status").text, message="no health")
    status = _by_id(browser, "health-status").text
    assert "No alert" in status or "alerts" in status, status
    assert "suggestions" in _by_id(browser, "health-figures").text
    browser.save_screenshot(str(ARTIFACTS / "model-health.png"))
