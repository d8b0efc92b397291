"""Writes on work orders: acceptance, transitions, reassignment, deferred documents, flags.

The admin backoffice, the customer pages and the API all call these. Each is one transaction,
and each writes its history through ``portal.audit.history.write_history``: the order log
entry, the audit row and the customer's notification together. What a transition means
(permission, hooks, notification) is read from the flow's declaration (``utility_flows.flows``).
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from applications import services as application_services
from applications.models import (
    AbnormalFlag,
    Application,
    ApplicationDocument,
    ApplicationState,
    Region,
)
from applications.requirements import document_owner, rule_context
from portal.audit.history import Notice, write_history
from portal.audit.services import action_code
from portal.core.errors import DomainError
from portal.core.workdays import WorkCalendar
from utility_flows import flows
from utility_flows.clock import LimitTable, due_date
from utility_flows.flows import Side, StepContext
from utility_flows.models import OPEN_STATES, WorkOrder, WorkOrderTransition, may_handle, role_names

# Every transition name some flow declares (derived from the declarations, for the API's choices).
TRANSITIONS = tuple(dict.fromkeys(t.name for flow in flows.all_flows() for t in flow.transitions))


def _context(order: WorkOrder) -> dict:
    """What every order notification says. Labels stay lazy: notifications are rendered in the
    site's language, whoever pressed the button."""
    application = order.application
    return {
        "pk": application.pk,
        "business": order.business.name,
        "number": application.number or order.number,
        "manager": order.assignee.name if order.assignee else "",
        "manager_phone": order.assignee.phone if order.assignee else "",
    }


def _progress_notice(order: WorkOrder, event: str, reason: str) -> Notice:
    context = _context(order)
    if event == "order.progress":
        state = order.declaration.state(order.state)
        context["step"] = state.label if state else order.state
        context["reason"] = _lazy_reason(reason)
    return Notice(order.customer, event, context)


def _reason_note(reason: str) -> str:
    return _("说明：%(reason)s") % {"reason": reason} if reason else ""


# 说明：<reason>, rendered when the notification is (in the site's language).
_lazy_reason = lazy(_reason_note, str)


def _entry(
    order: WorkOrder, *, name: str, from_state: str, by, comment: str = "", data: dict | None = None
) -> WorkOrderTransition:
    """An (unsaved) entry of the order log."""
    return WorkOrderTransition(
        order=order,
        name=name,
        from_state=from_state,
        to_state=order.state,
        by=by,
        comment=comment[:500],
        data=data or {},
    )


def _stale() -> DomainError:
    return DomainError(_("工单已被他人处理，请刷新"), code="concurrent")


def _require_handler(by, business) -> None:
    if not may_handle(by, business):
        raise DomainError(
            _("您没有办理“%(business)s”的权限（需%(role)s或营销主管）")
            % {"business": business.name, "role": business.handler_role},
            code="forbidden",
        )


def _district(application: Application) -> Region | None:
    region = application.region or (application.service_account.region if application.service_account else None)
    if region is not None and region.kind == Region.Kind.STREET:
        return region.parent
    return region


# --- acceptance -----------------------------------------------------------------------------------


def eligible_assignees(business):
    """Active staff who can take this business's orders: its handler role."""
    return (
        get_user_model()
        .objects.filter(groups__name=business.handler_role, is_active=True, is_staff=True)
        .select_related("staff_profile")
        .order_by("name", "pk")
        .distinct()
    )


def pick_assignee(*, business, by):
    """The accepting staff member when they hold the handler role, else the member of that role
    with the fewest open orders (ties go to the longest-serving account)."""
    if by is not None and business.handler_role in role_names(by) and by.is_active:
        return by
    candidate = (
        get_user_model()
        .objects.filter(groups__name=business.handler_role, is_active=True, is_staff=True)
        .annotate(open_orders=Count("assigned_orders", filter=Q(assigned_orders__state__in=OPEN_STATES), distinct=True))
        .order_by("open_orders", "pk")
        .first()
    )
    if candidate is None:
        raise DomainError(
            _("当前没有在岗的%(role)s，无法分派工单") % {"role": business.handler_role},
            code="no_assignee",
            field="assignee",
        )
    return candidate


def _check_assignee(assignee, business) -> None:
    if not (assignee.is_active and assignee.is_staff and business.handler_role in role_names(assignee)):
        raise DomainError(
            _("%(name)s 不是在岗的%(role)s，不能分派")
            % {"name": assignee.name or assignee.masked_phone, "role": business.handler_role},
            code="bad_assignee",
            field="assignee",
        )


