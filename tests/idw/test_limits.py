"""api.md "Conventions" limits: sane dates, integer ranges, text lengths, body size,
nesting, repeated keys, JSON errors in the flat shape, no 500 (issue 16: 2, 5-10)."""

import json

import pytest
from rest_framework import serializers

from accounts.models import Role
from idw.api import fields as sane
from partners.models import Partner, Referral
from tests import factories
from tests.partners.conftest import referral_body
from trajectories.models import Office

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_api(make_client):
    return make_client(Role.PARTNER, partner=factories.PartnerFactory(code="atlas"))


def post_raw(client, path, body: bytes | str, content_type="application/json"):
    return client.generic("POST", path, body, content_type=content_type)


def assert_flat(response, status):
    assert response.status_code == status, response.content[:300]
    data = response.json()
    assert isinstance(data, dict) and data
    assert all(isinstance(v, list) and all(isinstance(m, str) for m in v) for v in data.values()), data


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"referred_on": "0035-07-31"}, "referred_on"),
        ({"referred_on": "1999-12-31"}, "referred_on"),
        ({"referred_on": "35-07-31"}, "referred_on"),
        ({"referred_on": "2024-3-1"}, "referred_on"),
        ({"referred_on": "２０２４-03-01"}, "referred_on"),
    ],
)
def test_business_dates_before_2000_are_400_on_the_field(partner_api, change, field):
    r = partner_api.post("/api/v1/referrals/", referral_body(**change), format="json")
    assert_flat(r, 400)
    assert field in r.json()
    assert not Referral.objects.exists()


def test_birth_dates_from_1900(partner_api):
    body = referral_body()
    body["person"]["birth_date"] = "1899-12-31"
    r = partner_api.post("/api/v1/referrals/", body, format="json")
    assert_flat(r, 400)
    assert "person.birth_date" in r.json()
    body["person"]["birth_date"] = "1900-01-01"
    assert partner_api.post("/api/v1/referrals/", body, format="json").status_code == 201


def test_dates_after_2100_are_400(admin_client):
    factories.PartnerFactory(code="agii")
    body = {"partner": "agii", "starts_on": "2023-01-01", "ends_on": "2101-01-01", "objectives": []}
    r = admin_client.post("/api/v1/agreements/", body, format="json")
    assert_flat(r, 400)
    assert "ends_on" in r.json()


def test_date_filters_outside_the_range_are_400(partner_api):
    r = partner_api.get("/api/v1/referrals/", {"referred_after": "0035-01-01"})
    assert_flat(r, 400)


def test_every_date_field_of_the_api_is_the_sane_one():
    """The one owner of the date rule: no serializer of the schema has a plain DRF DateField."""
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator()
    generator.get_schema(request=None, public=True)
    seen = 0
    for _path, _regex, _method, view in generator._get_paths_and_endpoints():
        getter = getattr(view, "get_serializer_class", None)
        if getter is None:
            continue
        try:
            serializer_class = getter()
        except Exception:  # noqa: BLE001,S112 (views whose serializer needs a request)
            continue
        stack = [serializer_class()]
        while stack:
            serializer = stack.pop()
            for name, field in serializer.fields.items():
                if isinstance(field, serializers.BaseSerializer):
                    stack.append(getattr(field, "child", field))
                elif isinstance(field, serializers.DateField) and not field.read_only:
                    seen += 1
                    assert isinstance(field, sane.DateField), f"{serializer_class.__name__}.{name}"
    assert seen > 5


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/reporting/indicators/sd1.intake/values/", {"period_type": "year", "run": "²"}),
        ("/api/v1/reporting/indicators/sd1.intake/values/", {"period_type": "year", "run": "9" * 30}),
        ("/api/v1/reporting/objectives/", {"from_year": "²²²²"}),
        ("/api/v1/reporting/objectives/", {"from_year": "0035"}),
    ],
)
def test_unicode_digits_and_huge_numbers_in_query_params_are_400(reporting_client, path, params):
    assert_flat(reporting_client.get(path, params), 400)


