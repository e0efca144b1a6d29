"""The lean intake path answers exactly as the DRF serializer and the ORM path did.

- ReferralValidator (partners/api/intake.py) against ReferralCreateSerializer:
  many valid and invalid items, same validated data or same error body; its
  INSZ check against python-stdnum's on many numbers.
- The body hash (orjson) is the one json.dumps gave, so stored hashes still
  tell replays from conflicts.
- The one-statement PostgreSQL insert writes the same change records and
  audit entries as trajectories.changes.record_changes would.
- A 201 built from the inserted values is the referral as it is then read.
"""

import copy
import datetime
import hashlib
import json
import random
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from stdnum.be import bis, nn

from idw.api.errors import flatten_errors
from partners.api.intake import ReferralValidator, ValidationError, _valid_insz_digits
from partners.api.serializers import ReferralCreateSerializer
from partners.models import Referral
from partners.services import body_hash, canonical_body
from tests.partners.conftest import FULL_PERSON, dotted, insz, referral_body
from trajectories.changes import Change, field_diff, snapshot
from trajectories.models import AuditEntry, ChangeRecord
from trajectories.services import today
from trajectories.validators import make_insz

BULK = "/api/v1/referrals/bulk/"


# Values to put in each field: valid ones, ones DRF coerces, and invalid ones.
TOMORROW = (today() + datetime.timedelta(days=1)).isoformat()
STRINGS = ["x", "  padded  ", "", "   ", None, 12, 1.5, True, [], {}, "a\x00b", "\ud800", "é" * 3]
FIELD_VALUES = {
    "external_id": [*STRINGS, "e" * 64, "e" * 65, " " + "e" * 64 + " "],
    "referred_on": [
        "2024-03-01",
        "2024-3-1",
        "2024-02-30",
        "01/03/2024",
        "2024-03-01T10:00:00",
        TOMORROW,
        None,
        20240301,
        "",
    ],
    "residence_status": ["recognised_refugee", "subsidiary_protection", "nonsense", "", None, 1, " recognised_refugee"],
    "housing": ["own_housing", "reception_centre", "castle", "", None, ["own_housing"]],
    "reason": [*STRINGS, "r" * 5000],
    "person": [None, "person", [], 1],
}
PERSON_VALUES = {
    "insz": [
        insz(2),
        dotted(insz(3)),
        f" {insz(4)} ",
        "90051700100",
        "1234",
        "9005170010x",
        make_insz(datetime.date(2003, 1, 2), 5),
        make_insz(datetime.date(1985, 7, 9), 7, bis=True),
        "0" * 11,
        "9" * 25,
        90051700123,
        None,
        "٩٠٠٥١٧٠٠١٢٣",
    ],
    "first_name": ["Amal", "  Amal ", "", None, "n" * 100, "n" * 101, 5],
    "last_name": ["Haddad", "", "h" * 101, False],
    "birth_date": ["1990-05-17", "1990-13-01", TOMORROW, None, "17/05/1990", "１９９０-05-17"],
    "gender": ["f", "m", "x", "F", "", None, 1],
    "nationality": ["SY", "BE", "XX", "sy", "SYR", "ZZ", "", " SY ", None, 7],
    "mother_tongue": ["ar", "nl", "prs", "AR", "xx", "", None],
    "dutch_level": ["a2", "b1", "c3", "A2", "", None],
    "municipality_nis": ["44021", "4402", "440211", "abcde", " 44021 ", 44021, None, ""],
    "phone": ["+32 470 12 34 56", "p" * 32, "p" * 33, "", None, 470123456],
    "email": ["amal@example.org", " amal@example.org ", "not-an-email", "a@b", "", None, "x" * 250 + "@b.be"],
}


