from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications import services
from applications.catalog import registry
from applications.catalog.forms import AccountForm
from applications.models import ApplicationState, ServiceAccount
from applications.requirements import merged_answers
from applications.selectors import account_by_number, is_bound, my_application, my_drafts
from applications.summary import summarize
from portal.core.errors import DomainError
from portal.wizard.views import WizardPages


def catalog(request):
    """首页 → 全部功能: every business, grouped."""
    return render(request, "applications/catalog.html", {"groups": registry.grouped()})


def business_detail(request, code: str):
    """准备材料提示页: what to prepare, the notice, and 开始办理 / 继续办理."""
    if not registry.exists(code):
        raise Http404
    business = registry.get(code)
    drafts = my_drafts(user=request.user, business_code=code)[:3] if request.user.is_authenticated else []
    return render(request, "applications/business.html", {"business": business, "drafts": drafts})


@login_required
@require_POST
def start(request, code: str):
    try:
        application = services.start_application(user=request.user, business_code=code)
    except DomainError as exc:
        messages.error(request, exc.message)
        if exc.code == "real_name_required":
            return redirect(f"{reverse('accounts:real_name')}?next={reverse('applications:business', args=[code])}")
        return redirect("applications:business", code=code)
    return redirect("applications:step", pk=application.pk, step=application.current_step)


class ApplicationPages(WizardPages):
    """The step pages of the catalog: the platform's wizard pages (portal.wizard.views) with the
    catalog's own bits — the applicant's facts, the account preview, the effective date."""

    namespace = "applications"
    templates = {
        **WizardPages.templates,
        "step": "applications/step.html",
        "documents": "applications/documents.html",
        "confirm": "applications/confirm.html",
    }

    def get_draft(self, request, pk: int):
        return my_application(user=request.user, pk=pk)

    def submit(self, request, draft, *, sms_code: str, signature_data_url: str | None):
        return services.submit_application(
            application=draft, user=request.user, sms_code=sms_code, signature_data_url=signature_data_url
        )

    def context(self, draft, step_key: str, **extra) -> dict:
        return super().context(draft, step_key, application=draft, business=draft.business, **extra)

    def step_context(self, request, draft, step_key: str, form) -> dict:
        return {"account": _account_for_preview(form, draft, request.user)}

    def confirm_context(self, request, draft) -> dict:
        return {
            "sections": summarize(draft),
            "effective_on": draft.business.effective_date(timezone.localdate(), merged_answers(draft)),
        }


pages = ApplicationPages()
step = login_required(pages.step)
autosave = login_required(require_POST(pages.autosave))


def _account_for_preview(form, application, user) -> ServiceAccount | None:
    if not isinstance(form, AccountForm):
        return None
    if getattr(form, "account", None) is not None:
        return form.account
    number = form.data.get("account_number") if form.is_bound else (form.initial or {}).get("account_number")
    account = account_by_number(number) if number else None
    return account if account is not None and is_bound(user=user, account=account) else None


@login_required
@require_GET
def account_preview(request, pk: int):
    """htmx: the holder's data for the account number being typed (用户信息自动带出)."""
    application = my_application(user=request.user, pk=pk)
    number = request.GET.get("account_number", "").strip()
    account = account_by_number(number) if number else None
    problem = None
    if number and account is None:
        problem = _("户号不存在，请核对电费单上的10位户号")
    elif account is not None and not is_bound(user=request.user, account=account):
        account, problem = None, _("该户号尚未绑定到您的账号，请先在“我的户号”中绑定后再办理")
    elif account is not None and application.business.account_check:
        problem = application.business.account_check(account)
    return render(request, "applications/_account_preview.html", {"account": account, "problem": problem})


@login_required
def done(request, pk: int):
    application = my_application(user=request.user, pk=pk)
    if application.state == ApplicationState.DRAFT:
        return redirect("applications:step", pk=pk, step=application.current_step or application.business.step_keys[0])
    return render(request, "applications/done.html", {"application": application, "business": application.business})


@login_required
@require_POST
def withdraw(request, pk: int):
    application = my_application(user=request.user, pk=pk)
    try:
        services.withdraw_application(application=application, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("申请已撤回"))
    return redirect("applications:done", pk=pk)


@login_required
def smart_payment(request, pk: int):
    """智能交费签约: the EV charger's completion page leads here (seed 000 §6)."""
    from applications.catalog.businesses.connections import (
        SMART_PAYMENT_AGREEMENT,
        SMART_PAYMENT_AGREEMENT_TITLE,
    )

    application = my_application(user=request.user, pk=pk)
    if application.business.completion_next != "applications:smart_payment":
        raise Http404
    if request.method == "POST":
        try:
            application = services.sign_smart_payment_agreement(application=application, user=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("智能交费协议已签订"))
            return redirect("applications:smart_payment", pk=pk)
    signed = application.data.get("smart_payment")
    return render(
        request,
        "applications/smart_payment.html",
        {
            "application": application,
            "business": application.business,
            "title": SMART_PAYMENT_AGREEMENT_TITLE,
            "agreement": SMART_PAYMENT_AGREEMENT,
            "signed_at": datetime.fromisoformat(signed["agreed_at"]) if signed else None,
        },
    )