def accept_application(*, application: Application, by, assignee=None) -> WorkOrder:
    """受理: accept a submitted application and create its work order in the same transaction,
    assigned to ``assignee`` or picked automatically, with the clock of its first step running.
    High-voltage orders stop in ``manager_assigned`` (the e-assistant is a later issue)."""
    business = application.business
    _require_handler(by, business)
    if assignee is not None:
        _check_assignee(assignee, business)
    with transaction.atomic():
        application = application_services.mark_accepted(application=application, by=by)
        if assignee is None:
            assignee = pick_assignee(business=business, by=by)
        now = timezone.now()
        initial = flows.get(business.flow).initial
        order = WorkOrder(
            application=application,
            business_code=application.business_code,
            flow=business.flow,
            state=initial,
            assignee=assignee,
            region=_district(application),
            customer=application.applicant,
            accepted_at=now,
            step_started_at=now,
        )
        order.step_due_on = due_date(order, LimitTable(), WorkCalendar.around(timezone.localdate(now)), start=now)
        order.save()
        order.number = f"GD{timezone.localdate(now):%Y%m%d}{order.pk:06d}"
        order.save(update_fields=["number"])
        due = order.step_due_on.strftime("%Y-%m-%d") if order.step_due_on else ""
        write_history(
            actor=by,
            action=gettext_noop("受理申请并生成工单"),
            obj=order,
            subject=application.applicant,
            changes={"assignee": ["", assignee.name]},
            entry=_entry(
                order,
                name="accept",
                from_state="",
                by=by,
                data={"notes": [{"code": "assigned", "role": str(business.handler_role), "name": assignee.name}]},
            ),
            notices=[Notice(order.customer, "order.accepted", {**_context(order), "due": due})],
        )
        if business.flow == "hv_eassistant":
            from utility_flows.hv.services import start_process  # the e-assistant's stage 2

            start_process(order=order, by=by)
    return order


def return_application(*, application: Application, by, reason: str) -> Application:
    """退回补正, by staff who handle this business."""
    _require_handler(by, application.business)
    return application_services.return_application(application=application, by=by, reason=reason)


def reject_application(*, application: Application, by, reason: str) -> Application:
    """不予受理, by staff who handle this business."""
    _require_handler(by, application.business)
    return application_services.reject_application(application=application, by=by, reason=reason)


# --- transitions ----------------------------------------------------------------------------------


def available_transitions(order: WorkOrder, user) -> list[tuple[str, str, bool]]:
    """[(name, label, reason required)] the user may run on the order now, in the order the
    flow declares them (the main path's step first, detours after)."""
    declaration = order.declaration
    names = {t.name for t in order.get_available_user_state_transitions(user)}
    return [(t.name, str(t.label), t.reason_required) for t in declaration.transitions if t.name in names]


def advance(*, order: WorkOrder, transition: str, by, reason: str = "", expected_state: str | None = None) -> WorkOrder:
    """Run one transition of the order's flow: check who may, move the state and the clock,
    run the hooks the declaration names, and write the log entry, the audit row and the
    customer's notification (``portal.audit.history``) — all in one transaction. Of two people
    acting at once, the second gets a clear error.

    ``expected_state`` is the state the person saw when they chose the transition."""
    reason = (reason or "").strip()
    if transition not in TRANSITIONS:
        raise DomainError(_("没有这个操作"), code="unknown_transition", field="transition")
    declared = order.declaration.transition(transition)
    if declared is None or declared.side == Side.UTILITY:
        _require_handler(by, order.business)
    if expected_state is not None and order.state != expected_state:
        raise _stale()
    method = getattr(order, transition)
    if declared is None or not can_proceed(method):
        raise DomainError(
            _("工单当前环节为“%(state)s”，不能执行此操作") % {"state": order.get_state_display()},
            code="not_allowed",
            field="transition",
        )
    if not has_transition_perm(method, by):
        raise DomainError(_("您没有执行此操作的权限"), code="forbidden")
    if declared.reason_required and not reason:
        raise DomainError(_("请填写原因"), code="reason_required", field="reason")
    from_state = order.state
    try:
        with transaction.atomic():
            method()
            now = timezone.now()
            order.step_started_at = now
            order.step_due_on = due_date(order, LimitTable(), WorkCalendar.around(timezone.localdate(now)), start=now)
            # ConcurrentTransitionMixin: UPDATE ... WHERE state = <the state this object was
            # loaded in>; if someone moved the order meanwhile, no row matches and it raises.
            order.save()
            data = declared.run_hooks(StepContext(order=order, transition=declared, by=by, reason=reason))
            write_history(
                actor=by,
                action=declared.label,
                obj=order,
                subject=order.customer,
                changes={"state": [from_state, order.state]},
                entry=_entry(order, name=transition, from_state=from_state, by=by, comment=reason, data=data),
                notices=[_progress_notice(order, declared.notify, reason)] if declared.notify else [],
            )
    except ConcurrentTransition:
        order.refresh_from_db()
        raise _stale() from None
    return order


