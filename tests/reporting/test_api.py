"""The reporting API: catalogue, lexicon, values (suppression, ETag, CSV/XLSX, errors), objectives."""

import csv
import io

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from reporting.catalogue import INDICATORS

from .helpers import D, action, person, residence, table, trajectory, values

pytestmark = pytest.mark.django_db
URL = "/api/v1/reporting/indicators/{}/values/"

ALL_CODES = [
    "sd1.intake", "sd1.outflow_to_work", "sd1.status_at_horizon", "sd1.protected_status_share",
    "sd1.outflow_reasons", "td1.1.duration", "td1.1.first_action_within", "td1.1.action_flow",
    "td1.1.tool_usage", "sd2.target_group_size", "td2.1.technical_screenings", "td2.1.competence_gap_share",
    "sd2.register_coverage",
    "td2.2.employer_campaigns", "sd3.perception", "td3.1.campaigns", "td3.1.complaints_received",
    "td3.1.complaints_timely", "td3.1.vacancy_checks", "td3.2.mentoring", "td4.1.referrals_received",
    "td4.1.referral_registration_rate", "td4.2.youth_actions", "td4.3.self_employment", "td4.4.interpreter_use",
    "td4.4.integrated_language", "td4.5.mediator_training",
    "sd1.durable_work", "sd1.reentry", "sd1.barriers", "td4.2.school_leavers",
]  # fmt: skip


def test_catalogue_lists_every_indicator_of_the_plan(reporting_client):
    r = reporting_client.get("/api/v1/reporting/indicators/")
    assert r.status_code == 200
    body = r.json()
    assert sorted(i["code"] for i in body) == sorted(ALL_CODES)
    intake = next(i for i in body if i["code"] == "sd1.intake")
    assert intake["objective"] == "sd1" and intake["unit"] == "count" and intake["disclosive"] is True
    assert intake["dimensions"][:3] == ["region", "office", "age_band"]
    assert intake["method_nl"] and intake["method_en"] and intake["name_nl"] and intake["name_en"]
    tools = next(i for i in body if i["code"] == "td1.1.tool_usage")
    assert tools["disclosive"] is False


def test_catalogue_detail_takes_codes_with_dots(reporting_client):
    r = reporting_client.get("/api/v1/reporting/indicators/td1.1.duration/")
    assert r.status_code == 200
    body = r.json()
    assert (body["code"], body["objective"], body["unit"]) == ("td1.1.duration", "td1.1", "days")
    assert body["always_dimensions"] == ["segment"]
    assert body["pairs"] == [["trajectory_type", "region"]]
    assert reporting_client.get("/api/v1/reporting/indicators/td9.nothing/").status_code == 404


def test_lexicon_lists_both_versions(reporting_client):
    r = reporting_client.get("/api/v1/reporting/lexicon/")
    assert r.status_code == 200
    body = r.json()
    assert [(v["version"], v["valid_from"], v["current"]) for v in body] == [
        ("2014", "2014-01-01", False),
        ("2017", "2017-01-01", True),
    ]
    assert "moedertaal" in body[1]["criteria_nl"] and "mother tongue" in body[1]["criteria_en"]


def test_no_person_data_is_reachable_with_a_reporting_key(reporting_client):
    for path in ("/api/v1/jobseekers/", "/api/v1/trajectories/", "/api/v1/actions/", "/api/v1/mediator-trainings/"):
        assert reporting_client.get(path).status_code == 403, path


def test_other_roles_may_not_read_reporting(mediator, partner_client, complaints_client, anonymous):
    for client in (mediator, partner_client, complaints_client):
        assert client.get("/api/v1/reporting/indicators/").status_code == 403
        assert client.get(URL.format("sd1.intake"), {"period_type": "year"}).status_code == 403
    assert anonymous.get("/api/v1/reporting/lexicon/").status_code == 401


@pytest.fixture
def small_cells(region_office, compute):
    """2023: five trajectories (not suppressed); 2022: four (suppressed); one protected person of five."""
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


