"""Writes on applications: drafts, steps, documents, submission, withdrawal and the decisions
staff take. Views, the API and the admin all call these."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from applications.catalog import registry
from applications.catalog.base import CONFIRM_STEP, DOCUMENTS_STEP
from applications.models import (
    AbnormalFlag,
    AccountChange,
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationState,
    ServiceAccount,
)
from applications.pdf import request_application_pdfs
from applications.policy import policy_flags
from applications.requirements import document_owner, merged_answers, requirements_for
from portal.audit.history import Notice, write_history
from portal.audit.services import record
from portal.core.errors import DomainError
from portal.documents.services import store_upload
from portal.signing.services import save_signature, signature_png
from portal.verification.models import Purpose
from portal.verification.services import check_code, consume_code

MAX_DEFERRAL_DAYS = 60


def _entry(application: Application, *, actor, from_state: str, note: str = "", reason: str = "") -> ApplicationEvent:
    """An (unsaved) entry of the application's history: ``note`` is a code (``gettext_noop``),
    ``reason`` what a person typed."""
    return ApplicationEvent(
        application=application, actor=actor, from_state=from_state, to_state=application.state, note=note,
        reason=reason[:500],
    )


def _log(application: Application, *, actor, from_state: str, note: str = "") -> ApplicationEvent:
    entry = _entry(application, actor=actor, from_state=from_state, note=note)
    entry.save()
    return entry


def _ensure_editable(application: Application, user) -> None:
    if application.applicant_id != user.pk:
        raise DomainError(_("只能修改自己的申请"), code="not_yours")
    if not application.is_editable:
        raise DomainError(
            _("申请已%(state)s，不能再修改") % {"state": application.get_state_display()}, code="not_editable"
        )


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
            business_code=business_code, applicant=user, current_step=business.step_keys[0],
            contact_phone=user.phone, data={"raw": {}, "answers": {}, "done": [], "deferred": {}},
        )
        _log(application, actor=user, from_state="", note=gettext_noop("创建草稿"))
    return application


def build_step_form(application: Application, user, step_key: str, *, data=None, files=None):
    """The form of a step, bound to ``data`` or showing what the draft holds."""
    step = application.business.step(step_key)
    if step.form is None:
        raise ValueError(f"step {step_key} has no form")
    saved = application.data.get("raw", {}).get(step_key)
    if data is None:
        return step.form(initial=saved or None, application=application, user=user)
    return step.form(data=data, files=files, application=application, user=user)


def raw_values(form, data) -> dict[str, Any]:
    """What the user typed into this step's fields, as the draft keeps it."""
    raw: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        if isinstance(data, QueryDict):
            values = data.getlist(name)
            multiple = getattr(field.widget, "allow_multiple_selected", False)
            if values:
                raw[name] = values if multiple else values[-1]
        elif name in data:
            raw[name] = data[name]
    return raw


def autosave_step(*, application: Application, user, step_key: str, data) -> None:
    """Keep what the user typed so far, valid or not (saved as they go and after a pause)."""
    _ensure_editable(application, user)
    form = build_step_form(application, user, step_key)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        locked.data.setdefault("raw", {})[step_key] = raw_values(form, data)
        locked.current_step = step_key
        locked.save(update_fields=["data", "current_step", "updated_at"])
    application.data, application.current_step = locked.data, locked.current_step


def complete_step(*, application: Application, user, step_key: str, data, files=None):
    """Validate a step and move on. Returns the bound form (with errors when invalid); the draft
    keeps what was typed either way."""
    _ensure_editable(application, user)
    form = build_step_form(application, user, step_key, data=data, files=files)
    valid = form.is_valid()
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        locked.data.setdefault("raw", {})[step_key] = raw_values(form, data)
        if valid:
            locked.data.setdefault("answers", {})[step_key] = form.answers()
            done = locked.data.setdefault("done", [])
            if step_key not in done:
                done.append(step_key)
            form.save_to(locked)
            locked.current_step = application.business.next_step(step_key) or step_key
        locked.save()
    application.refresh_from_db()
    return form


def first_incomplete_step(application: Application) -> str | None:
    done = set(application.data.get("done", []))
    for key in application.business.step_keys:
        if key in (DOCUMENTS_STEP, CONFIRM_STEP):
            continue
        if key not in done:
            return key
    return None


