"""The account settings page for consents, and the backoffice view of SSO records."""

import pytest
from django.utils import timezone

from portal.sso.models import Consent, GovIdentity, RealNameSource, RealNameVerification
from tests.factories import StaffFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db


def consent_for(user, provider):
    GovIdentity.objects.create(user=user, provider=provider, subject=f"{provider}-{user.pk}")
    return Consent.objects.create(
        user=user, provider=provider, claims=["name", "id_number", "phone"], text_version="2026.1"
    )


@pytest.mark.parametrize("providers", [["gov_pc"], ["gov_pc", "gov_app", "gov_other"]])
def test_my_consents_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, providers):
    user = VerifiedUserFactory()
    for provider in providers:
        consent_for(user, provider)
    consent_for(VerifiedUserFactory(), "gov_pc")  # someone else's is never shown
    client.force_login(user)
    with django_assert_max_num_queries(8):
        page = client.get("/sso/my/")
    assert page.content.decode().count("撤回授权") == len(providers)
    assert len(page.context["consents"]) == len(providers)


def test_my_consents_name_the_provider_by_its_label(client, settings):
    settings.SSO_PROVIDERS = {"gov_app": {"label": "青松办", "discovery_url": "http://127.0.0.1:9/x", "client_id": "a"}}
    user = VerifiedUserFactory()
    consent_for(user, "gov_app")
    client.force_login(user)
    assert "青松办" in client.get("/sso/my/").content.decode()


def test_withdrawing_touches_only_my_own_link(client):
    me, other = VerifiedUserFactory(), VerifiedUserFactory()
    consent_for(me, "gov_pc")
    theirs = consent_for(other, "gov_pc")
    client.force_login(me)
    client.post("/sso/my/gov_pc/withdraw/")
    assert not GovIdentity.objects.filter(user=me).exists()
    assert GovIdentity.objects.filter(user=other).exists()
    theirs.refresh_from_db()
    assert theirs.withdrawn_at is None


def test_withdrawing_needs_a_log_in_and_a_post(client):
    assert client.post("/sso/my/gov_pc/withdraw/")["Location"].startswith("/accounts/login/")
    client.force_login(VerifiedUserFactory())
    assert client.get("/sso/my/gov_pc/withdraw/").status_code == 405


def test_staff_read_consents_and_verification_sources_in_the_admin(client):
    admin = StaffFactory(is_superuser=True)
    user = VerifiedUserFactory(name="韩梅梅")
    consent_for(user, "gov_pc")
    RealNameVerification.objects.create(
        user=user, source=RealNameSource.GOV_SSO, provider="gov_pc", verified_at=timezone.now()
    )
    client.force_login(admin)
    for url in ("/admin/sso/consent/", "/admin/sso/govidentity/", "/admin/sso/realnameverification/"):
        page = client.get(url)
        assert page.status_code == 200 and "韩梅梅" in page.content.decode(), url
    assert client.get("/admin/sso/consent/add/").status_code == 403
