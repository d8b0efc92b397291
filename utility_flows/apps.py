from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def sync_declared_contact_limits(sender, using="default", **kwargs) -> None:
    """Give every business that declares its own contact limit (``Business.contact_days``, e.g.
    capacity / demand changes: 3 working days, seed 003) a time-limit row staff can see and edit.
    Existing rows are never overwritten: what staff set in the admin stays."""
    from applications.catalog import registry
    from utility_flows.clock import DEFAULT_DAYS, contact_state
    from utility_flows.models import TimeLimit

    for business in registry.all_businesses():
        state = contact_state(business.flow)
        if state is None or business.contact_days == DEFAULT_DAYS.get((business.flow, state)):
            continue
        TimeLimit.objects.using(using).get_or_create(
            flow=business.flow, state=state, business_code=business.code,
            defaults={"working_days": business.contact_days, "note": f"业务声明：{business.name}"},
        )


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
