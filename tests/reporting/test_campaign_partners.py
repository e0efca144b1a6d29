"""The `partner` dimension of td2.2.employer_campaigns and td3.1.campaigns (indicators.md): a joint campaign
counts once for each partner that organised it, `none` when the service alone; totals count it once."""

import pytest

from employers import services
from employers.models import Campaign
from partners.models import PartnerAgreement
from tests import factories

from .helpers import D, values

pytestmark = pytest.mark.django_db
AS_OF = D(2024, 6, 30)
EMPLOYERS = "td2.2.employer_campaigns"


@pytest.fixture
def joint(db):
    agii = factories.PartnerFactory(code="agii", kind="integration_agency")
    vvsg = factories.PartnerFactory(code="vvsg", kind="employer_organisation")

    def campaign(objective, held_on, audience, potential, measured, partners=()):
        c = Campaign.objects.create(objective=objective, title="c", held_on=held_on, audience=audience,
                                    potential_reach=potential, measured_reach=measured)  # fmt: skip
        c.partners.set(partners)

    campaign("td2.2", D(2024, 3, 1), "employers", 1000, 400, [agii, vvsg])  # joint
    campaign("td2.2", D(2024, 4, 1), "employers", 500, None, [agii])
    campaign("td2.2", D(2024, 5, 1), "public", 200, 50)  # the service alone
    campaign("td3.1", D(2024, 5, 1), "public", 10000, 3000, [vvsg])
    PartnerAgreement.objects.create(
        partner=agii, starts_on=D(2024, 1, 1), ends_on=D(2024, 12, 31),
        targets=[{"indicator": EMPLOYERS, "year": 2024, "value": 4}, {"indicator": "td3.1.campaigns", "year": 2024,
                                                                          "value": 2}],
    )  # fmt: skip
    return agii, vvsg


def _rows(client, code, **params):
    return [(r["dimensions"], r["value"], r["stats"]) for r in values(client, code, **params)["results"]]


def test_a_joint_campaign_counts_once_per_partner_and_once_in_the_total(reporting_client, compute, joint):
    run = compute(AS_OF)
    assert run.status == "succeeded", run.error
    assert _rows(reporting_client, EMPLOYERS) == [
        ({}, 3, {"potential_reach": 1700, "measured_reach": 450, "target": None}),
    ]
    assert _rows(reporting_client, EMPLOYERS, by="audience") == [
        ({"audience": "employers"}, 2, {"potential_reach": 1500, "measured_reach": 400, "target": None}),
        ({"audience": "public"}, 1, {"potential_reach": 200, "measured_reach": 50, "target": None}),
    ]
    assert _rows(reporting_client, EMPLOYERS, by="partner") == [
        ({"partner": "agii"}, 2, {"potential_reach": 1500, "measured_reach": 400, "target": 4}),
        ({"partner": "none"}, 1, {"potential_reach": 200, "measured_reach": 50, "target": None}),
        ({"partner": "vvsg"}, 1, {"potential_reach": 1000, "measured_reach": 400, "target": None}),
    ]
    assert _rows(reporting_client, "td3.1.campaigns", by="partner") == [
        ({"partner": "vvsg"}, 1, {"potential_reach": 10000, "measured_reach": 3000, "target": None}),
    ]
    months = _rows(reporting_client, EMPLOYERS, by="partner", period_type="month", period_from="2024-04",
                   period_to="2024-04")  # fmt: skip
    assert months == [({"partner": "agii"}, 1, {"potential_reach": 500, "measured_reach": None, "target": None})]


def test_the_next_run_follows_a_campaigns_partners(reporting_client, compute, joint, make_client):
    agii, vvsg = joint
    compute(AS_OF)
    admin = make_client("admin")
    alone = Campaign.objects.get(audience="public", objective="td2.2")
    services.campaign_update(actor=admin.user, campaign=alone, partners=[vvsg])
    compute(AS_OF)
    by_partner = {r[0]["partner"]: r[1] for r in _rows(reporting_client, EMPLOYERS, by="partner")}
    assert by_partner == {"agii": 2, "vvsg": 2}
