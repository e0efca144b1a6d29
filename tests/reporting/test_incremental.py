"""Incremental runs: the served values after one are identical to a full run on the same data.

Synthetic case data, a full run, then changes through the services (each
leaves change records); an incremental run recomputes the blocks they touch.
Every served value row of every indicator (every block, every breakdown) is
then compared with what a full run on the same data, `as_of` and lexicon
serves.
"""

import datetime
import io
from collections import Counter
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from accounts.models import Role
from partners.models import Referral
from reporting import services, tasks
from reporting.engine import incremental as analysis
from reporting.engine import runner
from reporting.models import IndicatorBlock, IndicatorRun, IndicatorValue, ServedBlock, TrajectoryFact
from trajectories import services as case
from trajectories.models import Action, ActionType, ChangeRecord, JobSeeker, ResidenceStatus, Trajectory
from trajectories.validators import make_insz

from .helpers import D

pytestmark = pytest.mark.django_db

AS_OF = D(2024, 6, 30)

VALUE_COLUMNS = (
    "indicator", "period_type", "period", "grouping", "horizon", "a1", "b1", "b2", "numerator", "denominator",
    "value_tenths", "s1", "s2", "s3", "s4", "s5", "mature", "complete",
)  # fmt: skip


def served() -> tuple[set, Counter]:
    """Every served block and every served value row (without the run that holds it)."""
    by_block = dict(
        ((indicator, period_type, period), run_id)
        for indicator, period_type, period, run_id in ServedBlock.objects.values_list(
            "indicator", "period_type", "period", "run_id"
        )
    )
    rows: Counter = Counter()
    for run_id in set(by_block.values()):
        for row in IndicatorValue.objects.filter(run_id=run_id).values_list(*VALUE_COLUMNS).iterator():
            if by_block.get(row[:3]) == run_id:
                rows[row] += 1
    return set(by_block), rows


@pytest.fixture
def world(compute, make_client):
    call_command("generate_synthetic", scale=0.0001, seed=5, start=D(2021, 1, 1), end=AS_OF, stdout=io.StringIO())
    client = make_client(Role.ADMIN)
    base = compute(AS_OF)
    assert base.status == "succeeded", base.error
    return SimpleNamespace(actor=client.user, client=client, base=base)


@pytest.fixture
def incremental(django_capture_on_commit_callbacks):
    def run() -> IndicatorRun:
        with django_capture_on_commit_callbacks(execute=True):
            run = services.incremental_run_now()
        assert run is not None
        run.refresh_from_db()
        return run

    return run


@pytest.fixture
def same_as_full(incremental, compute):
    """Run an incremental run; assert it served exactly what a full run on the same data serves."""

    def check(world, *, fewer_blocks: bool = True) -> IndicatorRun:
        pending = set(ChangeRecord.objects.filter(claimed_by__isnull=True).values_list("pk", flat=True))
        assert pending, "the change wrote no change record"
        run = incremental()
        assert (run.kind, run.status, run.error) == ("incremental", "succeeded", "")
        assert (run.base_run_id, run.as_of, run.lexicon_version) == (world.base.pk, AS_OF, world.base.lexicon_version)
        assert set(ChangeRecord.objects.filter(claimed_by=run.pk).values_list("pk", flat=True)) == pending
        written = IndicatorBlock.objects.filter(run=run).count()
        assert written > 0
        blocks, rows = served()
        assert ServedBlock.objects.filter(run=run).count() == written
        full = compute(AS_OF)
        assert full.status == "succeeded"
        if fewer_blocks:  # only the touched blocks were recomputed
            assert IndicatorBlock.objects.filter(run=full).count() > written
        full_blocks, full_rows = served()
        assert blocks == full_blocks
        assert rows == full_rows
        return run

    return check


def in_group_trajectories(world, **filters):
    """Trajectories of the base run's target group (one per person), ordered by id."""
    ids = TrajectoryFact.objects.filter(run=world.base, in_group=True).values("trajectory_id")
    single = [
        js
        for js, n in Counter(Trajectory.objects.values_list("job_seeker_id", flat=True)).items()
        if n == 1  # no neighbouring trajectory in the way of a moved date
    ]
    return Trajectory.objects.filter(pk__in=ids, job_seeker_id__in=single, **filters).order_by("pk")


