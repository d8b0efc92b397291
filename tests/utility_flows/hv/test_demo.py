"""The demo HV orders exist after seed_demo, made with the real services, and a second run
changes nothing."""

import io

import pytest
from django.core.management import call_command

from utility_flows.hv.models import ChatMessage, HVProcess, PushedDocument, Suspension

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_the_hv_scenarios_once():
    call_command("seed_demo", stdout=io.StringIO())
    by_key = {
        p.order.application.data["demo"]: p
        for p in HVProcess.objects.select_related("order__application")
        if p.order.application.data.get("demo", "").startswith("hv-")
    }
    assert by_key["hv-rework"].stage == "design_rework" and by_key["hv-rework"].rework_count == 1
    assert by_key["hv-survey"].stage == "manager_assigned"
    suspended = Suspension.objects.get(process=by_key["hv-suspended"])
    assert suspended.approver.name and by_key["hv-suspended"].suspended_at
    from django.utils import timezone

    assert by_key["hv-late"].due_on < timezone.localdate()
    assert ChatMessage.objects.filter(process=by_key["hv-chat"]).count() == 2
    contract = PushedDocument.objects.get(process=by_key["hv-sealed"], kind="contract")
    assert by_key["hv-sealed"].stage == "contract_signed" and contract.signed_how == "seal" and contract.signed_id
    # The mid inspection names the licensing demo's contractor, and the registry says valid.
    mid = by_key["hv-mid"].submissions.get(kind="mid")
    assert by_key["hv-mid"].stage == "mid_requested" and mid.licence_status == "valid"
    assert mid.licence_detail["holder"] == "青海宏源电力安装工程有限公司"
    assert mid.licence_summary.startswith("许可证有效：青海宏源电力安装工程有限公司，承装四级、承修五级，有效期至 ")
    count = HVProcess.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert HVProcess.objects.count() == count
