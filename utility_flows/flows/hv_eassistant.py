"""高压办电（办电e助手）, SPEC 4.2, at the level of the work order.

The order is created in ``manager_assigned`` by acceptance and stays there while its 20 stages
run on ``utility_flows.hv.models.HVProcess`` (its own state field, so the LV and change
machines stay short). When the process reaches stage 20 (归档) the process's archive step runs
this flow's ``archive`` in the same transaction: the order closes, the application completes."""

from django.utils.translation import gettext_lazy as _

from utility_flows.flows.base import Flow, State, Transition
from utility_flows.flows.registry import register


def _process_archived(order, user) -> bool:
    from utility_flows.models import may_handle

    hv = getattr(order, "hv", None)
    return hv is not None and hv.stage == "archived" and may_handle(user, order.business)


FLOW = register(
    Flow(
        code="hv_eassistant",
        label=_("高压办电（办电e助手）"),
        position=3,
        promises_dates=False,
        no_date_note=_("由客户经理按办电e助手流程告知"),
        initial="manager_assigned",
        states=(
            State(
                "manager_assigned",
                _("客户经理已接单"),
                due=_("按办电e助手环节办理"),
                step=_("联系客户"),
                days=3,
                basis="SPEC 4.5：高压联系客户/勘察3个工作日",
                note=_("高压新装/增容工单的后续环节在“办电e助手”中办理。"),
            ),
            State("archived", _("已归档")),
        ),
        transitions=(
            Transition(
                "archive",
                "manager_assigned",
                "archived",
                _("归档"),
                permission=_process_archived,
                hooks=("utility_flows.hv.services.settle_hv_account", "utility_flows.hooks.complete_application"),
                notify="order.completed",
            ),
        ),
    )
)
