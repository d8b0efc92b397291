"""Flows are declared once (utility_flows.flows): the model's machine, the choices, the time
limits and the backoffice are all read from the declarations."""

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tests.factories import ApplicationFactory, VerifiedUserFactory
from utility_flows import flows, services
from utility_flows.flows import Actor, Flow, Side, State, Transition
from utility_flows.flows.registry import register
from utility_flows.limits import sync_time_limits
from utility_flows.models import OrderState, TimeLimit, WorkOrder


def test_every_declared_transition_is_a_django_fsm_transition_of_the_model():
    machine = {(t.name, t.source, t.target) for t in WorkOrder._meta.get_field("state").get_all_transitions(WorkOrder)}
    declared = {(t.name, s, t.target) for f in flows.all_flows() for t in f.transitions for s in t.sources}
    assert machine == declared


def test_the_model_choices_are_the_declared_states():
    assert set(OrderState.values) == {s.code for f in flows.all_flows() for s in f.states}
    with translation.override("zh-hans"):
        assert OrderState.GRID_WORKS.label == "配套电网工程建设中"
    assert WorkOrder._meta.get_field("state").max_length == 50


def test_a_declaration_naming_an_undeclared_state_is_refused():
    with pytest.raises(ValueError, match="undeclared"):
        Flow(
            code="broken",
            label="x",
            initial="a",
            final="z",
            states=(State("a", "A"), State("z", "Z")),
            transitions=(Transition("go", "a", "b", "Go"),),
        )


def test_a_state_labelled_differently_from_another_flow_is_refused():
    with pytest.raises(ValueError, match="labelled differently"):
        register(
            Flow(
                code="test_other",
                label="x",
                initial="accepted",
                final="archived",
                states=(State("accepted", _("另一个名字")), State("archived", _("已归档"))),
                transitions=(),
            )
        )
    assert "test_other" not in {f.code for f in flows.all_flows()}


def test_a_transition_name_going_elsewhere_from_the_same_state_is_refused():
    with pytest.raises(ValueError, match="different states"):
        register(
            Flow(
                code="test_other",
                label="x",
                initial="accepted",
                final="archived",
                states=(State("accepted", _("已受理")), State("archived", _("已归档"))),
                transitions=(Transition("contact", "accepted", "archived", _("联系")),),
            )
        )


def test_the_path_and_the_detour():
    lv = flows.get("lv_connection")
    assert lv.path == ["accepted", "contacted", "surveyed", "plan_replied", "connected", "contracted"]
    assert lv.path_with("grid_works") == [
        "accepted",
        "contacted",
        "surveyed",
        "plan_replied",
        "grid_works",
        "connected",
        "contracted",
    ]
    assert lv.state("grid_works").actor == Actor.UTILITY


@pytest.mark.django_db
def test_time_limit_rows_are_seeded_from_the_declarations_and_never_overwritten():
    TimeLimit.objects.filter(flow="change", state="contacted", business_code="").update(working_days=5)
    TimeLimit.objects.filter(flow="lv_connection", state="grid_works", business_code="").delete()
    assert sync_time_limits() == 1
    assert TimeLimit.objects.get(flow="lv_connection", state="grid_works", business_code="").working_days == 10
    assert TimeLimit.objects.get(flow="change", state="contacted", business_code="").working_days == 5
    for flow in flows.all_flows():
        for state in flow.limited_states:
            assert TimeLimit.objects.filter(flow=flow.code, state=state.code, business_code="").exists()


@pytest.mark.django_db
def test_a_customer_side_transition_is_theirs_alone(manager):
    """The HV e-assistant has steps the customer takes in the portal (Side.CUSTOMER)."""
    order = services.accept_application(application=ApplicationFactory(), by=manager)
    step = Transition("confirm", "accepted", "contacted", _("确认"), side=Side.CUSTOMER)
    assert step.allowed(order, order.customer)
    assert not step.allowed(order, manager)
    assert not step.allowed(order, VerifiedUserFactory())
    staff_step = flows.get("lv_connection").transition("contact")
    assert staff_step.allowed(order, manager) and not staff_step.allowed(order, order.customer)
