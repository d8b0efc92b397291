"""Delivery through a real Celery worker process on the real Redis broker, as in production,
including a broker outage at the moment the business transaction commits."""

import os
import secrets
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from portal.celery import app
from portal.notifications.models import OutboxMessage, OutboxStatus
from portal.notifications.services import notify
from portal.notifications.tasks import deliver, sweep_outbox
from portal.verification.models import SmsMessage
from tests.factories import UserFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]
CLOSED_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def _database_url() -> str:
    db = connection.settings_dict  # the test database pytest-django created
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _reset_broker_connections() -> None:
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str):
    """This process (the web side) publishes to ``url``; the worker keeps its own connection."""
    original = app.conf.broker_url
    app.conf.broker_url = url
    _reset_broker_connections()
    try:
        yield
    finally:
        app.conf.broker_url = original
        _reset_broker_connections()


class Worker:
    def __init__(self, name: str, process: subprocess.Popen, log: Path):
        self.name, self.process, self.log = name, process, log

    def processed(self, task) -> int:
        """How many ``task`` messages the worker has finished (from its own statistics)."""
        stats = app.control.inspect(destination=[self.name], timeout=2).stats() or {}
        return stats.get(self.name, {}).get("total", {}).get(task.name, 0)

    def wait_until_processed(self, task, n: int, timeout: float = 30) -> None:
        wait_for(lambda: self.processed(task) >= n, timeout, f"worker to finish {n} × {task.name}", self)


def wait_for(condition, timeout: float, what: str, worker: Worker) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.process.poll() is not None:
            break
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{worker.log.read_text()[-4000:]}")


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """``celery -A portal worker`` in its own process, on our Redis and our test database."""
    assert settings.REDIS_URL, "worker tests need REDIS_URL (a real Redis broker)"
    app.conf.task_always_eager = False  # the suite's autouse fixture puts it back afterwards
    _reset_broker_connections()
    app.control.purge()  # leftovers of an earlier, interrupted run on our Redis db
    name = f"notifications-test-{uuid.uuid4().hex[:8]}@localhost"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SECRET_KEY": secrets.token_urlsafe(64),  # production settings refuse placeholder keys
        "DATABASE_URL": _database_url(),
        "DATABASE_POOL": "false",
        "REDIS_URL": settings.REDIS_URL,
        "SMS_BACKEND": "portal.verification.backends.DatabaseBackend",
        "PYTHONPATH": str(BASE_DIR),
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                name,
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    worker = Worker(name, process, log)
    try:
        wait_for(lambda: bool(app.control.ping(destination=[name], timeout=0.5)), 60, "the worker to start", worker)
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_real_worker_delivers_the_sms_of_a_committed_notification_exactly_once(celery_worker_process):
    user = UserFactory(phone="13987654321")

    with transaction.atomic():
        notification = notify(user, "account.password_changed")
    message = notification.outbox.get()

    celery_worker_process.wait_until_processed(deliver, 1)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 1)
    # A duplicate task (a redelivery after a worker restart, say) sends nothing more.
    deliver.delay(message.pk)
    celery_worker_process.wait_until_processed(deliver, 2)
    assert SmsMessage.objects.filter(phone="13987654321").count() == 1
    assert "登录密码已修改" in SmsMessage.objects.get(phone="13987654321").text


def test_a_notification_committed_while_the_broker_is_down_is_delivered_once_it_is_back(celery_worker_process, caplog):
    user = UserFactory(phone="13711112222")

    with broker_at(CLOSED_BROKER):
        started = time.monotonic()
        with transaction.atomic():  # a real commit: the on-commit publish really runs, and fails
            notification = notify(user, "account.password_changed")
        elapsed = time.monotonic() - started

    # The request that raised the event would not have waited for the dead broker...
    assert elapsed < 1.0, f"notify() took {elapsed:.2f}s with the broker down"
    assert "Connection refused" in caplog.text and "stays pending for the sweeper" in caplog.text
    # ...and nothing was lost: the message waits in the outbox.
    message = notification.outbox.get()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)
    assert celery_worker_process.processed(deliver) == 0
    assert not SmsMessage.objects.exists()

    # The broker is back and a minute has passed; beat runs the sweeper on the real worker.
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=2))
    sweep_outbox.delay()

    celery_worker_process.wait_until_processed(deliver, 1)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 1)
    # The next sweep finds nothing to do: exactly one SMS.
    sweep_outbox.delay()
    celery_worker_process.wait_until_processed(sweep_outbox, 2)
    assert celery_worker_process.processed(deliver) == 1
    assert list(SmsMessage.objects.values_list("phone", "idempotency_key")) == [
        ("13711112222", f"notification-{notification.pk}-sms")
    ]
