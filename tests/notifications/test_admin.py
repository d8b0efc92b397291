from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.accounts.roles import Role
from portal.audit.models import AuditEvent
from portal.notifications.models import Notification, OutboxMessage, OutboxStatus
from portal.notifications.services import notify
from portal.verification.models import SmsMessage
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

NOTIFICATIONS = reverse("admin:notifications_notification_changelist")
OUTBOX = reverse("admin:notifications_outboxmessage_changelist")


@pytest.fixture
def supervisor(client):
    staff = StaffFactory(roles=[Role.SUPERVISOR])
    client.force_login(staff)
    return staff


def failed_sms(user, error="SmsDeliveryError: SMS provider answered 503") -> OutboxMessage:
    message = notify(user, "account.password_changed").outbox.get()
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.FAILED, attempts=5, last_error=error)
    return message


def test_the_notification_list_masks_phones_and_filters_by_event_and_read(client, supervisor, alice, bob):
    notify(alice, "account.password_changed")
    notify(bob, "enterprise.bound", {"enterprise": "甲公司", "relation": "经办人"})
    Notification.objects.filter(user=bob).update(read_at=timezone.now())

    html = client.get(NOTIFICATIONS).content.decode()
    assert "139****5678" in html and "13912345678" not in html

    by_event = client.get(NOTIFICATIONS, {"event": "enterprise.bound"}).content.decode()
    assert "企业绑定成功" in by_event and "登录密码已修改" not in by_event
    unread = client.get(NOTIFICATIONS, {"read": "no"}).content.decode()
    assert "登录密码已修改" in unread and "企业绑定成功" not in unread


@pytest.mark.parametrize("rows", [10, 200])
def test_the_admin_lists_run_a_fixed_number_of_queries(client, supervisor, rows, django_assert_max_num_queries):
    users = UserFactory.create_batch(5)
    now = timezone.now()
    notifications = Notification.objects.bulk_create(
        Notification(
            user=users[i % 5],
            event="account.password_changed",
            title="登录密码已修改",
            body="…",
            created_at=now - timedelta(minutes=i),
        )
        for i in range(rows)
    )
    OutboxMessage.objects.bulk_create(
        OutboxMessage(notification=n, channel="sms", recipient=n.user.phone) for n in notifications
    )
    for url in (NOTIFICATIONS, OUTBOX):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_the_outbox_list_shows_status_attempts_and_the_error_with_a_masked_recipient(client, supervisor, alice):
    failed_sms(alice)
    html = client.get(OUTBOX).content.decode()
    assert "发送失败" in html and "SMS provider answered 503" in html
    assert "139****5678" in html and "13912345678" not in html


def test_resend_requeues_failed_rows_delivers_them_and_is_audited(
    client, supervisor, alice, bob, django_capture_on_commit_callbacks
):
    failed = failed_sms(alice)
    sent = notify(bob, "account.password_changed").outbox.get()
    OutboxMessage.objects.filter(pk=sent.pk).update(status=OutboxStatus.SENT)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(OUTBOX, {"action": "resend", "_selected_action": [failed.pk, sent.pk]}, follow=True)

    html = response.content.decode()
    assert "已重新排队发送 1 条" in html
    assert "1 条不是“发送失败”状态，已跳过" in html
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (OutboxStatus.SENT, 1)
    assert list(SmsMessage.objects.values_list("phone", flat=True)) == [alice.phone]
    event = AuditEvent.objects.get(action="重新发送通知")
    assert (event.actor, event.subject) == (supervisor, alice)


def test_an_account_manager_can_look_but_not_resend(client, alice):
    client.force_login(StaffFactory(roles=[Role.ACCOUNT_MANAGER]))
    failed = failed_sms(alice)

    html = client.get(OUTBOX).content.decode()
    assert "发送失败" in html
    assert 'value="resend"' not in html
    client.post(OUTBOX, {"action": "resend", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert failed.status == OutboxStatus.FAILED
