"""The trail stores codes, not the writer's language: a member of staff using the English
interface must not write English into a Chinese customer's 数据访问记录; each reader sees
the rows in their own language."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy, gettext_noop

from portal.audit.models import AuditEvent
from portal.audit.services import record, record_access
from tests.audit.test_access_log_page import _entries

pytestmark = pytest.mark.django_db


def test_actions_are_stored_as_source_strings_whatever_language_the_writer_uses(customer, manager):
    with translation.override("en"):
        record(actor=manager, action=gettext_noop("改派工单"), obj=customer, subject=customer)
        record(actor=manager, action=gettext_lazy("退回补正"), obj=customer, subject=customer)
        record_access(
            actor=manager,
            what=gettext_noop("查看%(type)s"),
            params={"type": "身份证人像面"},
            obj=customer,
            subject=customer,
        )
    assert sorted(AuditEvent.objects.values_list("action", flat=True)) == sorted(
        ["改派工单", "退回补正", "查看身份证人像面"]
    )


def test_each_reader_sees_the_rows_in_their_language(client, customer, manager):
    with translation.override("en"):
        record_access(
            actor=manager,
            what=gettext_noop("查看%(type)s"),
            params={"type": "身份证人像面"},
            obj=customer,
            subject=customer,
        )
        record(actor=manager, action=gettext_noop("修改用电户号"), obj=customer, subject=customer)
    client.force_login(customer)

    chinese = " ".join(_entries(client.get(reverse("audit:my_access_log"), HTTP_ACCEPT_LANGUAGE="zh-hans")))
    assert "查看身份证人像面" in chinese and "修改用电户号" in chinese
    assert "View" not in chinese

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = " ".join(_entries(client.get(reverse("audit:my_access_log"))))
    assert "View ID card (photo side)" in english
    rows = client.get("/api/v1/me/access-log/").json()["results"]
    assert {(row["action"], row["action_code"]) for row in rows} == {
        ("View ID card (photo side)", "查看身份证人像面"),
        ("Service account edited", "修改用电户号"),
    }
