"""The customer's HV pages and the backoffice processing page."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.factories import ApplicationFactory, VerifiedUserFactory, _small_png
from tests.utility_flows.hv.conftest import signature_data_url
from utility_flows import services as order_services
from utility_flows.hv import services as hv
from utility_flows.hv.models import HVStage

pytestmark = pytest.mark.django_db


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_timeline_shows_done_now_next_and_the_manager_card(client, hv_order, manager, later):
    profile = manager.staff_profile
    profile.service_motto = "用心服务每一度电"
    profile.save()
    hv.take(process=hv_order.hv, by=manager, expected_visit_at=later)
    client.force_login(hv_order.customer)
    page = client.get(reverse("utility_flows:hv_order", args=[hv_order.pk])).content.decode()
    assert 'data-stage="3" data-status="done"' in page
    assert 'data-stage="4" data-status="now"' in page
    assert 'data-stage="5" data-status="next"' in page
    assert "待您办理" in page
    assert f'href="tel:{manager.phone}"' in page and profile.employee_number in page and "用心服务每一度电" in page
    assert timezone.localtime(later).strftime("%Y-%m-%d %H:%M") in page


def test_skipped_stages_show_as_not_needed(client, hv_order, manager):
    hv.mark_not_needed(process=hv_order.hv, by=manager, design=True, mid=False, reason="无设计")
    client.force_login(hv_order.customer)
    page = client.get(reverse("utility_flows:hv_order", args=[hv_order.pk])).content.decode()
    for n in (8, 9, 10):
        assert f'data-stage="{n}" data-status="skipped"' in page
    assert 'data-stage="11" data-status="next"' in page


def test_someone_elses_order_is_404(client, hv_order):
    client.force_login(VerifiedUserFactory())
    for name, args in (
        ("hv_order", [hv_order.pk]),
        ("hv_submit", [hv_order.pk, "design"]),
        ("hv_sign", [hv_order.pk, "supply_plan"]),
    ):
        assert client.get(reverse(f"utility_flows:{name}", args=args)).status_code == 404


def test_booking_then_changing_the_survey_time_keeps_both(client, hv_order, manager, later):
    hv.take(process=hv_order.hv, by=manager, expected_visit_at=later)
    client.force_login(hv_order.customer)
    url = reverse("utility_flows:hv_survey", args=[hv_order.pk])
    past = client.post(url, {"survey_at": local(timezone.now() - timedelta(hours=2)), "stage": "manager_assigned"})
    assert past.status_code == 400 and "意向勘察时间须晚于现在" in past.content.decode()
    assert client.post(url, {"survey_at": local(later), "stage": "manager_assigned"}).status_code == 302
    assert client.post(url, {"survey_at": local(later + timedelta(days=1)), "note": "出差"}).status_code == 302
    page = client.get(reverse("utility_flows:hv_order", args=[hv_order.pk])).content.decode()
    assert "勘察时间变更" in page and "出差" in page
    assert hv_order.hv.bookings.count() == 2


def test_design_submission_errors_next_to_fields_and_nothing_typed_is_lost(
    client, hv_order, manager, later, django_capture_on_commit_callbacks
):
    from tests.utility_flows.hv.test_machine import to_plan_signed

    to_plan_signed(hv_order.hv, manager, later, django_capture_on_commit_callbacks)
    client.force_login(hv_order.customer)
    url = reverse("utility_flows:hv_submit", args=[hv_order.pk, "design"])
    form = client.get(url).content.decode()
    assert "我户受电工程设计文件已完成，请予审核" in form and hv_order.customer.name in form  # prefilled contact
    response = client.post(
        url,
        {
            "intended_connection_on": "2027-03-01",
            "enterprise_contact": "张三",
            "enterprise_phone": "123",
            "design_contact": "李工",
            "design_phone": "13800000002",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "请输入11位手机号码" in page and "请勾选确认" in page and "李工" in page and "2027-03-01" in page
    ok = client.post(
        url,
        {
            "intended_connection_on": "2027-03-01",
            "enterprise_contact": "张三",
            "enterprise_phone": "13800000001",
            "design_contact": "李工",
            "design_phone": "13800000002",
            "confirmed": "on",
            "stage": "plan_signed",
            "design_qualification": SimpleUploadedFile("q.png", _small_png(), content_type="image/png"),
            "design_drawings": SimpleUploadedFile("d.pdf", b"not a pdf", content_type="application/pdf"),
        },
    )
    assert ok.status_code == 400 and "李工" in ok.content.decode()  # a fake PDF is refused by content
    hv_order.hv.refresh_from_db()
    assert hv_order.hv.stage == HVStage.PLAN_SIGNED


def _at_mid(hv_order, manager, later, capture):
    """The order at stage 11 (no design needed), the customer logged in by the caller."""
    from tests.utility_flows.hv.test_machine import to_plan_signed

    hv.mark_not_needed(process=hv_order.hv, by=manager, design=True, mid=False, reason="无设计")
    to_plan_signed(hv_order.hv, manager, later, capture)


def _mid_form(number):
    def png(n):
        return SimpleUploadedFile(n, _small_png(), content_type="image/png")

    return {
        "intended_connection_on": "2027-03-01",
        "enterprise_contact": "张三",
        "enterprise_phone": "13800000001",
        "licence_number": number,
        "confirmed": "on",
        "concealed_records": png("a.png"),
        "grounding_records": png("b.png"),
        "licence_file": png("c.png"),
    }


def test_mid_submission_checks_the_licence_in_the_registry_and_shows_it(
    client, hv_order, manager, later, django_capture_on_commit_callbacks, contractor_licence
):
    _at_mid(hv_order, manager, later, django_capture_on_commit_callbacks)
    client.force_login(hv_order.customer)
    response = client.post(
        reverse("utility_flows:hv_submit", args=[hv_order.pk, "mid"]), _mid_form(contractor_licence.number), follow=True
    )
    expires = contractor_licence.expires_on.isoformat()
    assert (
        f"许可证有效：青海宏源电力安装工程有限公司，承装四级、承修五级，有效期至 {expires}" in response.content.decode()
    )
    hv_order.hv.refresh_from_db()
    assert hv_order.hv.stage == HVStage.MID_REQUESTED
    assert hv_order.hv.submissions.get(kind="mid").licence_status == "valid"
    # The account manager sees the same answer on the processing page.
    client.force_login(manager)
    page = client.get(reverse("admin:utility_flows_hvprocess_change", args=[hv_order.hv.pk])).content.decode()
    assert "许可证有效：青海宏源电力安装工程有限公司，承装四级、承修五级" in page


@pytest.mark.parametrize(
    "state, shown",
    [("unknown", "查无此证"), ("expired", "已过期"), ("suspended", "已暂停"), ("cancelled", "已注销")],
)
def test_a_licence_that_is_not_valid_is_refused_next_to_its_field_and_nothing_typed_is_lost(
    client, hv_order, manager, later, django_capture_on_commit_callbacks, contractor_licence, state, shown
):
    from licensing.models import Licence

    number = "6-2020-99999" if state == "unknown" else contractor_licence.number
    registry = Licence.objects.filter(pk=contractor_licence.pk)
    if state == "expired":
        registry.update(expires_on=timezone.localdate() - timedelta(days=1))
    elif state in ("suspended", "cancelled"):
        registry.update(status=state)
    _at_mid(hv_order, manager, later, django_capture_on_commit_callbacks)
    client.force_login(hv_order.customer)
    response = client.post(reverse("utility_flows:hv_submit", args=[hv_order.pk, "mid"]), _mid_form(number))
    assert response.status_code == 400
    message = f"承装（修、试）电力设施许可证 {number} 核验结果：{shown}，请核对后重新填写"
    assert response.context["form"].errors["licence_number"] == [message]
    page = response.content.decode()
    assert message in page and number in page and "张三" in page and "13800000001" in page
    hv_order.hv.refresh_from_db()
    assert hv_order.hv.stage == HVStage.PLAN_SIGNED and not hv_order.hv.submissions.filter(kind="mid").exists()


def test_without_a_registry_the_licence_is_honestly_not_checked(
    client, hv_order, manager, later, django_capture_on_commit_callbacks, monkeypatch
):
    """A deployment without the licensing app registers no checker: the platform says 未核验,
    never 有效, and the customer is told a person will check it."""
    from portal.core import licences

    monkeypatch.setattr(licences, "_checker", None)
    answer = licences.check_contractor_licence(" 1-2-00001-2021 ")
    assert answer.status == "not_checked" and not answer.is_valid and answer.number == "1-2-00001-2021"
    _at_mid(hv_order, manager, later, django_capture_on_commit_callbacks)
    client.force_login(hv_order.customer)
    response = client.post(
        reverse("utility_flows:hv_submit", args=[hv_order.pk, "mid"]), _mid_form("1-2-00001-2021"), follow=True
    )
    assert "许可证编号暂未核验" in response.content.decode()
    hv_order.hv.refresh_from_db()
    assert hv_order.hv.stage == HVStage.MID_REQUESTED


def test_signing_the_supply_plan_on_the_page(client, hv_order, manager, later, django_capture_on_commit_callbacks):
    process = hv_order.hv
    hv.take(process=process, by=manager, expected_visit_at=later)
    hv.book_survey(process=process, by=hv_order.customer, survey_at=later)
    hv.advance(process=process, transition="dispatch_survey", by=manager)
    with django_capture_on_commit_callbacks(execute=True):
        hv.advance(process=process, transition="push_plan", by=manager)
    client.force_login(hv_order.customer)
    url = reverse("utility_flows:hv_sign", args=[hv_order.pk, "supply_plan"])
    page = client.get(url).content.decode()
    assert "文件预览" in page and "文件下载" in page
    blank = client.post(url, {"signature": "", "stage": "plan_pushed"})
    assert blank.status_code == 400 and "请先签名" in blank.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(
                url, {"signature": signature_data_url(), "stage": "plan_pushed"}, REMOTE_ADDR="10.1.2.3"
            ).status_code
            == 302
        )
    pushed = process.documents.get(kind="supply_plan")
    assert pushed.signed_ip == "10.1.2.3" and pushed.signed_id
    signed = client.get(reverse("documents:download", args=[pushed.signed_id]))
    assert signed.status_code == 200
    assert client.get(reverse("documents:download", args=[pushed.unsigned_id])).status_code == 200


def test_admin_processing_page_runs_utility_transitions_with_reasons(client, hv_order, manager, later):
    client.force_login(manager)
    url = reverse("admin:utility_flows_hvprocess_change", args=[hv_order.hv.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="do-take"' in page
    action = reverse("admin:utility_flows_hvprocess_transition", args=[hv_order.hv.pk])
    missing = client.post(action, {"transition": "take", "expected_stage": "confirmed"})
    assert missing.status_code == 400 and "请填写预计上门服务时间" in missing.content.decode()
    ok = client.post(action, {"transition": "take", "expected_stage": "confirmed", "expected_visit_at": local(later)})
    assert ok.status_code == 302
    # A second press of the same button from a stale page gets a clear message.
    again = client.post(
        action, {"transition": "take", "expected_stage": "confirmed", "expected_visit_at": local(later)}
    )
    assert again.status_code == 400 and "该环节已被他人办理" in again.content.decode()


def test_a_manager_of_another_business_cannot_open_the_processing_page(client, hv_order):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory())
    assert client.get(reverse("admin:utility_flows_hvprocess_change", args=[hv_order.hv.pk])).status_code in (403, 404)


def test_hv_list_runs_a_fixed_number_of_queries(client, manager, django_assert_max_num_queries):
    customer = VerifiedUserFactory()
    for n in (10, 200):
        while customer.work_orders.count() < n:
            order_services.accept_application(
                application=ApplicationFactory(business_code="hv_new", capacity=400, applicant=customer), by=manager
            )
        client.force_login(customer)
        with django_assert_max_num_queries(8):
            assert client.get(reverse("utility_flows:hv_orders")).status_code == 200


def test_reassignment_shows_the_new_managers_card(client, hv_order, manager):
    from portal.accounts.roles import Role
    from tests.factories import StaffFactory

    other = StaffFactory(name="刘洋", roles=[Role.ACCOUNT_MANAGER])
    order_services.reassign(order=hv_order, to=other, by=manager, reason="片区调整")
    client.force_login(hv_order.customer)
    page = client.get(reverse("utility_flows:hv_order", args=[hv_order.pk])).content.decode()
    assert "刘洋" in page and f'href="tel:{other.phone}"' in page and f'href="tel:{manager.phone}"' not in page


@pytest.mark.parametrize("rows", [10, 200])
def test_the_timeline_page_runs_fixed_queries(client, hv_order, rows, django_assert_max_num_queries):
    from utility_flows.hv.models import HVLog

    HVLog.objects.bulk_create(
        [
            HVLog(
                process=hv_order.hv,
                name="change_survey",
                side="customer",
                from_stage="confirmed",
                to_stage="confirmed",
                by=hv_order.customer,
                reason=str(i),
            )
            for i in range(rows)
        ]
    )
    client.force_login(hv_order.customer)
    with django_assert_max_num_queries(22):
        page = client.get(reverse("utility_flows:hv_order", args=[hv_order.pk]))
    assert page.status_code == 200 and page.content.decode().count("勘察时间变更") >= rows


def test_another_customer_cannot_read_the_pushed_or_signed_documents(
    client, hv_order, manager, later, django_capture_on_commit_callbacks
):
    from tests.utility_flows.hv.test_machine import to_plan_signed

    process = to_plan_signed(hv_order.hv, manager, later, django_capture_on_commit_callbacks)
    plan = process.documents.get(kind="supply_plan")
    client.force_login(VerifiedUserFactory())
    for doc in (plan.unsigned_id, plan.signed_id):
        assert client.get(reverse("documents:download", args=[doc])).status_code == 404
        assert client.get(f"/api/v1/documents/{doc}/").status_code == 404
    client.force_login(manager)  # the handling account manager reads both
    for doc in (plan.unsigned_id, plan.signed_id):
        assert client.get(reverse("documents:download", args=[doc])).status_code == 200


def test_the_manager_changes_the_expected_visit_time_and_the_customer_sees_it(client, hv_order, manager, later):
    hv.take(process=hv_order.hv, by=manager, expected_visit_at=later)
    client.force_login(manager)
    new = later + timedelta(days=1)
    url = reverse("admin:utility_flows_hvprocess_visit", args=[hv_order.hv.pk])
    assert (
        client.post(
            url, {"transition": "set_visit", "expected_stage": "manager_assigned", "expected_visit_at": local(new)}
        ).status_code
        == 302
    )
    assert hv_order.hv.log.filter(name="set_visit").exists()
    client.force_login(hv_order.customer)
    page = client.get(reverse("utility_flows:hv_order", args=[hv_order.pk])).content.decode()
    assert timezone.localtime(new).strftime("%Y-%m-%d %H:%M") in page


def test_hv_capacity_increase_runs_the_e_assistant_too(manager):
    from tests.factories import ServiceAccountFactory

    account = ServiceAccountFactory(voltage="10kV", capacity=800)
    order = order_services.accept_application(
        application=ApplicationFactory(business_code="hv_increase", service_account=account, capacity=400), by=manager
    )
    assert order.hv.stage == HVStage.CONFIRMED
