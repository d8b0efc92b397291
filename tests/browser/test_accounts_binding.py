"""A customer binds their mother's account with the code sent to its registered phone, sees it
in 我的户号, then opens 电量电费 and sees the 12-month chart — on a phone-sized Chromium."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from applications.models import AccountBinding
from tests.conftest import latest_sms_code
from tests.factories import BillFactory, OutageFactory, ServiceAccountFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def months_back(n: int) -> date:
    first = timezone.localdate().replace(day=1)
    index = first.year * 12 + first.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def log_in(page, live_server, user) -> None:
    """The log-in pages belong to another branch: reuse a session made by the test client."""
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


def test_bind_by_sms_code_then_see_the_bills_chart(page, live_server, tmp_path):
    user = VerifiedUserFactory(name="张丽", phone="13912345678")
    mother = ServiceAccountFactory(
        number="6301000002",
        holder_name="李秀兰",
        registered_phone="13698761234",
        peak_valley=True,
        address="八一中路 12 号 1 单元 101 室",
    )
    for back in range(1, 13):
        kwh = Decimal(150 + 12 * abs(6 - back))
        BillFactory(
            account=mother,
            period=months_back(back),
            kwh=kwh,
            kwh_peak=kwh * Decimal("0.6"),
            kwh_valley=kwh * Decimal("0.4"),
            paid_on=None if back == 1 else months_back(back - 1) + timedelta(days=9),
            due_on=timezone.localdate() + timedelta(days=10)
            if back == 1
            else months_back(back - 1) + timedelta(days=24),
        )
    OutageFactory(region=mother.region)
    log_in(page, live_server, user)

    page.goto(f"{live_server.url}/service-accounts/")
    page.screenshot(path=tmp_path / "accounts3-accounts-empty.png", full_page=True)
    page.get_by_label("用电户号").fill("6301000002")
    page.get_by_role("button", name="绑定").click()
    page.get_by_text("请获取发送至该户号预留手机的验证码", exact=False).wait_for()

    page.get_by_role("button", name="发送验证码").click()
    page.get_by_text("验证码已发送至户号预留手机", exact=False).wait_for()
    page.screenshot(path=tmp_path / "accounts3-bind-code.png", full_page=True)
    code = latest_sms_code("13698761234")  # the text went to the account's phone, not to 张丽's
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="确认绑定").click()

    page.get_by_text("户号 6301000002 绑定成功").wait_for()
    assert page.get_by_test_id("peak-valley-line").inner_text() == "已执行峰谷电价，您当前可取消峰谷电"
    page.screenshot(path=tmp_path / "accounts3-detail.png", full_page=True)
    assert AccountBinding.objects.get(user=user).via == "sms"

    page.get_by_role("link", name="我的户号").first.click()
    assert page.get_by_test_id("account-6301000002").is_visible()
    page.screenshot(path=tmp_path / "accounts3-accounts.png", full_page=True)

    page.get_by_test_id("account-6301000002").get_by_role("link", name="电量电费").click()
    chart = page.get_by_role("img", name="户号 6301000002 近12个月用电量")
    chart.wait_for()
    assert page.get_by_test_id("chart-bar").count() == 12
    assert page.locator("rect.peak").count() == 12
    page.screenshot(path=tmp_path / "accounts3-bills.png", full_page=True)

    page.get_by_role("link", name="停电信息").first.click()
    page.get_by_role("button", name="添加户号 6301000002").click()
    page.get_by_text("已添加户号 6301000002").wait_for()
    assert page.get_by_text("10千伏线路检修").is_visible()
    page.screenshot(path=tmp_path / "accounts3-outages.png", full_page=True)


def test_follow_the_outages_of_someone_elses_number_with_the_code(page, live_server, tmp_path):
    """Issue 7: adding a number not bound to me shows nothing about it until the code sent to
    its registered phone is typed; then its area and outages appear."""
    user = VerifiedUserFactory(name="张丽", phone="13912345678")
    mother = ServiceAccountFactory(number="6301000002", registered_phone="13698761234")
    OutageFactory(region=mother.region, reason="10千伏线路检修")
    log_in(page, live_server, user)

    page.goto(f"{live_server.url}/outages/")
    page.get_by_label("用电户号").fill("6301000002")
    page.get_by_role("button", name="确认添加").click()
    page.get_by_test_id("watch-code-step").wait_for()
    assert mother.region.name not in page.content()

    page.get_by_role("button", name="发送验证码").click()
    page.get_by_text("验证码已发送至户号预留手机", exact=False).wait_for()
    assert "秒后重发" in page.locator("#watch-code-btn").inner_text()
    page.screenshot(path=tmp_path / "outages-watch-code.png", full_page=True)
    page.get_by_label("短信验证码").fill(latest_sms_code("13698761234"))
    page.get_by_role("button", name="确认添加").click()

    page.get_by_text("已添加户号 6301000002").wait_for()
    assert mother.region.name in page.get_by_test_id("watch-6301000002").inner_text()
    assert page.get_by_text("10千伏线路检修").is_visible()
    page.screenshot(path=tmp_path / "outages-watch-added.png", full_page=True)
