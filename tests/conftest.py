"""Shared test set-up. Tests talk to the real PostgreSQL and Redis named by DATABASE_URL and
REDIS_URL (see README); nothing of ours is mocked."""

import os
import re

import pytest

# Playwright's sync API runs an event loop in the test thread; ORM calls made by the test
# itself would otherwise raise SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    from django.conf import settings

    # Hashing with PBKDF2 would make the suite minutes slower and prove nothing extra.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _flush_may_truncate_history()


def _flush_may_truncate_history():
    """Emptying the database between transactional tests TRUNCATEs the append-only logs too:
    the flush runs as their owner through the maintenance door (portal.core.append_only)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    from portal.core.append_only import allow_truncate_sql

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [allow_truncate_sql(), *statements] if statements else statements

    DatabaseOperations.sql_flush = sql_flush


@pytest.fixture(autouse=True)
def _isolated_files_and_tasks(settings, tmp_path):
    """Private files go to a fresh folder; Celery tasks run eagerly in-process unless a test
    asks for a real worker (tests marked ``worker``)."""
    from portal.celery import app

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.SMS_BACKEND = "portal.verification.backends.DatabaseBackend"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _reference_data_after_a_flush(request):
    """A transactional test may follow one that emptied every table: put the reference data of
    the data migrations back first (see tests/reference_data.py)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or (len(marker.args) > 0 and marker.args[0])))
    if transactional or "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        from tests import reference_data

        if reference_data.is_missing():
            reference_data.replay()
    yield


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


def latest_sms_code(phone: str) -> str:
    """The code in the newest text message sent to ``phone`` (the database SMS backend)."""
    from portal.verification.models import SmsMessage

    message = SmsMessage.objects.filter(phone=phone).order_by("-created_at", "-id").first()
    assert message is not None, f"no SMS was sent to {phone}"
    return _CODE.search(message.text).group(1)


@pytest.fixture
def send_code(django_capture_on_commit_callbacks):
    """Request a code the way a page does and return it as the user would read it."""
    from portal.verification.services import request_code

    def _send(phone: str, purpose: str, ip: str = "10.0.0.1") -> str:
        with django_capture_on_commit_callbacks(execute=True):
            request_code(phone=phone, purpose=purpose, ip=ip)
        return latest_sms_code(phone)

    return _send
