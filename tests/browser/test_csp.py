"""The admin, the dashboard and the API docs work under the Content-Security-Policy: no violation in Chromium."""

from accounts.models import Role
from tests import factories

from .conftest import BROWSER

pytestmark = BROWSER
PASSWORD = "a-long-test-password-1"


def test_no_page_breaks_the_policy(page):
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    user = factories.UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    page.goto(page.base + "/admin/login/?next=/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    # The language switch's inline handler (allowed by its hash) submits the form.
    # Wait for the navigation the submit starts: waiting for "load" alone can see the old page.
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    for path in ("/admin/trajectories/jobseeker/", "/admin/trajectories/jobseeker/add/", "/dashboard/", "/api/docs/"):
        response = page.goto(page.base + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    assert page.locator(".swagger-ui").count() == 1  # the docs' script ran
    assert violations == []
