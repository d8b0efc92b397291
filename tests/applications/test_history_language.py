"""The application history holds codes and what staff typed; the API and the pages show it in
the reader's language, with the typed reason as typed."""

import pytest
from django.urls import reverse
from django.utils import translation

from applications import services
from portal.accounts.roles import Role
from tests.factories import ApplicationFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_a_return_written_by_english_speaking_staff_reads_in_the_customers_language(client):
    manager = StaffFactory(roles=[Role.ACCOUNT_MANAGER])
    application = ApplicationFactory()
    with translation.override("en"):
        services.return_application(application=application, by=manager, reason="产权证明照片模糊")
    client.force_login(application.applicant)
    events = client.get(f"/api/v1/applications/{application.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["events"]
    assert events[-1]["note"] == "退回补正：产权证明照片模糊"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    events = client.get(f"/api/v1/applications/{application.pk}/").json()["events"]
    assert events[-1]["note"] == "Returned for correction：产权证明照片模糊"
