"""Time limits: the ``TimeLimit`` rows are the one source of truth the clocks read.

After every migrate the rows are seeded from the declarations — each flow state's ``days``
(``utility_flows.flows``) as the flow's general row, each business's own ``contact_days`` where
it differs as a row of that business — and never overwritten: what staff set in the admin
stays. A flow or business added later gets its rows at the next migrate."""

from __future__ import annotations


def sync_time_limits(sender=None, using: str = "default", **kwargs) -> int:
    """Create the missing rows; returns how many were created."""
    from applications.catalog import registry
    from utility_flows import flows
    from utility_flows.models import TimeLimit

    created = 0
    for flow in flows.all_flows():
        for state in flow.limited_states:
            _row, new = TimeLimit.objects.using(using).get_or_create(
                flow=flow.code,
                state=state.code,
                business_code="",
                defaults={"working_days": state.days or 0, "note": state.basis},
            )
            created += new
    for business in registry.all_businesses():
        try:
            flow = flows.get(business.flow)
        except KeyError:
            continue
        initial = flow.state(flow.initial)
        if initial is None or business.contact_days == initial.days:
            continue
        _row, new = TimeLimit.objects.using(using).get_or_create(
            flow=flow.code,
            state=flow.initial,
            business_code=business.code,
            defaults={"working_days": business.contact_days, "note": f"业务声明：{business.name}"},
        )
        created += new
    return created
