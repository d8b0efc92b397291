"""Firm pages of licensing (seed 004's external module) and the public verification page.
Thin: every write goes through ``licensing.services``; every read through ``selectors``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from licensing import forms as f
from licensing import selectors, services
from licensing.credit import commitment_route_open
from licensing.models import (
    COMMITMENT_KINDS,
    FULL_KINDS,
    Achievement,
    AttachmentRequirement,
    EquityRow,
    Kind,
    LeadRole,
    Licence,
    LicenceApplication,
    StaffKind,
    StaffMember,
    StaffStatus,
    TrainingHistory,
    WorkHistory,
)
from portal.accounts.forms import add_domain_error
from portal.accounts.models import Enterprise
from portal.core.errors import DomainError
from portal.core.licences import LicenceStatus


def _firm_or_register(request):
    firm = selectors.firm_of(request.user)
    if firm is None:
        raise _NeedFirm()
    return firm


class _NeedFirm(Exception):
    pass


def firm_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _NeedFirm:
            messages.info(request, _("请先完成承装（修、试）企业注册"))
            return redirect("licensing:register")

    wrapped.__name__ = view.__name__
    return wrapped


def _application(request, pk) -> LicenceApplication:
    return get_object_or_404(selectors.applications_of(request.user), pk=pk)


# --- firm account --------------------------------------------------------------------------


def _parent_from(form) -> Enterprise | None:
    pk = form.cleaned_data.get("parent")
    name = (form.cleaned_data.get("parent_search") or "").strip()
    if pk:
        return Enterprise.objects.filter(pk=pk).first()
    if name:
        return Enterprise.objects.filter(name=name).first()
    return None


@login_required
def register(request):
    if selectors.firm_of(request.user) is not None:
        return redirect("licensing:home")
    if not request.user.is_real_name_verified:
        # The firm is registered by its legal representative, recognised by their real name.
        messages.info(request, _("企业注册须由法定代表人本人办理，请先完成实名认证"))
        return redirect(f"{reverse('accounts:real_name')}?next={reverse('licensing:register')}")
    form = f.FirmRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("parent", "parent_search")}
        try:
            services.register_firm(user=request.user, parent=_parent_from(form), **data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("企业注册成功"))
            return redirect("licensing:home")
    return render(request, "licensing/register.html", {"form": form})


@login_required
def parent_search(request):
    """【选择】上级企业: fuzzy search by name (a datalist of at most 20)."""
    q = (request.GET.get("q") or "").strip()
    options = list(Enterprise.objects.filter(name__icontains=q).order_by("name").values("pk", "name")[:20]) if q else []
    return render(request, "licensing/_parent_options.html", {"options": options})


@firm_required
def firm_edit(request):
    firm = _firm_or_register(request)
    initial = {
        "contact_name": firm.contact_name,
        "contact_mobile": firm.contact_mobile,
        "email": firm.email,
        "postal_code": firm.postal_code,
        "parent": firm.parent_id,
        "parent_search": firm.parent.name if firm.parent else "",
    }
    form = f.FirmEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("parent", "parent_search")}
        services.update_firm(firm=firm, by=request.user, parent=_parent_from(form), **data)
        messages.success(request, _("企业信息已保存"))
        return redirect("licensing:firm")
    users = list(firm.enterprise.memberships.select_related("user").order_by("created_at"))
    return render(
        request, "licensing/firm.html", {"form": form, "firm": firm, "users": users, "user_form": f.FirmUserForm()}
    )


@require_POST
@firm_required
def firm_user_add(request):
    """A firm may have several users: add a registered portal user by phone."""
    firm = _firm_or_register(request)
    form = f.FirmUserForm(request.POST)
    if form.is_valid():
        try:
            services.add_firm_user(firm=firm, by=request.user, phone=form.cleaned_data["phone"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已添加企业用户"))
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("licensing:firm")


@firm_required
def home(request):
    firm = _firm_or_register(request)
    licence = Licence.objects.filter(firm=firm).prefetch_related("grants__level").first()
    applications = list(
        selectors.applications_of(request.user).filter(firm=firm).exclude(state="abandoned").order_by("-created_at")
    )
    kinds = [(k, label) for k, label in Kind.choices]
    return render(
        request,
        "licensing/home.html",
        {
            "firm": firm,
            "licence": licence,
            "applications": applications,
            "kinds": kinds,
        },
    )


# --- starting ------------------------------------------------------------------------------


@firm_required
def start(request, kind):
    firm = _firm_or_register(request)
    if kind not in Kind.values:
        raise Http404
    scheme = selectors.active_scheme()
    full = kind in FULL_KINDS
    commitment = kind in COMMITMENT_KINDS and commitment_route_open(firm)
    licence = Licence.objects.filter(firm=firm).prefetch_related("grants__level").first()
    form = f.StartForm(request.POST or None, scheme=scheme, full=full, commitment=commitment, kind=kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.start_application(
                firm=firm,
                by=request.user,
                kind=kind,
                levels=form.levels() if full else None,
                nature=data.get("nature") or "new",
                submitter_type=data["submitter_type"],
                submitter_name=data["submitter_name"],
                submitter_id_number=data["submitter_id_number"],
                route=data.get("route") or "ordinary",
                downgrade=data.get("downgrade", False),
                related_firm_name=data.get("related_firm_name", ""),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("licensing:tab", pk=application.pk, tab=_tabs(application)[0].code)
    return render(
        request,
        "licensing/start.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": Kind(kind).label,
            "full": full,
            "commitment": commitment,
            "licence": licence,
            "firm": firm,
        },
    )


# --- the tabs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    code: str
    label: Any


TABS_FULL = [
    Tab("basic", gettext_lazy("基本情况")),
    Tab("technical", gettext_lazy("技术负责人")),
    Tab("safety", gettext_lazy("安全负责人")),
    Tab("tech_staff", gettext_lazy("电力相关技术人员")),
    Tab("skilled_staff", gettext_lazy("电力相关专业技能人员")),
    Tab("achievements", gettext_lazy("规定年限内主要业绩")),
    Tab("check", gettext_lazy("资料提交")),
]
TABS_SHORT = [Tab("basic", gettext_lazy("基本情况")), Tab("check", gettext_lazy("资料提交"))]
TABS_PERSONNEL = [Tab("personnel", gettext_lazy("人员变更")), Tab("check", gettext_lazy("资料提交"))]


def _tabs(application) -> list[Tab]:
    if application.kind in FULL_KINDS:
        return TABS_FULL
    if application.kind == Kind.PERSONNEL_CHANGE:
        return TABS_PERSONNEL
    return TABS_SHORT


# Row sections: (form class, parent getter, model, tab to return to).
def _lead(application, role):
    person = application.leads.filter(role=role).first()
    if person is None:
        raise DomainError(_("请先填写并保存负责人基本信息"))
    return person


SECTIONS = {
    "equity": (f.EquityForm, EquityRow, "basic", lambda a: {"application": a}),
    "tech_work": (f.WorkHistoryForm, WorkHistory, "technical", lambda a: {"person": _lead(a, LeadRole.TECHNICAL)}),
    "safety_work": (f.WorkHistoryForm, WorkHistory, "safety", lambda a: {"person": _lead(a, LeadRole.SAFETY)}),
    "safety_training": (f.TrainingForm, TrainingHistory, "safety", lambda a: {"person": _lead(a, LeadRole.SAFETY)}),
    "achievement": (f.AchievementForm, Achievement, "achievements", lambda a: {"application": a}),
}
STAFF_SECTIONS = {
    "technical_staff": (f.TechnicalStaffForm, StaffKind.TECHNICAL, "tech_staff"),
    "skilled_staff": (f.SkilledStaffForm, StaffKind.SKILLED, "skilled_staff"),
}


def _rows_of(section, application):
    _form, model, _tab, parent = SECTIONS[section]
    if model in (WorkHistory, TrainingHistory):
        role = LeadRole.TECHNICAL if section == "tech_work" else LeadRole.SAFETY
        return model.objects.filter(person__application=application, person__role=role)
    return model.objects.filter(application=application)


@firm_required
def tab(request, pk, tab):
    application = _application(request, pk)
    tabs = _tabs(application)
    if tab not in {t.code for t in tabs}:
        raise Http404
    firm = application.firm
    ctx: dict[str, Any] = {
        "application": application,
        "tabs": tabs,
        "tab": tab,
        "firm": firm,
        "editable": application.is_editable,
    }
    form = None
    if tab == "basic":
        if application.kind in FULL_KINDS:
            form = f.BasicForm(request.POST or None, initial={"registered_capital": application.registered_capital})
            ctx["equity_rows"] = list(application.equity_rows.all())
            ctx["equity_form"] = f.EquityForm(prefix="equity")
        elif application.kind == Kind.REGISTRATION_CHANGE:
            form = f.RegistrationChangeForm(
                request.POST or None, initial={k: v[1] for k, v in application.changes.items()}
            )
            ctx["changes"] = [(form[k].label, v[0], v[1]) for k, v in application.changes.items() if k in form.fields]
        else:
            form = f.MatterForm(request.POST or None, initial={"matter": application.matter})
        have = {a.requirement_id: a for a in application.attachments.select_related("document")}
        ctx["requirements"] = [
            (r, have.get(r.pk)) for r in AttachmentRequirement.objects.all() if r.applies_to(application)
        ]
        if request.method == "POST" and form.is_valid():
            try:
                data = form.cleaned_data
                if isinstance(form, f.BasicForm):
                    services.save_basic(
                        application=application, by=request.user, registered_capital=data["registered_capital"]
                    )
                elif isinstance(form, f.RegistrationChangeForm):
                    services.save_basic(application=application, by=request.user, changes_after=data)
                else:
                    services.save_basic(application=application, by=request.user, matter=data["matter"])
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("已保存"))
                return redirect("licensing:tab", pk=pk, tab=tab)
    elif tab in ("technical", "safety"):
        role = LeadRole.TECHNICAL if tab == "technical" else LeadRole.SAFETY
        person = application.leads.filter(role=role).first()
        form_class = f.SafetyLeadForm if role == LeadRole.SAFETY else f.LeadForm
        form = form_class(request.POST or None, request.FILES or None, instance=person)
        ctx["person"] = person
        if person:
            ctx["work_rows"] = list(person.work_history.all())
            ctx["work_form"] = f.WorkHistoryForm(prefix="work")
            ctx["work_section"] = "tech_work" if role == LeadRole.TECHNICAL else "safety_work"
            if role == LeadRole.SAFETY:
                ctx["training_rows"] = list(person.training_history.all())
                ctx["training_form"] = f.TrainingForm(prefix="training")
        if request.method == "POST" and form.is_valid():
            data = {k: form.cleaned_data[k] for k in f.LeadForm.Meta.fields}
            try:
                services.save_lead(
                    application=application,
                    by=request.user,
                    role=role,
                    data=data,
                    photo=form.cleaned_data.get("photo_upload"),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("已保存"))
                return redirect("licensing:tab", pk=pk, tab=tab)
    elif tab in ("tech_staff", "skilled_staff"):
        kind = StaffKind.TECHNICAL if tab == "tech_staff" else StaffKind.SKILLED
        section = "technical_staff" if kind == StaffKind.TECHNICAL else "skilled_staff"
        rows = list(selectors.current_staff(firm).filter(kind=kind))
        ctx.update(
            staff_rows=rows,
            staff_section=section,
            staff_form=STAFF_SECTIONS[section][0](prefix="staff"),
            counts=selectors.staff_counts(firm),
        )
    elif tab == "achievements":
        rows = list(application.achievements.all())
        totals: dict[str, dict[int, int]] = {}
        for row in rows:
            totals.setdefault(row.get_category_display(), {}).setdefault(row.voltage_kv, 0)
            totals[row.get_category_display()][row.voltage_kv] += 1
        ctx.update(
            achievement_rows=rows,
            achievement_form=f.AchievementForm(prefix="achievement"),
            totals=sorted((c, sorted(v.items(), reverse=True)) for c, v in totals.items()),
            levels=list(application.categories.select_related("level")),
        )
    elif tab == "personnel":
        ctx.update(
            staff_rows=list(selectors.current_staff(firm).select_related("change_application")),
            onboard_technical=f.TechnicalStaffForm(prefix="staff"),
            onboard_skilled=f.SkilledStaffForm(prefix="staff"),
        )
    elif tab == "check":
        ctx["problems"] = services.material_problems(application)
        ctx["log"] = list(application.log.select_related("actor"))
    ctx["form"] = form
    return render(request, "licensing/tab.html", ctx)


@firm_required
def upload(request, pk, code):
    application = _application(request, pk)
    requirement = get_object_or_404(AttachmentRequirement, code=code)
    form = f.AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.upload_attachment(
                application=application, by=request.user, requirement=requirement, upload=form.cleaned_data["file"]
            )
        except DomainError as exc:
            messages.error(request, f"{requirement.name}：{exc.message}")
        else:
            messages.success(request, _("附件已上传：%(name)s") % {"name": requirement.name})
    else:
        messages.error(request, _("请选择要上传的文件"))
    return redirect("licensing:tab", pk=pk, tab="basic")


@firm_required
def row(request, pk, section, row_id=None):
    """Add (``row_id`` None) or edit a row of a tab; delete with POST to ``.../delete/``."""
    application = _application(request, pk)
    if section in STAFF_SECTIONS:
        return _staff_row(request, application, section, row_id)
    if section not in SECTIONS:
        raise Http404
    form_class, model, tab_code, parent = SECTIONS[section]
    instance = get_object_or_404(_rows_of(section, application), pk=row_id) if row_id else None
    prefix = {"equity": "equity", "achievement": "achievement", "safety_training": "training"}.get(section, "work")
    form = form_class(request.POST or None, instance=instance, prefix=prefix)
    if request.method == "POST" and form.is_valid():
        try:
            if instance is None:
                for attr, value in parent(application).items():
                    setattr(form.instance, attr, value)
            services.save_row(application=application, by=request.user, form=form)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("licensing:tab", pk=pk, tab=tab_code)
    return render(
        request,
        "licensing/row.html",
        {"application": application, "form": form, "tab": tab_code, "section": section, "instance": instance},
    )


def _staff_row(request, application, section, row_id):
    form_class, kind, tab_code = STAFF_SECTIONS[section]
    onboarding = application.kind == Kind.PERSONNEL_CHANGE
    if onboarding:
        tab_code = "personnel"
    firm = application.firm
    instance = get_object_or_404(selectors.current_staff(firm), pk=row_id, kind=kind) if row_id else None
    if instance is None:
        instance = StaffMember(kind=kind)
    form = form_class(request.POST or None, instance=instance, prefix="staff")
    if request.method == "POST" and form.is_valid():
        try:
            if not application.is_editable:
                raise DomainError(_("申请已提交，当前不能修改"))
            services.save_staff(
                firm=firm,
                by=request.user,
                form=form,
                status=StaffStatus.ONBOARDING if onboarding and not row_id else None,
                change_application=application if onboarding and not row_id else None,
                application=application,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("licensing:tab", pk=application.pk, tab=tab_code)
    return render(
        request,
        "licensing/row.html",
        {
            "application": application,
            "form": form,
            "tab": tab_code,
            "section": section,
            "instance": instance if row_id else None,
        },
    )


@require_POST
@firm_required
def row_delete(request, pk, section, row_id):
    application = _application(request, pk)
    try:
        if section in STAFF_SECTIONS:
            _form, kind, tab_code = STAFF_SECTIONS[section]
            member = get_object_or_404(selectors.current_staff(application.firm), pk=row_id, kind=kind)
            if application.kind == Kind.PERSONNEL_CHANGE:
                tab_code = "personnel"
                services.withdraw_change(application=application, by=request.user, member=member)
            else:
                if not application.is_editable:
                    raise DomainError(_("申请已提交，当前不能修改"))
                services.delete_staff(firm=application.firm, by=request.user, member=member)
        elif section in SECTIONS:
            tab_code = SECTIONS[section][2]
            services.delete_row(
                application=application,
                by=request.user,
                row=get_object_or_404(_rows_of(section, application), pk=row_id),
            )
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("licensing:tab", pk=pk, tab=_tabs(application)[0].code)
    messages.success(request, _("已删除"))
    return redirect("licensing:tab", pk=pk, tab=tab_code)


@require_POST
@firm_required
def offboard(request, pk, staff_id):
    application = _application(request, pk)
    member = get_object_or_404(selectors.current_staff(application.firm), pk=staff_id)
    try:
        services.request_offboarding(application=application, by=request.user, member=member)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已加入离职申请：%(name)s") % {"name": member.name})
    return redirect("licensing:tab", pk=pk, tab="personnel")


@require_POST
@firm_required
def act(request, pk, action):
    """资料提交, 申请废弃, 业务办理终止."""
    application = _application(request, pk)
    operations = {"submit": services.submit, "abandon": services.abandon, "terminate": services.terminate}
    if action not in operations:
        raise Http404
    try:
        operations[action](application=application, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("licensing:tab", pk=pk, tab="check")
    done = {"submit": _("资料已提交，进入形式审查"), "abandon": _("申请已废弃"), "terminate": _("申请已终止")}
    messages.success(request, done[action])
    if action == "submit":
        return redirect("licensing:application", pk=pk)
    return redirect("licensing:home")


@firm_required
def application_detail(request, pk):
    application = _application(request, pk)
    return render(
        request,
        "licensing/application.html",
        {
            "application": application,
            "log": list(application.log.select_related("actor")),
        },
    )


@firm_required
def staff_list(request):
    firm = _firm_or_register(request)
    rows = list(selectors.current_staff(firm))
    return render(request, "licensing/staff.html", {"firm": firm, "rows": rows, "counts": selectors.staff_counts(firm)})


@firm_required
def licence_download(request):
    firm = _firm_or_register(request)
    licence = get_object_or_404(Licence.objects.select_related("document"), firm=firm)
    if licence.document is None:
        messages.info(request, _("电子许可证正在生成，请稍后刷新"))
        return redirect("licensing:home")
    return HttpResponseRedirect(reverse("documents:download", args=[licence.document_id]))


# --- public verification --------------------------------------------------------------------


def verify(request):
    number = (request.GET.get("number") or "").strip()[:30]
    result = services.check_licence(number) if number else None
    return render(
        request,
        "licensing/verify.html",
        {
            "number": number,
            "result": result,
            "Status": LicenceStatus,
        },
    )
