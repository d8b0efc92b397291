"""Reads of the audit trail, scoped to the person asking."""

from django.db.models import QuerySet

from portal.audit.models import AuditEvent


def access_log_for(*, user, others_only: bool = False) -> QuerySet[AuditEvent]:
    """Events about ``user``'s personal data, newest first. ``others_only`` leaves out what the
    user did themselves, so that staff and system access stands out."""
    events = AuditEvent.objects.filter(subject=user)
    if others_only:
        # exclude() keeps rows whose actor is NULL: system tasks count as "others".
        events = events.exclude(actor=user)
    # Every column the page shows is on the row itself (actor_label is written at the time).
    return events.order_by("-at", "-id")