def test_huge_integers_are_400(admin_client):
    factories.PartnerFactory(code="agii")
    body = {
        "partner": "agii",
        "starts_on": "2023-01-01",
        "ends_on": "2025-12-31",
        "objectives": [],
        "referral_target_per_year": 99999999999999999999,
    }
    r = admin_client.post("/api/v1/agreements/", body, format="json")
    assert_flat(r, 400)
    assert "referral_target_per_year" in r.json()


@pytest.mark.parametrize("value", ["null", "abc", "0", "-1", "²"])
def test_page_size_not_a_positive_number_is_400(mediator, value):
    assert_flat(mediator.get("/api/v1/jobseekers/", {"page_size": value}), 400)


def test_page_size_is_clamped(mediator):
    assert mediator.get("/api/v1/jobseekers/", {"page_size": "100000"}).status_code == 200


def test_free_text_over_4000_characters_is_400(partner_api):
    r = partner_api.post("/api/v1/referrals/", referral_body(reason="x" * 4001), format="json")
    assert_flat(r, 400)
    assert "reason" in r.json()
    assert not Referral.objects.exists()


def test_body_over_2_mb_is_413_in_the_flat_shape(partner_api):
    body = json.dumps(referral_body(reason="x" * (2 * 1024 * 1024 + 10)))
    assert_flat(post_raw(partner_api, "/api/v1/referrals/", body), 413)
    assert not Referral.objects.exists()


def test_bulk_accepts_more_than_2_mb_but_not_10(partner_api):
    big = json.dumps({"referrals": [], "padding": "x" * (3 * 1024 * 1024)})
    assert post_raw(partner_api, "/api/v1/referrals/bulk/", big).status_code == 400
    huge = json.dumps({"referrals": [], "padding": "x" * (10 * 1024 * 1024 + 10)})
    assert_flat(post_raw(partner_api, "/api/v1/referrals/bulk/", huge), 413)


def test_deep_nesting_is_400_not_recursion_error(partner_api):
    for depth in (33, 1100, 100_000):
        assert_flat(post_raw(partner_api, "/api/v1/referrals/", "[" * depth + "]" * depth), 400)
    nested = referral_body()
    value = "x"
    for _ in range(40):
        value = {"a": value}
    nested["reason"] = value
    assert_flat(partner_api.post("/api/v1/referrals/", nested, format="json"), 400)


def test_repeated_key_is_400(partner_api):
    body = json.dumps(referral_body())[:-1] + ', "external_id": "other"}'
    assert_flat(post_raw(partner_api, "/api/v1/referrals/", body), 400)
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"a": NaN}', b"\xff\xfe", b'{"external_id": "a\\u0000b"}', b'{"external_id": "\\ud800"}'],
)
def test_parse_errors_are_400_in_the_flat_shape(partner_api, body):
    r = post_raw(partner_api, "/api/v1/referrals/", body)
    assert_flat(r, 400)
    assert "non_field_errors" in r.json()


def test_wrong_content_type_is_415_in_the_flat_shape(partner_api):
    assert_flat(post_raw(partner_api, "/api/v1/referrals/", "a=b", "application/x-www-form-urlencoded"), 415)


@pytest.mark.parametrize("path", ["/api/nothing", "/api/v1/no-such-thing/", "/api/v2/"])
def test_unmatched_api_urls_are_json_404(mediator, path):
    r = mediator.get(path)
    assert r.status_code == 404
    assert r["Content-Type"].startswith("application/json")


def test_patching_a_partners_code_does_not_make_a_second_row(admin_client):
    factories.PartnerFactory(code="agii")
    r = admin_client.patch("/api/v1/partners/agii/", {"code": "agii2"}, format="json")
    assert_flat(r, 400)
    assert "code" in r.json()
    assert list(Partner.objects.values_list("code", flat=True)) == ["agii"]
    assert admin_client.patch("/api/v1/partners/agii/", {"code": "agii", "name": "X"}, format="json").status_code == 200


def test_patching_an_offices_code_does_not_make_a_second_row(admin_client):
    office = factories.OfficeFactory(code="ANT09")
    before = Office.objects.count()
    r = admin_client.patch(f"/api/v1/offices/{office.code}/", {"code": "ANT99"}, format="json")
    assert_flat(r, 400)
    assert Office.objects.count() == before
