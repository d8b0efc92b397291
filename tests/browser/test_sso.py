"""Government single sign-on in Chromium against the real test provider process (issue 11)."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from portal.sso.models import Consent
from tests.factories import ApplicationFactory, VerifiedUserFactory
from tests.oidc_provider.fixtures import PASSWORD, PEOPLE, provider_settings

pytestmark = pytest.mark.django_db(transaction=True)
User = get_user_model()


def log_in_at_provider(page: Page, username: str) -> None:
    expect(page.get_by_role("heading", name=re.compile("青海政务服务网"))).to_be_visible()
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_arrive_from_the_government_portal_consent_and_return(
    page: Page, live_server, settings, oidc_provider, tmp_path
):
    settings.SSO_PROVIDERS = provider_settings(oidc_provider)
    person = PEOPLE["newcomer"]
    base = live_server.url

    page.goto(f"{base}/accounts/login/")
    page.get_by_role("link", name="青海政务服务网登录").click()
    log_in_at_provider(page, "newcomer")

    expect(page.get_by_role("heading", name="授权", exact=True)).to_be_visible()
    claims = page.get_by_test_id("consent-claims")
    expect(claims).to_contain_text(person["name"])
    expect(claims).to_contain_text("186****9011")
    expect(claims).to_contain_text("630102********")
    page.screenshot(path=tmp_path / "sso-consent.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="同意").click()

    page.wait_for_url(f"{base}/")
    expect(page.get_by_role("heading", name=f"您好，{person['name']}")).to_be_visible()
    page.screenshot(path=tmp_path / "sso-home.png", full_page=True)
    # Real-name data from the government portal is carried into forms, not editable.
    page.goto(f"{base}/accounts/enterprises/register/")
    expect(page.get_by_label("申请人姓名")).to_have_value(person["name"])
    expect(page.get_by_label("申请人姓名")).to_have_attribute("readonly", "")
    expect(page.get_by_label("申请人手机号码")).to_have_value(person["phone_number"])
    expect(page.get_by_label("申请人手机号码")).to_have_attribute("readonly", "")

    # Log-out ends both sessions: ours and the provider's (RP-initiated), then back home.
    page.goto(f"{base}/accounts/me/")
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(f"{base}/")
    expect(page.get_by_role("link", name="登录").first).to_be_visible()

    # The second arrival: the provider asks for its log-in again, our consent page does not.
    page.goto(f"{base}/sso/gov_pc/start/?next=/accounts/me/")
    log_in_at_provider(page, "newcomer")
    page.wait_for_url(f"{base}/accounts/me/")
    expect(page.get_by_test_id("my-phone")).to_have_text("186****9011")
    assert Consent.objects.filter(user__phone=person["phone_number"]).count() == 1
    page.screenshot(path=tmp_path / "sso-second-arrival.png", full_page=True)


def test_a_linked_existing_user_keeps_their_applications(page: Page, live_server, settings, oidc_provider, tmp_path):
    settings.SSO_PROVIDERS = provider_settings(oidc_provider)
    person = PEOPLE["existing"]
    mine = VerifiedUserFactory(name=person["name"], id_number=person["id_card"], phone="13900005678")
    application = ApplicationFactory(applicant=mine)
    base = live_server.url

    page.goto(f"{base}/sso/gov_pc/start/?next=/records/")
    log_in_at_provider(page, "existing")
    page.get_by_role("button", name="同意").click()
    page.wait_for_url(f"{base}/records/")
    expect(page.get_by_text(application.number)).to_be_visible()
    page.screenshot(path=tmp_path / "sso-linked-records.png", full_page=True)
    assert not User.objects.filter(phone=person["phone_number"]).exists()

    # Withdrawing the consent in the account settings keeps the account and its records.
    page.goto(f"{base}/accounts/me/")
    page.get_by_role("link", name="政务服务网授权").click()
    expect(page.get_by_test_id("consent-gov_pc")).to_contain_text("青海政务服务网")
    page.screenshot(path=tmp_path / "sso-my-consents.png", full_page=True)
    page.get_by_role("button", name="撤回授权").click()
    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text("已撤回授权")
    page.goto(f"{base}/records/")
    expect(page.get_by_text(application.number)).to_be_visible()


def test_declining_returns_to_the_government_portal(page: Page, live_server, settings, oidc_provider):
    settings.SSO_PROVIDERS = provider_settings(oidc_provider)
    page.goto(f"{live_server.url}/sso/gov_pc/start/")
    log_in_at_provider(page, "newcomer")
    page.get_by_role("button", name="拒绝").click()
    page.wait_for_url(f"{oidc_provider.url}/")
    expect(page.get_by_text("便民服务")).to_be_visible()
    assert not User.objects.filter(phone=PEOPLE["newcomer"]["phone_number"]).exists()


def test_a_provider_that_is_down_shows_a_friendly_page(page: Page, live_server, settings, oidc_provider, tmp_path):
    from tests.oidc_provider.fixtures import free_port

    down = provider_settings(oidc_provider)
    down["gov_pc"]["discovery_url"] = f"http://127.0.0.1:{free_port()}/o/.well-known/openid-configuration"
    settings.SSO_PROVIDERS = down
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="青海政务服务网登录").click()
    expect(page.get_by_test_id("sso-refused")).to_contain_text("暂时无法连接青海政务服务网")
    page.screenshot(path=tmp_path / "sso-provider-down.png", full_page=True)
    page.get_by_role("link", name="使用手机号码登录").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
