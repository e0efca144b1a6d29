"""The programme team's dashboard (ui.md): roles, and the same numbers as the API, suppressed cells included."""

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from accounts.models import Role
from tests import factories

from .helpers import D, action, person, residence, trajectory

URL = "/api/v1/reporting/indicators/{}/values/"


@pytest.fixture
def published(region_office, compute):
    """2023: five trajectories (shown); 2022: four (suppressed for reporting)."""
    ant = region_office("ANT01")
    gnt = region_office("GNT01", "oost-vlaanderen")
    for i in range(5):
        p = person(ant if i else gnt)
        if i == 0:
            residence(p, "recognised_refugee", D(2020, 1, 1))
        t = trajectory(p, D(2023, 3, 1 + i), outflow=D(2023, 3, 11 + 2 * i))
        action(t, D(2023, 3, 2 + i))
    for i in range(4):
        trajectory(person(ant), D(2022, 3, 1 + i), outflow=D(2022, 4, 1))
    return compute(D(2024, 6, 30))


def session_for(role, **kw):
    if role == Role.MEDIATOR:
        kw.setdefault("office", factories.OfficeFactory())
    if role == Role.PARTNER:
        kw.setdefault("partner", factories.PartnerFactory())
    user = factories.UserFactory(role=role, **kw)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


class Cells(HTMLParser):
    """Every <td data-period> of a page, per <figure data-indicator>: the ui.md hooks."""

    def __init__(self):
        super().__init__()
        self.figure = None
        self.cells: dict[str, list[dict]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure" and "data-indicator" in attrs:
            self.figure = attrs["data-indicator"]
            self.cells.setdefault(self.figure, [])
        if tag == "td" and "data-period" in attrs and self.figure:
            self.cells[self.figure].append({k[5:]: v for k, v in attrs.items() if k.startswith("data-")})


def cells_of(html: str) -> dict[str, list[dict]]:
    parser = Cells()
    parser.feed(html)
    return parser.cells


def api_cells(results: list[dict], *, always=(), by=None) -> list[dict]:
    out = []
    for r in results:
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


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.PARTNER, Role.COMPLAINTS])
def test_other_roles_get_403_on_every_dashboard_page(role):
    client = session_for(role)
    for path in ["/dashboard/", "/dashboard/indicators/sd1.intake/", "/dashboard/cohorts/", "/dashboard/partners/"]:
        assert client.get(path).status_code == 403, path
    assert client.post("/dashboard/runs/").status_code == 403


@pytest.mark.django_db
def test_anonymous_is_sent_to_the_login_page():
    response = Client().get("/dashboard/cohorts/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fdashboard%2Fcohorts%2F"


@pytest.mark.django_db
def test_pages_answer_before_any_publication():
    client = session_for(Role.REPORTING)
    for path in ["/dashboard/", "/dashboard/indicators/sd1.intake/", "/dashboard/cohorts/", "/dashboard/partners/"]:
        response = client.get(path)
        assert response.status_code == 200, path
    assert client.get("/dashboard/indicators/nope/").status_code == 404


@pytest.mark.django_db
def test_bad_parameters_are_a_400_page_not_a_500():
    client = session_for(Role.REPORTING)
    for params in [{"period_type": "week"}, {"period_from": "20x3"}, {"by": "shoe_size"}, {"by": "region,gender"}]:
        response = client.get("/dashboard/indicators/sd1.intake/", params)
        assert response.status_code == 400, params


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "params", "always", "by"),
    [
        ("sd1.intake", {"period_type": "year"}, (), None),
        ("sd1.intake", {"period_type": "year", "by": "age_band"}, (), "age_band"),
        ("sd1.intake", {"period_type": "quarter", "by": "region"}, (), "region"),
        ("sd1.outflow_to_work", {"period_type": "year", "by": "region"}, ("horizon_months",), "region"),
        ("td1.1.duration", {"period_type": "year"}, ("segment",), None),
    ],
)
def test_the_indicator_page_shows_the_apis_values_for_a_reporting_user(published, code, params, always, by):
    client = session_for(Role.REPORTING)
    api = client.get(URL.format(code), params).json()["results"]
    page = client.get(f"/dashboard/indicators/{code}/", params)
    assert page.status_code == 200
    shown = cells_of(page.content.decode())[code]
    assert shown == api_cells(api, always=always, by=by)
    assert any(c.get("suppressed") for c in shown) or code == "td1.1.duration"


