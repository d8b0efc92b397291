"""The production path of the HV documents: a real Celery worker process fed through Redis renders
the pushed supply plan and writes the signed copy (TESTING-NOTES)."""

import time

import pytest
from pypdf import PdfReader

from tests.documents.test_pdf_worker import worker_process  # noqa: F401  (fixture)
from tests.utility_flows.hv.conftest import signature_data_url
from utility_flows.hv import services as hv
from utility_flows.hv.models import PushedDocument

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_a_worker_renders_the_supply_plan_and_the_signed_copy(worker_process, hv_order, manager, later):
    process = hv_order.hv
    hv.take(process=process, by=manager, expected_visit_at=later)
    hv.book_survey(process=process, by=hv_order.customer, survey_at=later)
    hv.advance(process=process, transition="dispatch_survey", by=manager)
    hv.advance(process=process, transition="push_plan", by=manager)
    plan = PushedDocument.objects.get(process=process, kind="supply_plan")
    assert wait_for(lambda: PushedDocument.objects.get(pk=plan.pk).unsigned_id), "the worker did not render the plan"
    process.refresh_from_db()
    hv.sign_document(
        process=process, kind="supply_plan", by=hv_order.customer, signature=signature_data_url(), ip="10.0.0.7"
    )
    assert wait_for(lambda: PushedDocument.objects.get(pk=plan.pk).signed_id), "the worker wrote no signed copy"
    plan.refresh_from_db()
    text = "".join(p.extract_text() for p in PdfReader(plan.signed.file).pages)
    assert "供电方案" in text and plan.signed_sha256 == plan.signed.sha256
