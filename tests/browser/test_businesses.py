"""Business step pages on a phone in Chromium: refusals shown on the field, the 160 kW statement,
the effective date, the refund account, the smart-payment agreement. Screenshots go to the test's tmp_path."""

from decimal import Decimal

import pytest
from django.test import Client

from applications import services
from tests.applications.conftest import (  # noqa: F401  (fixtures)
    complete,
    enterprise_account,
    enterprise_of,
    hv_account,
    make_account,
    street,
    upload_missing,
)
from tests.factories import VerifiedUserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """The regions and document types the data migrations seed: a transactional test before this
    one may have flushed them, so seed them again when they are missing."""
    import importlib

    from django.apps import apps

    from applications.models import Region

    if not Region.objects.exists():
        for module in (
            "portal.documents.migrations.0002_platform_document_types",
            "applications.migrations.0002_reference_data",
            "applications.migrations.0004_other_person_document_types",
        ):
            importlib.import_module(module).seed(apps, None)


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_hv_new_connection_refuses_a_missing_transformer_choice_and_a_small_request_without_the_statement(
    page, live_server, enterprise_of, street, tmp_path
):
    user = VerifiedUserFactory()
    enterprise = enterprise_of(user)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/services/")
    page.screenshot(path=tmp_path / "businesses-catalog.png", full_page=True)
    page.get_by_test_id("business-hv_new").click()
    page.get_by_role("button", name="开始办理").click()
    page.get_by_label("企业名称").select_option(str(enterprise.pk))
    page.get_by_role("button", name="下一步").click()

    page.screenshot(path=tmp_path / "businesses-hv-site.png", full_page=True)
    page.get_by_label("用电地址所在地区/街道").select_option(str(street.pk))
    page.locator("#id_address").fill("生物园区经四路 8 号")
    page.get_by_label("申请容量（千伏安）").fill("125")
    page.get_by_label("我已阅读并确认《高压新装（增容）业务办理须知》").check()
    page.get_by_role("button", name="下一步").click()
    assert page.get_by_text("请选择是否安装变压器").is_visible()
    assert page.get_by_text("低于 160 千瓦可低压接入").is_visible()
    assert page.get_by_label("申请容量（千伏安）").input_value() == "125"  # nothing typed is lost
    page.screenshot(path=tmp_path / "businesses-hv-site-refused.png", full_page=True)

    page.get_by_label("是", exact=True).first.check()
    page.get_by_label("我已知晓160千瓦及以下可低压接入、零投资的政策，仍自愿申请高压供电").check()
    page.get_by_role("button", name="下一步").click()
    assert page.get_by_role("heading", name="申请人信息").is_visible()


def test_demand_change_shows_its_effective_date_and_closure_the_refund_account(
    page, live_server, enterprise_of, hv_account, make_account, tmp_path
):
    user = VerifiedUserFactory()
    account = hv_account(user, enterprise_of(user))
    log_in(page, live_server, user)
    application = services.start_application(user=user, business_code="demand_value_change")
    complete(application, user, "account", {"account_number": account.number, "notice_confirmed": "on"})
    page.goto(f"{live_server.url}/applications/{application.pk}/steps/demand/")
    page.get_by_label("申请需量值（千瓦）").fill("100")
    page.get_by_role("button", name="下一步").click()
    assert page.get_by_text("不低于合同容量的40%").is_visible()
    assert page.get_by_text("起生效").is_visible()
    page.screenshot(path=tmp_path / "businesses-demand-refused.png", full_page=True)

    home = make_account(user, balance=Decimal("86.50"))
    closure = services.start_application(user=user, business_code="closure")
    complete(closure, user, "account", {"account_number": home.number, "notice_confirmed": "on"})
    page.goto(f"{live_server.url}/applications/{closure.pk}/steps/closure/")
    page.get_by_label("销户原因").select_option("relocation")
    page.get_by_label("退费开户银行").fill("中国银行西宁分行")
    page.get_by_label("退费账户户名").fill("王五")
    page.get_by_label("退费银行账号").fill("6217000011112222")
    page.get_by_role("button", name="下一步").click()
    assert page.get_by_text(f"退费账户户名须与户名“{user.name}”一致").first.is_visible()
    assert page.get_by_text("请勾选同意以拆表示数作为最终结算依据").is_visible()
    page.screenshot(path=tmp_path / "businesses-closure-refused.png", full_page=True)


def test_the_ev_charger_completion_leads_to_signing_the_smart_payment_agreement(
    page, live_server, street, send_code, tmp_path
):
    from portal.verification.models import Purpose

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
    services.submit_application(application=application, user=user, sms_code=send_code(user.phone, Purpose.SUBMIT))
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/applications/{application.pk}/done/")
    page.get_by_role("link", name="完成").click()
    assert page.get_by_role("heading", name="《智能交费服务协议》").is_visible()
    page.screenshot(path=tmp_path / "businesses-smart-payment.png", full_page=True)
    page.get_by_role("button", name="同意并签约").click()
    assert page.get_by_test_id("agreement-signed").is_visible()
    page.screenshot(path=tmp_path / "businesses-smart-payment-signed.png", full_page=True)