@pytest.mark.django_db
def test_suppressed_cells_are_marked_not_zero_and_admin_sees_them(published):
    reporting = session_for(Role.REPORTING)
    html = reporting.get("/dashboard/indicators/sd1.intake/").content.decode()
    cell = next(c for c in cells_of(html)["sd1.intake"] if c["period"] == "2022")
    assert cell == {"period": "2022", "series": "total", "value": "", "suppressed": "true"}
    assert re.search(r'data-period="2022"[^>]*class="suppressed">onderdrukt', html)
    admin = session_for(Role.ADMIN)
    cell = next(
        c
        for c in cells_of(admin.get("/dashboard/indicators/sd1.intake/").content.decode())["sd1.intake"]
        if c["period"] == "2022"
    )
    assert cell == {"period": "2022", "series": "total", "value": "4"}


@pytest.mark.django_db
def test_the_overview_shows_the_objectives_api_for_a_reporting_user(published):
    client = session_for(Role.REPORTING)
    objectives = client.get("/api/v1/reporting/objectives/").json()
    html = client.get("/dashboard/").content.decode()
    shown = cells_of(html)
    for objective in objectives:
        assert f'data-objective="{objective["code"]}"' in html
        for item in objective["indicators"]:
            if item["rows"]:
                ind_always = tuple(d for d in item["rows"][0]["dimensions"])
                assert shown[item["code"]] == api_cells(item["rows"], always=ind_always), item["code"]
    assert objectives[0]["name_nl"] in html
    assert "Served run" in client.get("/dashboard/?lang=en").content.decode()


@pytest.mark.django_db
def test_the_csv_link_is_the_apis_export_of_what_is_shown(published):
    client = session_for(Role.REPORTING)
    html = client.get("/dashboard/indicators/sd1.intake/", {"period_type": "year", "by": "age_band"}).content.decode()
    link = re.search(r'href="([^"]+)" data-download="csv"', html).group(1).replace("&amp;", "&")
    assert link.startswith(URL.format("sd1.intake"))
    rows = list(csv.reader(io.StringIO(client.get(link).content.decode())))
    shown = cells_of(html)["sd1.intake"]
    assert [(r[0], r[1], r[4], r[5]) for r in rows[1:]] == [
        (c["period"], c["series"], c["value"], c.get("suppressed", "false")) for c in shown
    ]


@pytest.mark.django_db
def test_cohort_and_partner_pages_carry_the_hooks(published):
    client = session_for(Role.REPORTING)
    api = client.get(URL.format("sd1.outflow_to_work"), {"period_type": "year"}).json()["results"]
    html = client.get("/dashboard/cohorts/").content.decode()
    shown = cells_of(html)["sd1.outflow_to_work"]
    expected = [
        {"period": r["period"], "series": str(r["dimensions"]["horizon_months"]),
         "value": "" if r["value"] is None else json.dumps(r["value"]),
         **({"suppressed": "true"} if r["suppressed"] else {}),
         "horizon_months": str(r["dimensions"]["horizon_months"])}
        for r in api
    ]  # fmt: skip
    assert sorted(shown, key=lambda c: (c["period"], int(c["series"]))) == sorted(
        expected, key=lambda c: (c["period"], int(c["series"]))
    )
    assert client.get("/dashboard/partners/").status_code == 200


