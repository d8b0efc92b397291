"""Pages: 我的户号 (list, bind, detail, unbind), 电量电费, 停电信息."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.accounts import selectors, services
from applications.accounts.bills import summarize_bills
from applications.accounts.forms import BillAccountForm, BindAccountForm, OutageWatchForm
from applications.accounts.selectors import Phase
from portal.core.errors import DomainError
from portal.core.middleware import client_ip

# The verification service names the phone; on these pages the code field is where it belongs.
_FIELD_OF = {"phone": "sms_code"}


def _add_error(form, exc: DomainError) -> None:
    field = _FIELD_OF.get(exc.field, exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


@login_required
def accounts(request):
    """我的户号: the bound accounts and the form to bind another one."""
    form = BindAccountForm(request.POST or None)
    pending = False  # the number needs the code sent to its account's registered phone
    code_sent = False
    retry_after = None
    if request.method == "POST" and form.is_valid():
        number, sms_code = form.cleaned_data["number"], form.cleaned_data["sms_code"]
        action = request.POST.get("action", "bind")
        try:
            account, route = services.check_bindable(user=request.user, number=number)
            pending = route is None  # the code step; nothing about the number is shown
            if action == "send_code":
                services.request_bind_code(user=request.user, number=number, ip=client_ip(request))
                code_sent = True
            elif route is None and not sms_code and not request.POST.get("code_step"):
                pass  # first time this number: show where the code will go, send nothing yet
            else:
                binding = services.bind_account(user=request.user, number=number, sms_code=sms_code)
                messages.success(request, _("户号 %(number)s 绑定成功") % {"number": binding.account.number})
                return redirect("applications:account_detail", number=binding.account.number)
        except DomainError as exc:
            _add_error(form, exc)
            retry_after = exc.retry_after
    bindings = list(selectors.my_bindings(user=request.user))
    return render(
        request,
        "applications/accounts/list.html",
        {
            "bindings": bindings,
            "form": form,
            "pending": pending,
            "code_sent": code_sent,
            "retry_after": retry_after,
            "code_minutes": int(settings.SMS_CODE_TTL.total_seconds() // 60),
        },
    )


@login_required
@require_POST
def bind_code(request):
    """htmx: 发送验证码 to the registered phone of the account being bound."""
    form = BindAccountForm(request.POST)
    context = {
        "code_minutes": int(settings.SMS_CODE_TTL.total_seconds() // 60),
        "resend_after": int(settings.SMS_CODE_RESEND_AFTER.total_seconds()),
    }
    if not form.is_valid():
        context["error"] = form.errors.get("number", [_("请输入用电户号")])[0]
    else:
        try:
            services.request_bind_code(user=request.user, number=form.cleaned_data["number"], ip=client_ip(request))
        except DomainError as exc:
            context["error"], context["retry_after"] = exc.message, exc.retry_after
    return render(request, "applications/accounts/_bind_code_status.html", context)


@login_required
def account_detail(request, number: str):
    account = selectors.my_account(user=request.user, number=number)
    return render(
        request,
        "applications/accounts/detail.html",
        {
            "account": account,
            "changes": selectors.account_changes(account=account),
        },
    )


@login_required
def account_unbind(request, number: str):
    """解除绑定: a confirmation page, then the POST that removes the binding."""
    account = selectors.my_account(user=request.user, number=number)
    if request.method == "POST":
        try:
            services.unbind_account(user=request.user, number=account.number)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已解除绑定户号 %(number)s") % {"number": account.number})
        return redirect("applications:accounts")
    return render(request, "applications/accounts/unbind.html", {"account": account})


@login_required
def bills(request):
    """电量电费: one of my accounts, the last 12 months as a table and a chart."""
    accounts = [b.account for b in selectors.my_bindings(user=request.user)]
    number = request.GET.get("account") or (accounts[0].number if accounts else None)
    account = next((a for a in accounts if a.number == number), None)
    if number and account is None:
        raise Http404  # not one of mine: nothing tells whether it exists
    form = BillAccountForm(initial={"account": number}, accounts=accounts)
    summary = summarize_bills(account=account) if account else None
    return render(request, "applications/accounts/bills.html", {"form": form, "account": account, "summary": summary})


@login_required
def outages(request):
    """停电信息: 填写用电户号，确认添加; the outages of the added accounts' areas. A number not
    bound to the user needs the code sent to the account's registered phone first, and until
    then the page answers alike for every number (nothing tells whether or where it exists)."""
    form = OutageWatchForm(request.POST or None)
    pending = False  # the number needs the code sent to its account's registered phone
    code_sent = False
    retry_after = None
    if request.method == "POST" and form.is_valid():
        number, sms_code = form.cleaned_data["number"], form.cleaned_data["sms_code"]
        action = request.POST.get("action", "add")
        try:
            pending = not services.check_watchable(user=request.user, number=number)
            if action == "send_code":
                services.request_watch_code(user=request.user, number=number, ip=client_ip(request))
                code_sent = True
            elif pending and not sms_code and not request.POST.get("code_step"):
                pass  # first time this number: show the code step, send nothing yet
            else:
                watch = services.add_outage_watch(user=request.user, number=number, sms_code=sms_code)
                messages.success(
                    request,
                    _("已添加户号 %(number)s，下方显示其所在区域的停电信息") % {"number": watch.account.number},
                )
                return redirect("applications:outages")
        except DomainError as exc:
            _add_error(form, exc)
            retry_after = exc.retry_after
    watches, outage_qs = selectors.my_outages(user=request.user)
    rows = [(o, selectors.affected_numbers(o, watches)) for o in outage_qs]
    return render(
        request,
        "applications/accounts/outages.html",
        {
            "form": form,
            "pending": pending,
            "code_sent": code_sent,
            "retry_after": retry_after,
            "code_minutes": int(settings.SMS_CODE_TTL.total_seconds() // 60),
            "watches": watches,
            "current": [r for r in rows if r[0].phase == Phase.CURRENT],
            "upcoming": [r for r in rows if r[0].phase == Phase.UPCOMING],
            "past": [r for r in rows if r[0].phase == Phase.PAST],
            "suggestions": list(selectors.unwatched_bound_accounts(user=request.user)),
            "history_days": selectors.OUTAGE_HISTORY_DAYS,
        },
    )


@login_required
@require_POST
def outage_watch_code(request):
    """htmx: 发送验证码 to the registered phone of the account to be watched."""
    form = OutageWatchForm(request.POST)
    context = {
        "code_minutes": int(settings.SMS_CODE_TTL.total_seconds() // 60),
        "resend_after": int(settings.SMS_CODE_RESEND_AFTER.total_seconds()),
        "button": "watch-code-btn",
    }
    if not form.is_valid():
        context["error"] = form.errors.get("number", [_("请输入用电户号")])[0]
    else:
        try:
            services.request_watch_code(user=request.user, number=form.cleaned_data["number"], ip=client_ip(request))
        except DomainError as exc:
            context["error"], context["retry_after"] = exc.message, exc.retry_after
    return render(request, "applications/accounts/_bind_code_status.html", context)


@login_required
@require_POST
def outage_watch_remove(request, number: str):
    try:
        services.remove_outage_watch(user=request.user, number=number)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已移除户号 %(number)s") % {"number": number})
    return redirect("applications:outages")
