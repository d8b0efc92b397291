"""The monthly 阳光业扩 quality report."""

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from portal.accounts.roles import Role
from portal.documents.models import PdfRender
from tests.factories import ApplicationFactory, StaffFactory
from utility_flows import services as order_services
from utility_flows.hv import services as hv

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("orders", [10, 200])
def test_report_page_csv_and_fixed_queries(client, manager, later, orders, django_assert_max_num_queries):
    supervisor = StaffFactory(roles=[Role.SUPERVISOR])
    first = None
    for i in range(orders):
        order = order_services.accept_application(
            application=ApplicationFactory(business_code="hv_new", capacity=400), by=manager
        )
        if i < 3:
            hv.take(process=order.hv, by=manager, expected_visit_at=later)
        first = first or order
    hv.suspend(process=first.hv, by=manager, reason="客户资金未到位", approver=supervisor)
    client.force_login(supervisor)
    url = reverse("admin:utility_flows_hvprocess_report")
    with django_assert_max_num_queries(25):
        page = client.get(url).content.decode()
    assert f"业务量：{orders} 件" in page and "客户资金未到位" in page and 'data-testid="chart"' in page
    assert "客户经理接单" in page
    csv = client.get(url + "?format=csv").content.decode("utf-8-sig")
    assert f"{timezone.localdate():%Y-%m}" in csv and "高压新装" in csv


def test_report_pdf_is_rendered_by_the_worker(client, manager, django_capture_on_commit_callbacks):
    supervisor = StaffFactory(roles=[Role.SUPERVISOR])
    order_services.accept_application(application=ApplicationFactory(business_code="hv_new", capacity=400), by=manager)
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("admin:utility_flows_hvprocess_report")).status_code == 302
    render = PdfRender.objects.get(owner_user=supervisor)
    text = "".join(p.extract_text() for p in PdfReader(render.document.file).pages)
    assert "阳光业扩服务质量月报" in text and "高压新装" in text
