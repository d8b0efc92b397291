import pytest
from django.urls import reverse

from portal.audit.services import record
from tests.audit.conftest import make_events
from tests.factories import StaffFactory, VerifiedUserFactory


@pytest.mark.django_db(transaction=True)
def test_customer_reads_who_accessed_their_data_on_a_phone(page, live_server, client, tmp_path):
    customer = VerifiedUserFactory(name="马晓燕")
    manager = StaffFactory(name="王海涛")
    make_events(subject=customer, actor=manager, count=23, ip="10.63.1.25")
    record(actor=customer, action="实名认证", obj=customer, subject=customer, ip="10.63.20.118")
    client.force_login(customer)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])

    page.goto(live_server.url + reverse("audit:my_access_log"))
    page.screenshot(path=tmp_path / "ops-access-log.png", full_page=True)

    entries = page.locator("[data-testid=access-log] > li")
    assert entries.count() == 20
    assert entries.first.inner_text().startswith("本人")
    assert "10.63.1.*" in entries.nth(1).inner_text()
    assert "工号" in entries.nth(1).inner_text()
    # No sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("link", name="仅查看他人访问").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**who=others")
    assert page.get_by_role("link", name="仅查看他人访问").get_attribute("aria-current") == "page"
    assert not entries.first.inner_text().startswith("本人")
    page.get_by_role("link", name="下一页").click()
    page.wait_for_url("**page=2")
    assert entries.count() == 3
    assert "who=others" in page.url
    page.screenshot(path=tmp_path / "ops-access-log-page2.png", full_page=True)
