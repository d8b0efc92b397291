"""Issue 7: PDFs waited about 15 minutes after a broker outage (stale cut-off 10 min, sweep every
5 min). Renders the broker never took are sent within a minute of its return."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.celery import app
from portal.documents.models import PdfRender, PdfRenderStatus
from portal.documents.services import request_pdf
from portal.documents.tasks import UNSENT_AFTER, sweep_pending_pdfs
from tests.documents.test_pdf import supply_plan_context
from tests.factories import VerifiedUserFactory
from tests.notifications.test_worker import CLOSED_BROKER, broker_at


def test_the_sweep_runs_often_enough_to_render_within_a_minute():
    every = settings.CELERY_BEAT_SCHEDULE["documents-sweep-pending-pdfs"]["schedule"]
    assert UNSENT_AFTER.total_seconds() + every <= 45  # plus a render of a second or two


@pytest.mark.django_db(transaction=True)
def test_a_render_requested_while_the_broker_was_down_is_sent_by_the_next_sweep_after_it_returns():
    owner = VerifiedUserFactory()
    app.conf.task_always_eager = False  # the suite's autouse fixture puts it back afterwards
    with broker_at(CLOSED_BROKER), transaction.atomic():
        render = request_pdf(
            template_name="pdf/example.html",
            context=supply_plan_context(),
            doc_type="application_form",
            owner_user=owner,
            name="答复单",
        )
    render.refresh_from_db()
    assert render.status == PdfRenderStatus.PENDING and render.dispatched_at is None

    # Still down: the sweep publishes nothing and leaves it for the next one.
    PdfRender.objects.filter(pk=render.pk).update(created_at=timezone.now() - timedelta(seconds=20))
    with broker_at(CLOSED_BROKER):
        assert sweep_pending_pdfs() == 0

    # Back: the next sweep (at most 20 s later) sends it, and it is rendered.
    app.conf.task_always_eager = True
    assert sweep_pending_pdfs() == 1
    render.refresh_from_db()
    assert render.status == PdfRenderStatus.DONE and render.document is not None and render.dispatched_at
    assert sweep_pending_pdfs() == 0


@pytest.mark.django_db
def test_a_render_the_broker_took_is_not_sent_twice_while_a_worker_is_on_it():
    owner = VerifiedUserFactory()
    render = request_pdf(
        template_name="pdf/example.html",
        context=supply_plan_context(),
        doc_type="application_form",
        owner_user=owner,
        name="答复单",
    )
    PdfRender.objects.filter(pk=render.pk).update(
        created_at=timezone.now() - timedelta(minutes=2), dispatched_at=timezone.now() - timedelta(minutes=2)
    )
    assert sweep_pending_pdfs() == 0
