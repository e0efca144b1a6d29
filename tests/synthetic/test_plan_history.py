"""The synthetic history tells the plan's story: national-register statuses only since the authorisation
(autumn 2017), agreements covering every year of the window with targets scaled to the referrals."""

import datetime
import io

import pytest
from django.core.management import call_command

from partners.models import Partner, PartnerAgreement, Referral
from trajectories.models import ResidenceStatus
from trajectories.synthetic import AUTHORISED

pytestmark = pytest.mark.django_db
START, END = datetime.date(2014, 1, 1), datetime.date(2024, 6, 30)


@pytest.fixture
def generated(db):
    call_command("generate_synthetic", scale=0.0003, seed=3, start=START, end=END, stdout=io.StringIO())


def test_national_register_statuses_only_from_the_authorisation(generated):
    imported = ResidenceStatus.objects.filter(source="national_register")
    assert imported.exists()
    assert not imported.filter(valid_from__lt=AUTHORISED).exists()
    assert ResidenceStatus.objects.filter(source="manual", valid_from__lt=AUTHORISED).exists()


def test_agreements_cover_every_year_with_targets_scaled_to_the_referrals(generated):
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
