"""The application engine: a step wizard any app declares and runs its drafts through.

Steps are forms; a draft keeps what was typed per step (autosaved after a pause, resumable),
each step is validated when completed and every step again at submit; document rules say
which files are needed now and how each is covered (on file → reused, uploaded, or deferred
under a commitment letter); the submit is confirmed by an SMS code and guarded against double
submits. The package:

- ``declaration``: ``WizardDeclaration`` (steps, document rules, notice, confirm step), ``Step``,
  ``DocumentRule``, ``Condition``, and the ``WizardDraft`` interface a draft model offers;
- ``forms``: ``StepForm`` (the base of every step), ``NoticeMixin``, ``ConfirmForm``;
- ``models``: ``AbstractDraftDocument`` (how each document rule of a draft is covered);
- ``engine`` (here): the services — steps, autosave, documents, submit with its hook;
- ``views``: ``WizardPages``, the step / autosave / documents / confirm pages (templates/wizard/);
- ``describe``: step forms described for an API (fields, types, choices, values) + serializers.

Declaring a wizard in another app (licensing, say) — without importing ``applications``::

    # licensing/wizards.py
    from portal.wizard.declaration import ALWAYS, DocumentRule, Step, WizardDeclaration, Whose
    from portal.wizard.forms import NoticeMixin, StepForm

    class FirmForm(NoticeMixin, StepForm):
        firm_name = forms.CharField(label=_("企业名称"))
        def save_to(self, draft):
            draft.firm_name = self.cleaned_data["firm_name"]

    LICENCE_NEW = WizardDeclaration(
        code="licence_new", name=_("承装（修、试）电力设施许可证申请"),
        steps=[Step("firm", _("企业信息"), FirmForm)],   # documents + confirm steps are added
        documents=[DocumentRule("business_licence", "business_licence", _("营业执照"),
                                whose=Whose.SUBJECT, when=ALWAYS)],
        notice_title=_("《许可申请须知》"), notice=_("……"),
    )

    # licensing/models.py: the draft implements the small ``WizardDraft`` interface
    class LicenceApplication(models.Model):
        applicant = models.ForeignKey(User, ...); enterprise = models.ForeignKey(Enterprise, ...)
        data = models.JSONField(default=empty_draft_data, encoder=DjangoJSONEncoder)
        current_step = models.CharField(max_length=40, blank=True)
        state = FSMField(...)
        wizard = property(lambda self: LICENCE_NEW)
        is_editable = property(lambda self: self.state in ("draft", "returned"))
        is_submitted = property(lambda self: self.state == "submitted")

    class LicenceApplicationDocument(AbstractDraftDocument):
        application = models.ForeignKey(LicenceApplication, related_name="documents", ...)

    # licensing/services.py: the app's submit hook runs inside the locked transaction
    def submit_licence_application(*, draft, user, sms_code):
        def finalize(locked, answers):
            locked.submit(); locked.save()   # + its own number, history, notification
        return engine.submit_draft(draft=draft, user=user, sms_code=sms_code, finalize=finalize)

    # licensing/views.py: the pages (see portal.wizard.views for the URLs)
    class LicencePages(WizardPages):
        namespace = "licensing"
        def get_draft(self, request, pk): return my_licence_application(user=request.user, pk=pk)
        def submit(self, request, draft, *, sms_code, signature_data_url): ...

Electricity businesses are declared the same way: ``applications.catalog.base.Business`` is a
``WizardDeclaration`` subclass adding voltage, capacity, account checks and flows.

Why drafts live in the app's own model (behind ``WizardDraft``) and not in one platform
table: each app's draft *is* its business record — queues, admins, foreign keys and state
machines work on it from the first keystroke to the archive, and its facts are real columns
(``save_to``). A generic platform draft would need a copy step at submit and a generic
relation back, and would leave the apps' existing rows behind. The engine owns only the
``data`` JSON layout and the ``AbstractDraftDocument`` shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.errors import DomainError
from portal.documents.models import Document, DocumentType
from portal.documents.services import store_upload
from portal.signing.services import save_signature, signature_png
from portal.verification.models import Purpose
from portal.verification.services import check_code, consume_code
from portal.wizard.declaration import CONFIRM_STEP, DOCUMENTS_STEP, DocumentRule
from portal.wizard.models import DocumentHow

MAX_DEFERRAL_DAYS = 60  # a commitment letter promises the document within this many days
MISSING = "missing"


def _lock(draft):
    return type(draft).objects.select_for_update().get(pk=draft.pk)


def ensure_editable(draft, user) -> None:
    if draft.applicant_id != user.pk:
        raise DomainError(_("只能修改自己的申请"), code="not_yours")
    if not draft.is_editable:
        raise DomainError(_("申请已%(state)s，不能再修改") % {"state": draft.get_state_display()}, code="not_editable")


# --- steps ---------------------------------------------------------------------------------------


def build_step_form(draft, user, step_key: str, *, data=None, files=None):
    """The form of a step, bound to ``data`` or showing what the draft holds."""
    step = draft.wizard.step(step_key)
    if step.form is None:
        raise ValueError(f"step {step_key} has no form")
    saved = draft.data.get("raw", {}).get(step_key)
    if data is None:
        return step.form(initial=saved or None, draft=draft, user=user)
    return step.form(data=data, files=files, draft=draft, user=user)


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


def autosave_step(*, draft, user, step_key: str, data) -> None:
    """Keep what the user typed so far, valid or not (saved as they go and after a pause)."""
    ensure_editable(draft, user)
    form = build_step_form(draft, user, step_key)
    with transaction.atomic():
        locked = _lock(draft)
        locked.data.setdefault("raw", {})[step_key] = raw_values(form, data)
        locked.current_step = step_key
        locked.save(update_fields=["data", "current_step", "updated_at"])
    draft.data, draft.current_step = locked.data, locked.current_step


def complete_step(*, draft, user, step_key: str, data, files=None):
    """Validate a step and move on. Returns the bound form (with errors when invalid); the draft
    keeps what was typed either way."""
    ensure_editable(draft, user)
    form = build_step_form(draft, user, step_key, data=data, files=files)
    valid = form.is_valid()
    with transaction.atomic():
        locked = _lock(draft)
        locked.data.setdefault("raw", {})[step_key] = raw_values(form, data)
        if valid:
            locked.data.setdefault("answers", {})[step_key] = form.answers()
            done = locked.data.setdefault("done", [])
            if step_key not in done:
                done.append(step_key)
            form.save_to(locked)
            locked.current_step = draft.wizard.next_step(step_key) or step_key
        locked.save()
    draft.refresh_from_db()
    return form


def first_incomplete_step(draft) -> str | None:
    done = set(draft.data.get("done", []))
    for key in draft.wizard.step_keys:
        if key not in (DOCUMENTS_STEP, CONFIRM_STEP) and key not in done:
            return key
    return None


def merged_answers(draft) -> dict[str, Any]:
    """The validated answers of every step so far, in step order (a later step reads an earlier
    choice; document conditions read them all)."""
    answers: dict[str, Any] = {}
    for key in draft.wizard.step_keys:
        answers.update(draft.data.get("answers", {}).get(key, {}))
    return answers


def revalidate(draft, user) -> dict[str, Any]:
    """Every step again from what the draft holds: a submit can never carry a stale or tampered
    step past its form's rules. Returns the merged answers; copies facts with ``save_to``."""
    answers: dict[str, Any] = {}
    for step in draft.wizard.form_steps:
        raw = draft.data.get("raw", {}).get(step.key)
        form = build_step_form(draft, user, step.key, data=raw or {})
        if raw is None or not form.is_valid():
            raise DomainError(
                _("请先完成“%(step)s”这一步") % {"step": step.title}, code="step_incomplete", field=step.key
            )
        form.save_to(draft)
        step_answers = form.answers()
        draft.data.setdefault("answers", {})[step.key] = step_answers
        answers.update(step_answers)
    return answers


