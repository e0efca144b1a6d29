"""Cooperation agreements (samenwerkingsovereenkomsten) and projects."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from trajectories.changes import Change, record_change, record_changes, snapshot

from ..models import OBJECTIVES, Partner, PartnerAgreement, Project
from .common import _raise


def _check_span(starts_on: datetime.date, ends_on: datetime.date, errors: dict) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_("The end lies before the start."))


# Agreements (samenwerkingsovereenkomsten) ------------------------------------

AGREEMENT_FIELDS = ("partner", "starts_on", "ends_on", "objectives", "referral_target_per_year", "targets")


def _check_agreement(agreement: PartnerAgreement, errors: dict) -> None:
    _check_span(agreement.starts_on, agreement.ends_on, errors)
    objectives = agreement.objectives or []
    unknown = [code for code in objectives if code not in OBJECTIVES]
    if unknown:
        errors.setdefault("objectives", []).append(
            _("Unknown objective codes: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}
        )
    if len(set(objectives)) != len(objectives):
        errors.setdefault("objectives", []).append(_("Each objective is named once."))
    agreement.targets = checked_targets(agreement.targets, errors)


def checked_targets(targets, errors: dict) -> list:
    """The targets as stored: `{indicator, year, value}` on an indicator with a `partner` dimension, once each."""
    from reporting.catalogue import PARTNER_INDICATORS

    checked, seen, problems = [], set(), []
    for item in targets or []:
        if not isinstance(item, dict) or set(item) != {"indicator", "year", "value"}:
            problems.append(_("A target is {indicator, year, value}."))
            continue
        indicator, year, value = item["indicator"], item["year"], item["value"]
        if indicator not in PARTNER_INDICATORS:
            problems.append(
                _("%(code)s is no indicator that can be broken down by partner.") % {"code": str(indicator)[:64]}
            )
        elif not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2999:
            problems.append(_("A target's year is a year such as 2018."))
        elif not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 10**9:
            problems.append(_("A target's value is a number of at least 0."))
        elif (indicator, year) in seen:
            problems.append(_("Each indicator and year has one target per agreement."))
        else:
            seen.add((indicator, year))
            value = round(value, 1)
            checked.append(
                {"indicator": indicator, "year": year, "value": int(value) if value == int(value) else value}
            )
    if problems:
        errors.setdefault("targets", []).extend(problems)
    return sorted(checked, key=lambda t: (t["indicator"], t["year"]))


@transaction.atomic
def agreement_create(*, actor, **fields: Any) -> PartnerAgreement:
    agreement = PartnerAgreement(**{k: v for k, v in fields.items() if k in AGREEMENT_FIELDS})
    if agreement.objectives is None:
        agreement.objectives = []
    if agreement.targets is None:
        agreement.targets = []
    errors: dict = {}
    _check_agreement(agreement, errors)
    _raise(errors)
    agreement.save()
    record_change(actor=actor, instance=agreement, before=None, after=snapshot(agreement))
    return agreement


@transaction.atomic
def agreement_update(*, actor, agreement: PartnerAgreement, **fields: Any) -> PartnerAgreement:
    agreement = PartnerAgreement.objects.select_for_update().get(pk=agreement.pk)
    before = snapshot(agreement)
    for key, value in fields.items():
        if key in AGREEMENT_FIELDS:
            setattr(agreement, key, value)
    if agreement.objectives is None:
        agreement.objectives = []
    if agreement.targets is None:
        agreement.targets = []
    errors: dict = {}
    _check_agreement(agreement, errors)
    _raise(errors)
    agreement.save()
    record_change(actor=actor, instance=agreement, before=before, after=snapshot(agreement))
    return agreement


@transaction.atomic
def agreement_delete(*, actor, agreement: PartnerAgreement) -> None:
    before, pk = snapshot(agreement), agreement.pk
    agreement.delete()
    record_changes(actor=actor, model=PartnerAgreement, changes=[Change(pk, before, None)])


# Projects ----------------------------------------------------------------------

PROJECT_FIELDS = ("code", "name", "funding", "lead", "starts_on", "ends_on")


def _save_project(project: Project, partners: Sequence[Partner] | None) -> Project:
    errors: dict = {}
    _check_span(project.starts_on, project.ends_on, errors)
    _raise(errors)
    project.save()
    if partners is not None:
        project.partners.set(partners)
    return project


@transaction.atomic
def project_create(*, actor, partners: Sequence[Partner] = (), **fields: Any) -> Project:
    project = Project(**{k: v for k, v in fields.items() if k in PROJECT_FIELDS})
    return _save_project(project, partners)


@transaction.atomic
def project_update(*, actor, project: Project, partners: Sequence[Partner] | None = None, **fields: Any) -> Project:
    for key, value in fields.items():
        if key in PROJECT_FIELDS and key != "code":
            setattr(project, key, value)
    return _save_project(project, partners)
