"""Writing the audit trail. Every service that changes something a person would ask about later
("who changed my account holder?", "who looked at my ID card?") calls ``record``."""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils import translation
from django.utils.functional import Promise

from portal.audit.models import AuditEvent, AuditKind
from portal.core.masking import mask_text
from portal.core.middleware import current_ip


def actor_label(user) -> str:
    if user is None or isinstance(user, AnonymousUser) or not getattr(user, "pk", None):
        return "系统"
    name = user.get_full_name()
    if user.is_staff:
        profile = getattr(user, "staff_profile", None)
        if profile is not None:
            label = f"{name}（{profile.organization} 工号{profile.employee_number}）"
        else:
            label = f"{name}（工作人员）"
    else:
        label = name
    # The column holds 100 characters; a long organisation name must not make the write fail.
    return label[:100]


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, (list, tuple)):
        return [_masked(v) for v in value]
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    return value


def _object_label(obj: models.Model | None) -> str:
    """A snapshot of what the object was called, in the site's language (a label such as
    "草稿 #12" must not depend on the language of whoever acted)."""
    if obj is None:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        return mask_text(str(obj))[:200]


def action_code(action: Any) -> str:
    """The stable code of an action: the source string of a lazy label (``gettext_lazy``), or
    the string itself (pass ``gettext_noop("…")``, never ``gettext("…")``: that is already
    translated into the writer's language)."""
    args = getattr(action, "_args", None)
    if isinstance(action, Promise) and args:
        return str(args[0])
    return str(action)


def record(
    *,
    actor,
    action: Any,
    obj: models.Model | None = None,
    subject=None,
    kind: str = AuditKind.CHANGE,
    changes: dict[str, Any] | None = None,
    ip: str | None = None,
    params: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``action`` is a code (see ``action_code``), rendered in the reader's
    language by ``AuditEvent.label``; with ``params`` it is a template (``查看%(type)s``).
    ``changes`` is ``{"field": [before, after]}`` (data, not sentences); phones and ID numbers in it are masked, because the trail itself is read by many."""
    if actor is not None and not getattr(actor, "pk", None):
        actor = None
    code = action_code(action)
    if params:
        # The sentence in the source language is the code; the template and values render it
        # in the reader's language.
        params = {"_template": code, **params}
        code = code % {k: v for k, v in params.items() if k != "_template"}
    return AuditEvent.objects.create(
        kind=kind,
        actor=actor,
        actor_label=actor_label(actor),
        action=code[:100],
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=_object_label(obj),
        subject=subject,
        ip=ip or current_ip(),
        changes={k: _masked(v) for k, v in (changes or {}).items()},
        params={k: _masked(v) for k, v in (params or {}).items()},
    )


def record_access(*, actor, what: Any, obj: models.Model | None, subject, params: dict | None = None) -> AuditEvent:
    """A read of sensitive personal data (an ID photo, a full ID number)."""
    return record(actor=actor, action=what, obj=obj, subject=subject, kind=AuditKind.ACCESS, params=params)