# --- documents -----------------------------------------------------------------------------------


@dataclass
class Requirement:
    """A document rule that applies now, with how it is covered."""

    rule: DocumentRule
    doc_type: DocumentType
    attached: Any  # the draft's AbstractDraftDocument row for this rule, if any
    on_file: Document | None

    @property
    def key(self) -> str:
        return self.rule.key

    @property
    def state(self) -> str:
        if self.attached is not None:
            return self.attached.how
        if self.on_file is not None:
            return DocumentHow.REUSED
        return MISSING

    @property
    def satisfied(self) -> bool:
        return self.state != MISSING

    @property
    def document(self) -> Document | None:
        if self.attached is not None:
            return self.attached.document
        return self.on_file


def rule_context(draft):
    return draft.wizard.rule_context(draft, merged_answers(draft))


def requirements_for(draft, *, on: date | None = None) -> list[Requirement]:
    """Every document rule that applies to this draft now, with how it is covered.
    A fixed number of queries whatever the number of rules."""
    on = on or timezone.localdate()
    declaration = draft.wizard
    ctx = rule_context(draft)
    rules = [r for r in declaration.documents if r.applies(ctx)]
    if not rules:
        return []
    codes = {r.doc_type_code(ctx) for r in rules}
    types = {t.code: t for t in DocumentType.objects.filter(code__in=codes)}
    attached = {
        a.requirement: a for a in draft.documents.select_related("document__doc_type").exclude(how=DocumentHow.REUSED)
    }
    owner_filter = Q(owner_user_id=draft.applicant_id, owner_enterprise__isnull=True)
    enterprise_id = getattr(draft, "enterprise_id", None)
    if enterprise_id:
        owner_filter |= Q(owner_enterprise_id=enterprise_id)
    on_file: dict[tuple, Document] = {}
    candidates = (
        Document.objects.filter(owner_filter, doc_type__code__in=codes, doc_type__reusable=True)
        .valid_on(on)
        .select_related("doc_type")
        .order_by("created_at")
    )
    for document in candidates:  # newest wins
        on_file[(document.doc_type.code, document.owner_user_id, document.owner_enterprise_id)] = document
    result = []
    for rule in rules:
        code = rule.doc_type_code(ctx)
        reusable = on_file.get((code, *declaration.document_owner(draft, rule)))
        # A document uploaded for this very draft is "attached", not "on file".
        attachment = attached.get(rule.key)
        if attachment is not None and reusable is not None and attachment.document_id == reusable.pk:
            reusable = None
        result.append(Requirement(rule=rule, doc_type=types[code], attached=attachment, on_file=reusable))
    return result


