"""The 20-stage HV machine (SPEC 4.2): sides, permissions, loops back, skipped stages, log."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.core.errors import DomainError
from portal.notifications.models import Notification
from tests.factories import VerifiedUserFactory, _small_png
from tests.utility_flows.hv.conftest import signature_data_url
from utility_flows.hv import services as hv
from utility_flows.hv.models import HVStage, PushedDocument
from utility_flows.models import OrderState

pytestmark = pytest.mark.django_db


def png(name="a.png"):
    return SimpleUploadedFile(name, _small_png(), content_type="image/png")


DESIGN = {
    "intended_connection_on": None,
    "enterprise_contact": "张三",
    "enterprise_phone": "13800000001",
    "design_contact": "李工",
    "design_phone": "13800000002",
    "confirmed": True,
}


def design_files():
    return {"design_qualification": png(), "design_drawings": png()}


def mid_files():
    return {"concealed_records": png(), "grounding_records": png(), "licence_file": png()}


def completion_files():
    return {
        "as_built": png(),
        "protection_records": png(),
        "construction_qualification": png(),
        "safety_licence": png(),
    }


def to_plan_signed(process, manager, later, capture):
    customer = process.order.customer
    hv.take(process=process, by=manager, expected_visit_at=later)
    hv.book_survey(process=process, by=customer, survey_at=later)
    hv.advance(process=process, transition="dispatch_survey", by=manager)
    with capture(execute=True):
        hv.advance(process=process, transition="push_plan", by=manager)
    process.refresh_from_db()
    with capture(execute=True):
        hv.sign_document(
            process=process, kind="supply_plan", by=customer, signature=signature_data_url(), ip="10.0.0.8"
        )
    return process


def test_acceptance_starts_the_process_at_stage_two_and_the_customer_is_told(hv_order):
    process = hv_order.hv
    assert process.stage == HVStage.CONFIRMED and process.number == 2
    assert process.next_number() == 3
    assert [e.label for e in process.log.all()] == ["申请确认，生成正式工单"]


def test_whole_flow_with_a_design_rework_loop(
    hv_order, manager, later, django_capture_on_commit_callbacks, contractor_licence
):
    process = to_plan_signed(hv_order.hv, manager, later, django_capture_on_commit_callbacks)
    customer = hv_order.customer
    plan = PushedDocument.objects.get(process=process, kind="supply_plan")
    assert plan.signed is not None and plan.signed_ip == "10.0.0.8"
    assert plan.signed_sha256 == plan.signed.sha256 and plan.signed.pk != plan.unsigned.pk

    hv.submit_stage(process=process, kind="design", by=customer, data=DESIGN, files=design_files())
    with django_capture_on_commit_callbacks(execute=True):
        hv.advance(process=process, transition="rework_design", by=manager, reason="图纸缺少接地系统说明")
    assert process.stage == HVStage.DESIGN_REWORK and process.next_number() == 8
    hv.submit_stage(process=process, kind="design", by=customer, data=DESIGN, files=design_files())
    assert process.submissions.filter(kind="design").count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        hv.advance(process=process, transition="pass_design", by=manager)
    process.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        hv.sign_document(process=process, kind="design_review", by=customer, signature=signature_data_url())
    submission = hv.submit_stage(
        process=process,
        kind="mid",
        by=customer,
        data={**DESIGN, "licence_number": contractor_licence.number},
        files=mid_files(),
    )
    # Checked in the licensing registry: valid, with holder, scope and expiry kept on the submission.
    assert submission.licence_status == "valid"
    assert submission.licence_detail == {
        "holder": "青海宏源电力安装工程有限公司",
        "scope": ["承装四级", "承修五级"],
        "expires_on": contractor_licence.expires_on.isoformat(),
    }
    assert f"许可证 {contractor_licence.number}：有效" in [e.reason for e in process.log.all()]
    with django_capture_on_commit_callbacks(execute=True):
        hv.advance(process=process, transition="pass_mid", by=manager)
    process.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        hv.sign_document(process=process, kind="mid_inspection", by=customer, signature=signature_data_url())
    data = {
        **DESIGN,
        "construction_contact": "王工",
        "construction_phone": "13800000003",
        "basic_charge": "contract_demand",
        "demand_kw": 320,
    }
    hv.submit_stage(
        process=process,
        kind="completion",
        by=customer,
        data=data,
        files=completion_files(),
        signature=signature_data_url(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        hv.advance(process=process, transition="rework_completion", by=manager, reason="1. 接地电阻偏大；2. 标识缺失")
    hv.submit_stage(
        process=process,
        kind="completion",
        by=customer,
        data=data,
        files=completion_files(),
        signature=signature_data_url(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        hv.advance(process=process, transition="pass_completion", by=manager)
    process.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        hv.sign_document(process=process, kind="completion", by=customer, signature=signature_data_url())
    with django_capture_on_commit_callbacks(execute=True):
        hv.advance(process=process, transition="push_contract", by=manager)
    process.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        hv.sign_document(process=process, kind="contract", by=customer, signature=signature_data_url())
    with pytest.raises(DomainError):  # fees not settled yet
        hv.advance(process=process, transition="connect", by=manager)
    hv.settle_fees(process=process, by=manager)
    hv.advance(process=process, transition="connect", by=manager)
    hv.advance(process=process, transition="archive", by=manager)
    hv_order.refresh_from_db()
    assert hv_order.state == OrderState.ARCHIVED and hv_order.application.state == "completed"
    account = hv_order.application.service_account  # 立户 with what the e-assistant agreed
    assert account is not None and account.bindings.filter(user=customer).exists()
    assert (account.voltage, account.usage_nature, account.basic_charge, account.contracted_demand) == (
        "10kV",
        "large_industry",
        "demand",
        320,
    )
    assert process.rework_count == 2
    assert process.basic_charge == "contract_demand" and process.demand_kw == 320
    names = [e.name for e in process.log.all()]
    assert names.count("submit_design") == 2 and "rework_design" in names and "request_reinspection" in names
    rework = process.log.get(name="rework_design")
    assert (rework.from_stage, rework.to_stage, rework.by, rework.reason) == (
        "design_submitted",
        "design_rework",
        manager,
        "图纸缺少接地系统说明",
    )
    assert Notification.objects.filter(user=customer, event="hv.progress").count() >= 20


def test_stages_8_to_13_marked_not_needed_are_skipped(hv_order, manager, later, django_capture_on_commit_callbacks):
    process = hv_order.hv
    hv.mark_not_needed(process=process, by=manager, design=True, mid=True, reason="无设计审查、无隐蔽工程")
    process = to_plan_signed(process, manager, later, django_capture_on_commit_callbacks)
    assert process.next_number() == 14
    with pytest.raises(DomainError):
        hv.submit_stage(process=process, kind="design", by=hv_order.customer, data=DESIGN, files=design_files())
    data = {**DESIGN, "construction_contact": "王工", "construction_phone": "13800000003", "basic_charge": "capacity"}
    hv.submit_stage(process=process, kind="completion", by=hv_order.customer, data=data, files=completion_files())
    assert process.stage == HVStage.COMPLETION_REQUESTED


def test_only_the_customer_acts_on_customer_stages_and_only_handlers_on_utility_stages(hv_order, manager, later):
    process = hv_order.hv
    for outsider in (hv_order.customer, VerifiedUserFactory()):
        with pytest.raises(DomainError) as refused:
            hv.take(process=process, by=outsider, expected_visit_at=later)
        assert refused.value.code == "forbidden"
    hv.take(process=process, by=manager, expected_visit_at=later)
    for outsider in (manager, VerifiedUserFactory()):
        with pytest.raises(DomainError) as refused:
            hv.book_survey(process=process, by=outsider, survey_at=later)
        assert refused.value.code == "forbidden"
    assert process.stage == HVStage.MANAGER_ASSIGNED


def test_large_industry_must_choose_basic_charge_and_demand(
    hv_order, manager, later, django_capture_on_commit_callbacks
):
    process = hv_order.hv
    hv.mark_not_needed(process=process, by=manager, design=True, mid=True, reason="无")
    process = to_plan_signed(process, manager, later, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError) as refused:
        hv.submit_stage(
            process=process,
            kind="completion",
            by=hv_order.customer,
            data={**DESIGN, "basic_charge": "contract_demand"},
            files=completion_files(),
        )
    assert refused.value.field == "demand_kw"
    process.refresh_from_db()
    assert process.stage == HVStage.PLAN_SIGNED


def test_survey_time_change_keeps_history(hv_order, manager, later):
    process = hv_order.hv
    hv.take(process=process, by=manager, expected_visit_at=later)
    hv.book_survey(process=process, by=hv_order.customer, survey_at=later)
    hv.change_survey(process=process, by=hv_order.customer, survey_at=later + timedelta(days=1), note="出差")
    assert process.bookings.count() == 2
    assert process.log.filter(name="change_survey").exists()
    hv.advance(process=process, transition="dispatch_survey", by=manager)
    with pytest.raises(DomainError):
        hv.change_survey(process=process, by=hv_order.customer, survey_at=later)
