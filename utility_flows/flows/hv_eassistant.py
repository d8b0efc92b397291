"""高压办电（办电e助手）, SPEC 4.2: acceptance assigns the account manager and the order waits in
``manager_assigned``. The e-assistant that takes it on from there is a later issue; until then
this flow deliberately has NO transition out of that state — no stand-in flow. The e-assistant
replaces this declaration (its stages are states and transitions here, nothing elsewhere)."""

from django.utils.translation import gettext_lazy as _

from utility_flows.flows.base import Flow, State
from utility_flows.flows.registry import register

FLOW = register(Flow(
    code="hv_eassistant",
    label=_("高压办电（办电e助手）"),
    position=3,
    promises_dates=False,
    no_date_note=_("由客户经理按办电e助手流程告知"),
    initial="manager_assigned",
    states=(
        State("manager_assigned", _("客户经理已接单"), due=_("客户经理联系客户（办电e助手后续环节即将上线）"),
              step=_("联系客户"), days=3, basis="SPEC 4.5：高压联系客户/勘察3个工作日",
              note=_("高压新装/增容工单已分派客户经理，后续环节将在“办电e助手”中办理（即将上线）。")),
        State("archived", _("已归档")),
    ),
    transitions=(),
))
