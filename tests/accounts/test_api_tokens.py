"""Issue 7: API tokens never expired while sessions last 2 hours. Tokens now end when unused and
after a maximum age, and the user ends any device from account settings."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from portal.accounts.models import ApiToken
from portal.audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
API = "/api/v1"


def log_in(user, agent="PortalApp/2.1 (iPhone)") -> APIClient:
    client = APIClient()
    key = client.post(
        f"{API}/auth/login/", {"phone": user.phone, "password": DEFAULT_PASSWORD}, format="json", HTTP_USER_AGENT=agent
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_unused_past_its_idle_time_is_refused(settings):
    user = UserFactory()
    client = log_in(user)
    assert client.get(f"{API}/me/").status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(f"{API}/me/")
    assert response.status_code == 401 and "登录已过期" in response.json()["detail"]


def test_use_extends_a_token_but_never_past_its_maximum_age(settings):
    user = UserFactory()
    client = log_in(user)
    token = ApiToken.objects.get()
    ApiToken.objects.update(
        created_at=timezone.now() - settings.API_TOKEN_MAX_AGE + timedelta(hours=1),
        last_used_at=timezone.now() - timedelta(hours=1),
    )
    assert client.get(f"{API}/me/").status_code == 200
    token.refresh_from_db()
    assert token.expires_at <= token.created_at + settings.API_TOKEN_MAX_AGE


def test_an_old_style_token_past_the_maximum_age_is_refused(settings):
    user = UserFactory()
    legacy = Token.objects.create(user=user)
    Token.objects.filter(pk=legacy.pk).update(created=timezone.now() - settings.API_TOKEN_MAX_AGE - timedelta(days=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {legacy.key}")
    assert client.get(f"{API}/me/").status_code == 401


def test_the_user_lists_devices_and_ends_one_from_the_api():
    user = UserFactory()
    phone, tablet = log_in(user, "PortalApp/2.1 (iPhone)"), log_in(user, "PortalApp/2.1 (iPad)")
    devices = phone.get(f"{API}/me/devices/").json()["results"]
    assert {d["label"] for d in devices} == {"PortalApp/2.1 (iPhone)", "PortalApp/2.1 (iPad)"}
    ipad = next(d for d in devices if "iPad" in d["label"])
    assert phone.delete(f"{API}/me/devices/{ipad['id']}/").status_code == 204
    assert tablet.get(f"{API}/me/").status_code == 401
    assert phone.get(f"{API}/me/").status_code == 200
    assert AuditEvent.objects.filter(action="退出设备登录", actor=user).exists()
    # Another user's device is not found.
    other = log_in(UserFactory())
    assert other.delete(f"{API}/me/devices/{devices[0]['id']}/").status_code == 404


def test_account_settings_list_the_devices_and_end_one(client):
    user = UserFactory()
    app = log_in(user, "PortalApp/2.1 (Android)")
    client.force_login(user)
    html = client.get(reverse("accounts:me")).content.decode()
    assert "已登录的设备" in html and "PortalApp/2.1 (Android)" in html
    token = ApiToken.objects.get()
    client.post(reverse("accounts:device_revoke", args=[token.pk]))
    assert app.get(f"{API}/me/").status_code == 401