@pytest.mark.django_db
def test_admin_starts_a_run_and_follows_it(django_capture_on_commit_callbacks):
    admin = session_for(Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/dashboard/runs/")
    assert response.status_code == 302
    run_id = re.search(r"run=(\d+)", response["Location"]).group(1)
    page = admin.get(response["Location"]).content.decode()
    assert f'data-run="{run_id}"' in page
    assert 'data-run-status="succeeded"' in page  # without a broker the run ran in-process
    reporting = session_for(Role.REPORTING)
    assert "data-start-run" not in reporting.get("/dashboard/").content.decode()
    assert reporting.post("/dashboard/runs/").status_code == 403


@pytest.mark.django_db
def test_the_overview_takes_a_constant_number_of_queries(published, django_assert_max_num_queries):
    client = session_for(Role.REPORTING)
    with django_assert_max_num_queries(12):
        assert client.get("/dashboard/").status_code == 200


@pytest.mark.django_db
def test_the_cached_overview_is_kept_per_suppression_view_and_language(published):
    reporting, admin = session_for(Role.REPORTING), session_for(Role.ADMIN)
    first = cells_of(reporting.get("/dashboard/").content.decode())["sd1.intake"]
    assert {"period": "2022", "series": "total", "value": "", "suppressed": "true"} in first
    shown = cells_of(admin.get("/dashboard/").content.decode())["sd1.intake"]
    assert {"period": "2022", "series": "total", "value": "4"} in shown
    assert cells_of(reporting.get("/dashboard/").content.decode())["sd1.intake"] == first
    assert "Instroom in trajecten" in reporting.get("/dashboard/").content.decode()
    assert "Intake into trajectories" in reporting.get("/dashboard/?lang=en").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.REPORTING, Role.ADMIN])
def test_cohort_page_shows_durable_work_and_reentry_as_the_api(region_office, compute, role):
    from trajectories.models import EmploymentSpell

    office = region_office("ANT01")
    for i in range(6):
        p = person(office)
        trajectory(p, D(2022, 1, 10), outflow=D(2023, 3, 10 + i))
        if i < 4:  # four still at work after a year, two back with the service
            EmploymentSpell.objects.create(external_id=f"S{i}", job_seeker=p, kind="employee", started_on=D(2023, 4, 1))
        else:
            trajectory(p, D(2023, 7, 1))
    compute(D(2024, 12, 15))
    client = session_for(role)
    shown = cells_of(client.get("/dashboard/cohorts/").content.decode())
    for code in ("sd1.durable_work", "sd1.reentry"):
        api = client.get(URL.format(code), {"period_type": "year"}).json()["results"]
        assert api, code
        expected = [
            {"period": r["period"], "series": str(r["dimensions"]["horizon_months"]),
             "value": "" if r["value"] is None else json.dumps(r["value"]),
             **({"suppressed": "true"} if r["suppressed"] else {}),
             "horizon_months": str(r["dimensions"]["horizon_months"])}
            for r in api
        ]  # fmt: skip
        key = lambda c: (c["period"], int(c["series"]))  # noqa: E731
        assert sorted(shown[code], key=key) == sorted(expected, key=key)
    durable_2023 = {c["series"]: c for c in shown["sd1.durable_work"] if c["period"] == "2023"}
    if role == Role.ADMIN:
        assert durable_2023["12"]["value"] == json.dumps(66.7)  # 4 of 6
    else:
        assert durable_2023["12"].get("suppressed") == "true"  # 4 and 2 are below k


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.REPORTING, Role.ADMIN])
def test_partner_page_shows_expired_referrals_and_suppresses_small_counts(make_client, compute, settings, role):
    from partners import services as partner_services
    from partners.models import Referral
    from trajectories.validators import make_insz

    settings.IDW_REFERRAL_EXPIRY_DAYS = 60
    partner = factories.PartnerFactory(code="agii", kind="integration_agency")
    client = make_client("partner", partner=partner)
    for n in range(1, 9):
        person_ = {
            "insz": make_insz(D(1990, 5, 17), n),
            "first_name": "A",
            "last_name": "B",
            "birth_date": "1990-05-17",
        }
        body = {"external_id": f"x{n}", "referred_on": "2024-01-05", "person": person_}
        assert client.post("/api/v1/referrals/", body, format="json").status_code == 201
    first = Referral.objects.order_by("pk").first()
    make_client("admin").post(f"/api/v1/referrals/{first.pk}/reject/", {"reason": "other", "on": "2024-01-07"})
    assert partner_services.referrals_expire(on=D(2024, 8, 1)) == 7
    compute(D(2024, 6, 30))
    page = session_for(role).get("/dashboard/partners/").content.decode()
    section = page[page.index('data-breakdown="partner"') :]
    start = section.index('data-period="2024"')
    row = section[start : section.index("</tr>", start)]
    assert 'data-measure="expired" data-value="7"' in row  # seven of eight expired: above k for everyone
    assert 'data-measure="accepted" data-value="0"' in row  # zero is never suppressed
    kinds = page[page.index('data-breakdown="partner_kind"') : page.index('data-breakdown="partner"')]
    assert "partner_kind" not in re.findall(r'<th scope="col">([^<]*)</th>', kinds)  # dimensions by their labels
    assert "<td>integration_agency</td>" not in kinds


