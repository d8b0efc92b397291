from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from portal.notifications.models import Notification
from portal.notifications.services import notify
from tests.factories import UserFactory


def log_in(page, live_server, user) -> None:
    """Log in without a log-in page: a session made by the test client, handed to the browser."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.django_db(transaction=True)
def test_the_unread_badge_drops_when_a_message_is_opened(page, live_server, tmp_path):
    user = UserFactory(name="张丽", phone="13912345678")
    notify(user, "account.registered")
    notify(user, "enterprise.bound", {"enterprise": "青海高原制造有限公司", "relation": "经办人"})
    notify(user, "account.password_changed")
    Notification.objects.filter(event="account.registered").update(
        created_at=timezone.now() - timedelta(days=2), read_at=timezone.now()
    )
    log_in(page, live_server, user)

    page.goto(live_server.url + "/")
    badge = page.get_by_test_id("unread-count")
    assert badge.inner_text() == "2"
    assert page.locator(".inbox-link").get_attribute("aria-label") == "消息，2 条未读"

    page.locator(".inbox-link").click()
    page.wait_for_url("**/notifications/")
    rows = page.get_by_test_id("notification")
    assert rows.count() == 3
    assert rows.nth(0).get_attribute("class") == "unread"
    assert "登录密码已修改" in rows.nth(0).inner_text()
    assert rows.nth(2).get_attribute("class") is None  # the welcome message, read two days ago
    page.screenshot(path=tmp_path / "notifications-inbox.png", full_page=True)

    rows.nth(0).get_by_role("link").click()
    page.wait_for_url("**/notifications/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "登录密码已修改"
    assert badge.inner_text() == "1"
    page.screenshot(path=tmp_path / "notifications-detail.png", full_page=True)

    page.get_by_role("link", name="返回消息列表").click()
    assert page.get_by_test_id("notification").nth(0).get_attribute("class") is None
    page.get_by_role("button", name="全部标为已读").click()
    page.wait_for_load_state()
    assert page.get_by_text("已将 1 条消息标为已读").is_visible()
    assert badge.count() == 0
    assert page.locator(".unread").count() == 0


@pytest.mark.django_db(transaction=True)
def test_preferences_are_saved_from_the_phone(page, live_server, tmp_path):
    user = UserFactory(name="王强", phone="13800001111", email="wangqiang@example.com")
    log_in(page, live_server, user)

    page.goto(live_server.url + "/notifications/preferences/")
    sms = page.get_by_label("欢迎注册：短信")
    assert not sms.is_checked()
    assert page.get_by_label("密码修改提醒：短信").is_checked()
    sms.check()
    page.screenshot(path=tmp_path / "notifications-preferences.png", full_page=True)
    page.get_by_role("button", name="保存设置").click()

    assert page.get_by_text("通知设置已保存").is_visible()
    assert page.get_by_label("欢迎注册：短信").is_checked()
    assert sorted(notify(user, "account.registered").outbox.values_list("channel", flat=True)) == ["sms"]
