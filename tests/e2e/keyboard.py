"""A person at a keyboard: keys pressed on whatever has the focus, and Tab until a field has it."""

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

TABS = 150  # more than any page has places to stop at


def press(browser: WebDriver, *keys: str) -> None:
    ActionChains(browser).send_keys(*keys).perform()


def tab_to(browser: WebDriver, element: WebElement | str) -> WebElement:
    """Presses Tab until `element` (or the one with that id) has the focus."""
    if isinstance(element, str):
        element = browser.find_element(By.ID, element)
    for _ in range(TABS):
        if browser.switch_to.active_element == element:
            return element
        press(browser, Keys.TAB)
    raise AssertionError(f"Tab never reaches {element.get_attribute('id')}")
