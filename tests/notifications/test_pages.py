import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.notifications.models import Notification, NotificationPreference
from portal.notifications.services import notify

pytestmark = pytest.mark.django_db

INBOX = reverse("notifications:inbox")
PREFERENCES = reverse("notifications:preferences")


def make_notifications(user, n: int, *, read: bool = False) -> None:
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            user=user,
            event="system.message",
            title=f"消息{i}",
            body=f"第{i}条内容",
            created_at=now - timedelta(minutes=i),
            read_at=now if read else None,
        )
        for i in range(n)
    )


def badge(html: str) -> str | None:
    found = re.search(r'data-testid="unread-count">(\d+)<', html)
    return found.group(1) if found else None


def test_the_inbox_needs_a_logged_in_user(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_inbox_lists_my_messages_newest_first_with_the_unread_ones_marked(client, alice, bob):
    notify(alice, "system.message", {"title": "较早的消息", "body": "旧"})
    newer = notify(alice, "account.password_changed")
    notify(bob, "system.message", {"title": "别人的消息", "body": "不该出现"})
    Notification.objects.filter(user=alice, title="较早的消息").update(
        read_at=timezone.now(), created_at=timezone.now() - timedelta(days=1)
    )
    client.force_login(alice)

    html = client.get(INBOX).content.decode()

    assert html.index("登录密码已修改") < html.index("较早的消息")
    assert "别人的消息" not in html
    assert html.count('class="unread"') == 1
    assert "未读：" in html and "密码修改提醒" in html  # the event's label as a badge
    assert f'href="{reverse("notifications:open", args=[newer.pk])}"' in html
    assert badge(html) == "1"
    assert "全部标为已读" in html


def test_an_empty_inbox_says_so(client, alice):
    client.force_login(alice)
    html = client.get(INBOX).content.decode()
    assert "暂无消息" in html
    assert "全部标为已读" not in html
    assert badge(html) is None


def test_the_inbox_pages_by_twenty(client, alice):
    make_notifications(alice, 45)
    client.force_login(alice)

    first = client.get(INBOX).content.decode()
    third = client.get(INBOX, {"page": 3}).content.decode()

    assert first.count('data-testid="notification"') == 20
    assert "第 1 / 3 页" in first and "消息0<" in first
    assert third.count('data-testid="notification"') == 5 and "消息44<" in third


@pytest.mark.parametrize("rows", [10, 200])
def test_the_inbox_runs_a_fixed_number_of_queries(client, alice, rows, django_assert_max_num_queries):
    make_notifications(alice, rows // 2)
    make_notifications(alice, rows - rows // 2, read=True)
    client.force_login(alice)
    # session, user, page count, unread badge, page rows; the session is saved on every
    # request (SESSION_SAVE_EVERY_REQUEST): savepoint, update, release.
    with django_assert_max_num_queries(8):
        response = client.get(INBOX)
    assert response.status_code == 200


def test_opening_a_message_marks_it_read_and_follows_its_link(client, alice):
    n = notify(alice, "enterprise.bound", {"enterprise": "青海高原制造有限公司", "relation": "经办人"})
    client.force_login(alice)

    response = client.get(reverse("notifications:open", args=[n.pk]))

    assert response.status_code == 302 and response.url == reverse("accounts:enterprises")
    n.refresh_from_db()
    assert n.read_at is not None
    assert badge(client.get(INBOX).content.decode()) is None


def test_opening_a_message_without_a_link_shows_it_in_full(client, alice):
    n = notify(alice, "account.password_changed")
    client.force_login(alice)

    response = client.get(reverse("notifications:open", args=[n.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "登录密码已修改" in html and "请立即通过“忘记密码”重置密码" in html
    n.refresh_from_db()
    assert n.read_at is not None


def test_a_link_to_another_site_is_not_followed(client, alice):
    n = notify(alice, "system.message", {"title": "中奖啦", "body": "点击领取", "link": "https://evil.example/"})
    client.force_login(alice)
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 200 and "点击领取" in response.content.decode()


def test_another_users_message_is_not_found_and_stays_unread(client, alice, bob):
    n = notify(bob, "account.password_changed")
    client.force_login(alice)
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read_clears_the_badge_and_says_how_many(client, alice, bob):
    make_notifications(alice, 3)
    make_notifications(bob, 2)
    client.force_login(alice)

    response = client.post(reverse("notifications:read_all"), follow=True)

    html = response.content.decode()
    assert "已将 3 条消息标为已读" in html
    assert badge(html) is None
    assert Notification.objects.filter(user=bob, read_at=None).count() == 2


def test_mark_all_read_is_a_post(client, alice):
    make_notifications(alice, 1)
    client.force_login(alice)
    assert client.get(reverse("notifications:read_all")).status_code == 405
    assert Notification.objects.filter(read_at=None).count() == 1


def test_preferences_show_every_event_with_its_current_channels(client, alice):
    client.force_login(alice)
    html = client.get(PREFERENCES).content.decode()

    for label in ("欢迎注册", "实名认证结果", "密码修改提醒", "企业绑定", "系统消息"):
        assert f">{label}<" in html
    assert re.search(r'name="account.password_changed__sms"[^>]*checked', html)
    assert not re.search(r'name="account.registered__sms"[^>]*checked', html)
    # Each checkbox is labelled for screen readers.
    assert '<label class="visually-hidden" for="id_account.password_changed__sms">密码修改提醒：短信</label>' in html
    assert "zhangli@example.com" in html


def test_saving_preferences_changes_the_channels_and_says_so(client, alice):
    client.force_login(alice)

    response = client.post(PREFERENCES, {"account.registered__email": "on", "enterprise.bound__sms": "on"}, follow=True)

    html = response.content.decode()
    assert "通知设置已保存" in html
    assert re.search(r'name="account.registered__email"[^>]*checked', html)
    # Unticking the security SMS is the user's right; it is stored as a choice.
    assert (
        NotificationPreference.objects.get(user=alice, event="account.password_changed", channel="sms").enabled is False
    )
    assert list(notify(alice, "account.registered").outbox.values_list("channel", flat=True)) == ["email"]
    assert not notify(alice, "account.password_changed").outbox.exists()


def test_a_user_without_email_is_told_mail_will_not_be_sent(client, bob):
    client.force_login(bob)
    assert "您还没有填写电子邮箱" in client.get(PREFERENCES).content.decode()