def test_small_counts_are_suppressed_for_reporting_but_not_for_admin(reporting_client, admin_client, small_cells):
    rows = values(reporting_client, "sd1.intake", period_to="2023")["results"]
    assert [(r["period"], r["numerator"], r["value"], r["suppressed"], r["stats"]) for r in rows] == [
        ("2022", None, None, True, None),
        ("2023", 5, 5, False, {}),
    ]
    assert table(admin_client, "sd1.intake", period_to="2023") == {
        ("2022",): (4, None, 4, True),
        ("2023",): (5, None, 5, True),
    }


def test_percentages_are_suppressed_on_numerator_and_complement(reporting_client, admin_client, small_cells):
    # 2023 year end: nobody open. 2023-03-05 reference (month March): all closed by 31 March.
    rows = values(reporting_client, "sd1.outflow_to_work", period_from="2023", period_to="2023")["results"]
    six = rows[0]
    # 5 in the cohort, all outflow to work within 6 months: numerator 5, complement 0 -> shown.
    assert (six["dimensions"], six["numerator"], six["denominator"], six["value"], six["suppressed"]) == (
        {"horizon_months": 6}, 5, 5, 100.0, False,
    )  # fmt: skip
    by_region = values(reporting_client, "sd1.outflow_to_work", period_from="2023", period_to="2023", by="region")
    first = by_region["results"][0]
    assert first["dimensions"] == {"horizon_months": 6, "region": "antwerpen"}
    assert (first["numerator"], first["denominator"], first["value"], first["stats"]) == (None, None, None, None)
    assert first["suppressed"] is True
    admin = values(admin_client, "sd1.outflow_to_work", period_from="2023", period_to="2023", by="region")
    assert admin["results"][0]["numerator"] == 4 and admin["results"][0]["suppressed"] is False


def test_protected_share_suppressed_on_small_numerator_and_small_complement(
    reporting_client, admin_client, region_office, compute
):
    ant = region_office("ANT01")
    for i in range(10):
        p = person(ant)
        # 2023: persons 0-4 open, one protected (1 of 5); 2024: persons 5-9, four protected (complement 1)
        if i in (0, 5, 6, 7, 8):
            residence(p, "recognised_refugee", D(2020, 1, 1))
        if i < 5:
            trajectory(p, D(2023, 1, 2), outflow=D(2023, 12, 1))
        else:
            trajectory(p, D(2023, 12, 15))
    compute(D(2024, 6, 30))
    rows = values(reporting_client, "sd1.protected_status_share", period_type="month", period_from="2023-06",
                  period_to="2023-06")["results"]  # fmt: skip
    assert (rows[0]["numerator"], rows[0]["denominator"], rows[0]["suppressed"]) == (None, None, True)
    rows = values(reporting_client, "sd1.protected_status_share", period_from="2024")["results"]
    assert (rows[0]["numerator"], rows[0]["denominator"], rows[0]["suppressed"]) == (None, None, True)
    assert table(admin_client, "sd1.protected_status_share", period_from="2023") == {
        ("2023",): (4, 5, 80.0, True),
        ("2024",): (4, 5, 80.0, True),
    }
    rows = values(admin_client, "sd1.protected_status_share", period_type="month", period_from="2023-06",
                  period_to="2023-06")["results"]  # fmt: skip
    assert (rows[0]["numerator"], rows[0]["denominator"], rows[0]["value"]) == (1, 5, 20.0)


def test_zero_numerator_is_not_suppressed(reporting_client, region_office, compute):
    ant = region_office("ANT01")
    for i in range(5):
        trajectory(person(ant), D(2023, 1, 2 + i))  # open: no outflow
    compute(D(2024, 6, 30))
    rows = values(reporting_client, "sd1.outflow_to_work", period_from="2023", period_to="2023")["results"]
    assert (rows[0]["numerator"], rows[0]["denominator"], rows[0]["value"], rows[0]["suppressed"]) == (0, 5, 0.0, False)


