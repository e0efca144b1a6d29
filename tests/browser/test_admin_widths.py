"""The mediators' wide tables stay inside a 1,280 px window (ui.md "Forms a mediator does not fight")."""

import datetime

from accounts.models import Role
from tests import factories

from .conftest import BROWSER

pytestmark = BROWSER

PASSWORD = "breed-genoeg-2026"


def _mediator_with_actions():
    office = factories.OfficeFactory()
    user = factories.UserFactory(role=Role.MEDIATOR, office=office, is_staff=True, username="bemiddelaar")
    user.set_password(PASSWORD)
    user.save()
    person = factories.JobSeekerFactory(office=office, first_name="Nour", last_name="Saleh")
    trajectory = factories.TrajectoryFactory(job_seeker=person, started_on=datetime.date(2024, 1, 8))
    provider = factories.PartnerFactory(name="Een vormingscentrum met een heel lange naam vzw")
    employer = factories.EmployerFactory(name="Een werkgever met een lange handelsnaam en afdeling")
    for code, employer_of in (("dutch_course", None), ("ibo", employer), ("career_orientation", None)):
        factories.ActionFactory(
            trajectory=trajectory,
            action_type_id=code,
            provider=provider,
            employer=employer_of,
            started_on=datetime.date(2024, 2, 5),
        )
    return trajectory


def _log_in(page):
    page.goto(page.base + "/admin/login/")
    page.fill("#id_username", "bemiddelaar")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def test_the_actions_table_of_a_trajectory_fits_in_1280_px(page):
    trajectory = _mediator_with_actions()
    _log_in(page)
    page.goto(page.base + f"/admin/trajectories/trajectory/{trajectory.pk}/change/")
    table = page.locator("#actions-group table")
    table.wait_for()
    width = table.evaluate("t => t.getBoundingClientRect().right")
    assert page.viewport_size["width"] == 1280
    assert width <= 1280, f"the actions table ends at {width:.0f} px"
    overflow = page.evaluate("() => document.documentElement.scrollWidth")
    assert overflow <= 1280, f"the page scrolls sideways to {overflow} px"
    # The rows are labelled by the Dutch type name.
    assert "Nederlands als tweede taal (NT2) 05-02-2024" in page.content()


def test_the_actions_list_fits_in_1280_px(page):
    _mediator_with_actions()
    _log_in(page)
    page.goto(page.base + "/admin/trajectories/action/")
    page.locator("#result_list").wait_for()
    overflow = page.evaluate("() => document.documentElement.scrollWidth")
    assert overflow <= 1280, f"the actions list scrolls sideways to {overflow} px"