# --- documents -----------------------------------------------------------------------------------


def save_documents(
    *, application: Application, user, uploads: dict[str, Any], deferrals: dict[str, date | None]
) -> dict[str, str]:
    """Store uploaded files for the document rules, record deferrals. Returns errors per rule
    key; every good file is kept even when another one is refused."""
    _ensure_editable(application, user)
    requirements = {r.key: r for r in requirements_for(application)}
    errors: dict[str, str] = {}
    today = timezone.localdate()
    for key, upload in uploads.items():
        requirement = requirements.get(key)
        if requirement is None or upload is None:
            continue
        owner = document_owner(application, requirement.rule)
        try:
            with transaction.atomic():
                document = store_upload(
                    upload=upload, doc_type=requirement.doc_type, uploaded_by=user, field=key,
                    owner_user=application.applicant if owner.get("owner_enterprise_id") is None else None,
                    owner_enterprise=application.enterprise if owner.get("owner_enterprise_id") else None,
                )
                ApplicationDocument.objects.update_or_create(
                    application=application, requirement=key,
                    defaults={"document": document, "how": ApplicationDocument.How.UPLOADED, "due_on": None},
                )
        except DomainError as exc:
            errors[key] = exc.message
    deferred = dict(application.data.get("deferred", {}))
    for key, due_on in deferrals.items():
        requirement = requirements.get(key)
        if requirement is None or key in uploads and key not in errors and uploads[key] is not None:
            continue
        if due_on is None:
            deferred.pop(key, None)
            ApplicationDocument.objects.filter(
                application=application, requirement=key, how=ApplicationDocument.How.DEFERRED
            ).delete()
            continue
        if not requirement.rule.deferrable:
            errors[key] = _("%(name)s 不能承诺后补，请上传") % {"name": requirement.rule.label}
        elif not (today < due_on <= today + timedelta(days=MAX_DEFERRAL_DAYS)):
            errors[key] = _("承诺补交期限应在明天到 %(days)s 天以内") % {"days": MAX_DEFERRAL_DAYS}
        elif requirement.state in (ApplicationDocument.How.UPLOADED, ApplicationDocument.How.REUSED):
            deferred.pop(key, None)
        else:
            deferred[key] = due_on.isoformat()
            ApplicationDocument.objects.update_or_create(
                application=application, requirement=key,
                defaults={"document": None, "how": ApplicationDocument.How.DEFERRED, "due_on": due_on},
            )
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        locked.data["deferred"] = deferred
        locked.save(update_fields=["data", "updated_at"])
    application.refresh_from_db()
    return errors


def missing_documents(application: Application) -> list[str]:
    return [str(r.rule.label) for r in requirements_for(application) if not r.satisfied]


# --- submission ----------------------------------------------------------------------------------


def _revalidate(application: Application, user) -> dict[str, Any]:
    """Every step again from what the draft holds: a submit can never carry a stale or
    tampered step past its form's rules."""
    answers: dict[str, Any] = {}
    for step in application.business.steps:
        if step.form is None:
            continue
        raw = application.data.get("raw", {}).get(step.key)
        form = build_step_form(application, user, step.key, data=raw or {})
        if raw is None or not form.is_valid():
            raise DomainError(
                _("请先完成“%(step)s”这一步") % {"step": step.title}, code="step_incomplete", field=step.key
            )
        form.save_to(application)
        step_answers = form.answers()
        application.data.setdefault("answers", {})[step.key] = step_answers
        answers.update(step_answers)
    return answers


def needs_signature(application: Application) -> bool:
    """A handwritten signature is asked for by some businesses (demand value, billing method)
    and by every commitment letter (deferred documents)."""
    return application.business.requires_signature or application.documents.filter(
        how=ApplicationDocument.How.DEFERRED
    ).exists()


