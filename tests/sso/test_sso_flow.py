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
