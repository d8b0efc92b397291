"""The production path: a PDF requested in a transaction is rendered by a real Celery worker
process fed through Redis, and lands as a Document (TESTING-NOTES: run at least one such test)."""

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from pypdf import PdfReader

from portal.celery import app
from portal.documents.models import PdfRender, PdfRenderStatus
from portal.documents.services import request_pdf
from tests.factories import VerifiedUserFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_process():
    assert settings.REDIS_URL, "this test needs REDIS_URL: it runs a real worker on a real broker"
    assert connection.vendor == "postgresql", "the worker shares the test database: PostgreSQL only"
    app.conf.task_always_eager = False
    app.control.purge()  # tasks left by an earlier run point at rows that no longer exist
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DATABASE_POOL": "false",
        "REDIS_URL": settings.REDIS_URL,
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "DEBUG": "true",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"documents-test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_a_worker_process_renders_the_requested_pdf_and_stores_it(worker_process):
    owner = VerifiedUserFactory(name="张伟")
    render = request_pdf(
        template_name="pdf/example.html",
        context={"title": "供电方案答复单", "customer_name": "张伟", "document_number": "GF-2026-000124"},
        doc_type="application_form",
        owner_user=owner,
        name="供电方案答复单",
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        render.refresh_from_db()
        if render.status != PdfRenderStatus.PENDING or worker_process.poll() is not None:
            break
        time.sleep(0.5)
    if render.status != PdfRenderStatus.DONE:
        worker_process.terminate()
        output = worker_process.communicate(timeout=15)[0]
        pytest.fail(f"render {render.status}: {render.last_error}\nworker output:\n{output[-4000:]}")

    document = PdfRender.objects.select_related("document").get(pk=render.pk).document
    assert document.owner_user == owner
    with document.file.open("rb") as fh:
        text = PdfReader(io.BytesIO(fh.read())).pages[0].extract_text()
    assert "供电方案答复单" in text and "张伟" in text and "GF-2026-000124" in text
