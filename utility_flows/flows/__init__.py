"""Work-order flows, one declaration each.

A flow (the LV connection, the change order, the HV e-assistant) is ONE ``Flow`` object in a
module of this package. Everything about the flow is read from it: the states of the order
(``WorkOrder.state`` choices), the django-fsm transitions of the model (generated from the
declarations, see ``machine.py``), the buttons the backoffice shows and who may press them,
the log labels, the default time limits (seeded as editable ``TimeLimit`` rows), the step due
and who acts next (进度查询), the path of the order page, and what happens after a step (hooks
and the customer notification). No other code names a transition or a state of a flow.

Adding a flow is: one module here, and ``manage.py makemigrations utility_flows`` (the state
and flow choices of the model change). Modules of this package are discovered: nothing
imports them by hand. A declaration must not import models or services at module level (it is
read while ``utility_flows.models`` is being built); hooks are dotted paths, or functions that
import what they need when they run.

    from django.utils.translation import gettext_lazy as _
    from utility_flows.flows import Actor, Flow, Side, State, Transition, register

    register(Flow(
        code="change",                        # what Business.flow names
        label=_("变更用电"),
        initial="accepted",                   # acceptance creates the order here
        final="archived",                     # closes the order (closed_at) and ends the clock
        states=(                              # main path in order; detours name `detour_of`
            State("accepted", _("已受理"), due=_("联系客户，确认变更信息"), step=_("联系客户"),
                  days=1, basis="种子003：…"),
            State("contacted", _("已联系客户"), due=_("核实变更信息"), days=2),
            ...
            State("archived", _("已归档")),
        ),
        transitions=(
            Transition("contact", "accepted", "contacted", _("已联系客户")),
            Transition("execute", "checked", "executed", _("变更户号信息"),
                       hooks=("utility_flows.hooks.apply_account_changes",)),
            Transition("archive", "executed", "archived", _("归档"),
                       hooks=("utility_flows.hooks.complete_application",), notify="order.completed"),
            # a customer's step (HV: the customer confirms the supply plan in the portal):
            Transition("confirm_plan", "plan_sent", "plan_confirmed", _("确认供电方案"), side=Side.CUSTOMER),
        ),
    ))

Rules the registry checks: a state code has the same label in every flow that uses it; a
transition name leaving the same state goes to the same target in every flow that declares it
(the model has one method per transition name; it is available to an order only if the
order's flow declares it from the order's state).

Running a step: ``utility_flows.services.advance(order=..., transition=name, by=user,
reason=...)`` checks the declaration's permission, runs the machine, writes the order log,
the audit row and the customer notification in one transaction (``portal.audit.history``),
runs the hooks, and moves the clock. Hooks get a ``StepContext`` and return data for the log
entry (codes and values, never translated text; ``utility_flows.notes`` renders them).

The backoffice page of an order (``utility_flows.admin.orders``) is generic: the buttons are the
transitions the user may run now, the path is ``Flow.path_with(state)``, the note of a state
without transitions is ``State.note``.
"""

from utility_flows.flows.base import Actor, Flow, Side, State, StepContext, Transition
from utility_flows.flows.registry import (
    all_flows,
    flow_choices,
    get,
    open_states,
    register,
    state_choices,
    state_label,
)

__all__ = [
    "Actor",
    "Flow",
    "Side",
    "State",
    "StepContext",
    "Transition",
    "all_flows",
    "flow_choices",
    "get",
    "open_states",
    "register",
    "state_choices",
    "state_label",
]
