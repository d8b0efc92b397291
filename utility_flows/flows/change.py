"""变更用电: change orders (rename, VAT, peak-valley, demand value, pause...).

accepted → contacted → checked (on site or at the desk) → executed (account updated) → archived
"""

from django.utils.translation import gettext_lazy as _

from utility_flows.flows.base import Flow, State, Transition
from utility_flows.flows.registry import register

FLOW = register(
    Flow(
        code="change",
        label=_("变更用电"),
        position=2,
        initial="accepted",
        states=(
            State(
                "accepted",
                _("已受理"),
                due=_("联系客户，确认变更信息"),
                step=_("联系客户"),
                days=1,
                basis="种子003：接到工单后1个工作日内联系客户（容量/需量变更3个工作日）",
            ),
            State("contacted", _("已联系客户"), due=_("核实变更信息"), days=2, basis="核实变更信息"),
            State("checked", _("已核实变更信息"), due=_("变更户号信息"), days=1, basis="变更户号信息"),
            State(
                "executed",
                _("已变更户号信息"),
                due=_("资料归档"),
                step=_("归档"),
                days=1,
                basis="同步推进系统流程并归档",
            ),
            State("archived", _("已归档")),
        ),
        transitions=(
            Transition("contact", "accepted", "contacted", _("已联系客户")),
            Transition("check_on_site", "contacted", "checked", _("现场核实")),
            Transition("check_at_desk", "contacted", "checked", _("远程核实（无需上门）")),
            Transition(
                "execute",
                "checked",
                "executed",
                _("变更户号信息"),
                hooks=("utility_flows.hooks.apply_account_changes",),
            ),
            Transition(
                "archive",
                "executed",
                "archived",
                _("归档"),
                notify="order.completed",
                hooks=("utility_flows.hooks.complete_application",),
            ),
        ),
    )
)
