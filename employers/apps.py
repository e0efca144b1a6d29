from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployersConfig(AppConfig):
    name = "employers"
    verbose_name = _("Employers")

    def ready(self) -> None:
        # A trajectory with screenings cannot end before its last screening or
        # be deleted: the screenings are TD2.1's history (domain.md: trajectory hooks).
        from trajectories import hooks

        from . import services

        hooks.register_update_guard(services.guard_trajectory_update)
        hooks.register_delete_guard(services.guard_trajectory_delete)
