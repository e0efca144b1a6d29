"""Screenshots of the main pages for docs/screenshots/ (README): the demo data, in Chromium.

Skipped unless IDW_SCREENSHOTS=1:

    IDW_SCREENSHOTS=1 .venv/bin/python -m pytest -q tests/browser/test_screenshots.py
"""

import datetime
import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from .conftest import BROWSER

pytestmark = [
    *BROWSER,
    pytest.mark.skipif(not os.environ.get("IDW_SCREENSHOTS"), reason="writes docs/screenshots/: IDW_SCREENSHOTS=1"),
]
OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def demo():
    from idw.celery import app

    app.conf.task_always_eager = True
    start = (datetime.date.today() - datetime.timedelta(days=6 * 365)).isoformat()
    call_command("demo", "--scale", "0.0003", "--start", start, "--force-insecure-demo", stdout=io.StringIO())


def test_screenshots_of_the_main_pages(page, demo):
    from accounts.management.commands.demo import DEMO_PASSWORD

    OUT.mkdir(parents=True, exist_ok=True)
    page.goto(page.base + "/login/")
    page.screenshot(path=str(OUT / "login.png"))
    page.fill("#id_username", "demo-admin")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/")
    page.screenshot(path=str(OUT / "overview.png"), full_page=False)
    page.goto(
        page.base + "/dashboard/indicators/sd1.outflow_to_work/?period_type=year&by=trajectory_type&horizon_months=12"
    )
    page.screenshot(path=str(OUT / "indicator.png"), full_page=True)
    page.goto(page.base + "/dashboard/cohorts/")
    page.screenshot(path=str(OUT / "cohorts.png"), full_page=True)
    page.goto(page.base + "/dashboard/partners/?lang=en")
    page.screenshot(path=str(OUT / "partners-en.png"), full_page=True)
    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(page.base + "/dashboard/indicators/sd1.intake/?period_type=quarter")
    page.screenshot(path=str(OUT / "indicator-tablet.png"))


def _file_worth_showing(office_code):
    """A person of the office with screenings, actions and more than one trajectory where there is one."""
    from django.db.models import Count

    from trajectories.models import JobSeeker

    return (
        JobSeeker.objects.filter(office_id=office_code)
        .annotate(screenings=Count("trajectories__actions__screenings", distinct=True))
        .annotate(trajectories_n=Count("trajectories", distinct=True))
        .order_by("-screenings", "-trajectories_n", "id")
        .first()
    )


def test_screenshots_of_the_mediators_admin(page, demo):
    """The mediator's start page, a person's file and the screening form, as demo-mediator sees them."""
    from accounts.management.commands.demo import DEMO_PASSWORD
    from accounts.models import User
    from trajectories.models import Action

    OUT.mkdir(parents=True, exist_ok=True)
    mediator = User.objects.get(username="demo-mediator")
    page.goto(page.base + "/login/")
    page.fill("#id_username", "demo-mediator")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    page.screenshot(path=str(OUT / "admin-start.png"), full_page=True)
    person = _file_worth_showing(mediator.office_id)
    page.goto(page.base + f"/admin/trajectories/jobseeker/{person.pk}/change/")
    page.screenshot(path=str(OUT / "person-file.png"), full_page=True)
    action = (
        Action.objects.for_user(mediator)
        .filter(action_type__category="workplace_learning", status__in=["ongoing", "completed"])
        .order_by("-started_on", "id")
        .first()
    )
    page.goto(page.base + f"/admin/employers/competencescreening/screen/{action.pk}/")
    page.screenshot(path=str(OUT / "screening-form.png"), full_page=True)
