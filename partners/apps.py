from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners and referrals")

    def ready(self) -> None:
        # A new trajectory registers the referrals it qualifies, in its own
        # transaction; a trajectory that registered a referral cannot be moved
        # before it or deleted (domain.md: trajectory hooks).
        from trajectories import hooks

        from . import services

        hooks.register_created(services.referrals_register)
        hooks.register_update_guard(services.guard_trajectory_update)
        hooks.register_delete_guard(services.guard_trajectory_delete)

        # A person's erasure tells the partners that referred them, and
        # scrubs the person from the outbox (docs/privacy.md).
        from privacy.persons import person_erased

        from .webhooks import on_person_erased

        person_erased.connect(on_person_erased, dispatch_uid="partners.webhooks.on_person_erased")
