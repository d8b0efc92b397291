"""The portal as an OpenID Connect relying party against a real provider process (issue 11)."""

import pytest
from django.contrib.auth import get_user_model

from portal.audit.models import AuditEvent, AuditKind
from portal.sso.models import Consent, GovIdentity, RealNameSource, RealNameVerification
from tests.factories import UserFactory, VerifiedUserFactory
from tests.oidc_provider.fixtures import PEOPLE, ProviderBrowser

pytestmark = pytest.mark.django_db
User = get_user_model()


def arrive(client, provider, username, *, name="gov_pc", next_url="", logged_in_at_provider=None):
    """A person logged in at the government portal follows its link to us; returns our answer
    to the provider's redirect back (the callback response)."""
    browser = logged_in_at_provider or ProviderBrowser(provider)
    if logged_in_at_provider is None:
        browser.log_in(username)
    start = client.get(f"/sso/{name}/start/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start.content[:300]
    callback = browser.authorize(start["Location"])
    return client.get(callback), callback, browser


def test_first_arrival_asks_consent_then_creates_a_verified_user(client, oidc_provider, sso_providers):
    person = PEOPLE["newcomer"]
    response, _cb, _b = arrive(client, oidc_provider, "newcomer")
    assert response.status_code == 302 and response["Location"] == "/sso/consent/"
    page = client.get("/sso/consent/")
    text = page.content.decode()
    assert "授权" in text and person["name"] in text and "186****9011" in text
    assert not User.objects.filter(phone=person["phone_number"]).exists()  # nothing before 同意

    done = client.post("/sso/consent/", {"decision": "agree"})
    assert done.status_code == 302 and done["Location"] == "/"
    user = User.objects.get(phone=person["phone_number"])
    assert user.name == person["name"] and user.id_number == person["id_card"] and user.is_real_name_verified
    assert not user.has_usable_password()
    assert RealNameVerification.objects.get(user=user).source == RealNameSource.GOV_SSO
    consent = Consent.objects.get(user=user)
    assert consent.provider == "gov_pc" and consent.claims == ["name", "id_number", "phone"] and consent.text_version
    assert GovIdentity.objects.filter(user=user, provider="gov_pc").exists()
    home = client.get("/")
    assert home.wsgi_request.user == user
    actions = set(AuditEvent.objects.filter(subject=user).values_list("action", flat=True))
    assert {"通过政务服务网注册账号", "同意政务服务网授权", "关联政务服务网身份", "通过政务服务网登录"} <= actions


def refusal_rows(reason: str):
    return AuditEvent.objects.filter(
        action="政务服务网登录被拒绝", kind=AuditKind.SECURITY, changes__reason=["", reason]
    )


def test_second_arrival_skips_the_consent_page(client, oidc_provider, sso_providers):
    _r, _cb, browser = arrive(client, oidc_provider, "newcomer")
    client.post("/sso/consent/", {"decision": "agree"})
    client.post("/sso/logout/")
    again, _cb, _b = arrive(client, oidc_provider, "newcomer", next_url="/accounts/me/", logged_in_at_provider=browser)
    assert again.status_code == 302 and again["Location"] == "/accounts/me/"
    assert client.get("/accounts/me/").wsgi_request.user.phone == PEOPLE["newcomer"]["phone_number"]
    assert Consent.objects.count() == 1 and User.objects.filter(phone=PEOPLE["newcomer"]["phone_number"]).count() == 1


def test_an_existing_verified_user_is_linked_by_id_number_and_keeps_applications(client, oidc_provider, sso_providers):
    from tests.factories import ApplicationFactory

    person = PEOPLE["existing"]
    mine = VerifiedUserFactory(name=person["name"], id_number=person["id_card"], phone="13900001234")
    application = ApplicationFactory(applicant=mine)
    arrive(client, oidc_provider, "existing")
    client.post("/sso/consent/", {"decision": "agree"})
    assert client.get("/").wsgi_request.user == mine
    assert not User.objects.filter(phone=person["phone_number"]).exists()  # no second account
    assert GovIdentity.objects.get(provider="gov_pc").user == mine
    assert list(mine.applications.all()) == [application] if hasattr(mine, "applications") else True
    assert not RealNameVerification.objects.filter(user=mine).exists()  # verified by us before, stays so


def test_an_unverified_user_with_the_same_mobile_is_linked_and_verified(client, oidc_provider, sso_providers):
    person = PEOPLE["by_phone"]
    mine = UserFactory(phone=person["phone_number"])
    arrive(client, oidc_provider, "by_phone")
    client.post("/sso/consent/", {"decision": "agree"})
    mine.refresh_from_db()
    assert mine.name == person["name"] and mine.id_number == person["id_card"] and mine.is_real_name_verified
    assert RealNameVerification.objects.get(user=mine).provider == "gov_pc"
    assert client.get("/").wsgi_request.user == mine


def test_a_name_that_disagrees_with_the_verified_id_number_is_refused_and_recorded(
    client, oidc_provider, sso_providers
):
    person = PEOPLE["impostor"]
    owner = VerifiedUserFactory(name="王二小", id_number=person["id_card"])
    response, _cb, _b = arrive(client, oidc_provider, "impostor")
    assert response.status_code == 403
    assert "实名信息与本平台已有账号的实名信息不一致" in response.content.decode()
    assert not GovIdentity.objects.exists() and not Consent.objects.exists()
    assert not User.objects.filter(phone=person["phone_number"]).exists()
    assert refusal_rows("identity_mismatch").get().subject == owner
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_a_mobile_verified_as_another_person_is_refused(client, oidc_provider, sso_providers):
    person = PEOPLE["by_phone"]
    other = VerifiedUserFactory(phone=person["phone_number"], name="李蕾")
    response, _cb, _b = arrive(client, oidc_provider, "by_phone")
    assert response.status_code == 403 and "拒绝登录" in response.content.decode()
    other.refresh_from_db()
    assert other.name == "李蕾" and not GovIdentity.objects.exists()
    assert refusal_rows("identity_mismatch").get().subject == other


def test_a_mobile_the_provider_has_not_confirmed_is_not_used_to_link(client, oidc_provider, sso_providers):
    person = PEOPLE["unconfirmed_phone"]
    holder = UserFactory(phone=person["phone_number"])
    response, _cb, _b = arrive(client, oidc_provider, "unconfirmed_phone")
    assert response.status_code == 403 and "未确认该手机号码属于您" in response.content.decode()
    holder.refresh_from_db()
    assert not holder.is_real_name_verified and not GovIdentity.objects.exists()
    assert refusal_rows("phone_not_verified").get().subject == holder


def test_declining_returns_to_the_government_portal_with_nothing_stored(client, oidc_provider, sso_providers):
    users_before, audit_before = User.objects.count(), AuditEvent.objects.count()
    arrive(client, oidc_provider, "newcomer")
    response = client.post("/sso/consent/", {"decision": "decline"})
    assert response.status_code == 302 and response["Location"] == f"{oidc_provider.url}/"
    assert User.objects.count() == users_before and AuditEvent.objects.count() == audit_before
    assert not Consent.objects.exists() and not GovIdentity.objects.exists()
    assert "sso_pending" not in client.session
    assert client.get("/sso/consent/")["Location"] == "/accounts/login/"  # the page is gone, too


def test_withdrawing_consent_removes_the_link_and_keeps_the_account(client, oidc_provider, sso_providers):
    _r, _cb, browser = arrive(client, oidc_provider, "newcomer")
    client.post("/sso/consent/", {"decision": "agree"})
    user = User.objects.get(phone=PEOPLE["newcomer"]["phone_number"])
    page = client.get("/sso/my/")
    assert "撤回授权" in page.content.decode()
    response = client.post("/sso/my/gov_pc/withdraw/", follow=True)
    assert "已撤回授权" in response.content.decode()
    assert not GovIdentity.objects.exists()
    assert Consent.objects.get(user=user).withdrawn_at is not None
    assert User.objects.filter(pk=user.pk, is_active=True).exists()
    assert AuditEvent.objects.filter(subject=user, action="撤回政务服务网授权").exists()
    # The next arrival asks again, and links to the same account.
    client.post("/sso/logout/")
    again, _cb, _b = arrive(client, oidc_provider, "newcomer", logged_in_at_provider=browser)
    assert again["Location"] == "/sso/consent/"
    client.post("/sso/consent/", {"decision": "agree"})
    assert GovIdentity.objects.get().user == user and Consent.objects.filter(user=user).count() == 2


def test_the_app_is_a_second_client_with_its_own_consent(client, oidc_provider, sso_providers):
    _r, _cb, browser = arrive(client, oidc_provider, "newcomer")
    client.post("/sso/consent/", {"decision": "agree"})
    response, _cb, _b = arrive(client, oidc_provider, "newcomer", name="gov_app", logged_in_at_provider=browser)
    assert response["Location"] == "/sso/consent/"
    client.post("/sso/consent/", {"decision": "agree"})
    user = User.objects.get(phone=PEOPLE["newcomer"]["phone_number"])
    assert set(GovIdentity.objects.filter(user=user).values_list("provider", flat=True)) == {"gov_pc", "gov_app"}


def test_claim_names_come_from_the_settings(client, settings, oidc_provider, sso_providers):
    settings.SSO_PROVIDERS = {
        **sso_providers,
        "gov_pc": {**sso_providers["gov_pc"], "claims": {"name": "name", "id_number": "sfzh", "phone": "phone_number"}},
    }
    response, _cb, _b = arrive(client, oidc_provider, "newcomer")
    assert response.status_code == 403 and "未提供完整的实名信息" in response.content.decode()
    assert refusal_rows("claims_bad_id_number").exists() and not User.objects.filter(name="韩梅梅").exists()


# --- refused cleanly -----------------------------------------------------------------------------


def test_a_wrong_state_is_refused(client, oidc_provider, sso_providers):
    browser = ProviderBrowser(oidc_provider)
    browser.log_in("newcomer")
    start = client.get("/sso/gov_pc/start/")
    callback = browser.authorize(start["Location"])
    forged = callback.replace("state=", "state=forged")
    response = client.get(forged)
    assert response.status_code == 403 and "登录请求已失效" in response.content.decode()
    assert refusal_rows("state_mismatch").exists()
    assert not User.objects.filter(phone=PEOPLE["newcomer"]["phone_number"]).exists()


def test_a_person_who_cancels_at_the_provider_is_not_logged_in(client, oidc_provider, sso_providers):
    start = client.get("/sso/gov_pc/start/")
    state = start["Location"].split("state=")[1].split("&")[0]
    response = client.get(f"/sso/gov_pc/callback/?error=access_denied&state={state}")
    assert response.status_code == 403 and "您未在政务服务网完成授权" in response.content.decode()
    assert refusal_rows("access_denied").exists() and not client.get("/").wsgi_request.user.is_authenticated


def test_a_callback_replayed_after_use_is_refused(client, oidc_provider, sso_providers):
    first, callback, _b = arrive(client, oidc_provider, "newcomer")
    assert first["Location"] == "/sso/consent/"
    replay = client.get(callback)
    assert replay.status_code == 403 and refusal_rows("state_mismatch").exists()


def test_a_used_code_with_a_fresh_state_is_refused_by_the_provider(client, oidc_provider, sso_providers):
    _first, callback, browser = arrive(client, oidc_provider, "newcomer")
    used_code = callback.split("code=")[1].split("&")[0]
    start = client.get("/sso/gov_pc/start/")  # a new state (and PKCE verifier) in our session
    fresh = browser.authorize(start["Location"])
    fresh_state = fresh.split("state=")[1].split("&")[0]
    response = client.get(f"/sso/gov_pc/callback/?code={used_code}&state={fresh_state}")
    assert response.status_code == 403 and "授权码无效或已被使用" in response.content.decode()
    assert refusal_rows("invalid_grant").exists()
    assert not User.objects.filter(phone=PEOPLE["newcomer"]["phone_number"]).exists()


@pytest.mark.parametrize(
    "mode, reason",
    [
        ("bad_nonce", "id_token_bad_nonce"),
        ("other_key", "id_token_bad_signature"),
        ("expired", "id_token_expired"),
        ("alg_none", "id_token_bad_algorithm"),
        ("wrong_audience", "id_token_bad_aud"),
        ("foreign_audience_with_azp", "id_token_bad_aud"),
        ("wrong_issuer", "id_token_bad_iss"),
    ],
)
def test_a_tampered_id_token_is_refused(client, settings, oidc_provider, mode, reason):
    from tests.oidc_provider.fixtures import crafted_settings

    settings.SSO_PROVIDERS = crafted_settings(oidc_provider, mode)
    start = client.get("/sso/crafted/start/")
    callback = ProviderBrowser(oidc_provider).authorize(start["Location"])
    response = client.get(callback)
    assert response.status_code == 403, response.content[:300]
    assert "身份凭证未通过校验" in response.content.decode()
    assert refusal_rows(reason).exists(), list(AuditEvent.objects.values_list("changes", flat=True))
    assert not User.objects.filter(name="韩梅梅").exists() and "sso_pending" not in client.session
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_the_crafted_provider_is_accepted_when_nothing_is_tampered(client, settings, oidc_provider):
    """The control for the cases above: the same route with an honest token reaches the consent page."""
    from tests.oidc_provider.fixtures import crafted_settings

    settings.SSO_PROVIDERS = crafted_settings(oidc_provider, "valid")
    start = client.get("/sso/crafted/start/")
    response = client.get(ProviderBrowser(oidc_provider).authorize(start["Location"]))
    assert response.status_code == 302 and response["Location"] == "/sso/consent/"


def test_a_provider_that_is_down_gives_a_friendly_page(client, settings, oidc_provider):
    from tests.oidc_provider.fixtures import free_port, provider_settings

    down = provider_settings(oidc_provider)
    down["gov_pc"]["discovery_url"] = f"http://127.0.0.1:{free_port()}/o/.well-known/openid-configuration"
    settings.SSO_PROVIDERS = down
    response = client.get("/sso/gov_pc/start/")
    assert response.status_code == 503
    assert "暂时无法连接青海政务服务网" in response.content.decode()
    assert refusal_rows("provider_unreachable").exists()


def test_a_provider_that_goes_down_during_the_log_in_gives_a_friendly_page(client, settings, tmp_path):
    from tests.oidc_provider.fixtures import provider_settings, start_provider, stop_provider

    provider = start_provider(tmp_path / "short-lived.sqlite3")
    try:
        settings.SSO_PROVIDERS = provider_settings(provider)
        browser = ProviderBrowser(provider)
        browser.log_in("newcomer")
        callback = browser.authorize(client.get("/sso/gov_pc/start/")["Location"])
    finally:
        stop_provider(provider)
    response = client.get(callback)  # the token endpoint is gone now
    assert response.status_code == 503 and "请稍后再试" in response.content.decode()
    assert refusal_rows("provider_unreachable").exists() and not User.objects.filter(name="韩梅梅").exists()


# --- the edges ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "next_url, lands",
    [
        ("/accounts/me/", "/accounts/me/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
    ],
)
def test_next_only_accepts_our_own_paths(client, oidc_provider, sso_providers, next_url, lands):
    from urllib.parse import quote

    arrive(client, oidc_provider, "newcomer", next_url=quote(next_url, safe=""))
    response = client.post("/sso/consent/", {"decision": "agree"})
    assert response["Location"] == lands


def test_the_log_in_page_shows_the_button_only_when_a_provider_is_configured(client, settings, oidc_provider):
    from tests.oidc_provider.fixtures import provider_settings

    settings.SSO_PROVIDERS = {}
    page = client.get("/accounts/login/").content.decode()
    assert "政务服务网登录" not in page and "/sso/" not in page
    assert client.get("/sso/gov_pc/start/").status_code == 404
    settings.SSO_PROVIDERS = provider_settings(oidc_provider)
    page = client.get("/accounts/login/?next=/accounts/me/").content.decode()
    assert "青海政务服务网登录" in page and "/sso/gov_pc/start/?next=/accounts/me/" in page
    assert "/sso/gov_app/start/" not in page  # the app's registration has no button of its own


def test_log_out_ends_our_session_and_the_providers(client, oidc_provider, sso_providers):
    _r, _cb, browser = arrive(client, oidc_provider, "newcomer")
    client.post("/sso/consent/", {"decision": "agree"})
    response = client.post("/sso/logout/")
    assert response.status_code == 302 and response["Location"].startswith(f"{oidc_provider.url}/o/logout/")
    assert "id_token_hint=" in response["Location"]
    assert not client.get("/").wsgi_request.user.is_authenticated
    user = User.objects.get(phone=PEOPLE["newcomer"]["phone_number"])
    assert AuditEvent.objects.filter(subject=user, action="通过政务服务网退出登录").exists()
    back = browser.http.get(response["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302 and back.headers["Location"].startswith("http://testserver/sso/gov_pc/logged-out/")
    landed = client.get(back.headers["Location"].removeprefix("http://testserver"))
    assert landed["Location"] == "/" and not any(k.startswith("_state_") for k in client.session.keys())  # noqa: SIM118 - a session is not iterable
    # Logged out at the provider too: a new arrival meets its log-in form.
    start = client.get("/sso/gov_pc/start/")
    at_provider = browser.http.get(start["Location"], allow_redirects=False, timeout=5)
    assert "/accounts/login/" in at_provider.headers["Location"]


def test_the_me_page_logs_out_through_the_provider_only_after_a_government_log_in(client, oidc_provider, sso_providers):
    client.force_login(VerifiedUserFactory())
    assert 'action="/accounts/logout/"' in client.get("/accounts/me/").content.decode()
    client.post("/accounts/logout/")
    arrive(client, oidc_provider, "newcomer")
    client.post("/sso/consent/", {"decision": "agree"})
    page = client.get("/accounts/me/").content.decode()
    assert 'action="/sso/logout/"' in page and "政务服务网授权" in page


def test_a_password_session_logs_out_locally(client, sso_providers):
    user = VerifiedUserFactory()
    client.force_login(user)
    response = client.post("/sso/logout/")
    assert response["Location"] == "/" and not client.get("/").wsgi_request.user.is_authenticated


def test_the_session_keeps_no_access_token(client, oidc_provider, sso_providers):
    arrive(client, oidc_provider, "newcomer")
    client.post("/sso/consent/", {"decision": "agree"})
    session = dict(client.session)
    assert set(session["sso_login"]) == {"provider", "id_token"}
    assert "access_token" not in str(session) and "refresh_token" not in str(session)
    assert not any(k.startswith("_state_") for k in session)  # Authlib's state is used up


def test_the_consent_page_without_a_pending_arrival_sends_to_log_in(client):
    response = client.get("/sso/consent/", follow=True)
    assert "授权页面已过期" in response.content.decode()
    assert client.post("/sso/consent/", {"decision": "agree"})["Location"] == "/accounts/login/"
    assert not Consent.objects.exists()


def test_withdrawing_without_a_consent_says_so(client):
    client.force_login(VerifiedUserFactory())
    response = client.post("/sso/my/gov_pc/withdraw/", follow=True)
    assert "没有可撤回的授权" in response.content.decode()
