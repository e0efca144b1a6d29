"""The synthetic history tells the plan's story (question 668): the 2015-2016 asylum surge in intake with a
rising protected-status share, referrals rising from 2016, national-register statuses only since the
authorisation (autumn 2017), agreements whose targets cover every year, the plan's partners and project leads."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction

from partners.models import Partner, PartnerAgreement, Project, Referral
from trajectories.models import ResidenceStatus, Trajectory
from trajectories.synthetic import AUTHORISED, PARTNERS, PROJECTS

from .helpers import at_work_within, per_year, protected_share_per_year

START, END = datetime.date(2014, 1, 1), datetime.date(2024, 6, 30)


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """One history of ten years (3,000 people) for the module's checks, undone at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("generate_synthetic", scale=0.003, seed=3, start=START, end=END, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_the_asylum_surge_fills_the_intake_of_2015_to_2017(generated, db):
    intake = per_year(Trajectory, "started_on", range(2014, 2019))
    assert intake[2016] > 1.6 * intake[2014] and intake[2017] > 1.6 * intake[2014], intake
    assert intake[2015] > 1.15 * intake[2014], intake
    protected = per_year(
        Trajectory,
        "started_on",
        range(2014, 2019),
        job_seeker__residence_statuses__status__in=["recognised_refugee", "subsidiary_protection"],
    )
    assert protected[2016] > 5 * protected[2014], protected


def test_the_protected_status_share_rises_from_about_12_to_about_45_percent(generated, db):
    share = protected_share_per_year(range(2014, 2019))
    assert 6 <= share[2014] <= 20, share
    assert share[2014] < share[2015] < share[2016], share
    assert 38 <= max(share.values()) <= 52, share


def test_referrals_rise_from_2016(generated, db):
    made = per_year(Referral, "referred_on", range(2014, 2019))
    assert made[2016] > 1.5 * made[2015] > 1.5 * made[2014], made
    assert max(made[2017], made[2018]) > 1.1 * made[2016], made


def test_the_outflow_calibration_holds_over_the_longer_history(generated, db):
    share_24, _ = at_work_within(24, END)
    share_36, cohort = at_work_within(36, END)
    assert cohort > 2000
    assert 41 <= share_24 <= 49, share_24
    assert 68 <= share_36 <= 76, share_36


def test_national_register_statuses_only_from_the_authorisation(generated, db):
    imported = ResidenceStatus.objects.filter(source="national_register")
    assert imported.exists()
    assert not imported.filter(valid_from__lt=AUTHORISED).exists()
    assert ResidenceStatus.objects.filter(source="manual", valid_from__lt=AUTHORISED).exists()


def test_agreements_cover_every_year_with_targets_scaled_to_the_referrals(generated, db):
    for partner in Partner.objects.filter(agreements__isnull=False).distinct():
        agreements = list(PartnerAgreement.objects.filter(partner=partner).order_by("starts_on"))
        assert agreements[0].starts_on <= datetime.date(START.year + 1, 1, 1)
        assert agreements[-1].ends_on >= END
        for before, after in zip(agreements, agreements[1:], strict=False):
            assert after.starts_on == before.ends_on + datetime.timedelta(days=1)
    referring = PartnerAgreement.objects.exclude(referral_target_per_year=None)
    assert referring.exists()
    for agreement in referring:
        years = {t["year"] for t in agreement.targets}
        assert years == set(range(agreement.starts_on.year, agreement.ends_on.year + 1))
    # Scaled to the data: a partner's yearly target is 0.9 to 1.3 times what it referred a year meanwhile.
    for agreement in referring:
        years = [y for y in range(agreement.starts_on.year, agreement.ends_on.year + 1) if START.year <= y <= END.year]
        made = Referral.objects.filter(partner=agreement.partner, referred_on__year__in=years).count() / len(years)
        assert agreement.referral_target_per_year == 1 or 0.9 * made - 1 <= agreement.referral_target_per_year
        assert agreement.referral_target_per_year <= max(1, 1.3 * made + 1)


def test_every_year_of_a_recent_window_has_one_target_per_referring_partner(generated, db):
    referring = set(PartnerAgreement.objects.exclude(referral_target_per_year=None).values_list("partner", flat=True))
    assert PartnerAgreement.objects.filter(ends_on__year__gt=2020).exists()
    for year in (2021, 2022, 2023):
        covering = PartnerAgreement.objects.filter(starts_on__year__lte=year, ends_on__year__gte=year)
        # One agreement per partner and year: the target summed over the covering agreements is that one's.
        assert sorted(covering.exclude(referral_target_per_year=None).values_list("partner", flat=True)) == sorted(
            referring
        )


def test_the_partners_are_the_plans(generated, db):
    kinds = dict(Partner.objects.values_list("code", "kind"))
    assert {"atlas", "in-gent", "fedasil", "vvsg", "spoor21", "stad-gent", "ocmw-antwerpen"} <= set(kinds)
    assert kinds["atlas"] == kinds["in-gent"] == kinds["agii-limburg"] == "integration_agency"
    assert kinds["fedasil"] == kinds["loi-gent"] == "reception_agency"
    assert kinds["cvo-gent"] == kinds["okan-brussel"] == "education"
    assert kinds["spoor21"] == "training_provider"
    authorities = [code for code, kind in kinds.items() if kind == "local_authority"]
    assert any(c.startswith("ocmw-") for c in authorities) and any(c.startswith("stad-") for c in authorities)
    assert not all(c.startswith("ocmw-") for c in authorities)


def test_project_leads_fit_the_project(generated, db):
    leads = dict(Project.objects.values_list("code", "lead"))
    assert leads["esf-antwerpen-nieuwkomers"] == "ocmw-antwerpen"  # answer 3: the OCMW directs Antwerp's
    assert leads["esf-gent-nieuwkomers"] == "stad-gent"  # and the city Ghent's
    assert leads["amif-level2work"] is None  # @level2work under the service itself
    region = {code: where for code, _name, _kind, where in PARTNERS}
    for code, _name, _funding, lead, where in PROJECTS:
        assert leads[code] == lead
        if lead is not None:
            assert region[lead] in (None, where), code  # a local project is led from its own region
    for code, _name, _funding, _lead, where in PROJECTS:
        for partner in Project.objects.get(code=code).partners.values_list("code", flat=True):
            assert where is None or region[partner] in (None, where), (code, partner)
