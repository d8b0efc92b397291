from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications import services
from applications.catalog import registry
from applications.catalog.base import CONFIRM_STEP, DOCUMENTS_STEP
from applications.catalog.forms import AccountForm
from applications.forms import ConfirmForm
from applications.models import ApplicationState, ServiceAccount
from applications.requirements import merged_answers, requirements_for
from applications.selectors import account_by_number, is_bound, my_application, my_drafts
from applications.summary import summarize
from portal.core.errors import DomainError
from portal.verification.models import Purpose
from portal.verification.views import send_code_fallback


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


def _step_context(application, step_key: str, **extra) -> dict:
    business = application.business
    done = set(application.data.get("done", []))
    return {
        "application": application,
        "business": business,
        "step": business.step(step_key),
        "steps": [(s, s.key in done, s.key == step_key) for s in business.steps],
        "previous_step": business.previous_step(step_key),
        **extra,
    }


@login_required
def step(request, pk: int, step: str):
    application = my_application(user=request.user, pk=pk)
    if not application.is_editable:
        return redirect("applications:done", pk=application.pk)
    if step not in application.business.step_keys:
        raise Http404
    if step == DOCUMENTS_STEP:
        return documents_step(request, application)
    if step == CONFIRM_STEP:
        return confirm_step(request, application)
    if request.method == "POST":
        if request.POST.get("action") == "back":
            services.autosave_step(application=application, user=request.user, step_key=step, data=request.POST)
            return redirect("applications:step", pk=pk, step=application.business.previous_step(step) or step)
        form = services.complete_step(
            application=application, user=request.user, step_key=step, data=request.POST, files=request.FILES
        )
        if form.is_valid():
            return redirect("applications:step", pk=pk, step=application.business.next_step(step))
    else:
        form = services.build_step_form(application, request.user, step)
    account = _account_for_preview(form, application, request.user)
    return render(request, "applications/step.html", _step_context(application, step, form=form, account=account))


def _account_for_preview(form, application, user) -> ServiceAccount | None:
    if not isinstance(form, AccountForm):
        return None
    if getattr(form, "account", None) is not None:
        return form.account
    number = form.data.get("account_number") if form.is_bound else (form.initial or {}).get("account_number")
    account = account_by_number(number) if number else None
    return account if account is not None and is_bound(user=user, account=account) else None


@login_required
@require_POST
def autosave(request, pk: int, step: str):
    """htmx: keep what was typed so far, after a pause in typing."""
    application = my_application(user=request.user, pk=pk)
    if step not in application.business.step_keys or step in (DOCUMENTS_STEP, CONFIRM_STEP):
        raise Http404
    try:
        services.autosave_step(application=application, user=request.user, step_key=step, data=request.POST)
    except DomainError as exc:
        return HttpResponse(f'<span role="status">{exc.message}</span>')
    return render(request, "applications/_autosaved.html", {"at": timezone.localtime()})


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


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def documents_step(request, application):
    errors: dict[str, str] = {}
    if request.method == "POST":
        requirements = requirements_for(application)
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
        errors.update(
            services.save_documents(application=application, user=request.user, uploads=uploads, deferrals=deferrals)
        )
        if not errors and request.POST.get("action") == "back":
            return redirect("applications:step", pk=application.pk, step=application.business.previous_step(DOCUMENTS_STEP))
        missing = services.missing_documents(application)
        if not errors and not missing and request.POST.get("action") != "upload":
            return redirect("applications:step", pk=application.pk, step=CONFIRM_STEP)
        if not errors and missing and request.POST.get("action") != "upload":
            messages.error(request, _("还缺少材料：%(list)s") % {"list": "、".join(missing)})
    requirements = requirements_for(application)
    default_due = timezone.localdate() + timedelta(days=30)
    return render(
        request,
        "applications/documents.html",
        _step_context(
            application, DOCUMENTS_STEP, requirements=requirements, errors=errors, default_due=default_due,
            max_due=timezone.localdate() + timedelta(days=services.MAX_DEFERRAL_DAYS),
        ),
    )


def confirm_step(request, application):
    incomplete = services.first_incomplete_step(application)
    if incomplete:
        messages.error(request, _("请先完成这一步"))
        return redirect("applications:step", pk=application.pk, step=incomplete)
    if request.method == "POST" and "send_code" in request.POST:
        # "发送验证码" without JavaScript: send, and show the page again with what was drawn.
        form = ConfirmForm(initial=request.POST.dict(), application=application)
        send_code_fallback(request, form, purpose=Purpose.SUBMIT)
    else:
        form = ConfirmForm(request.POST or None, application=application)
    if request.method == "POST" and form.is_bound and form.is_valid():
        try:
            submitted = services.submit_application(
                application=application, user=request.user, sms_code=form.cleaned_data["sms_code"],
                signature_data_url=form.cleaned_data.get("signature"),
            )
        except DomainError as exc:
            if exc.code == "step_incomplete" and exc.field:
                messages.error(request, exc.message)
                return redirect("applications:step", pk=application.pk, step=exc.field)
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("applications:done", pk=submitted.pk)
    return render(
        request,
        "applications/confirm.html",
        _step_context(
            application, CONFIRM_STEP, form=form, sections=summarize(application),
            requirements=requirements_for(application),
            effective_on=application.business.effective_date(timezone.localdate(), merged_answers(application)),
        ),
    )


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
    return render(request, "applications/smart_payment.html", {
        "application": application, "business": application.business, "title": SMART_PAYMENT_AGREEMENT_TITLE,
        "agreement": SMART_PAYMENT_AGREEMENT,
        "signed_at": datetime.fromisoformat(signed["agreed_at"]) if signed else None,
    })
