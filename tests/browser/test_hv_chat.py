"""The order chat in Chromium: a message from the account manager appears on the customer's
phone without a reload; the customer's own message goes out with the form."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from portal.accounts.roles import Role
from tests.factories import ApplicationFactory, StaffFactory
from utility_flows import services as order_services
from utility_flows.hv import chat
from utility_flows.hv import services as hv

pytestmark = pytest.mark.django_db(transaction=True)


def test_new_messages_appear_without_a_reload(page, live_server, tmp_path):
    manager = StaffFactory(name="王芳", roles=[Role.ACCOUNT_MANAGER])
    order = order_services.accept_application(
        application=ApplicationFactory(business_code="hv_new", capacity=400, extra_answers={"transformer": "yes"}),
        by=manager,
    )
    later = timezone.now() + timedelta(days=2)
    hv.take(process=order.hv, by=manager, expected_visit_at=later)
    hv.book_survey(process=order.hv, by=order.customer, survey_at=later)
    hv.advance(process=order.hv, transition="dispatch_survey", by=manager)
    client = Client()
    client.force_login(order.customer)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto(f"{live_server.url}/hv/{order.pk}/")
    page.get_by_test_id("open-chat").click()
    page.get_by_role("textbox", name="消息").fill("请问几点到？")
    page.get_by_role("button", name="发送").click()
    expect(page.get_by_test_id("chat-log")).to_contain_text("请问几点到？")

    chat.post_message(member=chat.member_of(user=manager, order_pk=order.pk), text="上午十点到东门")
    expect(page.get_by_test_id("chat-log")).to_contain_text("上午十点到东门", timeout=10_000)  # no reload
    page.screenshot(path=str(tmp_path / "hv-chat.png"), full_page=True)
