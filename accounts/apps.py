from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and API keys")

    def ready(self) -> None:
        from idw.api import fields

        from . import schema  # noqa: F401  (registers the OpenAPI auth extension)

        fields.install()  # sane dates, integers and text lengths in every ModelSerializer