def submit_application(
    *, application: Application, user, sms_code: str, signature=None, signature_data_url: str | None = None
) -> Application:
    """Submit (or resubmit after a return) with the SMS code sent to the applicant's phone.

    The signature, where one is needed, is either a stored signature ``Document`` (the API's
    signing endpoint made it) or the signing pad's PNG data URL, saved only if the submit
    succeeds. Submitting twice (double click, retry after a timeout) gives back the same
    application."""
    if application.applicant_id != user.pk:
        raise DomainError(_("只能提交自己的申请"), code="not_yours")
    if application.state == ApplicationState.SUBMITTED:
        return application
    _ensure_editable(application, user)
    answers = _revalidate(application, user)
    missing = missing_documents(application)
    if missing:
        raise DomainError(_("还缺少材料：%(list)s") % {"list": "、".join(missing)}, code="documents_missing")
    business = application.business
    if needs_signature(application) and signature is None and not signature_data_url:
        raise DomainError(_("请先在签名区域手写签名"), code="signature_required", field="signature")
    if signature_data_url:
        signature_png(signature_data_url)  # refuse a blank or broken pad before the code is spent
    # Outside the transaction: a wrong code must count even though the submit fails.
    sms = check_code(phone=user.phone, purpose=Purpose.SUBMIT, code=sms_code)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.state == ApplicationState.SUBMITTED:
            return locked  # the other request of a double submit won the race
        consume_code(sms)
        if signature_data_url:
            signature = save_signature(user=user, data_url=signature_data_url).image
        from_state = locked.state
        _revalidate(locked, user)
        locked.contact_phone = user.phone
        locked.effective_on = business.effective_date(timezone.localdate(), answers)
        if signature is not None:
            locked.signature = signature
        locked.submit()
        locked.save()
        if not locked.number:
            locked.number = f"SQ{timezone.localdate():%Y%m%d}{locked.pk:06d}"
            locked.save(update_fields=["number"])
        _attach_reused_documents(locked)
        for kind, detail in policy_flags(locked, answers):
            AbnormalFlag.objects.get_or_create(application=locked, kind=kind, defaults={"detail": detail})
        note = gettext_noop("客户提交申请") if from_state == "draft" else gettext_noop("客户补正后重新提交")
        write_history(
            actor=user, action=gettext_noop("提交申请"), obj=locked, subject=user,
            entry=_entry(locked, actor=user, from_state=from_state, note=note),
            notices=[Notice(user, "application.submitted", _event_context(locked))],
        )
        request_application_pdfs(locked)
    return locked


def _event_context(application: Application, **extra) -> dict:
    # The business name stays lazy: notifications are rendered in the site's language, not the
    # language of whoever pressed the button.
    return {"pk": application.pk, "business": application.business.name, "number": application.number, **extra}


def _attach_reused_documents(application: Application) -> None:
    for requirement in requirements_for(application):
        if requirement.attached is None and requirement.on_file is not None:
            ApplicationDocument.objects.create(
                application=application, requirement=requirement.key, document=requirement.on_file,
                how=ApplicationDocument.How.REUSED,
            )


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
            "agreed_at": timezone.now().isoformat(), "version": SMART_PAYMENT_AGREEMENT_VERSION, "by": user.pk,
        }
        locked.save(update_fields=["data", "updated_at"])
        write_history(
            actor=user, action=gettext_noop("签订智能交费协议"), obj=locked, subject=user,
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
            actor=by, action=note, obj=locked, subject=locked.applicant,
            entry=_entry(locked, actor=by, from_state=from_state, note=note, reason=reason),
            notices=[Notice(locked.applicant, f"application.{locked.state}", _event_context(locked, reason=reason))]
            if told else [],
        )
    return locked


def return_application(*, application: Application, by, reason: str) -> Application:
    """Return for supplement (退回补正): the customer fixes and resubmits."""
    if not reason.strip():
        raise DomainError(_("请填写退回原因，告诉客户需要补正什么"), field="reason")
    return _decide(application, by=by, transition="return_for_supplement", reason=reason.strip(),
                   note=gettext_noop("退回补正"))


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
                    account=account, field=field, old_value=_display(getattr(account, field)), new_value=_display(value),
                    effective_on=effective_on, application=application, changed_by=by, reason=str(business.name),
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
    model_field = account._meta.get_field(field)
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
            actor=change.changed_by, action=gettext_noop("户号信息变更"), obj=account,
            changes={change.field: [change.old_value, change.new_value]},
        )


def apply_due_account_changes(*, today: date | None = None) -> int:
    """Apply the scheduled account changes whose date has come (daily beat task)."""
    today = today or timezone.localdate()
    applied = 0
    due_accounts = (
        AccountChange.objects.filter(applied_at=None, effective_on__lte=today).values_list("account_id", flat=True).distinct()
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
