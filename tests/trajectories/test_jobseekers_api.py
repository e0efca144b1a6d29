"""`/api/v1/jobseekers/`: the person's record, its rules and its filters."""

import datetime

import pytest
from django.utils import timezone

from tests import factories
from trajectories.models import AuditEntry, ChangeRecord, JobSeeker

pytestmark = pytest.mark.django_db

URL = "/api/v1/jobseekers/"


def body(office, **extra):
    data = {
        "insz": "85073003328",
        "first_name": "Amal",
        "last_name": "Haddad",
        "birth_date": "1985-07-30",
        "office": office.code,
    }
    data.update(extra)
    return data


def test_create_with_only_the_required_fields_answers_201_with_defaults(mediator, office):
    response = mediator.post(URL, body(office))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["insz"] == "85073003328"
    assert data["office"] == office.code
    assert data["unaccompanied_minor"] is False
    assert data["gender"] is None
    assert data["nationality"] is None
    assert data["parent_foreign_birth_nationality"] is None
    assert data["target_group"] is False
    assert data["residence_statuses"] == []
    assert isinstance(data["id"], int)


def test_create_with_every_field(mediator, office):
    extra = {
        "gender": "f",
        "nationality": "SY",
        "birth_nationality": "SY",
        "country_of_birth": "SY",
        "parent_foreign_birth_nationality": True,
        "mother_tongue": "ar",
        "dutch_level": "a2",
        "education_level": "high",
        "unaccompanied_minor": True,
        "municipality_nis": "11002",
        "registration_channel": "referral",
    }
    response = mediator.post(URL, body(office, **extra))
    assert response.status_code == 201, response.json()
    data = response.json()
    for key, value in extra.items():
        assert data[key] == value
    assert data["target_group"] is True


@pytest.mark.parametrize("field", ["insz", "first_name", "last_name", "birth_date", "office"])
def test_required_fields(mediator, office, field):
    data = body(office)
    del data[field]
    response = mediator.post(URL, data)
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize(
    "insz, stored",
    [
        ("85073003328", "85073003328"),  # national number, born 1985
        ("85.07.30-033.28", "85073003328"),  # written with separators
        ("03020100571", "03020100571"),  # national number, born 2003 (the 2 before the check)
        ("90451700343", "90451700343"),  # BIS number (month + 40), born 1990
        ("03420100560", "03420100560"),  # BIS number, born 2003
    ],
)
def test_valid_insz_is_accepted_and_stored_as_11_digits(mediator, office, insz, stored):
    response = mediator.post(URL, body(office, insz=insz))
    assert response.status_code == 201, response.json()
    assert response.json()["insz"] == stored


@pytest.mark.parametrize(
    "insz",
    [
        "85073003329",  # wrong check digits, 1900s
        "03020100572",  # wrong check digits, 2000s
        "90451700344",  # BIS number with wrong check digits, 1900s
        "03420100561",  # BIS number with wrong check digits, 2000s
        "90531700302",  # month 53: neither a national nor a BIS number
        "1234567890",  # ten digits
        "abcdefghijk",
        "",
    ],
)
def test_invalid_insz_is_400_on_insz_and_nothing_stored(mediator, office, insz):
    response = mediator.post(URL, body(office, insz=insz))
    assert response.status_code == 400
    assert list(response.json()) == ["insz"]
    assert isinstance(response.json()["insz"], list)
    assert not JobSeeker.objects.exists()
    assert not ChangeRecord.objects.exists()


def test_second_job_seeker_with_the_same_insz_is_400_naming_neither_record_nor_office(mediator, office, other_office):
    existing = factories.JobSeekerFactory(insz="85073003328", office=other_office, last_name="Bestaand")
    response = mediator.post(URL, body(office, insz="85.07.30-033.28"))
    assert response.status_code == 400
    assert list(response.json()) == ["insz"]
    message = " ".join(response.json()["insz"])
    assert str(existing.pk) not in message
    assert other_office.code not in message
    assert other_office.name not in message
    assert "Bestaand" not in message
    assert JobSeeker.objects.count() == 1


def test_changing_insz_to_one_taken_is_400(mediator, office):
    factories.JobSeekerFactory(insz="85073003328", office=office)
    mine = factories.JobSeekerFactory(insz="03020100571", office=office)
    response = mediator.patch(f"{URL}{mine.pk}/", {"insz": "85073003328"})
    assert response.status_code == 400
    assert list(response.json()) == ["insz"]