def save_documents(*, draft, user, uploads: dict[str, Any], deferrals: dict[str, date | None]) -> dict[str, str]:
    """Store uploaded files for the document rules, record deferrals. Returns errors per rule
    key; every good file is kept even when another one is refused."""
    ensure_editable(draft, user)
    declaration = draft.wizard
    requirements = {r.key: r for r in requirements_for(draft)}
    errors: dict[str, str] = {}
    today = timezone.localdate()
    for key, upload in uploads.items():
        requirement = requirements.get(key)
        if requirement is None or upload is None:
            continue
        _user_id, owner_enterprise_id = declaration.document_owner(draft, requirement.rule)
        try:
            with transaction.atomic():
                document = store_upload(
                    upload=upload,
                    doc_type=requirement.doc_type,
                    uploaded_by=user,
                    field=key,
                    owner_user=draft.applicant if owner_enterprise_id is None else None,
                    owner_enterprise=draft.enterprise if owner_enterprise_id else None,
                )
                draft.documents.update_or_create(
                    requirement=key,
                    defaults={"document": document, "how": DocumentHow.UPLOADED, "due_on": None},
                )
        except DomainError as exc:
            errors[key] = exc.message
    deferred = dict(draft.data.get("deferred", {}))
    for key, due_on in deferrals.items():
        requirement = requirements.get(key)
        if requirement is None or key in uploads and key not in errors and uploads[key] is not None:
            continue
        if due_on is None:
            deferred.pop(key, None)
            draft.documents.filter(requirement=key, how=DocumentHow.DEFERRED).delete()
            continue
        if not requirement.rule.deferrable:
            errors[key] = _("%(name)s 不能承诺后补，请上传") % {"name": requirement.rule.label}
        elif not (today < due_on <= today + timedelta(days=MAX_DEFERRAL_DAYS)):
            errors[key] = _("承诺补交期限应在明天到 %(days)s 天以内") % {"days": MAX_DEFERRAL_DAYS}
        elif requirement.state in (DocumentHow.UPLOADED, DocumentHow.REUSED):
            deferred.pop(key, None)
        else:
            deferred[key] = due_on.isoformat()
            draft.documents.update_or_create(
                requirement=key,
                defaults={"document": None, "how": DocumentHow.DEFERRED, "due_on": due_on},
            )
    with transaction.atomic():
        locked = _lock(draft)
        locked.data["deferred"] = deferred
        locked.save(update_fields=["data", "updated_at"])
    draft.refresh_from_db()
    return errors


