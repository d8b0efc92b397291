"""Issue 7 in a real Chromium on a phone: a stranger's request to act for an enterprise waits,
and the legal representative refuses it on the enterprise's page."""

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from portal.accounts.models import EnterpriseMembership, MembershipRequest
from tests.factories import DEFAULT_PASSWORD, EnterpriseFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page: Page, base: str, phone: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("手机号码").fill(phone)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_a_strangers_request_waits_and_the_legal_representative_refuses_it(page: Page, live_server, tmp_path):
    enterprise = EnterpriseFactory(name="青海高原制造有限公司")
    rep = VerifiedUserFactory(name="赵强", phone="13800000001")
    EnterpriseMembership.objects.create(user=rep, enterprise=enterprise, relation="legal_rep")
    stranger = VerifiedUserFactory(name="钱七", phone="13800000002")
    letter = tmp_path / "委托书.png"
    out = io.BytesIO()
    Image.new("RGB", (120, 160), "white").save(out, "PNG")
    letter.write_bytes(out.getvalue())
    base = live_server.url

    log_in(page, base, stranger.phone)
    page.goto(f"{base}/accounts/enterprises/bind/")
    page.get_by_label("统一社会信用代码").fill(enterprise.credit_code)
    page.locator('input[type="file"]').set_input_files(str(letter))
    page.get_by_role("button", name="绑定").click()
    expect(page.get_by_test_id("my-membership-requests")).to_contain_text("待审核")
    page.screenshot(path=str(tmp_path / "request-pending.png"), full_page=True)
    assert not EnterpriseMembership.objects.filter(user=stranger).exists()

    log_in(page, base, rep.phone)
    page.goto(f"{base}/accounts/enterprises/{enterprise.pk}/")
    pending = page.get_by_test_id("pending-requests")
    expect(pending).to_contain_text("138****0002")
    pending.get_by_label("审核意见").fill("不认识此人")
    page.screenshot(path=str(tmp_path / "enterprise-page.png"), full_page=True)
    pending.get_by_role("button", name="拒绝").click()
    expect(page.get_by_test_id("decided-requests")).to_contain_text("已拒绝")
    page.screenshot(path=str(tmp_path / "refused.png"), full_page=True)
    assert MembershipRequest.objects.get(user=stranger).status == "refused"
