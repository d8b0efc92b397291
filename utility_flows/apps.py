from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def sync_declared_contact_limits(sender=None, using="default", **kwargs) -> None:
    """Seed the time-limit rows from the declarations (see ``utility_flows.limits``)."""
    from utility_flows.limits import sync_time_limits

    sync_time_limits(sender=sender, using=using)


class UtilityFlowsConfig(AppConfig):
    name = "utility_flows"
    label = "utility_flows"
    verbose_name = _("工单流程")

    def ready(self) -> None:
        from utility_flows.events import register_order_events

        register_order_events()
        from utility_flows.hv.events import register_hv_events

        register_hv_events()
        from utility_flows.hv import access, admin  # noqa: F401  (document access rules; backoffice pages)

        post_migrate.connect(sync_declared_contact_limits, sender=self, dispatch_uid="utility_flows_contact_limits")
