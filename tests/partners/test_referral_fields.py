"""The referral body is declared once (partners.referral_fields): the serializer, the fast
validator, the models, the insert and the read shape agree with that table, and every
field of the table reaches each of them."""

import time
import uuid

import pytest

from partners.api.intake import ReferralValidator
from partners.api.serializers import ReferralCreateSerializer, ReferralPersonSerializer, ReferralSerializer
from partners.models import Referral
from partners.referral_fields import (
    BODY_FIELDS,
    BODY_SCALARS,
    PERSON,
    PERSON_FIELDS,
    REFERRAL_FIELDS,
    Kind,
    ReferralField,
)
from partners.services import referral_snapshot
from tests.partners.conftest import FULL_PERSON, referral_body
from trajectories.changes import Change, field_diff
from trajectories.models import AuditEntry, ChangeRecord, JobSeeker

BULK = "/api/v1/referrals/bulk/"

# Every body field set, with the person of conftest's FULL_PERSON (every person field).
FULL_BODY = referral_body(
    "full-1",
    person=FULL_PERSON,
    residence_status="recognised_refugee",
    housing="own_housing",
    reason="Looking for work as a cook.",
    legal_basis="consent",
    consent_on="2024-02-20",
)


def _serializer_field(spec: ReferralField):
    return (ReferralPersonSerializer() if spec.person else ReferralCreateSerializer()).fields[spec.name]


def _column(spec: ReferralField):
    """The column a field is stored in: the referral's own, or the job seeker's a person becomes on accept."""
    return (JobSeeker if spec.person else Referral)._meta.get_field(spec.name)


def test_the_derived_field_lists_hold_every_field_of_the_table():
    assert tuple(spec.name for spec in REFERRAL_FIELDS if spec.person) == PERSON_FIELDS
    assert set(BODY_FIELDS) == {spec.name for spec in BODY_SCALARS} | {"person"}
    assert len(PERSON) + len(BODY_SCALARS) == len(REFERRAL_FIELDS)
    assert list(ReferralCreateSerializer().fields) == list(BODY_FIELDS)
    assert list(ReferralPersonSerializer().fields) == list(PERSON_FIELDS)
    assert set(BODY_FIELDS) <= set(ReferralSerializer().fields)
    # The tests' full body sends every field: a new field in the table is tested below with no other change.
    assert set(FULL_PERSON) == set(PERSON_FIELDS)
    assert set(FULL_BODY) == set(BODY_FIELDS)


@pytest.mark.parametrize("spec", REFERRAL_FIELDS, ids=lambda spec: spec.path)
def test_serializer_and_models_use_the_tables_limits(spec):
    field = _serializer_field(spec)
    assert field.required == spec.required
    assert field.allow_null == (not spec.required)
    if spec.kind is Kind.CHOICE:
        assert spec.choices is not None
        assert dict(field.choices) == dict(spec.choices.choices)
        assert dict(_column(spec).choices) == dict(spec.choices.choices)
    elif spec.kind is not Kind.DATE:
        assert field.max_length == spec.max_length
        column = _column(spec)
        if spec.kind is Kind.INSZ:
            # Sent with dots and dashes (at most max_length), stored as its 11 digits.
            assert column.max_length == 11 < spec.max_length
        elif column.get_internal_type() != "TextField":
            assert column.max_length == spec.max_length
        for validator in spec.validators:
            assert validator in field.validators
            assert validator in column.validators
    assert _column(spec).null == (not spec.required)


def _texts_at_their_limit():
    """Fields whose length is their only rule: (path, body at the limit, body one character over)."""
    for spec in REFERRAL_FIELDS:
        if spec.kind is not Kind.TEXT or spec.validators or spec.max_length is None:
            continue
        bodies = []
        for suffix, length in (("at", spec.max_length), ("over", spec.max_length + 1)):
            body = referral_body(f"limit-{suffix}", person=dict(FULL_PERSON))
            (body["person"] if spec.person else body)[spec.name] = "x" * length
            bodies.append(body)
        yield pytest.param(spec.path, *bodies, id=spec.path)


