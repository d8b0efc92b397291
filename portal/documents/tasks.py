"""Workers' side of document generation. PDFs are never rendered in a request (SPEC 8)."""

import logging
from datetime import timedelta

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from portal.documents.models import PdfRender, PdfRenderStatus

logger = logging.getLogger(__name__)

MAX_RETRIES = 3
# A render the broker took but that is still pending after this long was lost in a worker (killed
# mid-task): the sweeper sends it again. Renders are idempotent.
STALE_AFTER = timedelta(minutes=10)
# A render the broker never took (down at commit time) is sent by the next sweep after this
# long; with a sweep every 20 s it is rendered within a minute of the broker's return.
UNSENT_AFTER = timedelta(seconds=15)


def dispatch_render(render_id: int) -> bool:
    """Publish the render now and note it; False (logged) when the broker is down."""
    from portal.notifications.queue import publish

    try:
        publish(render_pdf_document, render_id)
    except Exception as exc:  # the broker's errors vary by transport; all mean "later"
        logger.warning(
            "Broker unavailable (%s); PDF render %s waits for the sweeper", exc.__class__.__name__, render_id
        )
        return False
    PdfRender.objects.filter(pk=render_id).update(dispatched_at=timezone.now())
    return True


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def render_pdf_document(self, render_id: int) -> int | None:
    """Render the requested PDF (a ``PdfRender`` row made by ``services.request_pdf``), keep it
    as a Document and return the document's id."""
    from portal.documents.services import complete_render, note_render_failure

    try:
        document = complete_render(render_id=render_id)
    except Exception as exc:
        final = self.request.retries >= MAX_RETRIES
        logger.exception("PDF render %s failed (attempt %s)", render_id, self.request.retries + 1)
        note_render_failure(render_id=render_id, error=f"{type(exc).__name__}: {exc}", final=final)
        if final:
            return None
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
    return document.pk if document else None


@shared_task
def sweep_pending_pdfs() -> int:
    """Send the renders the broker never took, and again those lost in a worker (run by beat
    every 20 s). Stops at the first publish that fails: the broker is still down."""
    now = timezone.now()
    pending = PdfRender.objects.filter(status=PdfRenderStatus.PENDING)
    ids = list(
        pending.filter(
            Q(dispatched_at__isnull=True, created_at__lt=now - UNSENT_AFTER) | Q(dispatched_at__lt=now - STALE_AFTER)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    sent = 0
    for render_id in ids:
        if not dispatch_render(render_id):
            break
        sent += 1
    if sent:
        logger.info("Sent %s pending PDF renders", sent)
    return sent