@pytest.mark.parametrize(
    "field, value",
    [
        ("gender", "v"),
        ("dutch_level", "b3"),
        ("education_level", "very_high"),
        ("registration_channel", "fax"),
        ("nationality", "sy"),  # lower case
        ("nationality", "ZZ"),
        ("birth_nationality", "SYR"),
        ("country_of_birth", "QQ"),
        ("mother_tongue", "AR"),  # upper case
        ("mother_tongue", "xx"),
        ("mother_tongue", "ara"),  # a 639-3 code where a 639-1 code exists
        ("municipality_nis", "1100"),
        ("municipality_nis", "11002a"),
        ("office", "NOPE"),
        ("birth_date", "1985-13-01"),
        ("birth_date", "30/07/1985"),
        ("unaccompanied_minor", "maybe"),
    ],
)
def test_bad_values_are_400_on_their_field(mediator, office, field, value):
    response = mediator.post(URL, {**body(office), field: value})
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize("code", ["XX", "BE", "AF"])
def test_country_codes_include_stateless(mediator, office, code):
    response = mediator.post(URL, body(office, nationality=code))
    assert response.status_code == 201
    assert response.json()["nationality"] == code


@pytest.mark.parametrize("code", ["zgh", "prs", "nl", "ti"])
def test_language_codes_take_639_3_where_no_639_1_exists(mediator, office, code):
    response = mediator.post(URL, body(office, mother_tongue=code))
    assert response.status_code == 201
    assert response.json()["mother_tongue"] == code


def test_birth_date_in_the_future_is_400(mediator, office):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = mediator.post(URL, body(office, birth_date=tomorrow.isoformat()))
    assert response.status_code == 400
    assert list(response.json()) == ["birth_date"]


def test_mediator_may_only_register_in_own_office(mediator, other_office):
    response = mediator.post(URL, body(other_office))
    assert response.status_code == 400
    assert list(response.json()) == ["office"]
    assert not JobSeeker.objects.exists()


def test_moving_to_another_office_is_an_admin_action(mediator, admin_client, office, other_office):
    person = factories.JobSeekerFactory(office=office)
    response = mediator.patch(f"{URL}{person.pk}/", {"office": other_office.code})
    assert response.status_code == 400
    assert list(response.json()) == ["office"]
    response = admin_client.patch(f"{URL}{person.pk}/", {"office": other_office.code})
    assert response.status_code == 200
    assert response.json()["office"] == other_office.code
    # Access follows the current office: the old office no longer sees the file.
    assert mediator.get(f"{URL}{person.pk}/").status_code == 404


def test_move_keeps_the_trajectorys_intake_office_and_education_level(admin_client, office, other_office):
    person = factories.JobSeekerFactory(office=office, education_level="low")
    response = admin_client.post(
        "/api/v1/trajectories/", {"job_seeker": person.pk, "type": "linear", "started_on": "2023-02-01"}
    )
    trajectory = response.json()["id"]
    admin_client.patch(f"{URL}{person.pk}/", {"office": other_office.code, "education_level": "high"})
    data = admin_client.get(f"/api/v1/trajectories/{trajectory}/").json()
    assert data["intake_office"] == office.code
    assert data["intake_education_level"] == "low"


def test_update_answers_200_with_the_object(mediator, office):
    person = factories.JobSeekerFactory(office=office)
    response = mediator.patch(f"{URL}{person.pk}/", {"dutch_level": "b1", "mother_tongue": "nl"})
    assert response.status_code == 200
    assert response.json()["dutch_level"] == "b1"
    assert response.json()["target_group"] is False
    put = {**body(office, insz=person.insz), "gender": "m"}
    response = mediator.put(f"{URL}{person.pk}/", put)
    assert response.status_code == 200
    assert response.json()["gender"] == "m"
    assert response.json()["first_name"] == "Amal"


def test_read_only_fields_are_ignored_on_write(mediator, office):
    response = mediator.post(URL, body(office, target_group=True, residence_statuses=[{"status": "belgian"}], id=999))
    assert response.status_code == 201
    assert response.json()["target_group"] is False
    assert response.json()["residence_statuses"] == []
    assert response.json()["id"] != 999


