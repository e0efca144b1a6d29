"""Role checks: which roles may use an endpoint. Scope (which rows) is the querysets' job."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import Role

# The integration role (a system feeding the imports) may call /api/v1/imports/ and nothing else,
# so "every role" of reference data and the ping leaves it out.
EVERY_ROLE = frozenset(Role.values) - {Role.INTEGRATION}
IMPORT_ROLES = frozenset({Role.INTEGRATION})


def role_of(user) -> str | None:
    if not user or not user.is_authenticated:
        return None
    return user.effective_role


class RolePermission(BasePermission):
    """Reads need a role in `view.read_roles`, writes one in `view.write_roles`;
    `view.action_roles` names the roles of custom actions. Admin may do everything.

    Checked before the object is looked up, so a role that may not use an
    endpoint gets 403 whatever the id in the URL.
    """

    def has_permission(self, request, view) -> bool:
        role = role_of(request.user)
        if role is None:
            return False
        if role == Role.ADMIN:
            return True
        action_roles = getattr(view, "action_roles", {})
        action = getattr(view, "action", None)
        if action in action_roles:
            return role in action_roles[action]
        if request.method in SAFE_METHODS:
            return role in getattr(view, "read_roles", ())
        return role in getattr(view, "write_roles", ())


# What each role may do in the Django admin (the mediators' screens), by model.
# Roles give these permissions directly, so no group or permission rows need to
# exist; rows in the admin are still narrowed by each model's `for_user`.
# Apps add the models of their own screens here (e.g. complaints officers).
ALL = frozenset({"view", "add", "change", "delete"})
VIEW = frozenset({"view"})
ADMIN_SITE_PERMISSIONS: dict[str, dict[str, frozenset[str]]] = {
    Role.MEDIATOR: {
        "trajectories.jobseeker": ALL,
        "trajectories.residencestatus": ALL,
        "trajectories.trajectory": ALL,
        "trajectories.action": ALL,
        "trajectories.employmentspell": VIEW,
        "trajectories.barrier": ALL,
        "trajectories.casenote": ALL,
        "trajectories.auditentry": VIEW,
        "trajectories.office": VIEW,
        "trajectories.actiontype": VIEW,
        "employers.employer": frozenset({"view", "add", "change"}),
        "employers.competence": VIEW,
        "employers.competencescreening": VIEW,
        "employers.competencescore": VIEW,
        "partners.partner": VIEW,
        "partners.project": VIEW,
        # The referral inbox: accept and reject are admin actions (change permission).
        "partners.referral": frozenset({"view", "change"}),
    },
    Role.COMPLAINTS: {
        "employers.discriminationcomplaint": ALL,
        "employers.vacancycheck": ALL,
        "employers.employer": VIEW,
    },
}


def role_has_admin_perm(role: str, perm: str) -> bool:
    """`perm` is Django's "app_label.action_model" (e.g. "trajectories.change_action")."""
    if role == Role.ADMIN:
        return True
    app_label, _, codename = perm.partition(".")
    action, _, model = codename.partition("_")
    return action in ADMIN_SITE_PERMISSIONS.get(role, {}).get(f"{app_label}.{model}", frozenset())


def role_has_admin_module_perms(role: str, app_label: str) -> bool:
    if role == Role.ADMIN:
        return True
    return any(label.split(".")[0] == app_label for label in ADMIN_SITE_PERMISSIONS.get(role, {}))
