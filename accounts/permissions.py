"""Role checks: which roles may use an endpoint. Scope (which rows) is the querysets' job."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import Role

EVERY_ROLE = frozenset(Role.values)


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