def test_inserts(world, same_as_full):
    js = case.job_seeker_create(
        actor=world.actor, insz=make_insz(D(1995, 3, 4), 321), first_name="Nieuw", last_name="Persoon",
        birth_date=D(1995, 3, 4), gender="m", nationality="AF", birth_nationality="AF", mother_tongue="prs",
        office=Trajectory.objects.order_by("pk").first().intake_office,
    )  # fmt: skip
    case.residence_status_add(
        actor=world.actor, job_seeker=js, status="recognised_refugee", work_permit="not_required",
        valid_from=D(2022, 11, 2),
    )  # fmt: skip
    t = case.trajectory_create(
        actor=world.actor, job_seeker=js, type="integrated", started_on=D(2023, 2, 14),
        outflow_on=D(2024, 3, 9), outflow_reason="work",
    )  # fmt: skip
    case.action_create(
        actor=world.actor, trajectory=t, action_type=ActionType.objects.get(code="dutch_course"),
        started_on=D(2023, 4, 3), status="completed", ended_on=D(2023, 9, 29),
    )  # fmt: skip
    same_as_full(world)


def test_a_start_date_moved_to_another_period(world, same_as_full):
    t = in_group_trajectories(world, started_on__year=2022, started_on__month__gte=3).first()
    first = Action.objects.filter(trajectory=t).order_by("started_on").values_list("started_on", flat=True).first()
    new = t.started_on - datetime.timedelta(days=45)
    assert first is None or new <= first
    case.trajectory_update(actor=world.actor, trajectory=t, started_on=new)
    same_as_full(world)


def test_an_outflow_moved_across_years(world, same_as_full):
    t = in_group_trajectories(world, outflow_on__year=2023).first()
    case.trajectory_update(actor=world.actor, trajectory=t, outflow_on=D(2024, 2, 20), outflow_reason="work")
    same_as_full(world)


def test_an_outflow_set_on_an_open_trajectory(world, same_as_full):
    t = in_group_trajectories(world, outflow_on__isnull=True, started_on__lt=D(2023, 1, 1)).first()
    last = Action.objects.filter(trajectory=t).order_by("-started_on").values_list("started_on", flat=True).first()
    outflow = max(D(2023, 8, 31), last or D(2023, 8, 31))
    case.trajectory_update(actor=world.actor, trajectory=t, outflow_on=outflow, outflow_reason="education")
    same_as_full(world)


def test_a_residence_status_period_changed(world, same_as_full):
    people = in_group_trajectories(world).values("job_seeker_id")
    status = ResidenceStatus.objects.filter(job_seeker_id__in=people, valid_to__isnull=True).order_by("pk").first()
    js = status.job_seeker
    valid_from = status.valid_from + datetime.timedelta(days=75)  # a later start, another status
    case.residence_status_delete(actor=world.actor, residence_status=status)
    new = "subsidiary_protection" if status.status != "subsidiary_protection" else "asylum_seeker"
    case.residence_status_add(actor=world.actor, job_seeker=js, status=new, work_permit="card_c", valid_from=valid_from)
    same_as_full(world, fewer_blocks=False)  # an open status since before the calendar: every period


def test_an_agreement_with_targets_added(world, same_as_full):
    from partners import services as partner_services
    from partners.models import Partner

    partner = Partner.objects.order_by("code").first()
    targets = [
        {"indicator": "td4.1.referrals_received", "year": AS_OF.year, "value": 7},
        {"indicator": "td4.1.referral_registration_rate", "year": AS_OF.year, "value": 55.5},
    ]
    year = {"starts_on": D(AS_OF.year, 1, 1), "ends_on": D(AS_OF.year, 12, 31)}
    partner_services.agreement_create(
        actor=world.actor, partner=partner, referral_target_per_year=3, targets=targets, **year
    )
    same_as_full(world)


def test_a_campaigns_partners_changed(world, same_as_full):
    from employers import services as employer_services
    from employers.models import Campaign
    from partners.models import Partner

    campaign = Campaign.objects.filter(objective="td2.2", held_on__year=2023).order_by("id").first()
    assert campaign is not None
    partners = list(Partner.objects.order_by("code")[:2])
    employer_services.campaign_update(actor=world.actor, campaign=campaign, partners=partners)
    same_as_full(world)


