"""低压新装增容: the low-voltage connection and capacity increase (SPEC 4.1, seed 003 §1.2).

accepted → contacted → surveyed → plan_replied → [grid_works →] connected → contracted → archived
"""

from django.utils.translation import gettext_lazy as _

from utility_flows.flows.base import Actor, Flow, State, Transition
from utility_flows.flows.registry import register

FLOW = register(
    Flow(
        code="lv_connection",
        label=_("低压新装增容"),
        position=1,
        initial="accepted",
        states=(
            State(
                "accepted",
                _("已受理"),
                due=_("联系客户，确认用电地址并预约上门"),
                step=_("联系客户"),
                days=1,
                basis="种子003 §1.2.1：接到工单后1个工作日内与客户联系",
            ),
            State("contacted", _("已联系客户"), due=_("现场勘查"), days=1, basis="按约定时间上门勘查"),
            State("surveyed", _("已现场勘查"), due=_("答复供电方案"), days=1, basis="勘查后答复供电方案，可现场签订"),
            State("plan_replied", _("已答复供电方案"), due=_("装表接电"), days=2, basis="具备条件的直接装表接电"),
            # Seed 003 §1.2.3: where direct connection is impossible the plan goes to the marketing
            # department and the low-voltage grid-works process (低压业扩配套) starts.
            State(
                "grid_works",
                _("配套电网工程建设中"),
                due=_("配套电网工程施工"),
                step=_("配套电网工程"),
                days=10,
                basis="低压业扩配套工程",
                actor=Actor.UTILITY,
                detour_of="plan_replied",
            ),
            State(
                "connected",
                _("已装表接电"),
                due=_("签订供用电合同及费控协议"),
                step=_("签订合同"),
                days=1,
                basis="签订供用电合同及费控协议",
            ),
            State(
                "contracted", _("已签订合同"), due=_("资料归档"), step=_("归档"), days=1, basis="同步推进系统流程并归档"
            ),
            State("archived", _("已归档")),
        ),
        transitions=(
            Transition("contact", "accepted", "contacted", _("已联系客户")),
            Transition("survey", "contacted", "surveyed", _("完成现场勘查")),
            Transition("reply_plan", "surveyed", "plan_replied", _("答复供电方案")),
            Transition("start_grid_works", "plan_replied", "grid_works", _("启动配套电网工程"), reason_required=True),
            Transition("connect", ("plan_replied", "grid_works"), "connected", _("装表接电")),
            Transition("sign_contract", "connected", "contracted", _("签订供用电合同及费控协议")),
            Transition(
                "archive",
                "contracted",
                "archived",
                _("归档"),
                notify="order.completed",
                hooks=("utility_flows.hooks.settle_connection_account", "utility_flows.hooks.complete_application"),
            ),
        ),
    )
)
