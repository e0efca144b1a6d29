"""The target-group lexicon on the cases its criteria name, for both versions."""

import pytest

from tests import factories
from trajectories.lexicon import CURRENT_VERSION, EU28, VERSIONS, get_version
from trajectories.models import JobSeeker

pytestmark = pytest.mark.django_db

# (mother_tongue, nationality, birth_nationality, parent_foreign_birth_nationality) -> in the group?
CASES_2017 = [
    (("ar", "SY", "SY", None), True),
    (("nl", "SY", "SY", True), False),  # Dutch mother tongue: never, whatever the background
    ((None, "SY", "SY", True), False),  # unknown mother tongue
    (("ar", "BE", "BE", True), True),  # Belgian, but a parent was born foreign
    (("ar", "BE", "BE", False), False),  # no migration background
    (("ar", "BE", "BE", None), False),  # unknown parents' nationality
    (("ar", "BE", "MA", None), True),  # Belgian now, Moroccan at birth
    (("ar", None, None, None), False),  # nationality unknown
    (("fr", "FR", "FR", None), True),  # French-speaking EU national: not Dutch and foreign
    (("ku", "XX", "XX", None), True),  # stateless
    (("zgh", None, "MA", None), True),
    (("prs", "AF", None, None), True),
]

# (nationality, birth_nationality, mother_tongue) -> in the group?
CASES_2014 = [
    (("SY", "SY", "ar"), True),
    (("TR", "TR", "nl"), True),  # whatever the language
    (("FR", "FR", "fr"), False),
    (("GB", "GB", "en"), False),  # the United Kingdom was one of the EU-28
    (("HR", "HR", "hr"), False),  # Croatia joined in 2013
    (("NO", "NO", "no"), True),  # Norway never was in the EU
    (("CH", None, "de"), True),
    (("BE", "MA", "nl"), True),  # nationality at birth outside the EU-28
    (("XX", None, None), True),  # stateless counts as outside the EU-28
    ((None, "XX", None), True),
    ((None, None, "ar"), False),  # both unknown
    (("BE", None, "ar"), False),  # the known one inside, the other unknown
    ((None, "SY", None), True),
]


def _person(**fields):
    return factories.JobSeekerFactory(**fields)


@pytest.mark.parametrize("values, expected", CASES_2017)
def test_version_2017(values, expected):
    mother_tongue, nationality, birth_nationality, parent = values
    person = _person(
        mother_tongue=mother_tongue,
        nationality=nationality,
        birth_nationality=birth_nationality,
        parent_foreign_birth_nationality=parent,
    )
    annotated = JobSeeker.objects.with_target_group("2017").get(pk=person.pk)
    assert annotated.target_group is expected
    assert JobSeeker.objects.filter(get_version("2017").q(), pk=person.pk).exists() is expected


@pytest.mark.parametrize("values, expected", CASES_2014)
def test_version_2014(values, expected):
    nationality, birth_nationality, mother_tongue = values
    person = _person(mother_tongue=mother_tongue, nationality=nationality, birth_nationality=birth_nationality)
    annotated = JobSeeker.objects.with_target_group("2014").get(pk=person.pk)
    assert annotated.target_group is expected
    assert JobSeeker.objects.filter(get_version("2014").q(), pk=person.pk).exists() is expected


def test_the_expression_is_never_null_so_false_finds_everyone_outside():
    unknown = _person(mother_tongue=None, nationality=None, birth_nationality=None)
    inside = _person(mother_tongue="ar", nationality="SY")
    for version in VERSIONS:
        outside = set(
            JobSeeker.objects.with_target_group(version).filter(target_group=False).values_list("pk", flat=True)
        )
        assert unknown.pk in outside and inside.pk not in outside


def test_the_rule_works_through_a_relation():
    person = _person(mother_tongue="ar", nationality="SY")
    trajectory = factories.TrajectoryFactory(job_seeker=person)
    from trajectories.models import Trajectory

    assert list(Trajectory.objects.filter(get_version().q("job_seeker__")).values_list("pk", flat=True)) == [
        trajectory.pk
    ]


def test_the_api_flag_uses_the_current_version(admin_client):
    # In the 2014 group (Turkish) but not in the 2017 one (Dutch mother tongue).
    person = _person(mother_tongue="nl", nationality="TR", birth_nationality="TR")
    assert CURRENT_VERSION == "2017"
    assert admin_client.get(f"/api/v1/jobseekers/{person.pk}/").json()["target_group"] is False


def test_versions_and_their_criteria():
    assert set(VERSIONS) == {"2014", "2017"}
    assert len(EU28) == 28 and "GB" in EU28 and "HR" in EU28 and "CH" not in EU28
    for version in VERSIONS.values():
        assert "bijlage 1" in version.criteria_nl
        assert "annex 1" in version.criteria_en
    assert get_version().version == "2017"
    with pytest.raises(KeyError):
        get_version("2099")
