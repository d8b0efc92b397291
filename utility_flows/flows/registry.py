"""The registry of flows: declarations register themselves; every module of the package is
imported once, the first time the registry is read."""

from __future__ import annotations

import importlib
import pkgutil

from utility_flows.flows.base import Flow

_FLOWS: dict[str, Flow] = {}
_discovered = False
_INFRASTRUCTURE = {"base", "registry", "machine"}


def register(flow: Flow) -> Flow:
    """Add a flow. Checks it against the flows already registered (see the package docstring)."""
    for other in _FLOWS.values():
        if other.code == flow.code:
            continue
        labels = {s.code: str(s.label) for s in other.states}
        for s in flow.states:
            if s.code in labels and labels[s.code] != str(s.label):
                raise ValueError(f"state {s.code} is labelled differently in flows {other.code} and {flow.code}")
        for t in flow.transitions:
            o = other.transition(t.name)
            if o is not None and set(o.sources) & set(t.sources) and o.target != t.target:
                raise ValueError(f"transition {t.name} goes to different states in flows {other.code} and {flow.code}")
    _FLOWS[flow.code] = flow
    return flow


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    _discovered = True
    package = importlib.import_module("utility_flows.flows")
    for module in pkgutil.iter_modules(package.__path__):
        if module.name not in _INFRASTRUCTURE and not module.name.startswith("_"):
            importlib.import_module(f"utility_flows.flows.{module.name}")


def all_flows() -> list[Flow]:
    _discover()
    return sorted(_FLOWS.values(), key=lambda f: (f.position, f.code))


def get(code: str) -> Flow:
    _discover()
    return _FLOWS[code]


def flow_choices() -> list[tuple[str, object]]:
    return [(f.code, f.label) for f in all_flows()]


def state_choices() -> list[tuple[str, object]]:
    """Every state of every flow, once, in declaration order (the model's choices)."""
    seen: dict[str, object] = {}
    flows = all_flows()
    finals = {f.final for f in flows}
    for flow in flows:
        for s in flow.states:
            if s.code not in finals:
                seen.setdefault(s.code, s.label)
    for flow in flows:
        final = flow.state(flow.final)
        if final is not None:
            seen.setdefault(final.code, final.label)
    return list(seen.items())


def state_label(code: str) -> str:
    return str(dict(state_choices()).get(code, code))


def open_states() -> list[str]:
    """States in which an order is still open (not the final state of its flow)."""
    finals = {f.final for f in all_flows()}
    return [code for code, _label in state_choices() if code not in finals]