def test_a_first_action_moved(world, same_as_full):
    started = Action.objects.exclude(status="planned").order_by("trajectory_id", "started_on", "pk")
    trajectories = in_group_trajectories(world, outflow_on__isnull=True).values("pk")
    later = datetime.timedelta(days=70)
    firsts: dict[int, Action] = {}
    for candidate in started.filter(trajectory_id__in=trajectories, started_on__lt=D(2023, 1, 1)):
        firsts.setdefault(candidate.trajectory_id, candidate)
    # The first action of a trajectory that can start 70 days later without ending before it starts.
    action = next(a for a in firsts.values() if a.ended_on is None or a.ended_on >= a.started_on + later)
    case.action_update(actor=world.actor, action=action, started_on=action.started_on + later)
    same_as_full(world)


def test_a_new_action_on_an_open_trajectory_touches_only_its_own_periods(world, same_as_full):
    # The action moves its trajectory's last_action_on, which only an outflow
    # period reads; an open trajectory has none, so its cohort is not touched.
    trajectory = in_group_trajectories(
        world, outflow_on__isnull=True, started_on__lt=D(2022, 1, 1), last_action_on__lt=D(2024, 5, 6)
    ).first()
    case.action_create(
        actor=world.actor, trajectory=trajectory, action_type=ActionType.objects.get(code="job_hunting"),
        started_on=D(2024, 5, 6), status="ongoing",
    )  # fmt: skip
    milestones = ChangeRecord.objects.get(model="trajectories.trajectory", row_id=str(trajectory.pk))
    assert milestones.after["last_action_on"] == "2024-05-06" != milestones.before["last_action_on"]
    run = same_as_full(world)
    periods = set(IndicatorBlock.objects.filter(run=run).values_list("period", flat=True))
    assert periods == {"2024", "2024-Q2", "2024-05"}


def test_an_action_change_no_indicator_reads_touches_nothing(world, incremental, compute):
    action = Action.objects.filter(status="ongoing", trajectory__outflow_on__isnull=True).order_by("pk").first()
    case.action_update(actor=world.actor, action=action, status="completed", ended_on=AS_OF)
    run = incremental()
    assert (run.kind, run.status) == ("incremental", "succeeded")
    assert not IndicatorBlock.objects.filter(run=run).exists()
    before = served()
    assert compute(AS_OF).status == "succeeded"
    assert served() == before


def test_many_changes_derive_every_fact_again(world, same_as_full, monkeypatch):
    monkeypatch.setattr(analysis, "PATCH_LIMIT", 0)
    trajectory = in_group_trajectories(world, outflow_on__isnull=True).first()
    case.trajectory_update(
        actor=world.actor, trajectory=trajectory, started_on=trajectory.started_on - datetime.timedelta(days=3)
    )
    same_as_full(world)


def test_deletes_in_old_and_new_periods(world, same_as_full):
    free = Action.objects.filter(screenings__isnull=True, planned_by_screening__isnull=True).exclude(status="planned")
    old = free.filter(started_on__year=2021).order_by("pk").first()
    case.action_delete(actor=world.actor, action=old)
    recent = (
        in_group_trajectories(world, started_on__gte=D(2023, 6, 1))
        .exclude(pk__in=Referral.objects.filter(registered_by__isnull=False).values("registered_by"))
        .exclude(actions__screenings__isnull=False)
        .exclude(actions__planned_by_screening__isnull=False)
    )[0]
    case.trajectory_delete(actor=world.actor, trajectory=recent)
    same_as_full(world)


def test_a_person_who_leaves_the_target_group(world, same_as_full):
    t = in_group_trajectories(world, started_on__lt=D(2022, 6, 1)).first()
    case.job_seeker_update(
        actor=world.actor, job_seeker=t.job_seeker, nationality="BE", birth_nationality="BE",
        parent_foreign_birth_nationality=False, mother_tongue="nl",
    )  # fmt: skip
    run = same_as_full(world, fewer_blocks=False)
    assert not TrajectoryFact.objects.get(run=run, trajectory_id=t.pk).in_group


