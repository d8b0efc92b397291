"""The step pages of every declared business render on a phone-sized page with their fields,
refuse bad input on the field, and the EV charger's completion leads to 智能交费签约."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from applications import services
from applications.catalog import registry
from tests.applications.conftest import complete, upload_missing
from tests.factories import VerifiedUserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", [b.code for b in registry.all_businesses()])
def test_every_step_page_renders_its_fields_and_the_materials_page_its_document_list(client, code):
    user = VerifiedUserFactory()
    client.force_login(user)
    business = registry.get(code)
    materials = client.get(reverse("applications:business", args=[code]))
    assert materials.status_code == 200
    html = materials.content.decode()
    for rule in business.documents:
        assert escape(str(rule.label)) in html and escape(str(rule.when.label)) in html
    started = client.post(reverse("applications:start", args=[code]))
    application = user.applications.get()
    assert started.url == reverse("applications:step", args=[application.pk, business.step_keys[0]])
    for step in business.steps:
        page = client.get(reverse("applications:step", args=[application.pk, step.key]))
        if step.key == "confirm":
            assert page.status_code == 302  # earlier steps first
            continue
        assert page.status_code == 200, step.key
        html = page.content.decode()
        if step.form is not None:
            form = services.build_step_form(application, user, step.key)
            for field in form.visible_fields():
                assert escape(str(field.label)) in html, f"{code}.{step.key}.{field.name}"


def test_a_refused_step_shows_the_message_on_the_field_and_keeps_what_was_typed(client, enterprise_of, hv_account):
    user = VerifiedUserFactory()
    account = hv_account(user, enterprise_of(user))
    client.force_login(user)
    application = services.start_application(user=user, business_code="demand_value_change")
    complete(application, user, "account", {"account_number": account.number, "notice_confirmed": "on"})
    page = client.post(
        reverse("applications:step", args=[application.pk, "demand"]), {"requested_demand": "100", "action": "next"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "不低于合同容量的40%" in html and 'value="100"' in html
    day = (timezone.localdate().replace(day=1) + timedelta(days=32)).replace(day=1)
    assert f"将于 {day.year}年{day.month}月1日 起生效" in html


def test_the_ev_charger_done_page_leads_to_the_smart_payment_agreement_which_is_signed_once(client, street, submit):
    user = VerifiedUserFactory()
    application = services.start_application(user=user, business_code="ev_charger")
    complete(
        application,
        user,
        "charger",
        {
            "street": street.pk,
            "address": "某小区 B2-1",
            "parking_ownership": "owned",
            "charger_count": "1",
            "charger_power": "7",
            "charger_kind": "ac",
            "notice_confirmed": "on",
        },
    )
    complete(application, user, "applicant", {"identity": "owner"})
    upload_missing(application, user)
    submit(application, user)
    client.force_login(user)
    agreement_url = reverse("applications:smart_payment", args=[application.pk])
    done = client.get(reverse("applications:done", args=[application.pk])).content.decode()
    assert f'href="{agreement_url}"' in done and "完成" in done
    page = client.get(agreement_url).content.decode()
    assert "《智能交费服务协议》" in page and "同意并签约" in page
    signed = client.post(agreement_url)
    assert signed.status_code == 302
    page = client.get(agreement_url).content.decode()
    assert "您已于" in page and "同意并签约" not in page
    application.refresh_from_db()
    assert application.data["smart_payment"]["version"]
    other = services.start_application(user=user, business_code="meter_test")
    assert client.get(reverse("applications:smart_payment", args=[other.pk])).status_code == 404
