from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UtilityFlowsConfig(AppConfig):
    name = "utility_flows"
    label = "utility_flows"
    verbose_name = _("工单流程")
