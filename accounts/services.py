from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import ApiKey, Role, User

# Django-admin groups that give staff users the model permissions of their role.
ADMIN_GROUPS: dict[str, str] = {
    Role.MEDIATOR: "mediators",
    Role.COMPLAINTS: "complaints officers",
    Role.ADMIN: "programme team",
}


@transaction.atomic
def api_client_upsert(
    *, username: str, role: str, office_code: str | None = None, partner_code: str | None = None
) -> tuple[User, str]:
    """Create or update the user `username` with its role, and issue a new key.

    Earlier keys stay valid until revoked.
    """
    from partners.models import Partner
    from trajectories.models import Office

    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}; one of {', '.join(Role.values)}."})
    office = partner = None
    if role == Role.MEDIATOR:
        if not office_code:
            raise ValidationError({"office": "A mediator needs --office."})
        office = Office.objects.filter(code=office_code).first()
        if office is None:
            raise ValidationError({"office": f"No office with code {office_code!r}."})
    if role == Role.PARTNER:
        if not partner_code:
            raise ValidationError({"partner": "A partner client needs --partner."})
        partner = Partner.objects.filter(code=partner_code).first()
        if partner is None:
            raise ValidationError({"partner": f"No partner with code {partner_code!r}."})
    # Built and saved once: a new user saved with the default role but no
    # office would break the mediator_has_office constraint.
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None:
        user = User(username=username)
        user.set_unusable_password()
    user.role, user.office, user.partner = role, office, partner
    # People with a role that works in the admin site may log in there.
    user.is_staff = role in ADMIN_GROUPS
    user.save()
    user.groups.set(Group.objects.filter(name=ADMIN_GROUPS.get(role, "")))
    _, key = ApiKey.issue(user=user)
    return user, key


def api_keys_revoke(*, username: str) -> int:
    """Revoke every active key of `username`; returns how many."""
    return ApiKey.objects.active().filter(user__username=username).update(revoked_at=timezone.now())
