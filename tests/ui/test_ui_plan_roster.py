"""The plan card's roster box in headless Chromium: a roster plans, a bad row is named."""

from __future__ import annotations

import httpx
import pytest
from ui_browser import by_id, find_all, open_planner, wait

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.usefixtures("no_script_errors")]


def _plan_with_roster(browser, roster: str) -> None:
    browser.execute_script(
        "arguments[0].open = true;", browser.find_element("css selector", "details.dp-roster")
    )
    browser.execute_script(
        "arguments[0].value = arguments[1];", by_id(browser, "dp-roster"), roster
    )
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'});", by_id(browser, "dp-run")
    )
    by_id(browser, "dp-run").click()


def test_planner_plans_from_a_roster_and_hears_about_a_bad_row(browser, service_url: str) -> None:
    # Given the planner tab with a forecast on screen
    grids = httpx.get(f"{service_url}/grids", timeout=10).json()["features"]
    first = str(grids[0]["properties"]["grid_id"])
    open_planner(browser, service_url)
    plan_status = by_id(browser, "dp-status")

    # When they plan two shifts from a roster with a header, cars and foot units pinned to a grid
    browser.execute_script("arguments[0].value = '2';", by_id(browser, "dp-shifts"))
    _plan_with_roster(browser, f"shift,units,kind,grid_id\n1,12\n1,3,foot,{first}\n2,14,car\n")

    # Then both shifts are planned and every grid is drawn
    wait(browser, lambda d: "行" in plan_status.text, message=plan_status.text)
    assert len(find_all(browser, "#dp-shifts-bar button")) == 2
    shapes = find_all(browser, "#dp-map polygon[data-grid]")
    assert len({s.get_attribute("data-grid") for s in shapes}) == len(grids)

    # When a row leaves the units cell empty, the console names the row and sends nothing
    _plan_with_roster(browser, "1,12\n2,\n")
    wait(browser, lambda d: "第 2 行" in plan_status.text, message=plan_status.text)
    assert "error" in plan_status.get_attribute("class")

    # When a row names a grid the forecast does not have, the service's refusal names it
    _plan_with_roster(browser, "1,12\n2,12,car,G999\n")
    wait(browser, lambda d: "422" in plan_status.text, message=plan_status.text)
    assert "roster.1.grid_id" in plan_status.text and "G999" in plan_status.text
