from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensingConfig(AppConfig):
    name = "licensing"
    label = "licensing"
    verbose_name = _("承装（修、试）许可")
