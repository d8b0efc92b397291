"""The HV REST API: the customer's steps with the same checks; others' objects are 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from portal.accounts.models import EnterpriseMembership
from portal.signing import seals
from tests.factories import (
    ApplicationFactory,
    EnterpriseFactory,
    VerifiedUserFactory,
    _small_png,
)
from tests.utility_flows.hv.conftest import signature_data_url
from utility_flows import services as order_services
from utility_flows.hv import chat
from utility_flows.hv import services as hv
from utility_flows.hv.models import HVLog, HVStage

pytestmark = pytest.mark.django_db
API = "/api/v1/"


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def png(name):
    return SimpleUploadedFile(name, _small_png(), content_type="image/png")


def test_customer_books_submits_and_signs_through_the_api(hv_order, manager, later, django_capture_on_commit_callbacks):
    client = api_for(hv_order.customer)
    process = hv_order.hv
    hv.take(process=process, by=manager, expected_visit_at=later)
    detail = client.get(f"{API}hv/orders/{hv_order.pk}/").json()
    assert detail["manager"]["name"] == manager.name and detail["actions"] == ["book_survey"]
    assert [r["status"] for r in detail["timeline"]][:5] == ["done", "done", "done", "now", "next"]
    past = client.post(f"{API}hv/orders/{hv_order.pk}/survey/", {"survey_at": "2020-01-01T10:00"}, format="json")
    assert past.status_code == 400 and past.json()["fields"]["survey_at"]
    ok = client.post(
        f"{API}hv/orders/{hv_order.pk}/survey/",
        {"survey_at": timezone.localtime(later).strftime("%Y-%m-%dT%H:%M")},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["stage"] == "survey_booked"
    process.refresh_from_db()
    hv.advance(process=process, transition="dispatch_survey", by=manager)
    with django_capture_on_commit_callbacks(execute=True):
        hv.advance(process=process, transition="push_plan", by=manager)
    with django_capture_on_commit_callbacks(execute=True):
        signed = client.post(
            f"{API}hv/orders/{hv_order.pk}/documents/supply_plan/sign/",
            {"signature": signature_data_url()},
            format="json",
        )
    assert signed.status_code == 200
    process.refresh_from_db()
    missing = client.post(f"{API}hv/orders/{hv_order.pk}/submissions/design/", {"design_contact": "李工"})
    assert missing.status_code == 400 and "confirmed" in missing.json()["fields"]
    ok = client.post(
        f"{API}hv/orders/{hv_order.pk}/submissions/design/",
        {
            "intended_connection_on": "2027-03-01",
            "enterprise_contact": "张三",
            "enterprise_phone": "13800000001",
            "design_contact": "李工",
            "design_phone": "13800000002",
            "confirmed": "true",
            "design_qualification": png("q.png"),
            "design_drawings": png("d.png"),
        },
    )
    assert ok.status_code == 200 and ok.json()["stage"] == HVStage.DESIGN_SUBMITTED
    docs = ok.json()["documents"]
    assert docs[0]["signed_document_id"] and len(docs[0]["signed_sha256"]) == 64


def test_the_mid_inspection_through_the_api_checks_the_licence(
    hv_order, manager, later, django_capture_on_commit_callbacks, contractor_licence
):
    from tests.utility_flows.hv.test_machine import to_plan_signed

    hv.mark_not_needed(process=hv_order.hv, by=manager, design=True, mid=False, reason="无设计")
    to_plan_signed(hv_order.hv, manager, later, django_capture_on_commit_callbacks)
    client = api_for(hv_order.customer)

    def mid(number):
        return client.post(
            f"{API}hv/orders/{hv_order.pk}/submissions/mid/",
            {
                "intended_connection_on": "2027-03-01",
                "enterprise_contact": "张三",
                "enterprise_phone": "13800000001",
                "licence_number": number,
                "confirmed": "true",
                "concealed_records": png("a.png"),
                "grounding_records": png("b.png"),
                "licence_file": png("c.png"),
            },
        )

    refused = mid("6-2020-99999")
    assert refused.status_code == 400
    assert "查无此证" in str(refused.json()["fields"]["licence_number"])
    ok = mid(contractor_licence.number)
    assert ok.status_code == 200 and ok.json()["stage"] == HVStage.MID_REQUESTED
    assert hv_order.hv.submissions.get(kind="mid").licence_status == "valid"
    # The app shows what the registry answered, as the page does.
    detail = client.get(f"{API}hv/orders/{hv_order.pk}/").json()
    (submission,) = [s for s in detail["submissions"] if s["kind"] == "mid"]
    assert submission["licence_status"] == "valid"
    assert "许可证有效" in submission["licence_summary"]


def test_another_customers_order_seal_and_chat_are_404(hv_order, manager, later):
    hv.take(process=hv_order.hv, by=manager, expected_visit_at=later)
    hv.book_survey(process=hv_order.hv, by=hv_order.customer, survey_at=later)
    hv.advance(process=hv_order.hv, transition="dispatch_survey", by=manager)
    enterprise = EnterpriseFactory()
    EnterpriseMembership.objects.create(user=hv_order.customer, enterprise=enterprise, relation="legal_rep")
    seal = seals.apply_seal(enterprise=enterprise, by=hv_order.customer)
    chat.member_of(user=hv_order.customer, order_pk=hv_order.pk)
    other = api_for(VerifiedUserFactory())
    pk = hv_order.pk
    for url in (f"hv/orders/{pk}/", f"hv/orders/{pk}/chat/messages/"):
        assert other.get(API + url).status_code == 404
    for url, body in (
        (f"hv/orders/{pk}/survey/", {"survey_at": "2030-01-01T10:00"}),
        (f"hv/orders/{pk}/documents/supply_plan/sign/", {"signature": signature_data_url()}),
        (f"hv/orders/{pk}/chat/messages/", {"text": "hi"}),
        (f"seals/{seal.pk}/cancel/", {}),
    ):
        assert other.post(API + url, body, format="json").status_code == 404
    assert other.get(API + "seals/").json() == []
    assert api_for(hv_order.customer).get(API + "seals/").json()[0]["id"] == seal.pk


def test_chat_through_the_api(hv_order, manager, later):
    hv.take(process=hv_order.hv, by=manager, expected_visit_at=later)
    hv.book_survey(process=hv_order.hv, by=hv_order.customer, survey_at=later)
    hv.advance(process=hv_order.hv, transition="dispatch_survey", by=manager)
    customer = api_for(hv_order.customer)
    sent = customer.post(f"{API}hv/orders/{hv_order.pk}/chat/messages/", {"text": "你好"}, format="json")
    assert sent.status_code == 201
    assert api_for(manager).get(API + "hv/chats/").json()[0]["unread"] == 1
    messages = api_for(manager).get(f"{API}hv/orders/{hv_order.pk}/chat/messages/").json()
    assert [m["text"] for m in messages] == ["你好"]
    invite = customer.post(
        f"{API}hv/orders/{hv_order.pk}/chat/invites/", {"phone": "12", "role": "design"}, format="json"
    )
    assert invite.status_code == 400 and "phone" in invite.json()["fields"]


@pytest.mark.parametrize("rows", [10, 200])
def test_lists_and_timeline_run_fixed_queries(hv_order, manager, rows, django_assert_max_num_queries):
    customer = hv_order.customer
    while customer.work_orders.count() < min(rows, 30):
        order_services.accept_application(
            application=ApplicationFactory(business_code="hv_new", capacity=400, applicant=customer), by=manager
        )
    HVLog.objects.bulk_create(
        [
            HVLog(
                process=hv_order.hv,
                name="change_survey",
                side="customer",
                from_stage="confirmed",
                to_stage="confirmed",
                by=customer,
                reason=str(i),
            )
            for i in range(rows)
        ]
    )
    client = api_for(customer)
    with django_assert_max_num_queries(6):
        assert client.get(API + "hv/orders/").status_code == 200
    with django_assert_max_num_queries(16):
        assert len(client.get(f"{API}hv/orders/{hv_order.pk}/").json()["log"]) == rows + 1
