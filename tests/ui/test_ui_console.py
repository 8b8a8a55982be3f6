"""The console in a real headless Chromium: token, suggestion, feedback, planner, health.

Fixtures and helpers (trained city, served instance, browser) are in ``conftest.py``.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from ui_browser import (
    ARTIFACTS,
    CATEGORY_ZH,
    TOKEN,
    URGENT_TEXT,
    by_id,
    call_api,
    classify_by_keys,
    feedback_row,
    find_all,
    open_console,
    show_answer,
    wait,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.usefixtures("no_script_errors")]


def test_token_is_asked_once_and_kept_for_the_session(browser, service_url: str) -> None:
    # Given a service that requires a token and a browser that has none
    open_console(browser, service_url, token=None)
    dialog = by_id(browser, "token-dialog")
    assert not dialog.is_displayed()

    # When the call taker classifies, the 401 opens the token form; a wrong token is refused
    by_id(browser, "call-text").send_keys("XX路XX小区5号楼，与邻居因停车位发生口角。")
    by_id(browser, "classify-btn").click()
    wait(browser, lambda d: dialog.is_displayed(), message="token dialog did not open")
    by_id(browser, "token-input").send_keys("wrong-token")
    by_id(browser, "token-ok").click()
    wait(browser, lambda d: "被拒绝" in by_id(d, "token-reason").text)
    assert dialog.is_displayed()
    browser.save_screenshot(str(ARTIFACTS / "token-dialog.png"))

    # Then the right token gets the suggestion and is kept in sessionStorage
    by_id(browser, "token-input").send_keys(TOKEN)
    by_id(browser, "token-ok").click()
    wait(browser, lambda d: by_id(d, "suggestion").is_displayed(), message="no suggestion")
    assert not dialog.is_displayed()
    stored = browser.execute_script("return sessionStorage.getItem('jingqing.apiToken');")
    assert stored == TOKEN

    # And a reload in the same session does not ask again
    browser.refresh()
    wait(browser, lambda d: by_id(d, "call-text").is_displayed())
    by_id(browser, "call-text").send_keys("我家水管爆了，小区停水了")
    by_id(browser, "classify-btn").click()
    wait(browser, lambda d: by_id(d, "suggestion").is_displayed())
    assert not by_id(browser, "token-dialog").is_displayed()


def test_call_taker_sees_the_suggestion_and_accepts_it(
    browser, service_url: str, trained_home: Path
) -> None:
    # Given what the service itself answers for an urgent description
    expected = call_api(service_url, "/classify", {"texts": [URGENT_TEXT]})[0]
    open_console(browser, service_url, token=TOKEN)

    # When the call taker types it and asks for a suggestion (Ctrl+Enter)
    classify_by_keys(browser, URGENT_TEXT)

    # Then the page shows the service's category, a bar per label, routing and flags
    category = by_id(browser, "category")
    assert category.get_attribute("data-category") == expected["category"]
    assert CATEGORY_ZH[expected["category"]] in category.text
    bars = find_all(browser, "#prob-bars .bar")
    assert sorted(b.get_attribute("data-label") for b in bars) == sorted(expected["probabilities"])
    top = find_all(browser, "#prob-bars .bar.top")
    assert [b.get_attribute("data-label") for b in top] == [expected["category"]]
    tier = expected.get("urgency", "紧急" if expected["urgent"] else "一般")
    assert by_id(browser, "urgent-flag").is_displayed() == (tier != "一般")
    if tier != "一般":
        assert by_id(browser, "urgency-tier").text == tier
    assert by_id(browser, "review-flag").is_displayed() == expected["review"]
    assert expected["model_version"] in by_id(browser, "model-version").text
    routing = by_id(browser, "routing").text
    assert routing  # the Chinese disposition name, plus the divert target when diverted
    # the marked characters are exactly the evidence the service gave (offsets into the text)
    marks = [m.text for m in find_all(browser, "#highlighted mark")]
    assert all(m in URGENT_TEXT for m in marks)
    if expected.get("spans"):
        covered = sorted({i for sp in expected["spans"] for i in range(sp["start"], sp["end"])})
        cue = expected.get("urgency_cue") or {"start": 0, "end": 0}
        covered = sorted(set(covered) | set(range(cue["start"], cue["end"])))
        assert "".join(marks) == "".join(URGENT_TEXT[i] for i in covered)
    else:
        in_text = [k for k in expected["keywords"] if k and k.lower() in URGENT_TEXT.lower()]
        assert bool(marks) == bool(in_text)
    browser.save_screenshot(str(ARTIFACTS / "call-taker-suggestion.png"))

    # When they accept with one click
    by_id(browser, "feedback-btn").click()
    status = by_id(browser, "feedback-status")
    wait(browser, lambda d: status.get_attribute("data-id"), message=status.text)
    row_id = int(status.get_attribute("data-id"))
    assert f"#{row_id}" in status.text

    # Then the decision is in the feedback database, with the phone number masked
    row = feedback_row(trained_home, row_id)
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
    assert call_api(service_url, "/classify", {"calls": [first]})[0]["same_incident"] == []
    open_console(browser, service_url, token=TOKEN)
    # When the call taker types a second caller's words for the same grid
    by_id(browser, "call-grid").send_keys("G-UI")
    by_id(browser, "call-text").send_keys("万达广场东门有一群人在打架，还有人拿瓶子砸")
    by_id(browser, "classify-btn").click()
    wait(browser, lambda d: by_id(d, "same-incident").is_displayed(), message="no link shown")
    # Then the suggestion says which call it probably repeats, how long ago and where
    text = by_id(browser, "same-incident").text
    assert "可能与警情 UI-FIRST 为同一事件" in text
    assert "同一网格" in text and "3 分钟前" in text
    browser.save_screenshot(str(ARTIFACTS / "call-taker-same-incident.png"))


def test_call_taker_corrects_the_category(browser, service_url: str, trained_home: Path) -> None:
    # Given a suggestion on screen
    open_console(browser, service_url, token=TOKEN)
    by_id(browser, "call-text").send_keys("报警人称在商场丢失钱包，里面有身份证")
    by_id(browser, "classify-btn").click()
    wait(browser, lambda d: by_id(d, "suggestion").is_displayed())
    suggested = by_id(browser, "category").get_attribute("data-category")

    # When the call taker picks another category and a diversion, then submits
    other = next(
        c
        for c in find_all(browser, "#final-category .chip")
        if c.get_attribute("data-value") != suggested
    )
    chosen = other.get_attribute("data-value")
    other.click()
    find_all(browser, "#final-disposition .chip[data-value='divert']")[0].click()
    from selenium.webdriver.support.ui import Select

    Select(by_id(browser, "final-divert")).select_by_value("12345")
    button = by_id(browser, "feedback-btn")
    assert "提交更正" in button.text  # the button now says it submits a correction
    button.click()
    status = by_id(browser, "feedback-status")
    wait(browser, lambda d: status.get_attribute("data-id"), message=status.text)

    # Then the stored row keeps the suggestion and the correction apart
    row = feedback_row(trained_home, int(status.get_attribute("data-id")))
    assert (row["suggested_category"], row["final_category"]) == (suggested, chosen)
    assert (row["final_disposition"], row["final_divert_to"]) == ("divert", "12345")


def test_a_suggestion_without_routing_preselects_no_disposition(
    browser, service_url: str, trained_home: Path
) -> None:
    # Given the answer of a model trained without routing columns (null routing)
    text = "小区门口两个人在吵架"
    answer = {**call_api(service_url, "/classify", {"texts": [text]})[0]}
    answer.update(disposition=None, divert_to=None)
    show_answer(browser, service_url, text, answer)
    # Then no disposition chip is preselected or made up, and nothing can be sent yet
    chips = find_all(browser, "#final-disposition .chip")
    assert sorted(c.get_attribute("data-value") for c in chips) == [
        "divert",
        "on_scene",
        "transfer",
    ]
    assert not find_all(
        browser, "#final-disposition .chip.selected, #final-disposition .suggested"
    )
    assert "无分流建议" in by_id(browser, "routing").text
    button = by_id(browser, "feedback-btn")
    assert not button.is_enabled()
    # When the call taker picks a disposition, the decision is accepted and stored
    find_all(browser, "#final-disposition .chip[data-value='on_scene']")[0].click()
    assert button.is_enabled()
    button.click()
    status = by_id(browser, "feedback-status")
    wait(browser, lambda d: status.get_attribute("data-id"), message=status.text)
    row = feedback_row(trained_home, int(status.get_attribute("data-id")))
    assert (row["final_disposition"], row["final_divert_to"]) == ("on_scene", "")


def test_planner_sees_heat_map_map_and_top_grids(browser, service_url: str) -> None:
    # Given the grids the service knows
    grids = httpx.get(f"{service_url}/grids", timeout=10).json()["features"]
    polygons = [f for f in grids if f["geometry"] and "Polygon" in f["geometry"]["type"]]
    open_console(browser, service_url, token=TOKEN)

    # When the planner opens the planner panel (it loads the next 24 h)
    by_id(browser, "tab-planner").click()
    status = by_id(browser, "forecast-status")
    wait(browser, lambda d: "× 24" in status.text, message=status.text)

    # Then the heat map is drawn: many distinct colours on the canvas
    canvas = by_id(browser, "heatmap")
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
    shapes = find_all(browser, "#map [data-grid]")
    assert len(shapes) == len(grids)
    if polygons:
        assert len(find_all(browser, "#map path[data-grid]")) == len(polygons)
    rows = find_all(browser, "#top-grids tbody tr")
    assert len(rows) == min(10, len(grids))
    assert all("–" in r.find_elements("css selector", "td")[2].text for r in rows)
    browser.save_screenshot(str(ARTIFACTS / "planner-24h.png"))

    # When the planner hovers over the heat map, the value and its interval show
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser).move_to_element_with_offset(canvas, 40, 10).perform()
    tooltip = by_id(browser, "tooltip")
    wait(browser, lambda d: tooltip.is_displayed(), message="no tooltip on hover")
    assert "p10–p90" in tooltip.text

    # And moving the hour slider recolours the map for that hour
    label_before = by_id(browser, "hour-label").text
    browser.execute_script(
        "const s = arguments[0]; s.value = 12; s.dispatchEvent(new Event('input'));",
        by_id(browser, "hour-slider"),
    )
    assert by_id(browser, "hour-label").text != label_before
    browser.execute_script("arguments[0].scrollIntoView();", by_id(browser, "map"))
    browser.save_screenshot(str(ARTIFACTS / "planner-map.png"))

    # When they ask for the next 7 days, the heat map covers 168 hours
    browser.execute_script("window.scrollTo(0, 0);")
    by_id(browser, "fc-168").click()
    wait(browser, lambda d: "× 168" in status.text, message=status.text)
    browser.save_screenshot(str(ARTIFACTS / "planner-7d.png"))


def test_planner_shows_the_services_reason_for_a_bad_start(browser, service_url: str) -> None:
    # Given the planner panel with a forecast on screen
    open_console(browser, service_url, token=TOKEN)
    by_id(browser, "tab-planner").click()
    status = by_id(browser, "forecast-status")
    wait(browser, lambda d: "× 24" in status.text, message=status.text)

    # When the planner asks for a start long before the model's history ends
    browser.execute_script("arguments[0].value = '2020-01-01T00:00';", by_id(browser, "fc-start"))
    by_id(browser, "fc-24").click()

    # Then the service's 422 message is shown, naming the field, and the page keeps working
    wait(browser, lambda d: "422" in status.text, message=status.text)
    assert "start" in status.text and "error" in status.get_attribute("class")
    assert by_id(browser, "planner-body").is_displayed()


def test_planner_plans_patrols_and_sees_the_share_map(browser, service_url: str) -> None:
    # Given the planner panel with a forecast on screen
    grids = httpx.get(f"{service_url}/grids", timeout=10).json()["features"]
    open_console(browser, service_url, token=TOKEN)
    by_id(browser, "tab-planner").click()
    status = by_id(browser, "forecast-status")
    wait(browser, lambda d: "× 24" in status.text, message=status.text)

    # When they ask for a plan with 12 units per shift
    plan_status = by_id(browser, "dp-status")
    browser.execute_script("arguments[0].value = '12';", by_id(browser, "dp-units"))
    browser.execute_script("arguments[0].scrollIntoView();", by_id(browser, "dp-run"))
    by_id(browser, "dp-run").click()
    wait(browser, lambda d: "行" in plan_status.text, message=plan_status.text)

    # Then every grid is drawn, coloured by its share within the target, with its units
    shapes = find_all(browser, "#dp-map polygon[data-grid]")
    assert len({s.get_attribute("data-grid") for s in shapes}) == len(grids)
    assert "可在 5 分钟内到达" in by_id(browser, "dp-summary").text
    assert len(find_all(browser, "#dp-shifts-bar button")) == 3
    browser.save_screenshot(str(ARTIFACTS / "planner-plan.png"))

    # When too few units are asked for, the service's 422 names the field
    browser.execute_script("arguments[0].value = '3';", by_id(browser, "dp-units"))
    by_id(browser, "dp-run").click()
    wait(browser, lambda d: "422" in plan_status.text, message=plan_status.text)
    assert "units" in plan_status.text and "minimum" in plan_status.text


def test_model_health_panel_shows_the_monitor(browser, service_url: str) -> None:
    # Given a champion trained with its monitor reference and a few suggestions served
    call_api(service_url, "/classify", {"texts": ["我家水管爆了，小区停水了"] * 3})
    # When the console opens
    open_console(browser, service_url, token=TOKEN)
    # Then the health panel shows the monitor's verdict and what it is based on
    wait(browser, lambda d: "…" not in by_id(d, "health-status").text, message="no health")
    status = by_id(browser, "health-status").text
    assert "正常" in status or "项告警" in status, status
    assert "建议" in by_id(browser, "health-figures").text
    browser.save_screenshot(str(ARTIFACTS / "model-health.png"))
