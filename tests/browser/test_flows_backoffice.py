"""An account manager runs a new connection from the queue to the archive in a real Chromium,
and the customer follows it on their phone."""

import pytest
from django.test import Client

from applications.models import ApplicationState
from portal.accounts.roles import Role
from tests.factories import DEFAULT_PASSWORD, ApplicationFactory, StaffFactory
from utility_flows.models import OrderState, WorkOrder

DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}


@pytest.mark.django_db(transaction=True)
def test_an_account_manager_accepts_from_the_queue_and_advances_the_order_to_archived(browser, live_server, tmp_path):
    manager = StaffFactory(name="王芳", phone="13700001111", roles=[Role.ACCOUNT_MANAGER])
    application = ApplicationFactory()
    ApplicationFactory(state="accepted")  # not in the 待受理 queue
    context = browser.new_context(**DESKTOP)
    page = context.new_page()

    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("手机号").fill(manager.phone)
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/admin/")

    page.goto(live_server.url + "/admin/applications/application/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert application.number in rows.first.inner_text()
    phone = application.applicant.phone
    assert f"{phone[:3]}****{phone[-4:]}" in rows.first.inner_text()
    page.screenshot(path=tmp_path / "flows-application-queue.png", full_page=True)

    rows.first.get_by_role("link", name=application.number).click()
    page.wait_for_url(f"**/admin/applications/application/{application.pk}/change/")
    page.screenshot(path=tmp_path / "flows-application-page.png", full_page=True)
    page.get_by_role("button", name="受理", exact=True).click()
    page.wait_for_url("**/admin/utility_flows/workorder/*/change/")
    order = WorkOrder.objects.get(application=application)
    assert f"已受理，工单 {order.number} 已分派给 王芳" in page.content()
    assert page.get_by_test_id("order-state").inner_text() == "已受理"

    page.get_by_label("办理说明").fill("已电话联系客户，约定明天上午上门")
    page.get_by_role("button", name="已联系客户").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("order-state").inner_text() == "已联系客户"
    for button, state in [("完成现场勘查", "已现场勘查"), ("答复供电方案", "已答复供电方案")]:
        page.get_by_role("button", name=button).click()
        page.wait_for_load_state()
        assert page.get_by_test_id("order-state").inner_text() == state
    page.screenshot(path=tmp_path / "flows-order-page.png", full_page=True)
    for button, state in [("装表接电", "已装表接电"), ("签订供用电合同及费控协议", "已签订合同"), ("归档", "已归档")]:
        page.get_by_role("button", name=button).click()
        page.wait_for_load_state()
        assert page.get_by_test_id("order-state").inner_text() == state
    log = page.get_by_test_id("order-log").inner_text()
    assert "已电话联系客户，约定明天上午上门" in log and "新户号" in log
    page.screenshot(path=tmp_path / "flows-order-archived.png", full_page=True)

    order.refresh_from_db()
    application.refresh_from_db()
    assert order.state == OrderState.ARCHIVED
    assert application.state == ApplicationState.COMPLETED
    assert application.service_account.bindings.filter(user=application.applicant).exists()

    page.goto(live_server.url + "/admin/utility_flows/workorder/?queue=all")
    assert order.number in page.locator("#result_list").inner_text()
    page.screenshot(path=tmp_path / "flows-order-queue.png", full_page=True)
    context.close()


@pytest.mark.django_db(transaction=True)
def test_the_customer_follows_the_order_on_a_phone(page, live_server, tmp_path):
    from utility_flows import services

    manager = StaffFactory(name="王芳", roles=[Role.ACCOUNT_MANAGER])
    application = ApplicationFactory()
    ApplicationFactory(applicant=application.applicant, state="returned", reason="产权证明照片模糊，请重新上传")
    order = services.accept_application(application=application, by=manager)
    services.advance(order=order, transition="contact", by=manager, reason="已电话联系，约定周三上门")
    client = Client()
    client.force_login(application.applicant)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto(live_server.url + "/records/")
    record = page.get_by_test_id(f"record-{application.pk}")
    assert "现场勘查" in record.get_by_test_id("step").inner_text()
    assert record.get_by_test_id("actor").inner_text() == "客户经理 王芳"
    assert "修改并重新提交" in page.content()
    page.screenshot(path=tmp_path / "flows-records-phone.png", full_page=True)

    record.get_by_role("link", name="查看详情").click()
    page.wait_for_url(f"**/records/{application.pk}/")
    assert "已电话联系，约定周三上门" in page.get_by_test_id("history").inner_text()
    page.screenshot(path=tmp_path / "flows-record-detail-phone.png", full_page=True)
