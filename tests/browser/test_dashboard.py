"""The dashboard in Chromium (ui.md): log in, read the charts' tables, compare them with the API, download."""

import csv
import io
import json
from pathlib import Path

import pytest

from accounts.models import Role
from reporting import services
from tests import factories
from tests.reporting.helpers import D, action, person, trajectory
from trajectories.models import Office, Region

from .conftest import BROWSER

pytestmark = BROWSER
PASSWORD = "browser-test-password-1"


@pytest.fixture(autouse=True)
def tasks_in_process():
    """Runs started from the page run in the web process, as without a broker."""
    from idw.celery import app

    old = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = old


@pytest.fixture
def published():
    office = Office.objects.create(code="ANT01", name="Antwerpen", region=Region.objects.get(code="antwerpen"))
    for i in range(6):
        t = trajectory(person(office, gender="m" if i % 2 else "f"), D(2023, 3, 1 + i), outflow=D(2023, 3, 11 + i))
        action(t, D(2023, 3, 2 + i))
    for i in range(3):
        trajectory(person(office), D(2022, 5, 1 + i), outflow=D(2022, 6, 1))
    return services.run_request(as_of=D(2024, 6, 30))


def user(role, **kw):
    if role == Role.MEDIATOR:
        kw.setdefault("office", factories.OfficeFactory())
    if role == Role.PARTNER:
        kw.setdefault("partner", factories.PartnerFactory())
    u = factories.UserFactory(role=role, **kw)
    u.set_password(PASSWORD)
    u.save()
    return u


def log_in(page, username):
    page.goto(page.base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def table_cells(page, code):
    return page.eval_on_selector_all(
        f'figure[data-indicator="{code}"] td[data-period]',
        """cells => cells.map(td => {
            const out = {};
            for (const a of td.attributes) if (a.name.startsWith('data-')) out[a.name.slice(5)] = a.value;
            return out;
        })""",
    )


def api_cells(page, code, params, *, always=(), by=None):
    response = page.request.get(page.base + f"/api/v1/reporting/indicators/{code}/values/", params=params)
    assert response.status == 200
    out = []
    for r in response.json()["results"]:
        cell = {
            "period": r["period"],
            "series": str(r["dimensions"][by]) if by else "total",
            "value": "" if r["value"] is None else json.dumps(r["value"]),
        }
        if r["suppressed"]:
            cell["suppressed"] = "true"
        for dim in always:
            cell[dim] = str(r["dimensions"][dim])
        out.append(cell)
    return out


def test_a_reporting_user_reads_the_same_numbers_as_the_api_and_downloads_them(page, published):
    log_in(page, user(Role.REPORTING).username)
    page.wait_for_url("**/dashboard/")
    assert page.locator('figure[data-indicator="sd1.intake"] svg').count() == 1
    assert page.locator("section[data-objective]").count() == 14

    page.click('figure[data-indicator="sd1.intake"] figcaption a')
    page.wait_for_url("**/dashboard/indicators/sd1.intake/**")
    shown = table_cells(page, "sd1.intake")
    assert shown == api_cells(page, "sd1.intake", {"period_type": "year"})
    assert {"period": "2022", "series": "total", "value": "", "suppressed": "true"} in shown
    assert page.locator('td[data-period="2022"]').inner_text().startswith("onderdrukt")

    page.select_option('select[name="period_type"]', "quarter")
    page.wait_for_url("**period_type=quarter**")
    assert table_cells(page, "sd1.intake") == api_cells(page, "sd1.intake", {"period_type": "quarter"})

    page.select_option('select[name="by"]', "gender")
    page.wait_for_url("**by=gender**")
    params = {"period_type": "quarter", "by": "gender"}
    shown = table_cells(page, "sd1.intake")
    assert shown == api_cells(page, "sd1.intake", params, by="gender")
    assert any(c.get("suppressed") for c in shown)

    with page.expect_download() as info:
        page.click('a[data-download="csv"]')
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    assert rows[0][:2] == ["period", "gender"]
    assert [(r[0], r[1], r[4], r[5]) for r in rows[1:]] == [
        (c["period"], c["series"], c["value"], c.get("suppressed", "false")) for c in shown
    ]


def test_an_indicator_with_a_horizon_carries_it_in_every_cell(page, published):
    log_in(page, user(Role.REPORTING).username)
    page.wait_for_url("**/dashboard/")
    page.goto(page.base + "/dashboard/indicators/sd1.outflow_to_work/?lang=en")
    shown = table_cells(page, "sd1.outflow_to_work")
    assert shown == api_cells(page, "sd1.outflow_to_work", {"period_type": "year"}, always=("horizon_months",))
    page.select_option('select[name="horizon_months"]', "12")
    page.wait_for_url("**horizon_months=12**")
    assert (
        "horizon (months): 12" in page.locator('figure[data-indicator="sd1.outflow_to_work"] figcaption').inner_text()
    )


def test_admin_starts_a_run_and_sees_it_published(page, published):
    log_in(page, user(Role.ADMIN).username)
    page.wait_for_url("**/dashboard/")
    before = page.locator("[data-served-run]").get_attribute("data-served-run")
    page.click("button[data-start-run]")
    page.wait_for_selector('[data-run-status="succeeded"]')
    run_id = page.locator("[data-run]").get_attribute("data-run")
    assert run_id != before
    page.reload()
    assert page.locator("[data-served-run]").get_attribute("data-served-run") == run_id


@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.PARTNER])
def test_a_mediator_and_a_partner_get_403(page, role):
    log_in(page, user(role).username)
    page.wait_for_load_state()
    response = page.goto(page.base + "/dashboard/")
    assert response.status == 403
