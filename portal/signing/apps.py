from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "portal.signing"
    label = "signing"
    verbose_name = _("签名与印章")
