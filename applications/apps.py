from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    label = "applications"
    verbose_name = _("业务办理")

    def ready(self) -> None:
        from applications.events import register_application_events

        register_application_events()

        from applications.access import register_document_rules

        register_document_rules()