def test_delete_removes_a_person_without_trajectory_and_refuses_one_with(mediator, office):
    alone = factories.JobSeekerFactory(office=office)
    response = mediator.delete(f"{URL}{alone.pk}/")
    assert response.status_code == 204
    assert not JobSeeker.objects.filter(pk=alone.pk).exists()
    followed = factories.TrajectoryFactory(job_seeker__office=office).job_seeker
    response = mediator.delete(f"{URL}{followed.pk}/")
    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
    assert JobSeeker.objects.filter(pk=followed.pk).exists()


# Filters -----------------------------------------------------------------------


def ids(response):
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_filters(admin_client, office, other_office):
    in_group = factories.JobSeekerFactory(office=office, registration_channel="online", last_name="Haddad")
    dutch = factories.JobSeekerFactory(
        office=office,
        mother_tongue="nl",
        nationality="BE",
        birth_nationality="BE",
        first_name="Jan",
        last_name="Peeters",
        insz="85073003328",
    )
    elsewhere = factories.JobSeekerFactory(office=other_office, registration_channel="referral")
    assert ids(admin_client.get(URL)) == [in_group.pk, dutch.pk, elsewhere.pk]
    assert ids(admin_client.get(URL, {"office": office.code})) == [in_group.pk, dutch.pk]
    assert ids(admin_client.get(URL, {"target_group": "true"})) == [in_group.pk, elsewhere.pk]
    assert ids(admin_client.get(URL, {"target_group": "false"})) == [dutch.pk]
    assert ids(admin_client.get(URL, {"insz": "85.07.30-033.28"})) == [dutch.pk]
    assert ids(admin_client.get(URL, {"search": "peeters"})) == [dutch.pk]
    assert ids(admin_client.get(URL, {"search": "jan PEE"})) == [dutch.pk]
    assert ids(admin_client.get(URL, {"registration_channel": "referral"})) == [elsewhere.pk]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"office": "NOPE"}, "office"),
        ({"target_group": "maybe"}, "target_group"),
        ({"registration_channel": "fax"}, "registration_channel"),
    ],
)
def test_unknown_filter_values_are_400(admin_client, params, field):
    response = admin_client.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_mediator_list_shows_own_office_only(mediator, office, other_office):
    mine = factories.JobSeekerFactory(office=office)
    factories.JobSeekerFactory(office=other_office)
    assert ids(mediator.get(URL)) == [mine.pk]
    assert ids(mediator.get(URL, {"office": other_office.code})) == []


def test_list_query_count_does_not_grow_with_rows(admin_client, office, django_assert_max_num_queries):
    def seed(n):
        for _ in range(n):
            person = factories.JobSeekerFactory(office=office)
            person.residence_statuses.create(
                status="asylum_seeker",
                work_permit="card_c",
                valid_from=datetime.date(2020, 1, 1),
                valid_to=datetime.date(2020, 12, 31),
            )
            person.residence_statuses.create(
                status="recognised_refugee", work_permit="not_required", valid_from=datetime.date(2021, 1, 1)
            )

    seed(2)
    with django_assert_max_num_queries(5) as small:  # 4 + the read audit's one INSERT
        assert admin_client.get(URL).status_code == 200
    seed(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = admin_client.get(URL)
    assert response.json()["count"] == 22
    assert len(response.json()["results"][0]["residence_statuses"]) == 2


def test_changes_are_recorded_with_the_actor(mediator, office):
    response = mediator.post(URL, body(office))
    pk = response.json()["id"]
    mediator.patch(f"{URL}{pk}/", {"last_name": "Haddad-Saleh"})
    entries = list(AuditEntry.objects.filter(job_seeker_id=pk).order_by("id"))
    assert [e.operation for e in entries] == ["create", "update"]
    assert all(e.actor_id == mediator.user.pk for e in entries)
    assert entries[1].changes == {"last_name": ["Haddad", "Haddad-Saleh"]}
    records = list(ChangeRecord.objects.filter(model="trajectories.jobseeker", row_id=str(pk)).order_by("id"))
    assert records[0].before is None and records[0].after["birth_date"] == "1985-07-30"
    assert records[1].before["last_name"] == "Haddad" and records[1].after["last_name"] == "Haddad-Saleh"
