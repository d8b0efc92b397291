"""The pages of a wizard: a step (its form, saved after a pause in typing through htmx, resumed
where the user left), the documents step (upload, reuse on file, defer under a commitment
letter) and the confirm step (SMS code, signature, the double-submit guard of the engine).

An app subclasses ``WizardPages``, says how to find the user's draft and how to submit it, and
routes its URLs to the bound methods::

    class LicencePages(WizardPages):
        namespace = "licensing"          # URL names licensing:step, licensing:autosave, licensing:done

        def get_draft(self, request, pk):
            return my_licence_application(user=request.user, pk=pk)   # 404 for anyone else's

        def submit(self, request, draft, *, sms_code, signature_data_url):
            return services.submit_licence_application(draft=draft, user=request.user, sms_code=sms_code,
                                                       signature_data_url=signature_data_url)

    pages = LicencePages()
    urlpatterns = [
        path("licences/<int:pk>/steps/<slug:step>/", login_required(pages.step), name="step"),
        path("licences/<int:pk>/steps/<slug:step>/autosave/", login_required(require_POST(pages.autosave)),
             name="autosave"),
        ...
    ]

The templates are ``wizard/step.html``, ``wizard/documents.html`` and ``wizard/confirm.html``;
an app may extend them (blocks ``before_form``, ``field``, ``summary``) and name its own in
``templates``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from portal.core.errors import DomainError
from portal.verification.models import Purpose
from portal.verification.views import send_code_fallback
from portal.wizard import engine
from portal.wizard.declaration import CONFIRM_STEP, DOCUMENTS_STEP
from portal.wizard.forms import ConfirmForm


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


class WizardPages:
    """See the module docstring."""

    namespace: str = ""
    templates: dict[str, str] = {
        "step": "wizard/step.html",
        "documents": "wizard/documents.html",
        "confirm": "wizard/confirm.html",
        "autosaved": "wizard/_autosaved.html",
    }
    default_deferral_days = 30  # the commitment date the documents page proposes

    # --- what an app declares ------------------------------------------------------------------

    def get_draft(self, request, pk: int):
        """The user's own draft (or submitted record); anyone else's id raises Http404."""
        raise NotImplementedError

    def submit(self, request, draft, *, sms_code: str, signature_data_url: str | None):
        """Submit through the app's service (which calls ``engine.submit_draft``)."""
        raise NotImplementedError

    def step_context(self, request, draft, step_key: str, form) -> dict[str, Any]:
        """Extra context of a form step."""
        return {}

    def confirm_context(self, request, draft) -> dict[str, Any]:
        """Extra context of the confirm step (e.g. the answers as a person reads them)."""
        return {}

    # --- helpers -------------------------------------------------------------------------------

    def url_name(self, name: str) -> str:
        return f"{self.namespace}:{name}"

    def to_step(self, draft, step_key: str | None):
        return redirect(self.url_name("step"), pk=draft.pk, step=step_key)

    def context(self, draft, step_key: str, **extra) -> dict[str, Any]:
        declaration = draft.wizard
        done = set(draft.data.get("done", []))
        return {
            "draft": draft,
            "declaration": declaration,
            "step": declaration.step(step_key),
            "steps": [(s, s.key in done, s.key == step_key) for s in declaration.steps],
            "previous_step": declaration.previous_step(step_key),
            "wizard_urls": {name: self.url_name(name) for name in ("step", "autosave", "done")},
            **extra,
        }

    # --- pages ---------------------------------------------------------------------------------

    def step(self, request, pk: int, step: str):
        draft = self.get_draft(request, pk)
        if not draft.is_editable:
            return redirect(self.url_name("done"), pk=draft.pk)
        if step not in draft.wizard.step_keys:
            raise Http404
        if step == DOCUMENTS_STEP:
            return self.documents_step(request, draft)
        if step == CONFIRM_STEP:
            return self.confirm_step(request, draft)
        declaration = draft.wizard
        if request.method == "POST":
            if request.POST.get("action") == "back":
                engine.autosave_step(draft=draft, user=request.user, step_key=step, data=request.POST)
                return self.to_step(draft, declaration.previous_step(step) or step)
            form = engine.complete_step(
                draft=draft, user=request.user, step_key=step, data=request.POST, files=request.FILES
            )
            if form.is_valid():
                return self.to_step(draft, declaration.next_step(step))
        else:
            form = engine.build_step_form(draft, request.user, step)
        extra = self.step_context(request, draft, step, form)
        return render(request, self.templates["step"], self.context(draft, step, form=form, **extra))

    def autosave(self, request, pk: int, step: str):
        """htmx: keep what was typed so far, after a pause in typing."""
        draft = self.get_draft(request, pk)
        if step not in draft.wizard.step_keys or step in (DOCUMENTS_STEP, CONFIRM_STEP):
            raise Http404
        try:
            engine.autosave_step(draft=draft, user=request.user, step_key=step, data=request.POST)
        except DomainError as exc:
            return HttpResponse(f'<span role="status">{escape(exc.message)}</span>')
        return render(request, self.templates["autosaved"], {"at": timezone.localtime()})

    def documents_step(self, request, draft):
        errors: dict[str, str] = {}
        if request.method == "POST":
            requirements = engine.requirements_for(draft)
            uploads = {r.key: request.FILES.get(r.key) for r in requirements if request.FILES.get(r.key)}
            deferrals: dict[str, date | None] = {}
            for r in requirements:
                if not r.rule.deferrable:
                    continue
                if request.POST.get(f"defer_{r.key}"):
                    due_on = _parse_date(request.POST.get(f"due_{r.key}"))
                    if due_on is None:
                        errors[r.key] = _("请选择承诺补交期限")
                    else:
                        deferrals[r.key] = due_on
                elif r.state == "deferred":
                    deferrals[r.key] = None  # the box was unticked: no longer deferred
            errors.update(engine.save_documents(draft=draft, user=request.user, uploads=uploads, deferrals=deferrals))
            action = request.POST.get("action")
            if not errors and action == "back":
                return self.to_step(draft, draft.wizard.previous_step(DOCUMENTS_STEP))
            missing = engine.missing_documents(draft)
            if not errors and not missing and action != "upload":
                return self.to_step(draft, CONFIRM_STEP)
            if not errors and missing and action != "upload":
                messages.error(request, _("还缺少材料：%(list)s") % {"list": "、".join(missing)})
        today = timezone.localdate()
        return render(
            request,
            self.templates["documents"],
            self.context(
                draft,
                DOCUMENTS_STEP,
                requirements=engine.requirements_for(draft),
                errors=errors,
                default_due=today + timedelta(days=self.default_deferral_days),
                max_due=today + timedelta(days=engine.MAX_DEFERRAL_DAYS),
            ),
        )

    def confirm_step(self, request, draft):
        incomplete = engine.first_incomplete_step(draft)
        if incomplete:
            messages.error(request, _("请先完成这一步"))
            return self.to_step(draft, incomplete)
        if request.method == "POST" and "send_code" in request.POST:
            # "发送验证码" without JavaScript: send, and show the page again with what was drawn.
            form = ConfirmForm(initial=request.POST.dict(), draft=draft)
            send_code_fallback(request, form, purpose=Purpose.SUBMIT)
        else:
            form = ConfirmForm(request.POST or None, draft=draft)
        if request.method == "POST" and form.is_bound and form.is_valid():
            try:
                submitted = self.submit(
                    request,
                    draft,
                    sms_code=form.cleaned_data["sms_code"],
                    signature_data_url=form.cleaned_data.get("signature"),
                )
            except DomainError as exc:
                if exc.code == "step_incomplete" and exc.field:
                    messages.error(request, exc.message)
                    return self.to_step(draft, exc.field)
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                return redirect(self.url_name("done"), pk=submitted.pk)
        return render(
            request,
            self.templates["confirm"],
            self.context(
                draft,
                CONFIRM_STEP,
                form=form,
                requirements=engine.requirements_for(draft),
                **self.confirm_context(request, draft),
            ),
        )
