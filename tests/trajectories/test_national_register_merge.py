"""The national register's authoritative merge (api.md "Imports") against hand-built periods."""

import datetime

import pytest

from tests import factories
from trajectories.models import ChangeRecord, ResidenceStatus
from trajectories.national_register import StatusItem, residence_statuses_import

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def js(db):
    return factories.JobSeekerFactory()


def manual(js, valid_from, valid_to=None, status="asylum_seeker"):
    return ResidenceStatus.objects.create(job_seeker=js, status=status, work_permit="none", valid_from=valid_from,
                                          valid_to=valid_to, source="manual")  # fmt: skip


def imported(js, valid_from, valid_to=None, status="recognised_refugee", permit="not_required"):
    return StatusItem(js.pk, status, permit, valid_from, valid_to)


def periods(js):
    return [
        (p.source, p.status, p.valid_from, p.valid_to)
        for p in ResidenceStatus.objects.filter(job_seeker=js).order_by("valid_from")
    ]


def run(*items):
    return [(o.status, o.key, o.manual_trimmed) for o in residence_statuses_import(actor=None, items=list(items))]


def test_an_import_inside_a_manual_period_splits_it(js):
    manual(js, D(2016, 1, 1), D(2019, 12, 31))
    assert run(imported(js, D(2017, 10, 1), D(2018, 3, 31))) == [(201, "created", 1)]
    assert periods(js) == [
        ("manual", "asylum_seeker", D(2016, 1, 1), D(2017, 9, 30)),
        ("national_register", "recognised_refugee", D(2017, 10, 1), D(2018, 3, 31)),
        ("manual", "asylum_seeker", D(2018, 4, 1), D(2019, 12, 31)),
    ]
    # one change record per row written: the trimmed one, the rest, the imported one
    assert ChangeRecord.objects.filter(model="trajectories.residencestatus").count() == 3


def test_an_open_import_inside_an_open_manual_period_closes_it(js):
    manual(js, D(2016, 1, 1))
    assert run(imported(js, D(2017, 10, 1))) == [(201, "created", 1)]
    assert periods(js) == [
        ("manual", "asylum_seeker", D(2016, 1, 1), D(2017, 9, 30)),
        ("national_register", "recognised_refugee", D(2017, 10, 1), None),
    ]


def test_an_import_over_two_manual_periods_trims_both_and_removes_the_covered_one(js):
    manual(js, D(2016, 1, 1), D(2017, 12, 31))
    manual(js, D(2018, 1, 1), D(2018, 6, 30), status="other_third_country")  # wholly covered
    manual(js, D(2018, 7, 1), status="eu_citizen")
    assert run(imported(js, D(2017, 11, 1), D(2018, 12, 31))) == [(201, "created", 3)]
    assert periods(js) == [
        ("manual", "asylum_seeker", D(2016, 1, 1), D(2017, 10, 31)),
        ("national_register", "recognised_refugee", D(2017, 11, 1), D(2018, 12, 31)),
        ("manual", "eu_citizen", D(2019, 1, 1), None),
    ]


def test_an_import_equal_to_a_manual_period_replaces_it(js):
    manual(js, D(2017, 10, 1), D(2018, 3, 31))
    assert run(imported(js, D(2017, 10, 1), D(2018, 3, 31))) == [(201, "created", 1)]
    assert periods(js) == [("national_register", "recognised_refugee", D(2017, 10, 1), D(2018, 3, 31))]
    records = ChangeRecord.objects.filter(model="trajectories.residencestatus").order_by("id")
    assert [(r.before is None, r.after is None) for r in records] == [(False, True), (True, False)]


def test_an_update_by_valid_from_and_the_same_again_unchanged(js):
    assert run(imported(js, D(2017, 10, 1), D(2018, 3, 31), status="asylum_seeker", permit="card_c")) == [
        (201, "created", 0)
    ]
    manual(js, D(2018, 4, 1))
    # The register now says: recognised from 1 Oct 2017, still valid; the manual period after it is covered.
    assert run(imported(js, D(2017, 10, 1))) == [(200, "updated", 1)]
    assert periods(js) == [("national_register", "recognised_refugee", D(2017, 10, 1), None)]
    assert run(imported(js, D(2017, 10, 1))) == [(200, "unchanged", 0)]
    assert ResidenceStatus.objects.filter(job_seeker=js).count() == 1


def test_a_conflicting_second_import_is_refused_and_changes_nothing(js):
    manual(js, D(2019, 1, 1))
    assert run(imported(js, D(2017, 10, 1), D(2018, 12, 31))) == [(201, "created", 0)]
    before = periods(js)
    records = ChangeRecord.objects.count()
    outcomes = residence_statuses_import(actor=None, items=[imported(js, D(2018, 6, 1))])
    assert [(o.status, o.key) for o in outcomes] == [(400, "invalid")]
    assert "valid_from" in outcomes[0].errors
    assert periods(js) == before and ChangeRecord.objects.count() == records


def test_items_apply_in_order_within_one_batch(js):
    other = factories.JobSeekerFactory()
    manual(other, D(2015, 1, 1))
    got = run(
        imported(js, D(2017, 10, 1), D(2017, 12, 31)),
        imported(js, D(2018, 1, 1)),
        imported(js, D(2017, 11, 1)),  # overlaps both imported ones
        imported(other, D(2017, 10, 1), D(2017, 9, 1)),  # ends before it starts
        imported(other, D(2017, 10, 1)),
    )
    assert got == [(201, "created", 0), (201, "created", 0), (400, "invalid", 0), (400, "invalid", 0),
                   (201, "created", 1)]  # fmt: skip
    assert periods(other)[0] == ("manual", "asylum_seeker", D(2015, 1, 1), D(2017, 9, 30))
