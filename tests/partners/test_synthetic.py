"""The partners app's synthetic data: consistent with the case records, valid by the rules, deterministic."""

import datetime
import hashlib
import io

import pytest

from partners import synthetic
from partners.models import PartnerAgreement, Project, Referral
from partners.services import qualifying_trajectory
from trajectories.models import JobSeeker
from trajectories.synthetic import Synth, generate_case_records, generate_reference
from trajectories.validators import validate_insz

pytestmark = pytest.mark.django_db


def _digest() -> str:
    rows = [
        list(Referral.objects.order_by("pk").values_list(*synthetic.REFERRAL_FIELDS[:-2])),
        list(
            PartnerAgreement.objects.order_by("partner", "starts_on").values_list("partner", "starts_on", "objectives")
        ),
        list(Project.partners.through.objects.order_by("project", "partner").values_list("project", "partner")),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _forget() -> None:
    Referral.objects.all().delete()
    PartnerAgreement.objects.all().delete()
    Project.partners.through.objects.all().delete()


def test_synthetic_partner_data_follows_the_rules_and_repeats():
    synth = Synth(
        seed=3, scale=0.0003, start=datetime.date(2016, 1, 1), end=datetime.date(2018, 12, 31), stdout=io.StringIO()
    )
    generate_reference(synth)
    generate_case_records(synth)
    counts = synthetic.generate(synth)
    assert counts["partners.Referral"] == Referral.objects.count() > 0
    assert "spoor21" in synth.partners_by_kind["training_provider"]
    assert all("td4.5" in a.objectives for a in PartnerAgreement.objects.filter(partner="spoor21"))
    assert not PartnerAgreement.objects.filter(
        referral_target_per_year__isnull=False, partner__kind="education"
    ).exists()
    assert Project.objects.filter(partners__isnull=False).distinct().count() == len(synth.project_codes)

    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == {"received", "accepted", "rejected", "registered"}
    assert not Referral.objects.filter(referred_on__gt=synth.end).exists()
    for referral in Referral.objects.select_related("job_seeker", "registered_by"):
        history = referral.status_history
        assert history[0] == {**history[0], "status": "received", "on": referral.referred_on.isoformat()}
        assert history[-1]["status"] == referral.status
        assert all(step["on"] >= referral.referred_on.isoformat() for step in history)
        if referral.status in ("accepted", "registered"):
            assert referral.job_seeker.registration_channel == "referral"
            assert referral.person["insz"] == referral.job_seeker.insz
            first = qualifying_trajectory(job_seeker_id=referral.job_seeker_id, referred_on=referral.referred_on)
            assert (first.pk if first else None) == referral.registered_by_id
        if referral.status == "registered":
            assert history[-1]["on"] == referral.registered_by.started_on.isoformat()
        if referral.status in ("received", "rejected"):
            assert referral.job_seeker_id is None
        if referral.person is not None:
            validate_insz(referral.person["insz"])
        else:
            assert referral.status == "rejected"
    linked = set(Referral.objects.exclude(job_seeker=None).values_list("job_seeker", flat=True))
    with_trajectory = set(
        JobSeeker.objects.filter(registration_channel="referral", trajectories__isnull=False).values_list(
            "pk", flat=True
        )
    )
    assert linked == with_trajectory

    first = _digest()
    _forget()
    synthetic.generate(synth)
    assert _digest() == first
