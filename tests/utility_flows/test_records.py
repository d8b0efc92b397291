"""服务记录 / 进度查询 as the customer reads them, and the orders API."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.models import AbnormalFlag, ApplicationDocument, ApplicationState
from portal.core.workdays import add_working_days
from tests.applications.conftest import photo
from tests.factories import ApplicationFactory, VerifiedUserFactory, WorkOrderFactory
from utility_flows import services
from utility_flows.models import OrderState
from utility_flows.tasks import flag_overdue_commitments

pytestmark = pytest.mark.django_db

RECORDS = "/records/"
PROGRESS = "/progress/"


def detail(application) -> str:
    return f"/records/{application.pk}/"


@pytest.fixture
def customer():
    return VerifiedUserFactory(name="张伟")


def test_records_show_each_application_with_step_due_who_acts_and_expected_date(client, customer, manager):
    today = timezone.localdate()
    draft = ApplicationFactory(
        applicant=customer, state="draft", number=None, submitted_at=None, current_step="property"
    )
    returned = ApplicationFactory(applicant=customer, state="returned", reason="产权证明照片模糊，请重新上传")
    accepted = ApplicationFactory(applicant=customer)
    order = services.accept_application(application=accepted, by=manager)
    client.force_login(customer)
    page = client.get(RECORDS)
    assert page.status_code == 200
    body = page.content.decode()
    assert f"/applications/{draft.pk}/steps/property/" in body and "继续办理" in body
    assert "产权证明照片模糊，请重新上传" in body and "修改并重新提交" in body
    assert f"/applications/{returned.pk}/steps/location/" in body
    rows = {a.pk: p for a, p in page.context["rows"]}
    progress = rows[accepted.pk]
    assert progress.step == "联系客户，确认用电地址并预约上门"
    assert progress.due_on == order.step_due_on == add_working_days(today, 1)
    assert progress.actor_label == "客户经理 王芳"
    # After the contact: survey 1 + plan 1 + connection 2 + contract 1 + archive 1 working days.
    assert progress.expected_on == add_working_days(order.step_due_on, 6)
    assert progress.expected_on.isoformat() in body
    assert rows[returned.pk].actor_label == "客户" and rows[draft.pk].actor_label == "客户"
    assert order.number in body


def test_a_submitted_application_waits_for_the_utility_with_an_estimate(client, customer):
    ApplicationFactory(applicant=customer)
    client.force_login(customer)
    ((application, progress),) = client.get(RECORDS).context["rows"]
    assert (progress.step, progress.actor_label) == ("供电公司受理申请", "供电公司")
    assert progress.expected_on == add_working_days(timezone.localdate(), 7)  # contact 1 + the six after


def test_an_order_in_grid_works_is_the_utilitys_and_a_late_step_pushes_the_date(client, customer, manager):
    order = services.accept_application(application=ApplicationFactory(applicant=customer), by=manager)
    for name in ("contact", "survey", "reply_plan"):
        order = services.advance(order=order, transition=name, by=manager)
    order = services.advance(order=order, transition="start_grid_works", by=manager, reason="需新建线路")
    client.force_login(customer)
    ((_a, progress),) = client.get(RECORDS).context["rows"]
    assert progress.actor_label == "供电公司" and progress.step == "配套电网工程施工"
    assert progress.expected_on == add_working_days(order.step_due_on, 2)  # contract 1 + archive 1
    # Late: the date counts from today, not from a due date already past.
    type(order).objects.filter(pk=order.pk).update(step_due_on=timezone.localdate() - timedelta(days=10))
    ((_a, progress),) = client.get(RECORDS).context["rows"]
    assert progress.clock.overdue and progress.expected_on == add_working_days(timezone.localdate(), 2)


def test_the_record_shows_history_in_order_documents_and_the_manager(client, customer, manager):
    application = ApplicationFactory(applicant=customer, submitted_at=timezone.now() - timedelta(hours=2))
    order = services.accept_application(application=application, by=manager)
    services.advance(order=order, transition="contact", by=manager, reason="已电话联系，约定周三上门")
    client.force_login(customer)
    page = client.get(detail(application))
    body = page.content.decode()
    labels = [e.label for e in page.context["history"]]
    assert labels == ["已提交", "已受理", "受理并生成工单", "已联系客户"]
    assert "已电话联系，约定周三上门" in body
    assert "王芳" in body and order.number in body
    assert "现场勘查" in body  # the step now due


def test_a_promised_document_is_uploaded_from_the_record_and_the_order_sees_it(client, customer, manager):
    application = ApplicationFactory(applicant=customer)
    promised = ApplicationDocument.objects.create(
        application=application,
        requirement="property_proof",
        how="deferred",
        due_on=timezone.localdate() + timedelta(days=5),
    )
    order = services.accept_application(application=application, by=manager)
    client.force_login(customer)
    body = client.get(detail(application)).content.decode()
    assert "承诺补交的材料" in body and "产权证明" in body and "待补交" in body
    url = f"/records/{application.pk}/documents/{promised.pk}/"
    bad = client.post(url, {"file": SimpleUploadedFile("proof.jpg", b"not an image at all", content_type="image/jpeg")})
    assert bad.status_code == 400
    assert 'role="alert"' in bad.content.decode() or "errorlist" in bad.content.decode()
    promised.refresh_from_db()
    assert promised.fulfilled_at is None
    ok = client.post(url, {"file": photo("proof.jpg")})
    assert ok.status_code == 302
    promised.refresh_from_db()
    assert promised.fulfilled_at is not None and promised.document.doc_type.code == "property_proof"
    assert order.transitions.filter(name="upload_document", by=customer).exists()
    body = client.get(detail(application)).content.decode()
    assert "已补交" in body
    from django.urls import reverse

    assert f'href="{reverse("documents:download", args=[promised.document_id])}"' in body


def test_overdue_promises_are_flagged_daily_and_settled_when_collected(manager):
    application = ApplicationFactory()
    promised = ApplicationDocument.objects.create(
        application=application,
        requirement="property_proof",
        how="deferred",
        due_on=timezone.localdate() + timedelta(days=3),
    )
    order = services.accept_application(application=application, by=manager)
    assert flag_overdue_commitments.apply().get() == 0
    assert services.flag_overdue_commitments(today=timezone.localdate() + timedelta(days=4)) == 1
    flag = AbnormalFlag.objects.get(application=application, kind=AbnormalFlag.Kind.OVERDUE_COMMITMENT)
    assert "产权证明" in flag.detail and flag.resolved_at is None
    assert services.flag_overdue_commitments(today=timezone.localdate() + timedelta(days=5)) == 0  # once
    services.collect_deferred_document(order=order, document=promised, by=manager, note="已现场收取复印件")
    flag.refresh_from_db()
    assert flag.resolved_at is not None and flag.resolution == "承诺材料已补齐"


def test_another_customers_record_is_not_found(client, customer):
    someone_else = ApplicationFactory()
    client.force_login(customer)
    assert client.get(detail(someone_else)).status_code == 404
    assert client.post(f"/records/{someone_else.pk}/withdraw/").status_code == 404
    someone_else.refresh_from_db()
    assert someone_else.state == ApplicationState.SUBMITTED


def test_withdrawing_from_the_record(client, customer):
    application = ApplicationFactory(applicant=customer)
    client.force_login(customer)
    assert "撤回申请" in client.get(detail(application)).content.decode()
    response = client.post(f"/records/{application.pk}/withdraw/")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.WITHDRAWN


def test_progress_also_finds_applications_made_for_my_phone(client, customer):
    mine = ApplicationFactory(applicant=customer)
    counter_staff = VerifiedUserFactory()
    at_the_counter = ApplicationFactory(applicant=counter_staff, contact_phone=customer.phone)
    ApplicationFactory(applicant=counter_staff, contact_phone=customer.phone, state="draft", number=None)
    ApplicationFactory()  # someone else's
    client.force_login(customer)
    listed = {a for a, _p in client.get(PROGRESS).context["rows"]}
    assert listed == {mine, at_the_counter}
    assert {a for a, _p in client.get(RECORDS).context["rows"]} == {mine}
    assert client.get(detail(at_the_counter)).status_code == 200
    assert "撤回申请" not in client.get(detail(at_the_counter)).content.decode()  # not theirs to withdraw


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [RECORDS, PROGRESS])
def test_records_and_progress_run_the_same_queries_for_10_and_200_rows(
    client, customer, manager, url, django_assert_max_num_queries
):
    def make(n):
        for i in range(n):
            if i % 2:
                WorkOrderFactory(
                    application__applicant=customer,
                    assignee=manager,
                    state=OrderState.CONTACTED if i % 4 == 1 else OrderState.ACCEPTED,
                )
            else:
                ApplicationFactory(applicant=customer, state="returned" if i % 3 else "submitted", reason="补正")

    make(10)
    client.force_login(customer)
    ten = _count(client, url)
    make(190)
    with django_assert_max_num_queries(ten):
        response = client.get(url)
    assert len(response.context["rows"]) == 50


# --- the API -------------------------------------------------------------------------------------------------


def test_the_api_lists_my_orders_with_progress(client, customer, manager):
    order = services.accept_application(application=ApplicationFactory(applicant=customer), by=manager)
    services.accept_application(application=ApplicationFactory(), by=manager)  # someone else's
    client.force_login(customer)
    data = client.get("/api/v1/orders/").json()
    assert data["count"] == 1
    item = data["results"][0]
    assert item["number"] == order.number
    assert item["business"] == {"code": "residential_new", "name": "个人新装"}
    assert item["state"] == {"code": "accepted", "label": "已受理"}
    assert item["step"] == "联系客户，确认用电地址并预约上门"
    assert item["step_due_on"] == order.step_due_on.isoformat()
    assert item["next_actor"] == {"kind": "manager", "label": "客户经理 王芳"}
    assert item["expected_completion_on"] == add_working_days(order.step_due_on, 6).isoformat()
    assert item["assignee"]["name"] == "王芳"
    assert item["clock"]["overdue"] is False


def test_the_api_order_detail_has_history_and_others_answer_404(client, customer, manager):
    application = ApplicationFactory(applicant=customer)
    promised = ApplicationDocument.objects.create(
        application=application,
        requirement="property_proof",
        how="deferred",
        due_on=timezone.localdate() + timedelta(days=5),
    )
    order = services.accept_application(application=application, by=manager)
    services.advance(order=order, transition="contact", by=manager, reason="已联系")
    other = services.accept_application(application=ApplicationFactory(), by=manager)
    client.force_login(customer)
    data = client.get(f"/api/v1/orders/{order.pk}/").json()
    assert [h["label"] for h in data["history"]] == ["已提交", "已受理", "受理并生成工单", "已联系客户"]
    assert data["history"][-1]["note"] == "已联系"
    assert data["deferred_documents"] == [
        {
            "id": promised.pk,
            "requirement": "property_proof",
            "label": "产权证明",
            "due_on": promised.due_on.isoformat(),
            "fulfilled_at": None,
        }
    ]
    missing = client.get(f"/api/v1/orders/{other.pk}/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_an_archived_order_has_no_next_actor_and_its_completion_date(client, customer, manager):
    order = services.accept_application(application=ApplicationFactory(applicant=customer), by=manager)
    for name in ("contact", "survey", "reply_plan", "connect", "sign_contract", "archive"):
        order = services.advance(order=order, transition=name, by=manager)
    client.force_login(customer)
    item = client.get("/api/v1/orders/").json()["results"][0]
    assert item["state"]["code"] == "archived"
    assert item["next_actor"] is None and item["step"] is None and item["clock"] is None
    assert item["expected_completion_on"] == timezone.localdate().isoformat()


def test_the_api_needs_a_login(client):
    assert client.get("/api/v1/orders/").status_code in (401, 403)


def test_the_orders_api_runs_the_same_queries_for_10_and_200_orders(
    client, customer, manager, django_assert_max_num_queries
):
    for _i in range(10):
        WorkOrderFactory(application__applicant=customer, assignee=manager)
    client.force_login(customer)
    ten = _count(client, "/api/v1/orders/")
    for _i in range(190):
        WorkOrderFactory(application__applicant=customer, assignee=manager)
    with django_assert_max_num_queries(ten):
        assert client.get("/api/v1/orders/").json()["count"] == 200
