from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "portal.documents"
    label = "documents"
    verbose_name = _("证照与文档")

    def ready(self):
        from portal.documents import checks  # noqa: F401 — registers the font check
