from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "portal.verification"
    label = "verification"
    verbose_name = _("短信验证码")