def test_days_show_median_from_k_and_quartiles_from_2k(reporting_client, admin_client, small_cells):
    # registration to outflow in 2023: 10, 11, 12, 13, 14 days
    rows = values(reporting_client, "td1.1.duration", period_from="2023", period_to="2023")["results"]
    reg = next(r for r in rows if r["dimensions"]["segment"] == "registration_to_outflow")
    assert (reg["numerator"], reg["value"], reg["stats"]) == (
        5,
        12.0,
        {"n": 5, "p25": None, "median": 12.0, "p75": None},
    )
    rows = values(admin_client, "td1.1.duration", period_from="2023", period_to="2023")["results"]
    reg = next(r for r in rows if r["dimensions"]["segment"] == "registration_to_outflow")
    assert reg["stats"] == {"n": 5, "p25": 11.0, "median": 12.0, "p75": 13.0}


@override_settings(IDW_SUPPRESSION_THRESHOLD=4)
def test_threshold_comes_from_the_setting(reporting_client, small_cells):
    rows = values(reporting_client, "sd1.intake", period_to="2023")["results"]
    assert [(r["period"], r["value"], r["suppressed"]) for r in rows] == [("2022", 4, False), ("2023", 5, False)]


def test_bad_parameters_are_400(reporting_client, small_cells):
    url = URL.format("sd1.intake")
    cases = [
        ({}, "period_type"),
        ({"period_type": "week"}, "period_type"),
        ({"period_type": "year", "period_from": "2023-Q1"}, "period_from"),
        ({"period_type": "quarter", "period_to": "2023"}, "period_to"),
        ({"period_type": "month", "period_from": "2023-13"}, "period_from"),
        ({"period_type": "year", "by": "tool"}, "by"),
        ({"period_type": "year", "by": "gender,office"}, "by"),  # not a supported pair
        ({"period_type": "year", "by": "region,gender,office"}, "by"),
        ({"period_type": "year", "run": "x"}, "run"),
    ]
    for params, key in cases:
        r = reporting_client.get(url, params)
        assert r.status_code == 400, params
        assert key in r.json(), (params, r.json())
    assert reporting_client.get(URL.format("xx.unknown"), {"period_type": "year"}).status_code == 404


def test_an_indicator_the_run_did_not_compute_is_404(reporting_client, small_cells):
    # Every family computes now: serve the run as if its code version lacked this indicator.
    from reporting.models import IndicatorBlock, ServedBlock

    ServedBlock.objects.filter(indicator="td2.1.technical_screenings").delete()
    IndicatorBlock.objects.filter(indicator="td2.1.technical_screenings").delete()
    assert reporting_client.get(URL.format("td2.1.technical_screenings"), {"period_type": "year"}).status_code == 404


def test_supported_pairs_are_served(reporting_client, small_cells):
    for by in ("region,gender", "gender,region", "age_band,gender", "region,office"):
        assert reporting_client.get(URL.format("sd1.intake"), {"period_type": "year", "by": by}).status_code == 200
    r = reporting_client.get(URL.format("td1.1.action_flow"), {"period_type": "year", "by": "action_category,age_band"})
    assert r.status_code == 200
    r = reporting_client.get(URL.format("td1.1.action_flow"), {"period_type": "year", "by": "action_category,project"})
    assert r.status_code == 400


