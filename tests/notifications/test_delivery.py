"""Delivery of outbox messages with Celery running eagerly (the real worker: test_worker.py)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from portal.notifications.delivery import Outcome, attempt_delivery
from portal.notifications.models import Notification, OutboxMessage, OutboxStatus
from portal.notifications.services import notify, requeue_failed, set_preferences
from portal.notifications.tasks import deliver, sweep_outbox
from portal.verification.models import SmsMessage

pytestmark = pytest.mark.django_db

CLOSED_PORT_URL = "http://127.0.0.1:1/sms/send"  # nothing listens on port 1: a real refusal


@pytest.fixture
def sms_provider_down(settings):
    """The real HTTP provider adapter, pointed at a port where nothing answers."""
    settings.SMS_BACKEND = "portal.verification.backends.HttpProviderBackend"
    settings.SMS_HTTP_URL = CLOSED_PORT_URL
    settings.SMS_HTTP_TEMPLATES = {"notification": "SMS_100001"}
    settings.SMS_HTTP_TIMEOUT = 1


@pytest.fixture
def mail_server_down(settings):
    """Django's real SMTP backend, pointed at a port where nothing answers."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1


def pending_sms(user) -> OutboxMessage:
    """A committed-looking notification whose delivery task was never published."""
    notification = notify(user, "account.password_changed")
    return notification.outbox.get(channel="sms")


def test_running_the_delivery_task_twice_sends_one_sms(alice):
    message = pending_sms(alice)

    assert deliver.delay(message.pk).get() == "sent"
    assert deliver.delay(message.pk).get() == "skipped"

    assert SmsMessage.objects.filter(phone=alice.phone).count() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 1, "")
    assert message.sent_at is not None


def test_a_resend_after_a_lost_commit_reuses_the_idempotency_key(alice):
    """A worker that dies after the provider accepted the SMS but before marking the row
    leaves it pending; the next attempt carries the same key, and the provider drops it."""
    message = pending_sms(alice)
    deliver.delay(message.pk)
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.PENDING)

    deliver.delay(message.pk)

    assert SmsMessage.objects.filter(phone=alice.phone).count() == 1
    assert SmsMessage.objects.get().idempotency_key == f"notification-{message.notification_id}-sms"


def test_a_failed_attempt_is_kept_with_its_error_and_retried_later(alice, sms_provider_down):
    message = pending_sms(alice)
    before = timezone.now()

    result = attempt_delivery(message.pk)

    assert result.outcome is Outcome.RETRY and result.retry_in == 30
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert message.last_error == "SmsDeliveryError: SMS provider unreachable: ConnectionError"
    assert message.next_attempt_at >= before + timedelta(seconds=30)
    # The backoff doubles: the second failure waits a minute.
    assert attempt_delivery(message.pk).retry_in == 60


def test_a_failing_sms_provider_leads_to_retries_then_failed_with_the_error_kept(
    alice, sms_provider_down, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(alice, "account.password_changed")

    message = notification.outbox.get()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 3)
    assert "SMS provider unreachable" in message.last_error
    assert message.sent_at is None
    assert not SmsMessage.objects.exists()


def test_a_failing_mail_server_leads_to_retries_then_failed_and_staff_can_resend(
    alice, mail_server_down, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    set_preferences(user=alice, choices={"account.registered": {"email"}})

    with django_capture_on_commit_callbacks(execute=True):
        message = notify(alice, "account.registered").outbox.get()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 2)
    assert message.last_error.startswith("ConnectionRefusedError")

    # The mail server is back; staff press "重新发送".
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_failed(messages=OutboxMessage.objects.all(), by=None) == 1

    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 1)
    assert [m.to for m in mailoutbox] == [["zhangli@example.com"]]
    assert mailoutbox[0].subject == "欢迎注册网上供电营业厅"
    assert mailoutbox[0].extra_headers["Message-ID"].startswith(f"<notification-{message.notification_id}-email@")


def test_resend_leaves_pending_and_sent_messages_alone(alice):
    message = pending_sms(alice)
    assert requeue_failed(messages=OutboxMessage.objects.all(), by=None) == 0
    deliver.delay(message.pk)
    assert requeue_failed(messages=OutboxMessage.objects.all(), by=None) == 0
    assert SmsMessage.objects.count() == 1


def test_the_sweeper_resends_pending_messages_overdue_by_more_than_a_minute(alice, bob):
    lost = pending_sms(alice)  # its task was never published (broker down at commit)
    recent = pending_sms(bob)  # its task is probably still on its way
    OutboxMessage.objects.filter(pk=lost.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=61))

    assert sweep_outbox.delay().get() == 1

    lost.refresh_from_db()
    recent.refresh_from_db()
    assert lost.status == OutboxStatus.SENT
    assert recent.status == OutboxStatus.PENDING
    assert list(SmsMessage.objects.values_list("phone", flat=True)) == [alice.phone]


def test_the_sweeper_leaves_sent_and_failed_messages_and_waits_for_a_retry_that_is_not_due(
    alice, bob, sms_provider_down
):
    waiting = pending_sms(alice)
    attempt_delivery(waiting.pk)  # failed once; its retry is due in 30 s
    failed = pending_sms(bob)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    OutboxMessage.objects.filter(pk=failed.pk).update(status=OutboxStatus.FAILED, next_attempt_at=an_hour_ago)

    assert sweep_outbox.delay().get() == 0

    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts) == (OutboxStatus.PENDING, 1)


@pytest.mark.django_db(transaction=True)
def test_a_message_another_worker_is_sending_is_skipped_not_sent_twice(alice):
    # Written directly: here notify() would commit and deliver at once.
    notification = Notification.objects.create(user=alice, event="system.message", title="标题", body="内容")
    message = OutboxMessage.objects.create(notification=notification, channel="sms", recipient=alice.phone)
    outcome = []

    with transaction.atomic():
        # This connection plays the worker that is sending right now.
        OutboxMessage.objects.select_for_update().get(pk=message.pk)

        def second_worker():
            try:
                outcome.append(attempt_delivery(message.pk).outcome)
            finally:
                connection.close()

        thread = threading.Thread(target=second_worker)
        thread.start()
        thread.join(timeout=10)

    assert outcome == [Outcome.SKIPPED]
    assert not SmsMessage.objects.exists()


@pytest.mark.django_db(transaction=True)  # the scheduler closes and reopens its connection
def test_beat_runs_the_sweeper_every_minute():
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    from portal.celery import app

    DatabaseScheduler(app=app).setup_schedule()  # what `celery beat` does when it starts

    entry = PeriodicTask.objects.get(name="notifications-sweep-outbox")
    assert entry.task == sweep_outbox.name and entry.task in app.tasks
    assert (entry.interval.every, entry.interval.period) == (60, "seconds")
    assert entry.expire_seconds == 55 and entry.enabled