def _items() -> list:
    """Every single-field variation of a full body, then random combinations, then odd shapes."""
    base = referral_body(
        "ext-1", person=dict(FULL_PERSON), residence_status="recognised_refugee", housing="own_housing"
    )
    items = [copy.deepcopy(base), referral_body("minimal")]
    for field, values in FIELD_VALUES.items():
        for value in values:
            item = copy.deepcopy(base)
            item[field] = value
            items.append(item)
        missing = copy.deepcopy(base)
        missing.pop(field, None)
        items.append(missing)
    for field, values in PERSON_VALUES.items():
        for value in values:
            item = copy.deepcopy(base)
            item["person"][field] = value
            items.append(item)
        missing = copy.deepcopy(base)
        missing["person"].pop(field, None)
        items.append(missing)
    rng = random.Random(7)
    for _ in range(400):
        item = copy.deepcopy(base)
        for field in rng.sample(sorted(FIELD_VALUES), 2):
            if field != "person":
                item[field] = rng.choice(FIELD_VALUES[field])
        for field in rng.sample(sorted(PERSON_VALUES), 3):
            item["person"][field] = rng.choice(PERSON_VALUES[field])
        items.append(item)
    items += [None, [], "text", 1, {}, {"unknown": 1, **copy.deepcopy(base)}]
    return items


def _serializer_answer(item):
    serializer = ReferralCreateSerializer(data=item)
    if serializer.is_valid():
        return "valid", _plain(serializer.validated_data)
    return "invalid", flatten_errors(serializer.errors)


def _validator_answer(validator: ReferralValidator, item):
    try:
        return "valid", _plain(validator.validate(item))
    except ValidationError as exc:
        return "invalid", flatten_errors(exc.detail)