def test_etag_differs_per_suppression_view_and_304_on_match(reporting_client, admin_client, small_cells):
    url = URL.format("sd1.intake")
    params = {"period_type": "year"}
    r1 = reporting_client.get(url, params)
    etag = r1["ETag"]
    assert etag and "Authorization" in r1["Vary"]
    assert admin_client.get(url, params)["ETag"] != etag
    r2 = reporting_client.get(url, params, HTTP_IF_NONE_MATCH=etag)
    assert r2.status_code == 304
    assert admin_client.get(url, params, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert reporting_client.get(url, {**params, "format": "csv"})["ETag"] != etag
    with override_settings(IDW_SUPPRESSION_THRESHOLD=3):
        assert reporting_client.get(url, params, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_csv_has_a_header_and_neutralised_text(reporting_client, admin_client, small_cells):
    r = admin_client.get(URL.format("td1.1.duration"), {"period_type": "year", "period_from": "2023", "format": "csv"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert rows[0] == [
        "period", "segment", "numerator", "denominator", "value", "suppressed", "mature", "complete",
        "stats.n", "stats.p25", "stats.median", "stats.p75",
    ]  # fmt: skip
    assert [
        "2023",
        "registration_to_outflow",
        "5",
        "",
        "12.0",
        "false",
        "true",
        "true",
        "5",
        "11.0",
        "12.0",
        "13.0",
    ] in rows
    r = reporting_client.get(URL.format("sd1.intake"), {"period_type": "year", "by": "age_band", "format": "csv"})
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert rows[0] == ["period", "age_band", "numerator", "denominator", "value", "suppressed", "mature", "complete"]
    assert ["2022", "25-49", "", "", "", "true", "true", "true"] in rows


def test_csv_and_xlsx_neutralise_formula_text_and_keep_numbers(admin_client, small_cells, monkeypatch):
    from reporting.api import formats

    assert formats.neutralise("=SUM(A1)") == "'=SUM(A1)"
    assert formats.neutralise("-1") == "'-1" and formats.neutralise("@x") == "'@x" and formats.neutralise("+3") == "'+3"
    assert formats.neutralise(-5.0) == -5.0 and formats.neutralise("<25") == "<25"
    r = admin_client.get(URL.format("td1.1.duration"), {"period_type": "year", "period_from": "2023", "format": "xlsx"})
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("period", "segment", "numerator", "denominator", "value")
    reg = next(row for row in rows if row[1] == "registration_to_outflow")
    assert reg == ("2023", "registration_to_outflow", 5, None, 12, False, True, True, 5, 11, 12, 13)


def test_values_take_a_constant_number_of_queries(reporting_client, small_cells, django_assert_max_num_queries):
    url = URL.format("sd1.intake")
    with django_assert_max_num_queries(8):
        r = reporting_client.get(url, {"period_type": "month", "by": "region"})
    assert r.status_code == 200 and len(r.json()["results"]) >= 2


def test_objectives_answer_question_c_in_one_call(reporting_client, admin_client, small_cells):
    r = reporting_client.get("/api/v1/reporting/objectives/")
    assert r.status_code == 200
    body = r.json()
    assert [o["code"] for o in body] == [
        "sd1", "td1.1", "sd2", "td2.1", "td2.2", "sd3", "td3.1", "td3.2", "sd4", "td4.1", "td4.2", "td4.3",
        "td4.4", "td4.5",
    ]  # fmt: skip
    sd1 = body[0]
    assert sd1["name_nl"] and sd1["name_en"]
    intake = next(i for i in sd1["indicators"] if i["code"] == "sd1.intake")
    assert intake["unit"] == "count"
    assert intake["rows"] == [
        {"period": "2022", "dimensions": {}, "value": None, "suppressed": True, "mature": True, "complete": True},
        {"period": "2023", "dimensions": {}, "value": 5, "suppressed": False, "mature": True, "complete": True},
    ]
    outflow = next(i for i in sd1["indicators"] if i["code"] == "sd1.outflow_to_work")
    assert [r["dimensions"] for r in outflow["rows"] if r["period"] == "2023"] == [
        {"horizon_months": h} for h in (6, 12, 18, 24, 30, 36)
    ]
    r = admin_client.get("/api/v1/reporting/objectives/", {"from_year": "2023", "to_year": "2023"})
    intake = next(i for i in r.json()[0]["indicators"] if i["code"] == "sd1.intake")
    assert [row["period"] for row in intake["rows"]] == ["2023"]
    assert reporting_client.get("/api/v1/reporting/objectives/", {"from_year": "20x"}).status_code == 400


def test_catalogue_module_and_definitions_agree(reporting_client):
    body = reporting_client.get("/api/v1/reporting/indicators/").json()
    assert [i["code"] for i in body] == [i.code for i in INDICATORS]


def test_more_rows_than_the_cap_is_400(reporting_client, small_cells, monkeypatch):
    from reporting import selectors

    monkeypatch.setattr(selectors, "MAX_ROWS", 1)
    r = reporting_client.get(URL.format("sd1.intake"), {"period_type": "year"})
    assert r.status_code == 400 and "narrower" in r.json()["non_field_errors"][0]
    r = reporting_client.get(URL.format("sd1.intake"), {"period_type": "year", "period_from": "2023"})
    assert r.status_code == 200 and len(r.json()["results"]) == 1
