"""The demo accounts as their customers see them on a phone: 我的户号 with every status badge,
an HV enterprise's bills with their large numbers, and the outages of the watched streets."""

import pytest
from django.conf import settings
from django.test import Client

from applications.demo import seed_service_accounts
from tests.factories import EnterpriseFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_the_demo_customers_pages_on_a_phone(page, live_server, tmp_path):
    from portal.accounts.models import EnterpriseMembership

    resident = VerifiedUserFactory(phone="13900000001", name="王建国")
    legal_rep = VerifiedUserFactory(phone="13900000002", name="赵强")
    EnterpriseMembership.objects.create(
        user=legal_rep, enterprise=EnterpriseFactory(name="青海昆仑新材料有限公司"), relation="legal_rep"
    )
    seed_service_accounts()

    log_in(page, live_server, resident)
    page.goto(f"{live_server.url}/service-accounts/")
    for number, status in [("6301000101", "正常"), ("6301000109", "已销户")]:
        assert page.get_by_test_id(f"status-{number}").inner_text() == status
    page.screenshot(path=tmp_path / "accounts3-demo-accounts.png", full_page=True)

    page.goto(f"{live_server.url}/outages/")
    assert page.get_by_text("正在停电").first.is_visible()
    assert page.get_by_text("城东110千伏变电站设备年度检修").is_visible()
    page.screenshot(path=tmp_path / "accounts3-demo-outages.png", full_page=True)

    page.context.clear_cookies()
    log_in(page, live_server, legal_rep)
    page.goto(f"{live_server.url}/bills/?account=6301000106")
    assert page.get_by_test_id("chart-bar").count() == 12
    assert "万" in page.get_by_test_id("bills-chart").inner_html()
    page.screenshot(path=tmp_path / "accounts3-demo-bills-hv.png")
    page.goto(f"{live_server.url}/service-accounts/6301000106/")
    assert "将于" in page.get_by_test_id("account-changes").inner_text()
    assert page.get_by_test_id("capacity").inner_text() == "800.0 kVA"
    page.screenshot(path=tmp_path / "accounts3-demo-detail-hv.png", full_page=True)
