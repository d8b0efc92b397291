from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from portal.accounts import services
from portal.accounts.decorators import real_name_required
from portal.accounts.forms import (
    EmailForm,
    EnterpriseBindForm,
    EnterpriseRegisterForm,
    PasswordChangeForm,
    PasswordLoginForm,
    PasswordResetForm,
    RealNameForm,
    RegisterForm,
    SmsLoginForm,
    add_domain_error,
)
from portal.accounts.models import IdType, MembershipRequest
from portal.accounts.selectors import (
    membership_of,
    membership_requests_visible_to,
    memberships_of,
    pending_requests_of,
)
from portal.core.errors import DomainError
from portal.verification.models import Purpose
from portal.verification.views import send_code_fallback

_NOT_TYPED = {"csrfmiddlewaretoken", "send_code", "next", "method"}


def _safe_next(request) -> str:
    """``?next=`` (or the posted ``next``) when it points into this site, else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _typed(request) -> dict[str, str]:
    """What the user typed, to re-render a form unbound (no errors for unfinished fields)."""
    return {k: v for k, v in request.POST.items() if k not in _NOT_TYPED}


def _sends_code(request) -> bool:
    """The form was posted by its "发送验证码" button (a browser without JavaScript)."""
    return request.method == "POST" and "send_code" in request.POST


@never_cache
@sensitive_post_parameters("password", "password2")
def register(request):
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "core:home")
    if _sends_code(request):
        form = RegisterForm(initial=_typed(request))
        send_code_fallback(request, form, purpose=Purpose.REGISTER)
    elif request.method == "POST":
        form = RegisterForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.register_user(phone=data["phone"], password=data["password"], sms_code=data["sms_code"])
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                auth_login(request, user)
                messages.success(request, _("注册成功。请完成实名认证，之后办理业务时姓名和手机号将自动带入。"))
                return redirect(next_url or "accounts:real_name")
    else:
        form = RegisterForm()
    return render(request, "accounts/register.html", {"form": form, "next": next_url})


@never_cache
@sensitive_post_parameters("password")
def login_view(request):
    next_url = _safe_next(request)
    method = request.POST.get("method") or request.GET.get("tab") or "password"
    if method not in ("password", "sms"):
        method = "password"
    form_class = SmsLoginForm if method == "sms" else PasswordLoginForm
    if _sends_code(request) and method == "sms":
        form = SmsLoginForm(initial=_typed(request))
        send_code_fallback(request, form, purpose=Purpose.LOGIN)
    elif request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if method == "sms":
                    user = services.log_in_with_sms_code(
                        request=request, phone=data["phone"], sms_code=data["sms_code"]
                    )
                else:
                    user = services.log_in_with_password(
                        request=request, phone=data["phone"], password=data["password"]
                    )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                auth_login(request, user)
                return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    else:
        form = form_class(initial={"phone": request.GET.get("phone", "")[:11]})
    return render(request, "accounts/login.html", {"form": form, "method": method, "next": next_url})


@require_POST
def logout_view(request):
    auth_logout(request)
    messages.success(request, _("您已安全退出登录"))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@never_cache
@sensitive_post_parameters("new_password", "new_password2")
def password_reset(request):
    if _sends_code(request):
        form = PasswordResetForm(initial=_typed(request))
        send_code_fallback(request, form, purpose=Purpose.RESET_PASSWORD)
    elif request.method == "POST":
        form = PasswordResetForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.reset_password(
                    phone=data["phone"], sms_code=data["sms_code"], new_password=data["new_password"]
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                if request.user.is_authenticated:
                    auth_logout(request)
                messages.success(request, _("密码已重置，请使用新密码登录"))
                return redirect("accounts:login")
    else:
        form = PasswordResetForm(initial={"phone": request.GET.get("phone", "")[:11]})
    return render(request, "accounts/password_reset.html", {"form": form})


@never_cache
@login_required
@sensitive_post_parameters("old_password", "new_password", "new_password2")
def password_change(request):
    form = PasswordChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_password(
                user=request.user, old_password=data["old_password"], new_password=data["new_password"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            update_session_auth_hash(request, request.user)  # this session stays; the others end
            messages.success(request, _("密码已修改，其他设备上的登录已退出"))
            return redirect("accounts:me")
    return render(request, "accounts/password_change.html", {"form": form})


@never_cache
@login_required
def me(request):
    form = EmailForm(request.POST or None, initial={"email": request.user.email})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_email(user=request.user, email=form.cleaned_data["email"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("电子邮箱已保存"))
            return redirect("accounts:me")
    devices = request.user.api_tokens.filter(expires_at__gt=timezone.now())[:20]
    return render(request, "accounts/me.html", {"email_form": form, "devices": devices})


@require_POST
@login_required
def device_revoke(request, pk: int):
    """退出设备登录: end one app sign-in from the list in account settings."""
    try:
        services.revoke_device(user=request.user, token_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已退出该设备的登录"))
    return redirect("accounts:me")


@never_cache
@login_required
def real_name(request):
    user = request.user
    next_url = _safe_next(request)
    if user.is_real_name_verified:
        return render(request, "accounts/real_name.html", {"verified": True, "next": next_url})
    form = RealNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.verify_real_name(
                user=user, name=data["name"], id_type=data["id_type"], id_number=data["id_number"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("实名认证成功"))
            return redirect(next_url or "accounts:me")
    return render(
        request,
        "accounts/real_name.html",
        {"form": form, "verified": False, "next": next_url, "resident_id": IdType.RESIDENT_ID},
    )


@login_required
def enterprises(request):
    page = Paginator(memberships_of(user=request.user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/enterprises.html",
        {
            "page_obj": page,
            "memberships": page.object_list,
            "my_requests": pending_requests_of(user=request.user)[:20],
        },
    )


def _bound_message(result) -> str:
    if isinstance(result, MembershipRequest):
        return _(
            "已提交绑定企业“%(name)s”的申请。企业法定代表人或已绑定人员（新登记的企业由供电公司）审核授权委托书并批准后，"
            "您才能以经办人身份办理该企业的业务。"
        ) % {"name": result.enterprise.name}
    return _("已绑定企业“%(name)s”，您的身份：%(relation)s") % {
        "name": result.enterprise.name,
        "relation": result.get_relation_display(),
    }


@login_required
def enterprise_detail(request, pk: int):
    """One enterprise for its members: who acts for it, and every request to do so with its decision."""
    membership = membership_of(user=request.user, enterprise_id=pk)
    if membership is None:
        raise Http404
    enterprise = membership.enterprise
    requests = membership_requests_visible_to(user=request.user).filter(enterprise=enterprise)
    members = enterprise.memberships.select_related("user").order_by("pk")
    return render(
        request,
        "accounts/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "membership": membership,
            "members": members,
            "pending": [r for r in requests if r.status == "pending"],
            "decided": [r for r in requests if r.status != "pending"][:50],
        },
    )


@require_POST
@login_required
def enterprise_request_decide(request, pk: int):
    membership_request = get_object_or_404(membership_requests_visible_to(user=request.user), pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.decide_membership_request(
            membership_request=membership_request,
            by=request.user,
            approve=approve,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已批准该绑定申请") if approve else _("已拒绝该绑定申请"))
    return redirect("accounts:enterprise_detail", pk=membership_request.enterprise_id)


@never_cache
@real_name_required
def enterprise_register(request):
    form = EnterpriseRegisterForm(request.POST or None, request.FILES or None, applicant=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.register_enterprise(
                user=request.user,
                name=data["name"],
                credit_code=data["credit_code"],
                credit_code_confirmed=data["credit_code_confirmed"],
                enterprise_type=data["enterprise_type"],
                legal_rep_name=data["legal_rep_name"],
                legal_rep_id_type=data["legal_rep_id_type"],
                legal_rep_id_number=data["legal_rep_id_number"],
                registered_address=data["registered_address"],
                power_of_attorney=data["power_of_attorney"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _bound_message(membership))
            return redirect("accounts:enterprises")
    return render(request, "accounts/enterprise_register.html", {"form": form})


@never_cache
@real_name_required
def enterprise_bind(request):
    form = EnterpriseBindForm(
        request.POST or None,
        request.FILES or None,
        applicant=request.user,
        initial={"credit_code": request.GET.get("credit_code", "")[:18]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.bind_enterprise(
                user=request.user, credit_code=data["credit_code"], power_of_attorney=data["power_of_attorney"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _bound_message(membership))
            return redirect("accounts:enterprises")
    return render(request, "accounts/enterprise_bind.html", {"form": form})
