"""One history: every write that matters goes through ``write_history``.

In the style of Zulip's ``do_*`` actions: a service does its change, then calls this helper
once, inside its own transaction. In one transaction it appends

* the entry of the matter's own log (an unsaved row of an append-only model: the work-order
  log, the application history, the next logs of licensing and reviews),
* the audit row (``portal.audit.services.record``: who, what, which object, whose data, IP),
* the notifications (inbox row and outbox rows, ``portal.notifications.services.notify``),

so the three histories can never disagree: all of them commit, or none.

What is stored is codes and data, never text in the writer's language:

* ``action`` (the audit row) is the Chinese source string of its label marked with
  ``gettext_noop`` (or a lazy label, whose source string is taken): the catalog key, stable,
  and rendered with ``gettext`` in the reader's language (``AuditEvent.label``);
* log entries store their event code and data (``WorkOrderTransition.name``/``data``,
  ``ApplicationEvent.note``/``reason``); free text a person typed is kept as typed;
* notifications are rendered in the site's language by the notifications registry.

    from portal.audit.history import Notice, write_history

    with transaction.atomic():
        order.save()
        write_history(
            actor=by, action=gettext_noop("改派工单"), obj=order, subject=order.customer,
            changes={"assignee": [before, to.name]},
            entry=WorkOrderTransition(order=order, name="reassign", ...),
            notices=[Notice(order.customer, "order.reassigned", context)],
        )
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from portal.audit.models import AuditEvent, AuditKind
from portal.audit.services import record


@dataclass(frozen=True)
class Notice:
    """A notification to send with the change: ``notify(user, event, context)``."""

    user: Any
    event: str
    context: Mapping[str, Any] = field(default_factory=dict)


def write_history(
    *,
    actor,
    action: Any,
    obj: models.Model | None = None,
    subject=None,
    entry: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    notices: Iterable[Notice] = (),
    kind: str = AuditKind.CHANGE,
) -> AuditEvent:
    """Append the log ``entry`` (unsaved), the audit row and the ``notices`` in one transaction
    (joining the caller's). Returns the audit row."""
    from portal.notifications.services import notify

    with transaction.atomic():
        if entry is not None:
            entry.save(force_insert=True)
        event = record(actor=actor, action=action, obj=obj, subject=subject, kind=kind, changes=changes)
        for notice in notices:
            notify(notice.user, notice.event, dict(notice.context))
    return event
