"""The planner's view in headless Chromium: weekdays, shift totals, labelled map, exports."""

from __future__ import annotations

import csv
import io
import re
import time
from pathlib import Path

import httpx
import pytest
from ui_browser import (
    ARTIFACTS,
    TOKEN,
    by_id,
    call_api,
    clear_viewport,
    find_all,
    open_console,
    set_viewport,
    wait,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.usefixtures("no_script_errors")]

WEEKDAY = re.compile(r"\d{2}-\d{2} 周[日一二三四五六]")


def _planner(driver, url: str) -> None:
    open_console(driver, url, token=TOKEN)
    by_id(driver, "tab-planner").click()
    status = by_id(driver, "forecast-status")
    wait(driver, lambda d: "× 24" in status.text, message=status.text)


def _downloaded(folder: Path, suffix: str, timeout: float = 20) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.glob(f"*{suffix}") if p.stat().st_size > 0]
        if done:
            return max(done, key=lambda p: p.stat().st_mtime)
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} downloaded to {folder}: {list(folder.iterdir())}")


def test_shift_totals_come_from_the_services_shift_forecast(browser, service_url: str) -> None:
    # Given the planner with the next 24 hours on screen, on a 1920×1080 screen
    set_viewport(browser, 1920, 950)
    try:
        _shift_totals(browser, service_url)
    finally:
        clear_viewport(browser)


def _shift_totals(browser, service_url: str) -> None:
    _planner(browser, service_url)
    start = by_id(browser, "fc-start").get_attribute("value") + ":00"
    expected = call_api(service_url, "/forecast", {"start": start, "hours": 24, "by": "shift"})
    # Then times carry their weekday, and the map names its grids
    assert WEEKDAY.search(by_id(browser, "hour-label").text)
    grids = httpx.get(f"{service_url}/grids", timeout=10).json()["features"]
    named = {f["properties"]["name"] for f in grids if f["properties"].get("name")}
    labels = {t.text for t in find_all(browser, "#map text.grid-name")}
    assert named and labels == named

    # When the planner switches to shift totals
    by_id(browser, "mode-shift").click()
    status = by_id(browser, "forecast-status")
    shifts = sorted({r["shift_start"] for r in expected})
    wait(browser, lambda d: f"× {len(shifts)} 个班次" in status.text, message=status.text)
    # Then the slider walks the shifts, and the table holds the service's shift intervals
    label = by_id(browser, "hour-label").text
    assert WEEKDAY.search(label) and "–" in label
    first = {r["grid_id"]: r for r in expected if r["shift_start"] == shifts[0]}
    for row in find_all(browser, "#top-grids tbody tr"):
        r = first[row.get_attribute("data-grid")]
        cells = [c.text for c in row.find_elements("css selector", "td")]
        assert cells[1] == f"{r['mean']:.1f}"
        assert cells[2] == f"{r['p10']:.0f} – {r['p90']:.0f}"
    assert "班次合计" in by_id(browser, "heat-title").text
    browser.save_screenshot(str(ARTIFACTS / "planner-1920.png"))
    browser.execute_script(
        "const s = arguments[0]; s.value = 1; s.dispatchEvent(new Event('input'));",
        by_id(browser, "hour-slider"),
    )
    assert by_id(browser, "hour-label").text != label
    browser.save_screenshot(str(ARTIFACTS / "planner-shifts.png"))


def test_planner_exports_csv_and_png(browser, service_url: str) -> None:
    # Given the planner with the next 24 hours per hour on screen
    folder = browser.download_dir
    for old in folder.iterdir():
        old.unlink()
    _planner(browser, service_url)
    grids = httpx.get(f"{service_url}/grids", timeout=10).json()["features"]

    # When the planner exports the table
    by_id(browser, "export-csv").click()
    raw = _downloaded(folder, "-table.csv").read_bytes()
    # Then it is a CSV Excel reads (UTF-8 with BOM): every grid × hour, with names and weekday
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 24 * len(grids)
    assert list(rows[0]) == [
        *("grid_id", "grid_name", "hour", "local_time", "weekday"),
        *("mean", "p10", "p50", "p90"),
    ]
    names = {f["properties"]["grid_id"]: f["properties"].get("name", "") for f in grids}
    assert all(r["grid_name"] == names[r["grid_id"]] for r in rows)
    assert all(r["weekday"].startswith("周") and r["local_time"][:10] in r["hour"] for r in rows)
    start = by_id(browser, "fc-start").get_attribute("value") + ":00"
    served = call_api(service_url, "/forecast", {"start": start, "hours": 24})
    by_key = {(r["grid_id"], r["hour"]): r for r in served}
    assert all(
        abs(float(r["mean"]) - by_key[(r["grid_id"], r["hour"])]["mean"]) < 1e-3 for r in rows
    )

    # When they export the heat map and the map as pictures, both are PNGs
    by_id(browser, "export-heat").click()
    by_id(browser, "export-map").click()
    for suffix in ("-heat-map.png", "-grid-map.png"):
        png = _downloaded(folder, suffix).read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
