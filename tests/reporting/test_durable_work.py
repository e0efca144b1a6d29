"""sd1.durable_work, sd1.reentry, sd1.barriers and td4.2.school_leavers against hand-built data,
values by hand (the same on PostgreSQL and SQLite: run this file on both)."""

import pytest

from trajectories.imports.batch import run_import
from trajectories.imports.employment import EmploymentSpellImporter
from trajectories.models import Barrier, EmploymentSpell, JobSeeker

from .helpers import D, action, person, table, trajectory, values

pytestmark = pytest.mark.django_db
AS_OF = D(2024, 12, 15)


def spell(js, started, ended=None, ext=None):
    return EmploymentSpell.objects.create(
        external_id=ext or f"S{js.pk}-{started}", job_seeker=js, kind="employee", started_on=started, ended_on=ended
    )


@pytest.fixture
def work(region_office):
    office = region_office("ANT01", "antwerpen")
    a, b, c, e, f, g = (person(office) for _ in range(6))
    trajectory(a, D(2022, 1, 10), outflow=D(2023, 3, 10))
    spell(a, D(2023, 3, 11), D(2023, 9, 9))  # ends the day before the 6-month horizon (2023-09-10)
    trajectory(a, D(2023, 9, 10))  # back on the 6-month horizon day
    trajectory(b, D(2022, 1, 10), outflow=D(2023, 3, 10))
    spell(b, D(2023, 9, 10))  # starts on the horizon day, ongoing
    trajectory(c, D(2022, 1, 10), outflow=D(2023, 5, 31), reason="self_employment")
    spell(c, D(2023, 1, 1))  # ongoing since before the outflow
    trajectory(e, D(2022, 1, 10), outflow=D(2023, 4, 1))
    declared = {"external_id": "DIM-E", "insz": e.insz, "kind": "employee", "started_on": "2023-04-02"}
    run_import(EmploymentSpellImporter(), actor=None, raw_items=[declared])
    run_import(EmploymentSpellImporter(), actor=None, raw_items=[{**declared, "cancelled": True}])  # cancelled
    trajectory(e, D(2024, 1, 15))  # back within 12 months, not within 6
    trajectory(g, D(2022, 1, 10), outflow=D(2023, 8, 31))
    spell(g, D(2023, 9, 1), D(2024, 2, 29))  # 2023-08-31 + 6 months = 2024-02-29 (clamped): at work that day
    trajectory(f, D(2022, 1, 10), outflow=D(2024, 8, 1))  # 2024: horizons after as_of
    spell(f, D(2024, 8, 1))
    trajectory(person(office), D(2022, 1, 10), outflow=D(2023, 6, 1), reason="education")  # not to work
    assert not EmploymentSpell.objects.filter(external_id="DIM-E").exists()


def test_durable_work_by_hand(admin_client, compute, work):
    compute(AS_OF)
    assert table(admin_client, "sd1.durable_work") == {
        ("2023", 6): (3, 5, 60.0, True),  # b, c, g of a, b, c, e, g
        ("2023", 12): (2, 5, 40.0, True),  # b, c
        ("2024", 6): (0, 0, None, False),
        ("2024", 12): (0, 0, None, False),
    }


def test_reentry_by_hand(admin_client, compute, work):
    compute(AS_OF)
    rows = table(admin_client, "sd1.reentry")
    assert rows[("2023", 6)] == (1, 5, 20.0, True)  # a, back on the horizon day
    assert rows[("2023", 12)] == (2, 5, 40.0, True)  # a and e
    by_quarter = table(admin_client, "sd1.reentry", period_type="quarter", period_from="2023-Q1", period_to="2023-Q1")
    assert by_quarter[("2023-Q1", 12)] == (1, 2, 50.0, True)  # a and b flowed out in Q1; a came back


@pytest.fixture
def barriers(region_office):
    office = region_office("ANT01", "antwerpen")
    t1 = trajectory(person(office), D(2024, 1, 8))
    Barrier.objects.create(trajectory=t1, barrier="language", noted_on=D(2024, 2, 1), resolved_on=D(2024, 6, 30))
    Barrier.objects.create(trajectory=t1, barrier="health", noted_on=D(2024, 3, 1))
    t2 = trajectory(person(office), D(2021, 5, 1))
    Barrier.objects.create(trajectory=t2, barrier="language", noted_on=D(2024, 6, 30))
    Barrier.objects.create(trajectory=t2, barrier="diploma_recognition", noted_on=D(2022, 1, 1))
    trajectory(person(office), D(2023, 1, 1))


def test_barriers_on_the_reference_date_by_hand(admin_client, compute, barriers):
    compute(AS_OF)
    june = {"period_type": "month", "period_from": "2024-06", "period_to": "2024-06"}
    rows = table(admin_client, "sd1.barriers", **june)
    assert rows[("2024-06", "any")] == (2, 3, 66.7, True)
    assert rows[("2024-06", "language")] == (1, 3, 33.3, True)  # t1's resolved on the date, t2's noted on it
    assert rows[("2024-06", "health")] == (1, 3, 33.3, True)
    assert rows[("2024-06", "diploma_recognition")] == (1, 3, 33.3, True)
    assert rows[("2024-06", "childcare")] == (0, 3, 0.0, True)
    by_time = table(admin_client, "sd1.barriers", by="time_in_trajectory", **june)
    assert by_time[("2024-06", "any", "0-11")] == (1, 1, 100.0, True)
    assert by_time[("2024-06", "any", "12-35")] == (0, 1, 0.0, True)
    assert by_time[("2024-06", "any", "36+")] == (1, 1, 100.0, True)
    may = table(admin_client, "sd1.barriers", period_type="month", period_from="2024-05", period_to="2024-05")
    assert may[("2024-05", "language")] == (1, 3, 33.3, True)  # t1's, not yet resolved; t2's not yet noted


@pytest.fixture
def school(region_office):
    office = region_office("ANT01", "antwerpen")

    def young(born, prior, started, **kw):
        js = person(office, born=born, **kw)
        JobSeeker.objects.filter(pk=js.pk).update(prior_education=prior)
        return trajectory(js, started)

    s1 = young(D(2000, 3, 1), "okan", D(2024, 2, 29))
    action(s1, D(2024, 5, 29))  # start + 3 months: within
    young(D(1999, 6, 1), "okan", D(2024, 5, 31))  # 24 years old on the start, from OKAN
    young(D(1999, 6, 1), "okan", D(2024, 6, 1))  # 25 on the start: not counted
    young(D(2003, 1, 1), "secondary_qualified", D(2024, 3, 1))  # qualified: not counted
    s5 = young(D(2005, 1, 1), "part_time_education", D(2024, 3, 1), unaccompanied_minor=True)
    action(s5, D(2024, 6, 2))  # a day after start + 3 months


def test_school_leavers_by_hand(admin_client, compute, school):
    compute(AS_OF)
    body = values(admin_client, "td4.2.school_leavers")
    assert [(r["period"], r["value"], r["stats"]) for r in body["results"]] == [
        ("2024", 3, {"first_action_within_3_months": 1})
    ]
    by_prior = values(admin_client, "td4.2.school_leavers", by="prior_education")
    assert [(r["dimensions"], r["value"]) for r in by_prior["results"]] == [
        ({"prior_education": "okan"}, 2),
        ({"prior_education": "part_time_education"}, 1),
    ]
    by_minor = table(admin_client, "td4.2.school_leavers", by="unaccompanied_minor")
    assert by_minor[("2024", "true")][0] == 1