def test_changes_after_changes_build_on_the_incremental_run(world, incremental, same_as_full):
    t = in_group_trajectories(world, outflow_on__year=2023).first()
    case.trajectory_update(actor=world.actor, trajectory=t, outflow_on=D(2023, 12, 30), outflow_reason="moved")
    first = incremental()
    assert first.status == "succeeded"
    case.trajectory_update(actor=world.actor, trajectory=t, outflow_on=D(2024, 1, 5))
    world.base = first
    same_as_full(world)
    # The first incremental run's facts were only there for the second to build on.
    assert not TrajectoryFact.objects.filter(run=first).exists()
    assert TrajectoryFact.objects.filter(run_id=first.base_run_id).exists()


def test_a_change_committed_while_the_run_computes_stays_pending(world, monkeypatch, incremental, same_as_full):
    first_t, second_t = in_group_trajectories(world, outflow_on__year=2023)[:2]
    case.trajectory_update(actor=world.actor, trajectory=first_t, outflow_on=D(2024, 1, 10))
    prepare = runner.prepare_incremental
    late = {}

    def prepare_and_meanwhile(run, base, analysis):
        # Another user's write commits while the run computes.
        case.trajectory_update(actor=world.actor, trajectory=second_t, outflow_on=D(2024, 2, 11))
        late["ids"] = set(ChangeRecord.objects.filter(claimed_by__isnull=True).values_list("pk", flat=True))
        prepare(run, base, analysis)

    monkeypatch.setattr(runner, "prepare_incremental", prepare_and_meanwhile)
    run = incremental()
    monkeypatch.setattr(runner, "prepare_incremental", prepare)
    assert run.status == "succeeded" and late["ids"]
    assert set(ChangeRecord.objects.filter(claimed_by__isnull=True).values_list("pk", flat=True)) == late["ids"]
    world.base = run
    nxt = same_as_full(world)
    assert set(ChangeRecord.objects.filter(claimed_by=nxt.pk).values_list("pk", flat=True)) == late["ids"]


