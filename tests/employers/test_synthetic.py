"""The employers app's synthetic data: valid by the services' rules, and deterministic."""

import datetime
import hashlib
import io

import pytest
from django.db.models import F

from employers import services, synthetic
from employers.models import (
    Campaign,
    CompetenceScore,
    CompetenceScreening,
    DiscriminationComplaint,
    DiscriminationComplaintGround,
    Employer,
    VacancyCheck,
)
from trajectories.models import Action
from trajectories.synthetic import Synth, generate_case_records, generate_reference

pytestmark = pytest.mark.django_db


def _digest() -> str:
    rows = [
        list(CompetenceScreening.objects.order_by("pk").values_list(*synthetic.SCREENING_FIELDS)),
        list(
            CompetenceScore.objects.order_by("screening_id", "competence_id").values_list(
                "screening_id", "competence_id", "score"
            )
        ),
        list(
            Action.objects.filter(planned_by_screening__isnull=False)
            .order_by("pk")
            .values_list("pk", "trajectory_id", "started_on")
        ),
        list(
            DiscriminationComplaint.objects.order_by("pk").values_list("channel", "received_on", "status", "closed_on")
        ),
        list(VacancyCheck.objects.order_by("pk").values_list("checked_on", "discriminatory", "measure")),
        list(Campaign.objects.order_by("pk").values_list("objective", "held_on", "potential_reach")),
        list(Employer.objects.order_by("pk").values_list("nace_code", "municipality_nis")),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _forget_employers_data() -> None:
    planned = list(
        CompetenceScreening.objects.exclude(competence_strengthening_action=None).values_list(
            "competence_strengthening_action", flat=True
        )
    )
    CompetenceScore.objects.all().delete()
    CompetenceScreening.objects.all().delete()
    Action.objects.filter(pk__in=planned).delete()
    DiscriminationComplaintGround.objects.all().delete()
    DiscriminationComplaint.objects.all().delete()
    VacancyCheck.objects.all().delete()
    Campaign.objects.all().delete()
    Employer.objects.update(nace_code=None, municipality_nis=None)


def test_synthetic_employers_data_follows_the_rules_and_repeats():
    synth = Synth(
        seed=7, scale=0.0003, start=datetime.date(2016, 1, 1), end=datetime.date(2018, 12, 31), stdout=io.StringIO()
    )
    generate_reference(synth)
    generate_case_records(synth)
    counts = synthetic.generate(synth)
    assert counts["employers.CompetenceScreening"] > 0
    assert counts["employers.CompetenceScreening"] == CompetenceScreening.objects.count()

    screenings = CompetenceScreening.objects
    assert not screenings.filter(screened_on__lt=F("action__started_on")).exists()
    assert not screenings.filter(screened_on__gt=F("action__ended_on")).exists()
    assert not screenings.filter(screened_on__gt=F("action__trajectory__outflow_on")).exists()
    assert not screenings.filter(screened_on__gt=synth.end).exists()
    assert (
        not screenings.exclude(action__action_type__category="workplace_learning")
        .exclude(action__action_type="vocational_training")
        .exists()
    )
    assert not screenings.filter(action__action_type__category="workplace_learning", employer=None).exists()
    with_gap = set(CompetenceScore.objects.filter(score=0).values_list("screening_id", flat=True))
    with_plan = set(screenings.exclude(competence_strengthening_action=None).values_list("pk", flat=True))
    assert with_gap == with_plan and with_gap
    for screening in screenings.exclude(competence_strengthening_action=None).select_related(
        "competence_strengthening_action", "action"
    )[:50]:
        planned = screening.competence_strengthening_action
        missing = sorted(screening.scores.filter(score=0).values_list("competence_id", flat=True))
        assert (planned.action_type_id, planned.status, planned.started_on) == (
            "competence_strengthening",
            "planned",
            screening.screened_on,
        )
        assert planned.trajectory_id == screening.action.trajectory_id
        assert sorted(planned.competences.values_list("pk", flat=True)) == missing

    for complaint in DiscriminationComplaint.objects.all():
        assert complaint.acknowledge_due == services.acknowledge_due(complaint.received_on)
        assert complaint.close_due == services.close_due(complaint.received_on)
        assert complaint.ground_rows.exists()
    assert not Employer.objects.filter(nace_code=None).exists()
    assert Campaign.objects.count() == 3 * synthetic.CAMPAIGNS_PER_YEAR

    first = _digest()
    _forget_employers_data()
    synthetic.generate(synth)
    assert _digest() == first
