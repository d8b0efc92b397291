"""The electronic licence is rendered by a real Celery worker process fed through Redis."""

import io
import time

import pytest
from pypdf import PdfReader

from licensing import services
from licensing.models import Licence, LicenceLevel
from tests.documents.test_pdf_worker import worker_process  # noqa: F401 — the fixture
from tests.factories import StaffFactory
from tests.licensing.helpers import (
    fill_everything_but_staff,
    fill_staff_for,
    make_firm,
    start_new,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_approval_has_the_worker_render_the_licence(worker_process):
    reviewer = StaffFactory(roles=["许可审核人员"])
    firm = make_firm(name="青海宏源电力安装工程有限公司")
    five = LicenceLevel.objects.get(scheme__code="2020", rank=5)
    application = start_new(firm, {"test": five})
    fill_everything_but_staff(application)
    fill_staff_for(firm, five)
    services.submit(application=application, by=application.created_by)
    services.review(application=application, action="pass_formal_review", by=reviewer)
    services.review(application=application, action="approve", by=reviewer)
    licence = Licence.objects.get(firm=firm)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and licence.document_id is None and worker_process.poll() is None:
        time.sleep(0.5)
        licence.refresh_from_db()
    if licence.document_id is None:
        worker_process.terminate()
        pytest.fail(worker_process.communicate(timeout=15)[0][-4000:])
    with licence.document.file.open("rb") as fh:
        text = PdfReader(io.BytesIO(fh.read())).pages[0].extract_text()
    assert licence.number in text and "承试五级" in text and "青海宏源电力安装工程有限公司" in text
