"""Helpers of the console's browser tests: waiting, finding, opening the console, the API."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import httpx

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


def set_viewport(driver, width: int, height: int) -> None:
    """Make the page exactly ``width`` × ``height`` CSS pixels, whatever the window is."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


def clear_viewport(driver) -> None:
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def wait(driver, condition, timeout: float = 30, message: str = ""):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(condition, message)


def by_id(driver, element_id: str):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, element_id)


def find_all(driver, css: str) -> list:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, css)


def open_console(driver, url: str, *, token: str | None) -> None:
    """Load ``/ui`` in a clean tab state; with ``token`` it is already in sessionStorage."""
    driver.get(f"{url}/ui")
    driver.execute_script("sessionStorage.clear(); localStorage.clear();")
    if token is not None:
        driver.execute_script("sessionStorage.setItem('jingqing.apiToken', arguments[0]);", token)
    driver.refresh()
    wait(driver, lambda d: by_id(d, "call-text").is_displayed())


def open_planner(driver, url: str) -> None:
    """The console's planner tab with the next 24 hours' forecast on screen."""
    open_console(driver, url, token=TOKEN)
    by_id(driver, "tab-planner").click()
    status = by_id(driver, "forecast-status")
    wait(driver, lambda d: "× 24" in status.text, message=status.text)


def call_api(url: str, path: str, body: dict) -> object:
    answer = httpx.post(
        f"{url}{path}", json=body, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
    )
    answer.raise_for_status()
    return answer.json()


def feedback_row(home: Path, row_id: int) -> dict:
    with sqlite3.connect(home / "feedback" / "feedback.db") as db:
        db.row_factory = sqlite3.Row
        row = db.execute("SELECT * FROM feedback WHERE id = ?", (row_id,)).fetchone()
    assert row is not None, f"feedback row {row_id} not in the database"
    return dict(row)


def classify_by_keys(driver, text: str) -> None:
    """Type ``text`` into the description and classify it with Ctrl+Enter."""
    from selenium.webdriver.common.keys import Keys

    box = by_id(driver, "call-text")
    box.send_keys(text)
    box.send_keys(Keys.CONTROL, Keys.ENTER)
    wait(driver, lambda d: by_id(d, "suggestion").is_displayed(), message="no suggestion")


def show_answer(driver, url: str, text: str, answer: dict) -> None:
    """Open the console and render ``answer`` as the suggestion for ``text`` (as classify does)."""
    open_console(driver, url, token=TOKEN)
    by_id(driver, "call-text").send_keys(text)
    driver.execute_script(
        "state.suggestion = arguments[0]; state.text = arguments[1]; resetDecision(arguments[0]);"
        "renderSuggestion(arguments[0], arguments[1]); renderDecision(arguments[0]);",
        answer,
        text,
    )
