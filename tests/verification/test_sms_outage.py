"""Issue 7: an SMS code asked for while the broker is down is not lost, and the page never says
验证码已发送 when nothing went out. The worker test stops and restarts a Redis of its own."""

import os
import re
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from portal.celery import app
from portal.verification.models import Purpose, SmsCode, SmsMessage
from portal.verification.services import check_code
from portal.verification.tasks import deliver_code, sweep_unsent_codes
from tests.notifications.test_worker import CLOSED_BROKER, Worker, _database_url, _reset_broker_connections, broker_at
from tests.redis_server import own_redis  # noqa: F401 (fixture)

BASE_DIR = Path(__file__).resolve().parents[2]
HTMX = {"HTTP_HX_REQUEST": "true"}


def _code_in(text: str) -> str:
    return re.search(r"验证码为(\d{6})", text).group(1)


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_page_says_the_code_waits_and_the_sweeper_sends_it(client):
    app.conf.task_always_eager = False  # the suite's autouse fixture puts it back afterwards
    with broker_at(CLOSED_BROKER):
        html = client.post(
            reverse("verification:send_code"), {"purpose": Purpose.REGISTER, "phone": "13812341234"}, **HTMX
        ).content.decode()
    assert "验证码已发送" not in html
    assert "短信通道暂时繁忙，验证码将在恢复后自动发送至138****1234" in html
    sms = SmsCode.objects.get(phone="13812341234")
    assert sms.sent_at is None and sms.code_sealed and not SmsMessage.objects.exists()

    # The broker is back: the sweep (every 15 s) finds the code and the worker sends it.
    app.conf.task_always_eager = True
    SmsCode.objects.filter(pk=sms.pk).update(created_at=timezone.now() - timedelta(seconds=30))
    assert sweep_unsent_codes() == 1
    text = SmsMessage.objects.get(phone="13812341234").text
    assert check_code(phone="13812341234", purpose=Purpose.REGISTER, code=_code_in(text)).pk == sms.pk
    sms.refresh_from_db()
    assert sms.sent_at is not None and sms.code_sealed == ""
    # Swept again, nothing more goes out.
    assert sweep_unsent_codes() == 0 and SmsMessage.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_api_says_delayed_instead_of_sent(client):
    app.conf.task_always_eager = False
    with broker_at(CLOSED_BROKER):
        body = client.post(
            "/api/v1/sms-codes/", {"phone": "13812341235", "purpose": "register"}, content_type="application/json"
        ).json()
    assert body["delayed"] is True and "验证码已发送" not in body["message"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_code_asked_for_during_a_redis_outage_is_delivered_by_a_real_worker_after_it_returns(
    client, own_redis, tmp_path
):
    app.conf.task_always_eager = False
    name = f"verification-test-{uuid.uuid4().hex[:8]}@localhost"
    log = tmp_path / "worker.log"
    env = {
        # The same key seals (here) and unseals (in the worker).
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "true",
        "DATABASE_URL": _database_url(),
        "DATABASE_POOL": "false",
        "REDIS_URL": own_redis.url,
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

    def wait_for(condition, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.2)
        pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-4000:]}")

    try:
        with broker_at(own_redis.url):
            wait_for(lambda: bool(app.control.ping(destination=[name], timeout=0.5)), 60, "the worker")
            own_redis.stop()  # the broker goes down
            _reset_broker_connections()
            html = client.post(
                reverse("verification:send_code"), {"purpose": Purpose.REGISTER, "phone": "13812341236"}, **HTMX
            ).content.decode()
            assert "验证码已发送" not in html and "短信通道暂时繁忙" in html
            own_redis.start()  # ...and comes back on the same port
            _reset_broker_connections()
            SmsCode.objects.update(created_at=timezone.now() - timedelta(seconds=30))
            sweep_unsent_codes.delay()  # what beat does every 15 s
            wait_for(lambda: SmsMessage.objects.filter(phone="13812341236").exists(), 60, "the SMS")
            assert worker.processed(deliver_code) >= 1
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    sms = SmsCode.objects.get(phone="13812341236")
    text = SmsMessage.objects.get(phone="13812341236").text
    assert check_code(phone="13812341236", purpose=Purpose.REGISTER, code=_code_in(text)).pk == sms.pk
