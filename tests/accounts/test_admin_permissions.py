"""Roles give the admin-site permissions; no group rows are needed."""

import pytest

from accounts.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_mediator_may_work_on_case_records_only(office):
    user = factories.UserFactory(role=Role.MEDIATOR, office=office, is_staff=True)
    assert user.has_perm("trajectories.add_action")
    assert user.has_perm("trajectories.delete_trajectory")
    assert user.has_perm("trajectories.view_auditentry")
    assert not user.has_perm("trajectories.change_auditentry")
    assert not user.has_perm("accounts.view_apikey")
    assert not user.has_perm("trajectories.change_office")
    assert user.has_module_perms("trajectories")
    assert not user.has_module_perms("accounts")


def test_without_staff_or_active_no_admin_permission(office):
    assert not factories.UserFactory(role=Role.MEDIATOR, office=office, is_staff=False).has_perm(
        "trajectories.view_jobseeker"
    )
    assert not factories.UserFactory(role=Role.MEDIATOR, office=office, is_staff=True, is_active=False).has_perm(
        "trajectories.view_jobseeker"
    )


def test_admin_role_may_do_everything():
    user = factories.UserFactory(role=Role.ADMIN, is_staff=True)
    assert user.has_perm("accounts.add_apikey") and user.has_module_perms("accounts")


def test_reporting_role_has_no_admin_permission():
    user = factories.UserFactory(role=Role.REPORTING, is_staff=True)
    assert not user.has_perm("trajectories.view_jobseeker")
    assert not user.has_module_perms("trajectories")
