"""A supervisor reads the monthly 阳光业扩 quality report in the admin (desktop Chromium)."""

import pytest
from playwright.sync_api import expect

from portal.accounts.roles import Role
from tests.browser.test_hv_flow import DESKTOP, staff_log_in
from tests.factories import ApplicationFactory, StaffFactory
from utility_flows import services as order_services
from utility_flows.hv import services as hv

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_quality_report_shows_volumes_stages_and_suspensions(browser, live_server, tmp_path):
    manager = StaffFactory(name="王芳", roles=[Role.ACCOUNT_MANAGER])
    supervisor = StaffFactory(name="陈静", roles=[Role.SUPERVISOR])
    approver = StaffFactory(name="刘振华", roles=[Role.SUPERVISOR])
    orders = [
        order_services.accept_application(
            application=ApplicationFactory(business_code="hv_new", capacity=400), by=manager
        )
        for _ in range(3)
    ]
    hv.suspend(process=orders[0].hv, by=manager, reason="客户资金未到位", approver=approver)
    page = browser.new_context(**DESKTOP).new_page()
    staff_log_in(page, live_server.url, supervisor)
    page.goto(live_server.url + "/admin/utility_flows/hvprocess/")
    page.get_by_test_id("report-link").click()
    expect(page.get_by_role("heading", name="业务量：3 件")).to_be_visible()
    expect(page.get_by_test_id("chart")).to_be_visible()
    expect(page.locator("body")).to_contain_text("客户资金未到位")
    page.screenshot(path=str(tmp_path / "hv-report.png"), full_page=True)