# --- reassignment ----------------------------------------------------------------------------------


def reassign(*, order: WorkOrder, to, by, reason: str) -> WorkOrder:
    """改派: hand the order to another member of the handler role, with the reason logged."""
    reason = (reason or "").strip()
    business = order.business
    _require_handler(by, business)
    if not reason:
        raise DomainError(_("请填写改派原因"), code="reason_required", field="reason")
    _check_assignee(to, business)
    with transaction.atomic():
        locked = WorkOrder.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=order.pk)
        if not locked.is_open:
            raise DomainError(_("工单已归档，不能改派"), code="closed")
        if locked.assignee_id == to.pk:
            raise DomainError(_("工单已由 %(name)s 处理") % {"name": to.name}, code="same_assignee", field="assignee")
        before = locked.assignee.name if locked.assignee else ""
        locked.assignee = to
        locked.save(update_fields=["assignee"])
        write_history(
            actor=by,
            action=gettext_noop("改派工单"),
            obj=locked,
            subject=locked.customer,
            changes={"assignee": [before, to.name]},
            entry=_entry(
                locked,
                name="reassign",
                from_state=locked.state,
                by=by,
                comment=reason,
                data={"notes": [{"code": "reassigned", "old": before or "—", "new": to.name}]},
            ),
            notices=[Notice(locked.customer, "order.reassigned", _context(locked))],
        )
    order.refresh_from_db()
    return order


# --- deferred documents (一证受理) -------------------------------------------------------------------


def _rule(application: Application, key: str):
    for rule in application.business.documents:
        if rule.key == key:
            return rule
    return None


def deferred_documents(application: Application) -> list[ApplicationDocument]:
    return [d for d in application.documents.all() if d.how == ApplicationDocument.How.DEFERRED]


def document_label(application: Application, requirement: str) -> str:
    rule = _rule(application, requirement)
    return str(rule.label) if rule else requirement


def _rule_label(application: Application, requirement: str):
    """The requirement's label, lazy (for notifications, rendered in the site's language)."""
    rule = _rule(application, requirement)
    return rule.label if rule else requirement


def _settle_overdue_flag(application: Application, by) -> None:
    """When nothing promised is outstanding any more, the overdue flag is settled."""
    outstanding = ApplicationDocument.objects.filter(
        application=application, how=ApplicationDocument.How.DEFERRED, fulfilled_at=None
    ).exists()
    if not outstanding:
        AbnormalFlag.objects.filter(
            application=application, kind=AbnormalFlag.Kind.OVERDUE_COMMITMENT, resolved_at=None
        ).update(resolved_at=timezone.now(), resolved_by=by, resolution=_("承诺材料已补齐"))


def collect_deferred_document(*, order: WorkOrder, document: ApplicationDocument, by, note: str) -> ApplicationDocument:
    """现场补收: staff record a promised document collected on site (paper or shown), with a note."""
    note = (note or "").strip()
    _require_handler(by, order.business)
    if document.application_id != order.application_id or document.how != ApplicationDocument.How.DEFERRED:
        raise DomainError(_("这不是本工单承诺后补的材料"), code="not_deferred")
    if not note:
        raise DomainError(_("请填写补收说明，例如：已现场查验原件并留存复印件"), code="note_required", field="note")
    with transaction.atomic():
        updated = ApplicationDocument.objects.filter(pk=document.pk, fulfilled_at=None).update(
            fulfilled_at=timezone.now()
        )
        if not updated:
            raise DomainError(_("该材料已补交"), code="already_fulfilled")
        rule_label = _rule_label(order.application, document.requirement)
        write_history(
            actor=by,
            action=gettext_noop("现场补收材料"),
            obj=order,
            subject=order.customer,
            changes={"document": ["", action_code(rule_label)]},
            entry=_entry(
                order,
                name="collect_document",
                from_state=order.state,
                by=by,
                comment=note,
                data={"notes": [{"code": "document", "document": action_code(rule_label)}]},
            ),
            notices=[Notice(order.customer, "order.document_received", {**_context(order), "document": rule_label})],
        )
        _settle_overdue_flag(order.application, by)
    document.refresh_from_db()
    return document