def test_the_indicator_page_is_rendered_once_per_publication_view_and_query(
    published, compute, region_office, django_assert_max_num_queries
):
    reporting, admin = session_for(Role.REPORTING), session_for(Role.ADMIN)
    path = "/dashboard/indicators/sd1.intake/"
    first = cells_of(reporting.get(path).content.decode())["sd1.intake"]
    with django_assert_max_num_queries(4):  # the session, the user, the served run: no values query
        again = reporting.get(path).content.decode()
    assert cells_of(again)["sd1.intake"] == first
    assert {"period": "2022", "series": "total", "value": "", "suppressed": "true"} in first
    assert {"period": "2022", "series": "total", "value": "4"} in cells_of(admin.get(path).content.decode())[
        "sd1.intake"
    ]
    by_region = cells_of(reporting.get(path, {"by": "region"}).content.decode())["sd1.intake"]
    assert {c["series"] for c in by_region} != {"total"}
    quarters = cells_of(reporting.get(path, {"period_type": "quarter"}).content.decode())["sd1.intake"]
    assert all("-Q" in c["period"] for c in quarters)
    trajectory(person(region_office("ANT01")), D(2023, 5, 1))
    compute(D(2024, 6, 30))  # a new publication: the next request shows it
    assert {"period": "2023", "series": "total", "value": "6"} in cells_of(reporting.get(path).content.decode())[
        "sd1.intake"
    ]


@pytest.mark.django_db
def test_the_partner_page_names_partners_and_draws_only_the_most_referring(compute, django_assert_num_queries):
    from partners.models import Referral

    history = [{"status": "received", "on": "2023-05-01", "at": "2023-05-01T00:00:00+00:00"}]
    for p in range(10):
        partner = factories.PartnerFactory(code=f"p{p:02}", name=f"Onthaalbureau {p:02}")
        for n in range(p + 1):  # partner p09 refers most, p00 least
            Referral.objects.create(
                partner=partner, external_id=f"r{n}", body_hash="0" * 64, referred_on=D(2023, 5, 1),
                person={"insz": "x"}, status="received", status_history=history,
            )  # fmt: skip
    compute(D(2024, 6, 30))
    client = session_for(Role.ADMIN)
    # Session and user, four values queries of four queries each, one for the partners' names
    # per section: the same with one partner or a hundred.
    with django_assert_num_queries(20):
        html = client.get("/dashboard/partners/").content.decode()
    per_partner = html[html.index('data-breakdown="partner"') :]
    chart = per_partner[: per_partner.index("</svg>")]
    assert "Onthaalbureau 09" in chart and "Onthaalbureau 02" in chart
    assert "Onthaalbureau 01" not in chart  # the two smallest are left out of the chart ...
    assert 'data-left-out="2"' in per_partner
    table = per_partner[per_partner.index("<table") :]
    assert "<td>Onthaalbureau 00</td>" in table  # ... but not of the table
