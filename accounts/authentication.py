from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiKey, digest_key


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>`, looked up by the key's digest (one query)."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header:
            return None
        if header[0].lower() != self.keyword.lower().encode():
            # `Bearer ...`, `Basic ...`: say which scheme this API uses.
            raise exceptions.AuthenticationFailed(
                _("Unsupported authorization scheme; send the key as `Authorization: Token <key>`.")
            )
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        api_key = (
            ApiKey.objects.active().select_related("user").filter(digest=digest_key(key), user__is_active=True).first()
        )
        if api_key is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return api_key.user, api_key

    def authenticate_header(self, request):
        return self.keyword
