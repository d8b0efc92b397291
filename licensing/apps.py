from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensingConfig(AppConfig):
    name = "licensing"
    label = "licensing"
    verbose_name = _("承装（修、试）许可")

    def ready(self) -> None:
        from licensing.events import register_licensing_events
        from licensing.services import check_licence
        from portal.core.licences import register_licence_checker

        register_licensing_events()
        register_licence_checker(check_licence)
