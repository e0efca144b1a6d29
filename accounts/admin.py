"""Users with their role, and API keys (stored hashed: the clear key is shown once, on creation)."""

from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .login_limit import BLOCKED, LoginBlocked, authenticate_limited
from .models import ApiKey, User


class LimitedAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's login under the same failed-login limit as /login/ (accounts.login_limit)."""

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = authenticate_limited(self.request, username=username, password=password)
            except LoginBlocked:
                raise ValidationError(BLOCKED, code="blocked") from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


admin.site.login_form = LimitedAdminAuthenticationForm


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    fields = ["prefix", "created_at", "revoked_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "role", "office", "partner", "is_staff", "is_active"]
    list_filter = ["role", "office", "is_staff", "is_active"]
    list_select_related = ["office", "partner"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Role"), {"fields": ["role", "office", "partner"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        (_("Role"), {"fields": ["role", "office", "partner"]}),
    ]
    inlines = [ApiKeyInline]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are issued here or by `create_api_client`; the clear key is shown once, never stored."""

    list_display = ["prefix", "user", "created_at", "revoked_at", "is_active"]
    list_filter = ["revoked_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "prefix"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return ["user"] if obj is None else ["user", "prefix", "created_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["user", "prefix", "created_at", "revoked_at"]

    @admin.display(description=_("active"), boolean=True)
    def is_active(self, obj) -> bool:
        return obj.revoked_at is None

    def save_model(self, request, obj, form, change):
        if change:
            return
        issued, key = ApiKey.issue(user=obj.user)
        obj.pk, obj.prefix, obj.digest, obj.created_at = issued.pk, issued.prefix, issued.digest, issued.created_at
        obj._state.adding = False
        self.message_user(
            request,
            _("The new key of %(user)s, shown only this once: %(key)s") % {"user": obj.user, "key": key},
            messages.WARNING,
        )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(
            request, ngettext("%(count)d key revoked.", "%(count)d keys revoked.", count) % {"count": count}
        )
