"""The django-fsm machine of ``WorkOrder``, generated from the flow declarations.

``machine_mixin()`` returns a plain class with one method per transition name, decorated with
``django_fsm.transition`` once per source state. ``WorkOrder`` inherits it, so django-fsm
collects the transitions as if they were written in the model, and ``ConcurrentTransitionMixin``
protects them as usual. A transition is available to an order only if the order's flow
declares it from the order's state (condition) and the user may press it (permission).
"""

from __future__ import annotations

from django.utils import timezone
from django_fsm import transition

from utility_flows.flows.registry import all_flows, get


def _declared(name: str):
    def condition(order) -> bool:
        t = get(order.flow).transition(name)
        return t is not None and order.state in t.sources

    condition.__name__ = f"declared_{name}"
    return condition


def _permission(name: str):
    def permission(order, user) -> bool:
        t = get(order.flow).transition(name)
        return t is not None and t.allowed(order, user)

    permission.__name__ = f"may_{name}"
    return permission


def _method(name: str, targets: dict[str, str], finals: set[str], labels: dict[str, object]):
    def step(self):
        if self.state in targets and targets[self.state] in finals:
            self.closed_at = timezone.now()

    step.__name__ = name
    for source, target in targets.items():
        step = transition(
            field="state",
            source=source,
            target=target,
            conditions=[_declared(name)],
            permission=_permission(name),
            custom={"label": labels[source]},
        )(step)
    return step


def machine_mixin() -> type:
    targets: dict[str, dict[str, str]] = {}
    labels: dict[str, dict[str, object]] = {}
    finals = set()
    for flow in all_flows():
        finals.add(flow.final)
        for t in flow.transitions:
            for source in t.sources:
                targets.setdefault(t.name, {})[source] = t.target
                labels.setdefault(t.name, {})[source] = t.label
    methods = {name: _method(name, by_source, finals, labels[name]) for name, by_source in targets.items()}
    return type("DeclaredFlowsMachine", (), {"__module__": __name__, **methods})
