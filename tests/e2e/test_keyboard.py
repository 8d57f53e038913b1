"""Every form of the pages can be completed with the keyboard alone: on each page that has a form,
Tab reaches every field, every group of radios and every button of every form, in the page's
order (no positive tabindex), in Chromium. Whole forms are also completed by keyboard alone in
the tests of the referral, the handover, the directory and erasure."""

from collections import defaultdict
from types import ModuleType

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from api.web import case_tasks, closure_tasks, plan_tasks, team_tasks
from api.web.case_forms import TaskForm
from services.permissions import ALLOWED
from tests.e2e.bodies import key_worker_of, new_active_case, new_practitioner
from tests.e2e.browsing import sign_in
from tests.e2e.conftest import RunningService

# Records, in order, each element that takes the focus; then, after the Tabs, answers the form
# controls that never had it (a group of radios is one stop: any of its radios will do).
WATCH_FOCUS = """
window.focused = [];
document.addEventListener('focusin', event => window.focused.push(event.target));
"""
NEVER_FOCUSED = """
const visible = element => element.getClientRects().length > 0;
const controls = [...document.querySelectorAll(
  'main form input:not([type=hidden]), main form select, main form textarea, main form button'
)].filter(visible);
const reached = new Set(window.focused);
const groups = {};
for (const control of controls.filter(c => c.type === 'radio')) {
  (groups[control.name] = groups[control.name] || []).push(control);
}
const missed = controls
  .filter(c => c.type !== 'radio' && !reached.has(c))
  .map(c => c.id || c.name || c.textContent.trim());
for (const [name, radios] of Object.entries(groups)) {
  if (!radios.some(radio => reached.has(radio))) missed.push(name);
}
return {
  controls: controls.length,
  missed: missed,
  jumps: [...document.querySelectorAll('[tabindex]')]
    .filter(e => e.tabIndex > 0).map(e => e.id || e.tagName),
};
"""
FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]"
# The people who work a case in the tests, by role: who opens the task pages their role may do.
ROLES_IN_TURN = ("manager", "coordinator", "key_worker")


def every_task_form() -> list[TaskForm]:
    modules: tuple[ModuleType, ...] = (case_tasks, team_tasks, plan_tasks, closure_tasks)
    return [
        form for module in modules for form in vars(module).values() if isinstance(form, TaskForm)
    ]


def unreached(browser: WebDriver, address: str, spoil: str = "") -> dict[str, object]:
    """Opens `address`, presses Tab past every place that can take the focus, and answers what
    the forms hold that Tab never reached (`spoil`: a script to run on the page first)."""
    browser.get(address)
    assert not browser.title.startswith(("Forbidden", "Not found")), address
    browser.execute_script(WATCH_FOCUS + spoil)
    stops = browser.execute_script(f"return document.querySelectorAll('{FOCUSABLE}').length")
    ActionChains(browser).send_keys(Keys.TAB * (2 * int(stops) + 10)).perform()
    found: dict[str, object] = browser.execute_script(NEVER_FOCUSED)
    return found


def test_tab_reaches_every_field_and_button_of_every_case_task_form(
    browser: WebDriver, service: RunningService
) -> None:
    case_id = new_active_case(service)
    key_worker = key_worker_of(service, case_id)
    member = new_practitioner(service)
    team = {"practitioner_id": member, "role": "Physiotherapist", "receives_plans": True}
    team |= {"channel": "email"}
    assert service.post(f"/cases/{case_id}/tac-members", team).status_code == 200
    users = {"manager": "manager-keys", "coordinator": "coordinator-keys", "key_worker": key_worker}

    by_role: dict[str, list[TaskForm]] = defaultdict(list)
    for form in every_task_form():
        role = next(role for role in ROLES_IN_TURN if role in ALLOWED[form.action])
        by_role[role].append(form)
    assert sum(len(forms) for forms in by_role.values()) == len(every_task_form()) >= 24

    for role, forms in by_role.items():
        sign_in(browser, service, service.token(role, users[role]))
        pages = [f"/ui/cases/{case_id}/{form.slug}" for form in forms]
        if role == "key_worker":
            pages.append(f"/ui/cases/{case_id}")  # a contact and a review, on the case page
        for page in pages:
            found = unreached(browser, f"{service.base_url}{page}")
            assert found["controls"], page
            assert found["missed"] == [] and found["jumps"] == [], (page, found)


def test_tab_reaches_every_field_and_button_of_the_other_forms(
    browser: WebDriver, service: RunningService
) -> None:
    practitioner = new_practitioner(service)
    pages = {
        "coordinator": (
            "/ui/referrals/new",
            "/ui/find",
            "/ui/agencies/new",
            "/ui/practitioners/new",
            f"/ui/practitioners/{practitioner}",
        ),
        "business_support": ("/ui/letters",),
        "manager": (f"/ui/practitioners/{practitioner}", "/ui/trail"),
        "commissioner": ("/ui/metrics",),
        "admin": ("/ui/erasure",),
        "signed out": ("/ui/sign-in", "/ui/feedback"),  # a family answers without signing in
    }
    for role, addresses in pages.items():
        if role == "signed out":
            browser.delete_all_cookies()
        else:
            sign_in(browser, service, service.token(role, f"{role}-keys"))
        for page in addresses:
            found = unreached(browser, f"{service.base_url}{page}")
            assert found["controls"], page
            assert found["missed"] == [] and found["jumps"] == [], (page, found)


def test_a_field_tab_cannot_reach_is_found(browser: WebDriver, service: RunningService) -> None:
    sign_in(browser, service, service.token("coordinator", "coordinator-keys"))
    mouse_only = "document.getElementById('purpose').tabIndex = -1;"
    assert unreached(browser, f"{service.base_url}/ui/find", mouse_only)["missed"] == ["purpose"]
    jumping = "document.getElementById('purpose').tabIndex = 3;"
    assert unreached(browser, f"{service.base_url}/ui/find", jumping)["jumps"] == ["purpose"]
