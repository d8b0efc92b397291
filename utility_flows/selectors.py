"""Reads for the customer pages, the API and the backoffice, scoped and prefetched so every list
runs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationDocument, ApplicationEvent, ApplicationState
from portal.core.masking import mask_name
from utility_flows.models import WorkOrder, WorkOrderTransition

_RECORD_RELATED = ("work_order__assignee__staff_profile", "service_account", "region__parent")


def my_records(*, user) -> QuerySet[Application]:
    """服务记录: every application of the user, drafts included, newest first."""
    return Application.objects.filter(applicant=user).select_related(*_RECORD_RELATED).order_by("-created_at", "-id")


def progress_records(*, user) -> QuerySet[Application]:
    """进度查询: the user's applications and those whose contact phone is the user's own
    (verified at registration) — e.g. made for them at the counter. Others' drafts never."""
    return (
        Application.objects.filter(Q(applicant=user) | Q(contact_phone=user.phone))
        .exclude(~Q(applicant=user) & Q(state=ApplicationState.DRAFT))
        .select_related(*_RECORD_RELATED, "applicant")
        .order_by("-created_at", "-id")
    )


def record_for(*, user, pk: int) -> Application:
    """One application the user may follow (theirs, or one with their phone as contact);
    anything else answers 404."""
    return get_object_or_404(
        progress_records(user=user).prefetch_related(
            Prefetch(
                "documents", queryset=ApplicationDocument.objects.select_related("document__doc_type").order_by("id")
            ),
            "flags",
        ),
        pk=pk,
    )


def my_orders(*, user) -> QuerySet[WorkOrder]:
    return (
        WorkOrder.objects.filter(customer=user)
        .select_related("application__service_account", "assignee__staff_profile", "region")
        .order_by("-accepted_at", "-id")
    )


def my_order(*, user, pk: int) -> WorkOrder:
    return get_object_or_404(my_orders(user=user), pk=pk)


@dataclass
class HistoryEntry:
    at: datetime
    label: str
    note: str
    actor: str
    source: str  # "application" | "order"


def _actor(user, *, for_customer: bool) -> str:
    if user is None:
        return _("系统")
    if user.is_staff:
        profile = getattr(user, "staff_profile", None)
        name = user.name or _("工作人员")
        return f"{name}（{profile.organization}）" if profile is not None else name
    return _("客户") if for_customer else mask_name(user.name or "")


def history(application: Application, *, for_customer: bool = True) -> list[HistoryEntry]:
    """The application's events and its order's log, merged in time order (two queries)."""
    entries = [
        HistoryEntry(
            at=e.at,
            label=_state_label(e),
            note=e.text,
            actor=_actor(e.actor, for_customer=for_customer),
            source="application",
        )
        for e in ApplicationEvent.objects.filter(application=application).select_related("actor__staff_profile")
    ]
    entries += [
        HistoryEntry(
            at=t.at, label=t.label, note=t.reason, actor=_actor(t.by, for_customer=for_customer), source="order"
        )
        for t in WorkOrderTransition.objects.filter(order__application=application).select_related(
            "order", "by__staff_profile"
        )
    ]
    return sorted(entries, key=lambda e: e.at)


def _state_label(event: ApplicationEvent) -> str:
    if not event.from_state and event.to_state == ApplicationState.DRAFT:
        return _("创建草稿")
    return str(ApplicationState(event.to_state).label) if event.to_state in ApplicationState.values else event.to_state
