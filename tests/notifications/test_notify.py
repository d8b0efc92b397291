import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from portal.notifications.models import Notification, NotificationPreference, OutboxMessage, OutboxStatus
from portal.notifications.registry import (
    Channel,
    MissingContext,
    UnknownEvent,
    get_event,
    register_event,
    unregister_event,
)
from portal.notifications.services import notify, set_preferences
from portal.verification.models import SmsMessage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def test_notify_writes_inbox_and_outbox_in_the_callers_transaction_and_sends_after_commit(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            notification = notify(alice, "account.password_changed")
            # Visible inside the business transaction, but nothing has gone out yet.
            assert OutboxMessage.objects.get(notification=notification).status == OutboxStatus.PENDING
            assert not SmsMessage.objects.exists()

    assert len(callbacks) == 1
    notification.refresh_from_db()
    assert notification.user == alice
    assert notification.title == "登录密码已修改"
    assert "如非本人操作" in notification.body
    assert notification.read_at is None
    sms = OutboxMessage.objects.get(notification=notification)
    assert (sms.channel, sms.recipient, sms.status, sms.attempts) == ("sms", "13912345678", "sent", 1)
    text = SmsMessage.objects.get(phone="13912345678").text
    assert text.startswith("【网上供电营业厅】登录密码已修改：您的登录密码刚刚被修改")


def test_a_rolled_back_business_transaction_leaves_no_notification_and_sends_nothing(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Rollback):
            with transaction.atomic():
                notify(alice, "account.password_changed")
                raise Rollback

    assert callbacks == []
    assert not Notification.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert not SmsMessage.objects.exists()


def test_keyword_and_positional_calls_are_the_same(alice):
    a = notify(alice, "enterprise.bound", {"enterprise": "青海高原制造有限公司", "relation": "法人代表"})
    b = notify(
        user=alice, event="enterprise.bound", context={"enterprise": "青海高原制造有限公司", "relation": "法人代表"}
    )
    assert a.title == b.title == "企业绑定成功"
    assert a.body == b.body == "您已作为法人代表绑定企业“青海高原制造有限公司”。"


def test_title_body_and_link_come_from_the_context(alice):
    n = notify(alice, "system.message", {"title": "停电通知", "body": "明日9时至12时检修停电。", "link": "/outages/7/"})
    assert (n.title, n.body, n.link) == ("停电通知", "明日9时至12时检修停电。", "/outages/7/")


def test_event_link_is_reversed_from_its_url_name(alice):
    assert notify(alice, "enterprise.bound", {"enterprise": "甲", "relation": "经办人"}).link.endswith("/enterprises/")


def test_a_very_long_title_is_shortened_not_refused(alice):
    n = notify(alice, "system.message", {"title": "长" * 300, "body": "内容"})
    assert len(n.title) == 200 and n.title.endswith("…")


def test_unknown_event_or_missing_context_is_a_programming_error_that_writes_nothing(alice):
    with pytest.raises(UnknownEvent):
        notify(alice, "order.nonexistent")
    with pytest.raises(MissingContext, match="enterprise"):
        notify(alice, "enterprise.bound", {"relation": "经办人"})
    assert not Notification.objects.exists()


def test_default_channels_come_from_the_registry(alice, mailoutbox):
    welcome = notify(alice, "account.registered")
    security = notify(alice, "account.password_changed")
    assert not welcome.outbox.exists()  # in-app only by default
    assert list(security.outbox.values_list("channel", flat=True)) == ["sms"]
    assert mailoutbox == []


def test_preferences_decide_the_channels(alice, mailoutbox, django_capture_on_commit_callbacks):
    set_preferences(user=alice, choices={"account.registered": {"sms", "email"}, "account.password_changed": set()})

    with django_capture_on_commit_callbacks(execute=True):
        welcome = notify(alice, "account.registered")
        security = notify(alice, "account.password_changed")

    assert sorted(welcome.outbox.values_list("channel", "recipient")) == [
        ("email", "zhangli@example.com"),
        ("sms", "13912345678"),
    ]
    assert not security.outbox.exists()
    assert [m.subject for m in mailoutbox] == ["欢迎注册网上供电营业厅"]
    assert mailoutbox[0].to == ["zhangli@example.com"]
    assert SmsMessage.objects.filter(phone=alice.phone).count() == 1


def test_email_is_skipped_for_a_user_without_an_address(bob):
    set_preferences(user=bob, choices={"account.registered": {"sms", "email"}})
    n = notify(bob, "account.registered")
    assert list(n.outbox.values_list("channel", flat=True)) == ["sms"]


def test_one_users_preferences_do_not_touch_anothers(alice, bob):
    set_preferences(user=alice, choices={"account.password_changed": set()})
    assert notify(bob, "account.password_changed").outbox.count() == 1
    assert notify(alice, "account.password_changed").outbox.count() == 0


def test_a_deactivated_user_keeps_the_inbox_but_gets_no_sms():
    user = UserFactory(is_active=False)
    n = notify(user, "account.password_changed")
    assert Notification.objects.filter(pk=n.pk).exists()
    assert not n.outbox.exists()


def test_saving_preferences_stores_every_channel_of_the_events_given(alice):
    set_preferences(user=alice, choices={"account.registered": {"email"}})
    assert set(NotificationPreference.objects.filter(user=alice).values_list("event", "channel", "enabled")) == {
        ("account.registered", "sms", False),
        ("account.registered", "email", True),
    }
    set_preferences(user=alice, choices={"account.registered": {"sms"}})
    assert set(NotificationPreference.objects.filter(user=alice).values_list("event", "channel", "enabled")) == {
        ("account.registered", "sms", True),
        ("account.registered", "email", False),
    }


def test_a_business_app_can_register_its_own_event():
    try:
        register_event(
            "testing.order_accepted",
            label="申请已受理",
            title="申请{number}已受理",
            body="客户经理{manager}将联系您。",
            channels=[Channel.SMS],
        )
        user = UserFactory()
        n = notify(user, "testing.order_accepted", {"number": "XN2026001", "manager": "李工"})
        assert (n.title, n.body) == ("申请XN2026001已受理", "客户经理李工将联系您。")
        assert n.outbox.get().channel == "sms"
        # The same declaration again (a second ready()) is fine; a different one is not.
        register_event(
            "testing.order_accepted",
            label="申请已受理",
            title="申请{number}已受理",
            body="客户经理{manager}将联系您。",
            channels=[Channel.SMS],
        )
        with pytest.raises(ImproperlyConfigured):
            register_event("testing.order_accepted", label="别的", title="x", body="y")
    finally:
        unregister_event("testing.order_accepted")


def test_platform_events_are_registered_with_their_defaults():
    assert get_event("account.password_changed").default_channels == {"sms"}
    for code in ("account.registered", "account.real_name_verified", "enterprise.bound", "system.message"):
        assert get_event(code).default_channels == frozenset()
