"""Workers' side of document generation. PDFs are never rendered in a request (SPEC 8)."""

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from portal.documents.models import PdfRender, PdfRenderStatus

logger = logging.getLogger(__name__)

MAX_RETRIES = 3
# A render still pending after this long was lost on the way (broker down at commit time,
# worker killed mid-task): the sweeper sends it again. Renders are idempotent.
STALE_AFTER = timedelta(minutes=10)


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
    """Send again the renders that were requested but never done (run by beat)."""
    cutoff = timezone.now() - STALE_AFTER
    ids = list(
        PdfRender.objects.filter(status=PdfRenderStatus.PENDING, created_at__lt=cutoff)
        .order_by("created_at").values_list("pk", flat=True)[:500]
    )
    for render_id in ids:
        render_pdf_document.delay(render_id)
    if ids:
        logger.info("Re-sent %s pending PDF renders", len(ids))
    return len(ids)
