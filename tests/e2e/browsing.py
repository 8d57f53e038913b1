"""Driving the pages in the browser: signing in, following links, filling forms, downloading, and
what axe-core finds (tests/e2e/test_pages.py says how the browser is run)."""

from pathlib import Path
from typing import Any

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait

from tests.e2e.conftest import RunningService

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules/axe-core/axe.min.js"
SCREENSHOTS = REPO / "build/screenshots"
# WCAG 2.2 AA and what it includes; "serious" and "critical" findings fail the test.
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}
PAGE_WAIT_SECONDS = 20


def accessibility_failures(browser: WebDriver) -> list[dict[str, Any]]:
    """axe-core's serious and critical WCAG 2.2 AA violations on the page as it stands."""
    browser.execute_script(AXE.read_text())
    result: dict[str, Any] = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(done, error => done({error: String(error)}));",
        WCAG,
    )
    assert "error" not in result, result
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in FAILING_IMPACTS
    ]


def checked(browser: WebDriver, name: str) -> None:
    """Screenshot the page, then require that axe finds nothing serious on it, and that the
    browser refused none of what the page loads under its Content-Security-Policy."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    refused = [
        entry["message"]
        for entry in browser.get_log("browser")
        if "Content Security Policy" in entry["message"]
    ]
    assert refused == [], name
    assert accessibility_failures(browser) == [], name


def click_through(browser: WebDriver, by: str, value: str, key: str | None = None) -> None:
    """Clicks what leads to another page (or presses `key` on it, as someone using only the
    keyboard would), and waits until that page has loaded in its place.

    The old page is marked; a new document has no mark. Asking mid-navigation may fail, and is
    then asked again.
    """
    browser.execute_script("window.keyworkOldPage = true;")
    element = browser.find_element(by, value)
    if key is None:
        element.click()
    else:
        element.send_keys(key)
    WebDriverWait(browser, PAGE_WAIT_SECONDS, ignored_exceptions=[WebDriverException]).until(
        lambda page: page.execute_script(
            "return !window.keyworkOldPage && document.readyState === 'complete';"
        )
    )


def choose_date(browser: WebDriver, field_id: str, day: str) -> None:
    """Picks a day in a date field, as its picker does (typing it depends on the locale)."""
    field = browser.find_element(By.ID, field_id)
    browser.execute_script("arguments[0].value = arguments[1];", field, day)


def text_of(browser: WebDriver, selector: str) -> str:
    return str(browser.find_element(By.CSS_SELECTOR, selector).text)


def refused_at(browser: WebDriver, field: str, message: str) -> None:
    """The form came back refused: `message` in the error summary, linking to `field`, and at
    the field."""
    assert browser.title.startswith("Error:")
    summary = browser.find_element(By.CSS_SELECTOR, ".govuk-error-summary a")
    assert summary.text == message
    assert str(summary.get_attribute("href")).endswith(f"#{field}")
    assert message in text_of(browser, f"#{field}-error")


def sign_in(browser: WebDriver, service: RunningService, token: str) -> None:
    browser.get(f"{service.base_url}/ui/sign-in")
    browser.delete_all_cookies()  # whoever was signed in before
    browser.get(f"{service.base_url}/ui")
    assert browser.current_url.endswith("/ui/sign-in")
    browser.find_element(By.ID, "token").send_keys(token)
    click_through(browser, By.CSS_SELECTOR, "form[action='/ui/sign-in'] button")


def downloaded(
    browser: WebDriver, service: RunningService, link: str, by: str = By.PARTIAL_LINK_TEXT
) -> str:
    """What the link downloads, fetched with the browser's session (the pages' policy lets no
    script of theirs fetch anything)."""
    href = browser.find_element(by, link).get_attribute("href")
    session = {cookie["name"]: cookie["value"] for cookie in browser.get_cookies()}
    cookie = "; ".join(f"{name}={value}" for name, value in session.items())
    answer = service.http.get(str(href), headers={"Cookie": cookie})
    assert answer.status_code == 200, answer.text
    return answer.text
