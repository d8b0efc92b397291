from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal.sso"
    label = "sso"
    verbose_name = _("政务服务网单点登录")
