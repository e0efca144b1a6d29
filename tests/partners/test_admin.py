"""The referral inbox and the partner screens in the Django admin."""

import pytest
from django.test import Client

from accounts.models import Role
from partners.models import PartnerAgreement, Referral
from tests import factories
from tests.partners.conftest import referral_body
from trajectories.models import ChangeRecord, JobSeeker

pytestmark = pytest.mark.django_db

# Every region: these referrals name no municipality, so none is in a mediator's own region
# (the default, see test_admin_inbox.py).
INBOX = "/admin/partners/referral/?region=all"


@pytest.fixture
def mediator_user(office):
    return factories.UserFactory(role=Role.MEDIATOR, office=office, is_staff=True)


@pytest.fixture
def browser(mediator_user):
    client = Client()
    client.force_login(mediator_user)
    return client


@pytest.fixture
def admin_browser(db):
    client = Client()
    client.force_login(factories.UserFactory(role=Role.ADMIN, is_staff=True))
    return client


@pytest.fixture
def referrals(post_referral, mediator):
    old = post_referral(referral_body("old", n=1, referred_on="2024-01-10")).json()["id"]
    new = post_referral(referral_body("new", n=2, referred_on="2024-03-10")).json()["id"]
    done = post_referral(referral_body("done", n=3, referred_on="2023-12-01")).json()["id"]
    mediator.post(f"/api/v1/referrals/{done}/reject/", {"reason": "duplicate"})
    return old, new, done


def test_inbox_shows_received_first_oldest_first(browser, referrals):
    r = browser.get(INBOX)
    assert r.status_code == 200
    order = [str(obj.pk) for obj in r.context["cl"].result_list]
    old, new, done = referrals
    assert order == [old, new, done]


def test_referral_page_shows_the_partner_and_its_agreement(browser, referrals, partner):
    import datetime

    PartnerAgreement.objects.create(
        partner=partner,
        starts_on=datetime.date(2023, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
        objectives=["sd1", "td1.1"],
        referral_target_per_year=80,
    )
    r = browser.get(f"/admin/partners/referral/{referrals[0]}/change/")
    assert r.status_code == 200
    page = r.content.decode()
    assert "Atlas" in page and "2023-01-01" in page and "TD1.1" in page and "80" in page


def test_accept_action_uses_the_service(browser, referrals, office):
    old = referrals[0]
    r = browser.post(INBOX, {"action": "accept_referrals", "_selected_action": [old]})
    assert r.status_code == 200  # the intermediate page
    assert "office" in r.content.decode()
    r = browser.post(
        INBOX, {"action": "accept_referrals", "_selected_action": [old], "apply": "1", "office": "", "on": "2024-01-15"}
    )
    assert r.status_code == 302
    referral = Referral.objects.get(pk=old)
    assert referral.status == "accepted"
    assert JobSeeker.objects.get(pk=referral.job_seeker_id).office_id == office.code
    assert ChangeRecord.objects.filter(model="partners.referral", row_id=old).count() == 2


def test_reject_action_reports_refused_transitions(browser, referrals):
    old, _new, done = referrals
    r = browser.post(
        INBOX,
        {"action": "reject_referrals", "_selected_action": [old, done], "apply": "1", "reason": "unreachable"},
        follow=True,
    )
    assert r.status_code == 200
    assert Referral.objects.get(pk=old).status == "rejected"
    assert Referral.objects.get(pk=old).rejection_reason == "unreachable"
    assert len(list(r.context["messages"])) == 2  # one refusal, one success


def test_admin_screens_of_partners_render(admin_browser, referrals):
    for path in (
        "/admin/partners/partner/",
        "/admin/partners/partner/atlas/change/",
        "/admin/partners/partneragreement/",
        "/admin/partners/partneragreement/add/",
        "/admin/partners/project/",
        "/admin/partners/project/add/",
        INBOX,
        f"{INBOX}&status__exact=received",
    ):
        assert admin_browser.get(path).status_code == 200, path


def test_admin_adds_an_agreement_with_a_change_record(admin_browser, partner):
    r = admin_browser.post(
        "/admin/partners/partneragreement/add/",
        {"partner": "atlas", "starts_on": "2024-01-01", "ends_on": "2024-12-31", "objectives": ["sd1", "td4.1"]},
    )
    assert r.status_code == 302
    agreement = PartnerAgreement.objects.get()
    assert agreement.objectives == ["sd1", "td4.1"]
    assert ChangeRecord.objects.filter(model="partners.partneragreement", row_id=str(agreement.pk)).exists()


def test_admin_records_an_agreements_targets_checked_by_the_services(admin_browser, partner):
    body = {"partner": "atlas", "starts_on": "2024-01-01", "ends_on": "2024-12-31", "objectives": ["td4.1"]}
    bad = '[{"indicator": "sd1.intake", "year": 2024, "value": 3}]'
    r = admin_browser.post("/admin/partners/partneragreement/add/", {**body, "targets": bad})
    assert r.status_code == 200 and not PartnerAgreement.objects.exists()
    good = '[{"indicator": "td4.1.referrals_received", "year": 2024, "value": 30}]'
    r = admin_browser.post("/admin/partners/partneragreement/add/", {**body, "targets": good})
    assert r.status_code == 302
    agreement = PartnerAgreement.objects.get()
    assert agreement.targets == [{"indicator": "td4.1.referrals_received", "year": 2024, "value": 30}]
    # Editing another field keeps the targets.
    edited = {**body, "targets": good, "ends_on": "2025-12-31"}
    r = admin_browser.post(f"/admin/partners/partneragreement/{agreement.pk}/change/", edited)
    assert r.status_code == 302
    assert PartnerAgreement.objects.get().targets == agreement.targets


def test_mediators_cannot_open_agreements(browser):
    assert browser.get("/admin/partners/partneragreement/").status_code == 403