def test_a_full_run_requested_meanwhile_supersedes_the_incremental_run(
    world, django_capture_on_commit_callbacks, incremental, same_as_full
):
    t = in_group_trajectories(world, outflow_on__year=2023).first()
    case.trajectory_update(actor=world.actor, trajectory=t, outflow_on=D(2024, 1, 10))
    claimed = set(ChangeRecord.objects.filter(claimed_by__isnull=True).values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        run = services.incremental_run_now()
    assert run.status == "queued" and len(queued) == 1
    # Nothing else starts while it is queued; a full run is not refused.
    assert services.incremental_run_now() is None
    with django_capture_on_commit_callbacks(execute=True):
        r = world.client.post("/api/v1/reporting/runs/", {"as_of": AS_OF.isoformat()})
    assert r.status_code == 202
    full = IndicatorRun.objects.get(pk=r.json()["id"])
    assert full.status == "succeeded"
    # The incremental run goes on, and does not publish over the full run.
    with django_capture_on_commit_callbacks(execute=True):
        queued[0]()
    run.refresh_from_db()
    assert run.status == "failed" and "superseded" in run.error
    assert not ServedBlock.objects.filter(run=run).exists()
    assert set(ChangeRecord.objects.filter(claimed_by__isnull=True).values_list("pk", flat=True)) == claimed
    assert not TrajectoryFact.objects.filter(run=run).exists()
    # Its changes stay pending: the next incremental run builds on the full run.
    world.base = full
    same_as_full(world)


def test_no_incremental_run_while_a_full_run_is_in_flight(world, django_capture_on_commit_callbacks):
    t = in_group_trajectories(world).first()
    case.trajectory_update(actor=world.actor, trajectory=t, type="classic" if t.type != "classic" else "integrated")
    with django_capture_on_commit_callbacks(execute=False):
        full, _created = services.indicator_run_request(as_of=AS_OF)
    assert services.incremental_run_now() is None
    assert not IndicatorRun.objects.filter(kind="incremental").exists()
    assert ChangeRecord.objects.filter(claimed_by__isnull=True).exists()


def test_a_base_of_another_code_version_asks_for_a_full_run(world, django_capture_on_commit_callbacks):
    IndicatorRun.objects.filter(pk=world.base.pk).update(code_version="0ld0ld0ld0ld")
    t = in_group_trajectories(world, outflow_on__year=2023).first()
    case.trajectory_update(actor=world.actor, trajectory=t, outflow_on=D(2024, 1, 10))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.incremental_run_now() is None
    assert not IndicatorRun.objects.filter(kind="incremental").exists()
    full = IndicatorRun.objects.exclude(pk=world.base.pk).get()
    assert (full.kind, full.status, full.as_of) == ("full", "succeeded", AS_OF)
    assert not ChangeRecord.objects.filter(claimed_by__isnull=True).exists()


def test_a_change_to_reference_data_asks_for_a_full_run(world, django_capture_on_commit_callbacks):
    office = Trajectory.objects.order_by("pk").first().intake_office
    ChangeRecord.objects.create(
        model="trajectories.office", row_id=office.pk, before={"region_id": "antwerpen"}, after={"region_id": "limburg"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = services.incremental_run_now()
    run.refresh_from_db()
    assert run.status == "failed" and "full run requested" in run.error
    full = IndicatorRun.objects.filter(kind="full").exclude(pk=world.base.pk).get()
    assert full.status == "succeeded"
    assert ChangeRecord.objects.get().claimed_by == full.pk


def test_the_beat_task_does_nothing_when_nothing_is_pending(world, django_capture_on_commit_callbacks):
    assert not ChangeRecord.objects.filter(claimed_by__isnull=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.incremental_run.delay()
    assert list(IndicatorRun.objects.values_list("pk", flat=True)) == [world.base.pk]


def test_the_beat_task_runs_an_incremental_run_and_the_api_shows_it(world, django_capture_on_commit_callbacks):
    t = in_group_trajectories(world, outflow_on__year=2023, started_on__year__gte=2022).first()
    case.trajectory_update(actor=world.actor, trajectory=t, outflow_on=D(2024, 1, 10))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.incremental_run.delay()
    run = IndicatorRun.objects.get(kind="incremental")
    body = world.client.get(f"/api/v1/reporting/runs/{run.pk}/").json()
    assert (body["kind"], body["status"], body["base_run"]) == ("incremental", "succeeded", world.base.pk)
    values = world.client.get(
        "/api/v1/reporting/indicators/sd1.outflow_reasons/values/", {"period_type": "year"}
    ).json()
    assert values["run"]["id"] == run.pk  # the most recent of the runs serving the blocks
    # Blocks it did not touch keep pointing at the full run.
    assert ServedBlock.objects.filter(run=world.base).exists()
    assert ServedBlock.objects.filter(run=run, indicator="sd1.outflow_reasons", period="2024").exists()
    assert not ServedBlock.objects.filter(run=run, period_type="year", period="2021").exists()


def test_nothing_to_build_on_before_the_first_full_run(db, make_client):
    actor = make_client(Role.ADMIN).user
    from tests.factories import OfficeFactory

    js = case.job_seeker_create(
        actor=actor, insz=make_insz(D(1990, 1, 2), 11), first_name="A", last_name="B", birth_date=D(1990, 1, 2),
        gender="f", nationality="SY", birth_nationality="SY", mother_tongue="ar", office=OfficeFactory(),
    )  # fmt: skip
    assert JobSeeker.objects.filter(pk=js.pk).exists() and ChangeRecord.objects.exists()
    assert services.incremental_run_now() is None
    assert not IndicatorRun.objects.exists()


def test_referrals_expired(world, same_as_full, settings):
    """The expiry task's change records touch the periods of the referrals it expired (stats.expired)."""
    from partners import services as partner_services

    oldest = Referral.objects.filter(status="received").order_by("referred_on").first()
    assert oldest is not None, "the synthetic data holds no undecided referral"
    settings.IDW_REFERRAL_EXPIRY_DAYS = max(1, (AS_OF - oldest.referred_on).days // 2)
    assert partner_services.referrals_expire(on=AS_OF) > 0
    same_as_full(world)
    expired = IndicatorValue.objects.filter(
        run__kind="full", indicator="td4.1.referrals_received", grouping="", period_type="year", s5__gt=0
    )
    assert expired.exists()
