"""The call taker's desk in headless Chromium: the decision in view, keys, language, figures.

A 1366×768 screen leaves about 1366×640 CSS pixels to the page in a maximised browser (tabs,
address bar, task bar), a 1920×1080 screen about 1920×950: the tests size the page to
those viewports exactly (device-metrics override), whatever the window is.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ui_browser import (
    ARTIFACTS,
    ROOT,
    TOKEN,
    URGENT_TEXT,
    by_id,
    call_api,
    classify_by_keys,
    clear_viewport,
    feedback_row,
    find_all,
    open_console,
    set_viewport,
    show_answer,
    wait,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.usefixtures("no_script_errors")]

DISPUTE_TEXT = "XX路XX小区5号楼，与邻居因停车位发生口角，对方骂人。"
CJK = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
# Latin words the Chinese console keeps: key names, file formats, model versions.
ALLOWED_LATIN = re.compile(r"Ctrl|Enter|CSV|PNG|(?:triage|forecast)/\d+")

# Text on screen that is data, not the console's own words: what the call taker typed,
# grid names, model versions, the monitor's sentences (``.data``), and fields.
VISIBLE_TEXTS = """
const out = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const host = n.parentElement;
  if (!n.textContent.trim() || host.closest('.data, script, style, textarea, svg, [hidden]'))
    continue;
  if (!host.getClientRects().length || getComputedStyle(host).visibility === 'hidden') continue;
  out.push(n.textContent.trim());
}
for (const node of document.querySelectorAll('[placeholder], [title]')) {
  if (node.closest('[hidden], .data') || !node.getClientRects().length) continue;
  if (node.placeholder && node.id !== 'token-input') out.push(node.placeholder);
  if (node.title) out.push(node.title);
}
return out;
"""


def _classify(driver, text: str) -> None:
    box = by_id(driver, "call-text")
    box.clear()
    box.send_keys(text)
    by_id(driver, "classify-btn").click()
    wait(driver, lambda d: by_id(d, "feedback").is_displayed(), message="no decision card")


def _in_view(driver, element_id: str) -> dict:
    return driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,"
        " height: innerHeight, width: innerWidth, scrolled: scrollY};",
        by_id(driver, element_id),
    )


@pytest.mark.parametrize(
    ("width", "height", "lang", "shot"),
    [
        (1366, 640, "zh", "test-artifacts/ui/console-1366.png"),
        (1920, 950, "zh", "test-artifacts/ui/console-1920.png"),
        (1366, 640, "en", "test-artifacts/ui/console-1366-en.png"),
    ],
)
def test_the_decision_is_in_view_without_scrolling(
    browser, service_url: str, width: int, height: int, lang: str, shot: str
) -> None:
    # Given a call taker's screen of this size, in either language (English labels are longer)
    set_viewport(browser, width, height)
    try:
        open_console(browser, service_url, token=TOKEN)
        if lang == "en":
            by_id(browser, "lang-btn").click()
        # When a description with an urgent cue is classified
        _classify(browser, URGENT_TEXT)
        # Then the suggestion, the category chips and Accept are all on screen, unscrolled
        for element_id in ("category", "final-category", "feedback-btn", "call-text"):
            box = _in_view(browser, element_id)
            assert box["scrolled"] == 0
            assert box["top"] >= 0 and box["bottom"] <= box["height"], (element_id, box)
            assert box["left"] >= 0 and box["right"] <= box["width"], (element_id, box)
        (ROOT / shot).parent.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(ROOT / shot))
    finally:
        clear_viewport(browser)
        browser.execute_script("localStorage.clear()")


def test_keys_pick_the_category_and_enter_accepts(
    browser, service_url: str, trained_home: Path
) -> None:
    # Given a suggestion on screen
    open_console(browser, service_url, token=TOKEN)
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    classify_by_keys(browser, DISPUTE_TEXT)
    chips = find_all(browser, "#final-category .chip")
    assert [c.find_element("css selector", "kbd").text for c in chips] == ["1", "2", "3", "4", "5"]
    labels = [c.get_attribute("data-value") for c in chips]
    suggested = by_id(browser, "category").get_attribute("data-category")
    key = next(i for i, label in enumerate(labels) if label != suggested) + 1

    # When the call taker presses that category's number, then Enter
    ActionChains(browser).send_keys(str(key)).perform()
    selected = find_all(browser, "#final-category .chip.selected")
    assert [c.get_attribute("data-value") for c in selected] == [labels[key - 1]]
    assert by_id(browser, "call-text").get_attribute("value") == DISPUTE_TEXT
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    status = by_id(browser, "feedback-status")
    wait(browser, lambda d: status.get_attribute("data-id"), message=status.text)

    # Then the correction is stored once, with the category the key chose
    row = feedback_row(trained_home, int(status.get_attribute("data-id")))
    assert (row["suggested_category"], row["final_category"]) == (suggested, labels[key - 1])
    assert not by_id(browser, "feedback-btn").is_enabled()

    # And typing digits and Enter in the description changes nothing in the decision
    box = by_id(browser, "call-text")
    box.send_keys("3", Keys.ENTER)
    assert "3\n" in box.get_attribute("value")
    assert [c.get_attribute("data-value") for c in find_all(browser, "#final-category .selected")]
    assert status.get_attribute("data-id") == str(row["id"])


def test_incident_number_and_operator_id_go_with_the_feedback(
    browser, service_url: str, trained_home: Path
) -> None:
    # Given a call taker who types the incident number and their operator id
    open_console(browser, service_url, token=TOKEN)
    by_id(browser, "call-incident").send_keys("J3201052026120100017")
    by_id(browser, "call-operator").send_keys("JY0457")
    _classify(browser, DISPUTE_TEXT)
    # When they accept
    by_id(browser, "feedback-btn").click()
    status = by_id(browser, "feedback-status")
    wait(browser, lambda d: status.get_attribute("data-id"), message=status.text)
    # Then both are stored with the decision
    row = feedback_row(trained_home, int(status.get_attribute("data-id")))
    assert (row["incident_no"], row["operator_id"]) == ("J3201052026120100017", "JY0457")
    # And the operator id is remembered for the next call; the incident number is not
    browser.refresh()
    wait(browser, lambda d: by_id(d, "call-text").is_displayed())
    assert by_id(browser, "call-operator").get_attribute("value") == "JY0457"
    assert by_id(browser, "call-incident").get_attribute("value") == ""

    # When an identifier is refused by the service, its reason is shown and nothing is lost
    by_id(browser, "call-incident").send_keys("J 17")
    _classify(browser, DISPUTE_TEXT)
    by_id(browser, "feedback-btn").click()
    status = by_id(browser, "feedback-status")
    wait(browser, lambda d: "400" in status.text, message=status.text)
    assert "incident_no" in status.text and by_id(browser, "feedback-btn").is_enabled()


def test_figures_never_read_100_percent_and_evidence_is_marked(browser, service_url: str) -> None:
    # Given an answer with a near-certain category, a tiny probability, spans and a cue
    text = "报警人称在XX路被人抢走手机，对方还在追打"
    answer = {**call_api(service_url, "/classify", {"texts": [text]})[0]}
    answer.update(
        category="criminal",
        confidence=0.9991,
        probabilities={
            "criminal": 0.9991,
            "public_order": 0.0006,
            "dispute": 0.0001,
            "assistance": 0.0001,
            "non_police": 0.0001,
        },
        candidates=["criminal"],
        shift=0.004,
        urgency="可能紧急",
        urgency_cue={"start": 19, "end": 21, "text": "追打", "weight": 1.0},
        spans=[{"start": 10, "end": 14, "text": "抢走手机", "weight": 2.0}],
    )
    show_answer(browser, service_url, text, answer)
    # Then the confidence reads ">99 %", small shares "<1 %", and never "100 %"
    assert ">99 %" in by_id(browser, "category").text
    values = [v.text for v in find_all(browser, "#prob-bars .bar-value")]
    assert values[0] == ">99 %" and values[1:] == ["<1 %"] * 4
    assert "100 %" not in by_id(browser, "suggestion").text
    assert by_id(browser, "shift-score").text == "<1 %"
    assert [c.text for c in find_all(browser, "#candidates .cand")] == ["刑事"]
    # And the tier, its cue, and the evidence spans are marked in the text as typed
    assert by_id(browser, "urgency-tier").text == "可能紧急"
    assert "追打" in by_id(browser, "urgency-cue").text
    marks = {m.get_attribute("class"): m.text for m in find_all(browser, "#highlighted mark")}
    assert marks == {"kw": "抢走手机", "cue": "追打"}


def _foreign(texts: list[str], lang: str) -> list[str]:
    """Visible texts in the other language (names of things and key names aside)."""
    if lang == "en":
        return [s for s in texts if CJK.search(s)]
    return [s for s in texts if LATIN_WORD.search(ALLOWED_LATIN.sub("", s))]


def _on_screen(driver, lang: str) -> list[str]:
    return _foreign(driver.execute_script(VISIBLE_TEXTS), lang)


def test_the_language_switch_changes_every_visible_text(browser, service_url: str) -> None:
    # Given the console in its default language with a suggestion and a decision on screen
    open_console(browser, service_url, token=TOKEN)
    _classify(browser, URGENT_TEXT)
    # (the switch itself says "English")
    assert _on_screen(browser, "zh") == ["English"]
    # When the user switches to English
    by_id(browser, "lang-btn").click()
    # Then no visible text of the console is left in Chinese but the switch back ("中文")
    assert _on_screen(browser, "en") == ["中文"]
    en = browser.execute_script(VISIBLE_TEXTS)
    assert "Suggested category" in en and "Accept" in " ".join(en)
    browser.save_screenshot(str(ARTIFACTS / "console-en.png"))

    # And the planner's view, patrol plan card included, is in English too, then in Chinese
    by_id(browser, "tab-planner").click()
    status = by_id(browser, "forecast-status")
    wait(browser, lambda d: "24 hours" in status.text, message=status.text)
    assert _on_screen(browser, "en") == ["中文"]
    by_id(browser, "mode-shift").click()
    wait(browser, lambda d: "shifts" in status.text, message=status.text)
    assert _on_screen(browser, "en") == ["中文"]
    browser.save_screenshot(str(ARTIFACTS / "planner-en.png"))
    by_id(browser, "lang-btn").click()
    wait(browser, lambda d: "个班次" in status.text, message=status.text)
    assert _on_screen(browser, "zh") == ["English"]

    # And the choice is remembered
    by_id(browser, "lang-btn").click()
    browser.refresh()
    wait(browser, lambda d: by_id(d, "call-text").is_displayed())
    assert by_id(browser, "lang-btn").text == "中文"
    assert browser.execute_script("return document.documentElement.lang") == "en"
    browser.execute_script("localStorage.clear()")