def _plain(value):
    """Mappings as plain dicts (DRF gives OrderedDicts), with the value types kept."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


@pytest.mark.django_db
def test_lean_validator_gives_the_serializers_data_and_errors():
    items = _items()
    validator = ReferralValidator()
    answers = {"valid": 0, "invalid": 0}
    for item in items:
        expected = _serializer_answer(copy.deepcopy(item))
        got = _validator_answer(validator, copy.deepcopy(item))
        assert got == expected, item
        # Same value types too (a date stays a date, a str a str).
        if expected[0] == "valid":
            for key, value in expected[1].items():
                assert type(got[1][key]) is type(value), key
        answers[expected[0]] += 1
    # Both kinds are well represented.
    assert answers["valid"] > 80
    assert answers["invalid"] > 300


def test_normalisation_of_the_fast_path_by_hand():
    item = referral_body(" ext-9 ", person={**FULL_PERSON, "insz": f" {insz(9)} ", "first_name": " Amal "})
    data = ReferralValidator().validate(item)
    assert data["external_id"] == "ext-9"
    assert data["referred_on"] == datetime.date(2024, 3, 1)
    assert data["person"]["insz"] == insz(9)
    assert data["person"]["first_name"] == "Amal"
    assert data["person"]["birth_date"] == datetime.date(1990, 5, 17)
    assert data["residence_status"] is None
    assert data["housing"] is None
    assert data["reason"] is None


def _insz_numbers() -> list[str]:
    """Valid numbers of both kinds and centuries, their neighbours, edge months and random digits."""
    rng = random.Random(11)
    numbers = ["0" * 11, "00000100128", "00200100108", "00400100185", "9" * 11]
    for _ in range(3000):
        born = datetime.date(1900, 1, 1) + datetime.timedelta(days=rng.randrange(46000))
        number = make_insz(born, rng.randrange(1, 998), bis=rng.random() < 0.3)
        numbers += [number, number[:-1] + str((int(number[-1]) + 1) % 10)]
        month = rng.choice([0, 13, 19, 20, 33, 39, 40, 53, 60, 99])
        numbers.append(make_insz(born, 5)[:2] + f"{month:02d}" + make_insz(born, 5)[4:])
    numbers += [f"{rng.randrange(10**11):011d}" for _ in range(3000)]
    # Numbers with a right check digit for any month, day and century.
    for _ in range(3000):
        base = f"{rng.randrange(10**9):09d}"
        numbers.append(base + f"{97 - int(base) % 97:02d}")
        numbers.append(base + f"{97 - int('2' + base) % 97:02d}")
    return numbers


def test_fast_insz_check_is_python_stdnums():
    numbers = _insz_numbers()
    verdicts = [_valid_insz_digits(number) for number in numbers]
    assert verdicts == [nn.is_valid(number) or bis.is_valid(number) for number in numbers]
    assert 3000 < sum(verdicts) < len(numbers) - 3000


BODIES_FOR_HASH = [
    referral_body("plain"),
    referral_body("full", person=dict(FULL_PERSON), residence_status="recognised_refugee", reason=""),
    referral_body("é-ü-ß", reason='quote " backslash \\ slash / tab \t newline \n control \x01 \x1f \x7f'),
    referral_body(
        "emoji", reason="😀 \u2028 \u2029 ❤", person={**FULL_PERSON, "first_name": "Zoë", "last_name": "Ñúñez"}
    ),
]


@pytest.mark.parametrize("body", BODIES_FOR_HASH, ids=lambda body: body["external_id"])
def test_body_hash_is_the_one_stored_before(body):
    canonical = canonical_body(ReferralValidator().validate(body))
    before = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert body_hash(canonical) == hashlib.sha256(before.encode()).hexdigest()


@pytest.mark.django_db
def test_bulk_writes_the_change_records_and_audit_entries_record_changes_would(partner_api):
    items = [
        referral_body("a", n=1, housing="own_housing", reason="werk"),
        referral_body("b", n=2, residence_status="recognised_refugee"),
        referral_body("c", n=3, person={**FULL_PERSON, "insz": insz(3)}),
        referral_body("d", n=4, reason=""),
    ]
    r = partner_api.post(BULK, {"referrals": items}, format="json")
    assert [x["status"] for x in r.json()["results"]] == [201, 201, 201, 201]
    for referral in Referral.objects.all():
        expected_after = snapshot(referral)
        expected_after.pop("body_hash")
        expected_after["person"] = True
        record = ChangeRecord.objects.get(model="partners.referral", row_id=str(referral.pk))
        assert record.before is None
        assert record.after == expected_after
        assert record.job_seeker_id is None and record.trajectory_id is None
        entry = AuditEntry.objects.get(model="partners.referral", row_id=str(referral.pk))
        assert entry.operation == "create"
        assert entry.actor_id == partner_api.user.pk
        assert entry.changes == field_diff(Change(referral.pk, None, expected_after))
        assert entry.changes["external_id"] == [None, referral.external_id]
        assert "created_at" not in entry.changes


@pytest.mark.django_db
def test_the_201_body_is_the_referral_as_read_afterwards(partner_api, post_referral):
    body = referral_body("ext-1", residence_status="recognised_refugee", housing="own_housing", reason="r")
    body["person"] = dict(FULL_PERSON)
    created = post_referral(body)
    assert created.status_code == 201
    read = partner_api.get(f"/api/v1/referrals/{created.json()['id']}/")
    assert created.json() == read.json()
    replay = post_referral(body)
    assert replay.status_code == 200
    assert replay.json() == read.json()


@pytest.mark.postgres
@pytest.mark.django_db
def test_on_postgresql_new_items_take_one_statement_and_no_read_back(partner_api):
    counts = []
    for count in (1, 40):
        items = [referral_body(f"n{count}-{i}", n=i + 1) for i in range(count)]
        with CaptureQueriesContext(connection) as ctx:
            r = partner_api.post(BULK, {"referrals": items}, format="json")
        assert {x["status"] for x in r.json()["results"]} == {201}
        sql = [q["sql"] for q in ctx.captured_queries]
        writes = [q for q in sql if "INSERT INTO" in q]
        assert len(writes) == 1
        assert all(
            table in writes[0]
            for table in ("partners_referral", "trajectories_changerecord", "trajectories_auditentry")
        )
        assert not [q for q in sql if q.lstrip().startswith("SELECT") and "partners_referral" in q]
        counts.append(len(sql))
    assert counts[0] == counts[1]
    assert ChangeRecord.objects.filter(model="partners.referral").count() == 41
    assert AuditEntry.objects.filter(model="partners.referral").count() == 41


@pytest.mark.postgres
@pytest.mark.django_db
def test_on_postgresql_ids_are_time_ordered_uuids(partner_api):
    r = partner_api.post(BULK, {"referrals": [referral_body(f"t{i}", n=i + 1) for i in range(3)]}, format="json")
    ids = [uuid.UUID(x["id"]) for x in r.json()["results"]]
    assert {i.version for i in ids} == {7}
    assert {i.variant for i in ids} == {uuid.RFC_4122}
    stored = Referral.objects.get(pk=ids[0])
    millis = int(ids[0].hex[:12], 16)
    assert abs(millis / 1000 - stored.created_at.timestamp()) < 60
