"""Writes on applications: drafts, steps, documents, submission, withdrawal and the decisions
staff take. Views, the API and the admin all call these."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.db import transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from applications.catalog import registry
from applications.models import (
    AbnormalFlag,
    AccountChange,
    Application,
    ApplicationEvent,
    ApplicationState,
    ServiceAccount,
)
from applications.pdf import request_application_pdfs
from applications.policy import policy_flags
from applications.requirements import merged_answers
from portal.audit.history import Notice, write_history
from portal.audit.services import record
from portal.core.errors import DomainError
from portal.wizard import engine

MAX_DEFERRAL_DAYS = engine.MAX_DEFERRAL_DAYS


def _entry(application: Application, *, actor, from_state: str, note: str = "", reason: str = "") -> ApplicationEvent:
    """An (unsaved) entry of the application's history: ``note`` is a code (``gettext_noop``),
    ``reason`` what a person typed."""
    return ApplicationEvent(
        application=application,
        actor=actor,
        from_state=from_state,
        to_state=application.state,
        note=note,
        reason=reason[:500],
    )


def _log(application: Application, *, actor, from_state: str, note: str = "") -> ApplicationEvent:
    entry = _entry(application, actor=actor, from_state=from_state, note=note)
    entry.save()
    return entry


# --- drafts and steps --------------------------------------------------------------------------


def start_application(*, user, business_code: str) -> Application:
    """Create a draft for a business of the catalog, positioned on its first step."""
    if not registry.exists(business_code):
        raise DomainError(_("没有这项业务"), code="unknown_business")
    business = registry.get(business_code)
    if business.requires_real_name and not user.is_real_name_verified:
        raise DomainError(_("办理用电业务前请先完成实名认证"), code="real_name_required")
    with transaction.atomic():
        application = Application.objects.create(
            business_code=business_code,
            applicant=user,
            current_step=business.step_keys[0],
            contact_phone=user.phone,
            data={"raw": {}, "answers": {}, "done": [], "deferred": {}},
        )
        _log(application, actor=user, from_state="", note=gettext_noop("创建草稿"))
    return application


# The wizard itself is the platform's engine (portal.wizard.engine); applications keeps these
# names so its views, API, admin and utility_flows call one place.
build_step_form = engine.build_step_form
raw_values = engine.raw_values
first_incomplete_step = engine.first_incomplete_step
missing_documents = engine.missing_documents
needs_signature = engine.needs_signature


def autosave_step(*, application: Application, user, step_key: str, data) -> None:
    """Keep what the user typed so far, valid or not (saved as they go and after a pause)."""
    engine.autosave_step(draft=application, user=user, step_key=step_key, data=data)


def complete_step(*, application: Application, user, step_key: str, data, files=None):
    """Validate a step and move on. Returns the bound form (with errors when invalid); the draft
    keeps what was typed either way."""
    return engine.complete_step(draft=application, user=user, step_key=step_key, data=data, files=files)


# --- documents -----------------------------------------------------------------------------------


def save_documents(
    *, application: Application, user, uploads: dict[str, Any], deferrals: dict[str, date | None]
) -> dict[str, str]:
    """Store uploaded files for the document rules, record deferrals. Returns errors per rule
    key; every good file is kept even when another one is refused."""
    return engine.save_documents(draft=application, user=user, uploads=uploads, deferrals=deferrals)


# --- submission ----------------------------------------------------------------------------------


def submit_application(
    *, application: Application, user, sms_code: str, signature=None, signature_data_url: str | None = None
) -> Application:
    """Submit (or resubmit after a return) with the SMS code sent to the applicant's phone.

    The engine (portal.wizard.engine.submit_draft) revalidates, checks documents and signature,
    locks the row, returns the same application to a double submit, and consumes the code; the
    hook below is what submitting means for an application of the catalog."""
    business = application.business

    def finalize(locked: Application, answers: dict[str, Any]) -> None:
        from_state = locked.state
        locked.contact_phone = user.phone
        locked.effective_on = business.effective_date(timezone.localdate(), answers)
        locked.submit()
        locked.save()
        if not locked.number:
            locked.number = f"SQ{timezone.localdate():%Y%m%d}{locked.pk:06d}"
            locked.save(update_fields=["number"])
        for kind, detail in policy_flags(locked, answers):
            AbnormalFlag.objects.get_or_create(application=locked, kind=kind, defaults={"detail": detail})
        note = gettext_noop("客户提交申请") if from_state == "draft" else gettext_noop("客户补正后重新提交")
        write_history(
            actor=user,
            action=gettext_noop("提交申请"),
            obj=locked,
            subject=user,
            entry=_entry(locked, actor=user, from_state=from_state, note=note),
            notices=[Notice(user, "application.submitted", _event_context(locked))],
        )
        request_application_pdfs(locked)

    return engine.submit_draft(
        draft=application,
        user=user,
        sms_code=sms_code,
        finalize=finalize,
        signature=signature,
        signature_data_url=signature_data_url,
    )


def _event_context(application: Application, **extra) -> dict:
    # The business name stays lazy: notifications are rendered in the site's language, not the
    # language of whoever pressed the button.
    return {"pk": application.pk, "business": application.business.name, "number": application.number, **extra}


def withdraw_application(*, application: Application, user) -> Application:
    if application.applicant_id != user.pk:
        raise DomainError(_("只能撤回自己的申请"), code="not_yours")
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.state == ApplicationState.WITHDRAWN:
            return locked
        if locked.state not in (ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.RETURNED):
            raise DomainError(_("申请已受理，不能撤回；如需终止请联系客户经理"), code="not_withdrawable")
        from_state = locked.state
        locked.withdraw()
        locked.save()
        _log(locked, actor=user, from_state=from_state, note=gettext_noop("客户撤回申请"))
    return locked


def sign_smart_payment_agreement(*, application: Application, user) -> Application:
    """智能交费签约 after a submission whose business leads there (the EV charger): recorded on the
    application, so the account its work order opens carries the agreement. Signing twice is one
    signature."""
    from applications.catalog.businesses.connections import SMART_PAYMENT_AGREEMENT_VERSION

    if application.applicant_id != user.pk:
        raise DomainError(_("只能为自己的申请签约"), code="not_yours")
    if application.business.completion_next != "applications:smart_payment":
        raise DomainError(_("该业务无需签订智能交费协议"), code="not_offered")
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.data.get("smart_payment"):
            return locked
        if locked.state not in (ApplicationState.SUBMITTED, ApplicationState.ACCEPTED, ApplicationState.COMPLETED):
            raise DomainError(_("请先提交申请，再签订智能交费协议"), code="not_submitted")
        locked.data["smart_payment"] = {
            "agreed_at": timezone.now().isoformat(),
            "version": SMART_PAYMENT_AGREEMENT_VERSION,
            "by": user.pk,
        }
        locked.save(update_fields=["data", "updated_at"])
        write_history(
            actor=user,
            action=gettext_noop("签订智能交费协议"),
            obj=locked,
            subject=user,
            entry=_entry(locked, actor=user, from_state=locked.state, note=gettext_noop("签订智能交费协议")),
        )
    application.data = locked.data
    return locked


# --- staff decisions -----------------------------------------------------------------------------


def _decide(application: Application, *, by, transition: str, reason: str = "", note: str) -> Application:
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.state != ApplicationState.SUBMITTED:
            raise DomainError(
                _("申请当前为“%(state)s”，不能再处理") % {"state": locked.get_state_display()}, code="state_changed"
            )
        from_state = locked.state
        method = getattr(locked, transition)
        method(reason) if reason else method()
        locked.save()
        # Acceptance is told by utility_flows, which knows the assigned account manager.
        told = locked.state in (ApplicationState.RETURNED, ApplicationState.REJECTED)
        write_history(
            actor=by,
            action=note,
            obj=locked,
            subject=locked.applicant,
            entry=_entry(locked, actor=by, from_state=from_state, note=note, reason=reason),
            notices=[Notice(locked.applicant, f"application.{locked.state}", _event_context(locked, reason=reason))]
            if told
            else [],
        )
    return locked


def return_application(*, application: Application, by, reason: str) -> Application:
    """Return for supplement (退回补正): the customer fixes and resubmits."""
    if not reason.strip():
        raise DomainError(_("请填写退回原因，告诉客户需要补正什么"), field="reason")
    return _decide(
        application, by=by, transition="return_for_supplement", reason=reason.strip(), note=gettext_noop("退回补正")
    )


def reject_application(*, application: Application, by, reason: str) -> Application:
    if not reason.strip():
        raise DomainError(_("请填写不予受理的原因"), field="reason")
    return _decide(application, by=by, transition="reject", reason=reason.strip(), note=gettext_noop("不予受理"))


def mark_accepted(*, application: Application, by) -> Application:
    """The application half of acceptance; utility_flows creates the work order in the same
    transaction (see utility_flows.services.accept_application)."""
    return _decide(application, by=by, transition="accept", note=gettext_noop("受理申请"))


# --- the account changes a completed change order makes ------------------------------------------


def apply_account_changes(*, application: Application, by) -> list[AccountChange]:
    """Record the account changes this application's business makes, effective from the
    application's date; those due today or earlier are applied now, the rest by the daily task."""
    business = application.business
    account = application.service_account
    if business.account_changes is None or account is None:
        return []
    answers = merged_answers(application)
    effective_on = application.effective_on or timezone.localdate()
    changes = []
    with transaction.atomic():
        account = ServiceAccount.objects.select_for_update().get(pk=account.pk)
        for field, value in business.account_changes(account, answers).items():
            changes.append(
                AccountChange.objects.create(
                    account=account,
                    field=field,
                    old_value=_display(getattr(account, field)),
                    new_value=_display(value),
                    effective_on=effective_on,
                    application=application,
                    changed_by=by,
                    reason=str(business.name),
                )
            )
        if effective_on <= timezone.localdate():
            _apply(account, changes)
    return changes


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _parse(account: ServiceAccount, field: str, value: str):
    model_field = cast(Field, account._meta.get_field(field))  # changes name the account's own columns
    if model_field.get_internal_type() == "BooleanField":
        return value == "1"
    if value == "" and model_field.null:
        return None
    return model_field.to_python(value)


def _apply(account: ServiceAccount, changes: list[AccountChange]) -> None:
    for change in changes:
        setattr(account, change.field, _parse(account, change.field, change.new_value))
    account.save()
    now = timezone.now()
    AccountChange.objects.filter(pk__in=[c.pk for c in changes]).update(applied_at=now)
    for change in changes:
        record(
            actor=change.changed_by,
            action=gettext_noop("户号信息变更"),
            obj=account,
            changes={change.field: [change.old_value, change.new_value]},
        )


def apply_due_account_changes(*, today: date | None = None) -> int:
    """Apply the scheduled account changes whose date has come (daily beat task)."""
    today = today or timezone.localdate()
    applied = 0
    due_accounts = (
        AccountChange.objects.filter(applied_at=None, effective_on__lte=today)
        .values_list("account_id", flat=True)
        .distinct()
    )
    for account_id in list(due_accounts):
        with transaction.atomic():
            account = ServiceAccount.objects.select_for_update().get(pk=account_id)
            changes = list(
                AccountChange.objects.select_for_update()
                .filter(account=account, applied_at=None, effective_on__lte=today)
                .order_by("effective_on", "id")
            )
            _apply(account, changes)
            applied += len(changes)
    return applied
