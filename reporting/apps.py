from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        from trajectories.changes import register_recorded

        from . import freshness

        register_recorded(freshness.changes_recorded)