@pytest.mark.django_db
@pytest.mark.parametrize("path, at, over", list(_texts_at_their_limit()))
def test_the_api_takes_a_text_at_its_limit_and_refuses_one_over(partner_api, path, at, over):
    r = partner_api.post(BULK, {"referrals": [at, over]}, format="json")
    results = r.json()["results"]
    assert results[0]["status"] == 201, results[0]
    assert results[1]["status"] == 400
    assert list(results[1]["errors"]) == [path]
    assert results[1]["errors"][path][0].startswith("Ensure this field has no more than")
    # The fast validator and the serializer agree on both (the fast one hands the long one over).
    validator = ReferralValidator()
    assert validator.validate(at) == validator.serializer_validate(at)


@pytest.mark.django_db
def test_every_field_of_the_table_is_stored_shown_and_recorded(partner_api):
    """Through the set-based insert (PostgreSQL) or the ORM (SQLite) alike."""
    r = partner_api.post(BULK, {"referrals": [FULL_BODY]}, format="json")
    result = r.json()["results"][0]
    assert result["status"] == 201, result
    shown = partner_api.get(f"/api/v1/referrals/{result['id']}/").json()
    assert {key: shown[key] for key in BODY_FIELDS} == FULL_BODY
    stored = Referral.objects.get(pk=result["id"])
    assert stored.person == FULL_PERSON
    assert_recorded_as_record_changes_would(stored)
    assert {spec.name for spec in BODY_SCALARS} <= set(AuditEntry.objects.get(row_id=result["id"]).changes)
    # A replay of the very body is recognised by its hash.
    again = partner_api.post(BULK, {"referrals": [FULL_BODY]}, format="json").json()["results"][0]
    assert (again["status"], again["id"]) == (200, result["id"])


def assert_recorded_as_record_changes_would(stored: Referral) -> None:
    """One change record and one audit entry, those `record_changes` writes for a create."""
    record = ChangeRecord.objects.get(model="partners.referral", row_id=str(stored.pk))
    assert (record.before, record.after, record.job_seeker_id, record.trajectory_id, record.claimed_by) == (
        None,
        referral_snapshot(stored),
        None,
        None,
        None,
    )
    audit = AuditEntry.objects.get(model="partners.referral", row_id=str(stored.pk))
    assert audit.operation == AuditEntry.Operation.CREATE
    assert audit.changes == field_diff(Change(stored.pk, None, referral_snapshot(stored)))
    assert audit.at >= stored.created_at and record.at >= stored.created_at


@pytest.mark.django_db
def test_optional_fields_left_out_are_left_out_of_the_audit_entry(partner_api, partner):
    r = partner_api.post(BULK, {"referrals": [referral_body("bare-1"), referral_body("bare-2", n=2)]}, format="json")
    assert [x["status"] for x in r.json()["results"]] == [201, 201]
    for stored in Referral.objects.filter(partner=partner):
        assert_recorded_as_record_changes_would(stored)
        assert "housing" not in AuditEntry.objects.get(row_id=str(stored.pk)).changes
        assert AuditEntry.objects.get(row_id=str(stored.pk)).actor.partner == partner


@pytest.mark.django_db
def test_referral_ids_are_time_ordered_uuids(partner_api, post_referral):
    """Version 7 on both databases; a later request's ids sort after an earlier one's."""
    first = uuid.UUID(post_referral(referral_body("t-1")).json()["id"])
    time.sleep(0.002)
    r = partner_api.post(BULK, {"referrals": [referral_body("t-2", n=2)]}, format="json")
    later = uuid.UUID(r.json()["results"][0]["id"])
    assert (first.version, later.version) == (7, 7)
    assert first < later