def upload_deferred_document(*, document: ApplicationDocument, user, upload) -> ApplicationDocument:
    """The customer uploads a document they promised (from the service record page)."""
    application = document.application
    if application.applicant_id != user.pk:
        raise DomainError(_("只能为自己的申请补交材料"), code="not_yours")
    if document.how != ApplicationDocument.How.DEFERRED:
        raise DomainError(_("这项材料无需补交"), code="not_deferred")
    if document.fulfilled_at is not None:
        raise DomainError(_("该材料已补交"), code="already_fulfilled", field="file")
    if application.state not in (ApplicationState.SUBMITTED, ApplicationState.ACCEPTED):
        raise DomainError(
            _("申请已%(state)s，无需再补交材料") % {"state": application.get_state_display()}, code="closed"
        )
    rule = _rule(application, document.requirement)
    if rule is None:
        raise DomainError(_("这项材料无需补交"), code="not_deferred")
    from portal.documents.services import store_upload

    owner = document_owner(application, rule)
    with transaction.atomic():
        stored = store_upload(
            upload=upload,
            doc_type=rule.doc_type_code(rule_context(application)),
            uploaded_by=user,
            field="file",
            owner_user=application.applicant if owner.get("owner_enterprise_id") is None else None,
            owner_enterprise=application.enterprise if owner.get("owner_enterprise_id") else None,
        )
        updated = ApplicationDocument.objects.filter(pk=document.pk, fulfilled_at=None).update(
            document=stored, fulfilled_at=timezone.now()
        )
        if not updated:
            raise DomainError(_("该材料已补交"), code="already_fulfilled", field="file")
        order = WorkOrder.objects.filter(application=application).first()
        if order is not None:
            write_history(
                actor=user,
                action=gettext_noop("客户补交材料"),
                obj=order,
                subject=user,
                changes={"document": ["", action_code(rule.label)]},
                entry=_entry(
                    order,
                    name="upload_document",
                    from_state=order.state,
                    by=user,
                    data={"notes": [{"code": "document", "document": action_code(rule.label)}]},
                ),
            )
        _settle_overdue_flag(application, user)
    document.refresh_from_db()
    return document


def flag_overdue_commitments(*, today: date | None = None) -> int:
    """Daily: applications whose promised documents are past their date are listed among the
    abnormal orders (SPEC 2 一证受理). Returns how many flags were raised."""
    today = today or timezone.localdate()
    overdue = (
        ApplicationDocument.objects.filter(
            how=ApplicationDocument.How.DEFERRED,
            fulfilled_at=None,
            due_on__lt=today,
            application__state__in=[ApplicationState.SUBMITTED, ApplicationState.ACCEPTED],
        )
        .select_related("application")
        .order_by("application_id", "due_on")
    )
    by_application: dict[int, list[ApplicationDocument]] = {}
    for doc in overdue:
        by_application.setdefault(doc.application_id, []).append(doc)
    raised = 0
    for docs in by_application.values():
        application = docs[0].application
        detail = "、".join(
            _("%(label)s（应于 %(date)s 前补交）")
            % {"label": document_label(application, d.requirement), "date": d.due_on}
            for d in docs
        )
        _flag, created = AbnormalFlag.objects.get_or_create(
            application=application,
            kind=AbnormalFlag.Kind.OVERDUE_COMMITMENT,
            defaults={"detail": (_("承诺补交材料超期：") + detail)[:300]},
        )
        raised += created
    return raised


def resolve_flag(*, flag: AbnormalFlag, by, note: str) -> AbnormalFlag:
    """Close an abnormal-order flag with what was done about it."""
    note = (note or "").strip()
    _require_handler(by, flag.application.business)
    if not note:
        raise DomainError(_("请填写处理说明"), code="note_required", field="resolution")
    with transaction.atomic():
        updated = AbnormalFlag.objects.filter(pk=flag.pk, resolved_at=None).update(
            resolved_at=timezone.now(), resolved_by=by, resolution=note[:300]
        )
        if not updated:
            raise DomainError(_("该异常已处理"), code="already_resolved")
        write_history(
            actor=by,
            action=gettext_noop("处理异常工单"),
            obj=flag.application,
            subject=flag.application.applicant,
            changes={flag.kind: ["", note[:300]]},
        )
    flag.refresh_from_db()
    return flag