def missing_documents(draft) -> list[str]:
    return [str(r.rule.label) for r in requirements_for(draft) if not r.satisfied]


def attach_reused_documents(draft) -> None:
    """At submit: record the documents on file the draft relies on (一证通办)."""
    for requirement in requirements_for(draft):
        if requirement.attached is None and requirement.on_file is not None:
            draft.documents.create(requirement=requirement.key, document=requirement.on_file, how=DocumentHow.REUSED)


# --- submission ----------------------------------------------------------------------------------


def needs_signature(draft) -> bool:
    """A handwritten signature is asked for by some declarations and by every commitment letter
    (deferred documents)."""
    return draft.wizard.requires_signature or draft.documents.filter(how=DocumentHow.DEFERRED).exists()


def submit_draft(
    *,
    draft,
    user,
    sms_code: str,
    finalize: Callable[[Any, dict[str, Any]], None],
    signature=None,
    signature_data_url: str | None = None,
    purpose: str = Purpose.SUBMIT,
):
    """Submit (or resubmit after a return) with the SMS code sent to the user's phone.

    ``finalize(locked_draft, answers)`` is the app's submit hook: it runs inside the transaction
    that holds the draft's row lock, after the code is consumed, and makes the state change,
    numbers, history and notifications. The signature, where one is needed, is either a stored
    signature ``Document`` or the signing pad's PNG data URL, saved only if the submit succeeds.

    Submitting twice (double click, retry after a timeout, many at once) gives back the same
    draft: the row is locked *first* and its state read again under the lock, so a request that
    lost the race returns the submitted draft without touching the (now used) code."""
    if draft.applicant_id != user.pk:
        raise DomainError(_("只能提交自己的申请"), code="not_yours")
    if draft.is_submitted:
        return draft
    # Checks that need no lock come first, so a code is never spent on an incomplete draft.
    ensure_editable(draft, user)
    revalidate(draft, user)
    missing = missing_documents(draft)
    if missing:
        raise DomainError(_("还缺少材料：%(list)s") % {"list": "、".join(missing)}, code="documents_missing")
    if needs_signature(draft) and signature is None and not signature_data_url:
        raise DomainError(_("请先在签名区域手写签名"), code="signature_required", field="signature")
    if signature_data_url:
        signature_png(signature_data_url)  # refuse a blank or broken pad before the code is spent
    refused: DomainError | None = None
    with transaction.atomic():
        locked = _lock(draft)
        if locked.is_submitted:
            return locked  # another request of a double submit won the race
        ensure_editable(locked, user)
        try:
            sms = check_code(phone=user.phone, purpose=purpose, code=sms_code)
        except DomainError as exc:
            # Leave the block normally: the wrong entry check_code counted must be committed,
            # or a rollback would forgive the guess.
            refused = exc
        else:
            consume_code(sms)
            if signature_data_url:
                signature = save_signature(user=user, data_url=signature_data_url).image
            answers = revalidate(locked, user)
            if signature is not None:
                locked.signature = signature
            finalize(locked, answers)
            attach_reused_documents(locked)
    if refused is not None:
        raise refused
    return locked
