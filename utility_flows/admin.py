"""The backoffice (供电服务管理后台): the acceptance queue of applications, the work-order
queues with their clocks, the abnormal-order list and the time limits.

The change pages of applications and orders are processing pages rather than model forms:
staff never edit an application or an order directly, they accept, return, reject, advance,
reassign — each through its service, which checks the role and the state.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from applications.catalog import registry
from applications.models import AbnormalFlag, Application, ApplicationDocument, ApplicationState, Region
from applications.summary import summarize
from portal.core.admin import ReadOnlyAdminMixin
from portal.core.errors import DomainError
from portal.core.masking import mask_name, mask_phone
from portal.core.workdays import WorkCalendar
from utility_flows import selectors, services
from utility_flows import flows
from utility_flows.clock import LimitTable, clock_for, step_name
from utility_flows.models import (
    OPEN_STATES,
    OrderState,
    TimeLimit,
    WorkOrder,
    WorkOrderTransition,
    may_handle,
)

ADMIN_CSS = {"all": ["utility_flows/admin.css"]}


# --- shared pieces ----------------------------------------------------------------------------------


class PageCalendarChangeList(ChangeList):
    """After the page's rows are fetched, give every row what its clock needs from one
    working-day calendar (one query for the page, not one per row)."""

    def get_results(self, request):
        super().get_results(request)
        calendar, today = WorkCalendar.around(), timezone.localdate()
        for obj in self.result_list:
            obj._calendar, obj._today = calendar, today


class BusinessFilter(admin.SimpleListFilter):
    title = _("业务")
    parameter_name = "business"

    def lookups(self, request, model_admin):
        return registry.choices()

    def queryset(self, request, queryset):
        return queryset.filter(business_code=self.value()) if self.value() else queryset


class DistrictFilter(admin.SimpleListFilter):
    """区县: applications carry a street (or their account's); orders carry the district."""

    title = _("区县")
    parameter_name = "district"
    field = "region__parent_id"

    def lookups(self, request, model_admin):
        return list(Region.objects.filter(kind=Region.Kind.DISTRICT).order_by("code").values_list("pk", "name"))

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(**{self.field: self.value()})


class OrderDistrictFilter(DistrictFilter):
    field = "region_id"


def _error_to_form(form: forms.Form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _masked_person(user) -> str:
    return f"{mask_name(user.name or '')} {mask_phone(user.phone)}".strip()


# --- applications: the acceptance queue -------------------------------------------------------------------


class ApplicationQueueFilter(admin.SimpleListFilter):
    title = _("队列")
    parameter_name = "queue"
    QUEUES = {
        "submitted": (_("待受理"), Q(state=ApplicationState.SUBMITTED)),
        "returned": (_("退回补正"), Q(state=ApplicationState.RETURNED)),
        "accepted": (_("已受理"), Q(state=ApplicationState.ACCEPTED)),
        "completed": (_("已办结"), Q(state=ApplicationState.COMPLETED)),
        "rejected": (_("不予受理"), Q(state=ApplicationState.REJECTED)),
        "withdrawn": (_("已撤回"), Q(state=ApplicationState.WITHDRAWN)),
        "all": (_("全部"), Q()),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _q) in self.QUEUES.items()]

    def choices(self, changelist):
        # 待受理 is what staff open the page for: it is the default, not "all".
        for key, label in self.lookup_choices:
            yield {
                "selected": (self.value() or "submitted") == key,
                "query_string": changelist.get_query_string({self.parameter_name: key}),
                "display": label,
            }

    def queryset(self, request, queryset):
        return queryset.filter(self.QUEUES.get(self.value() or "submitted", self.QUEUES["submitted"])[1])


class FlagFilter(admin.SimpleListFilter):
    title = _("异常标记")
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return [("any", _("有未处理的异常"))] + list(AbnormalFlag.Kind.choices)

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        flags = AbnormalFlag.objects.filter(resolved_at=None)
        if self.value() != "any":
            flags = flags.filter(kind=self.value())
        return queryset.filter(pk__in=flags.values("application_id"))


class AcceptForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("处理人"), queryset=None, required=False,
        empty_label=_("自动分派（受理人本人，或在办工单最少的人员）"),
    )

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = services.eligible_assignees(business)
        self.fields["assignee"].label_from_instance = lambda u: f"{u.name}（{u.staff_profile.employee_number}）" if hasattr(
            u, "staff_profile") else u.name


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写原因")},
    )


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """业务申请 — the acceptance queue. Drafts are the customer's own and never listed."""

    list_display = ("number", "business_name", "applicant_masked", "district", "submitted", "waiting",
                    "state", "open_flags_badge", "order_link")
    list_filter = (ApplicationQueueFilter, BusinessFilter, DistrictFilter, FlagFilter)
    list_select_related = ("applicant", "region__parent", "work_order")
    search_fields = ("=number", "=contact_phone", "=service_account__number")
    search_help_text = _("按申请编号、联系电话或户号精确查找")
    ordering = ("submitted_at", "id")  # oldest first: nothing is held back (seed 002)
    list_per_page = 50
    show_full_result_count = False

    class Media:
        css = ADMIN_CSS

    def get_queryset(self, request):
        return (
            super().get_queryset(request)
            .exclude(state=ApplicationState.DRAFT)
            .annotate(open_flags=Count("flags", filter=Q(flags__resolved_at=None)))
        )

    def get_changelist(self, request, **kwargs):
        return PageCalendarChangeList


    @admin.display(description=_("业务"))
    def business_name(self, obj):
        return obj.business.name

    @admin.display(description=_("申请人"))
    def applicant_masked(self, obj):
        return _masked_person(obj.applicant)

    @admin.display(description=_("提交时间"), ordering="submitted_at")
    def submitted(self, obj):
        return timezone.localtime(obj.submitted_at).strftime("%Y-%m-%d %H:%M") if obj.submitted_at else "—"

    @admin.display(description=_("区县"), ordering="region__parent__code")
    def district(self, obj):
        if obj.region is None:
            return "—"
        return obj.region.parent.name if obj.region.parent_id and obj.region.kind == Region.Kind.STREET else obj.region.name

    @admin.display(description=_("已等待（工作日）"))
    def waiting(self, obj):
        if obj.state != ApplicationState.SUBMITTED or obj.submitted_at is None:
            return "—"
        days = obj._calendar.working_days_between(obj.submitted_at, obj._today)
        css = "danger" if days >= 1 else "ok"
        return format_html('<span class="flows-badge {}">{}</span>', css, days)

    @admin.display(description=_("异常"))
    def open_flags_badge(self, obj):
        return format_html('<span class="flows-badge danger">{}</span>', obj.open_flags) if obj.open_flags else ""

    @admin.display(description=_("工单"))
    def order_link(self, obj):
        order = getattr(obj, "work_order", None)
        if order is None:
            return ""
        return format_html('<a href="{}">{}</a>', reverse("admin:utility_flows_workorder_change", args=[order.pk]),
                           order.number)

    # --- the processing page ---

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/accept/", wrap(require_POST(self.accept_view)), name="%s_%s_accept" % info),
            path("<int:pk>/return/", wrap(require_POST(self.return_view)), name="%s_%s_return" % info),
            path("<int:pk>/reject/", wrap(require_POST(self.reject_view)), name="%s_%s_reject" % info),
        ] + super().get_urls()

    def _application(self, request, pk) -> Application:
        if not self.has_view_permission(request):
            raise PermissionDenied
        application = get_object_or_404(
            self.get_queryset(request).select_related(
                "applicant", "enterprise", "service_account__region__parent", "region__parent", "work_order__assignee",
            ).prefetch_related("flags"),
            pk=pk,
        )
        return application

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            pk = int(object_id)
        except (TypeError, ValueError):
            raise Http404 from None
        return self._render(request, self._application(request, pk))

    def _render(self, request, application, *, forms_=None, status=200):
        business = application.business
        can_decide = application.state == ApplicationState.SUBMITTED and may_handle(request.user, business)
        forms_ = forms_ or {}
        documents = [
            (d, services.document_label(application, d.requirement))
            for d in application.documents.select_related("document__doc_type").order_by("id")
        ]
        calendar = WorkCalendar.around()
        waiting = (
            calendar.working_days_between(application.submitted_at, timezone.localdate())
            if application.submitted_at and application.state == ApplicationState.SUBMITTED else None
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{business.name} {application.number}",
            "subtitle": None,
            "application": application,
            "business": business,
            "order": getattr(application, "work_order", None),
            "applicant": application.applicant,
            "sections": summarize(application),
            "documents": documents,
            "flags": list(application.flags.all()),
            "history": selectors.history(application, for_customer=False),
            "waiting": waiting,
            "today": timezone.localdate(),
            "can_decide": can_decide,
            "accept_form": forms_.get("accept") or AcceptForm(business=business),
            "return_form": forms_.get("return") or ReasonForm(auto_id="return_%s"),
            "reject_form": forms_.get("reject") or ReasonForm(auto_id="reject_%s"),
            "has_view_permission": True,
            "action_errors": [e for f in forms_.values() for e in f.non_field_errors()],
        }
        return TemplateResponse(request, "admin/utility_flows/application_process.html", context, status=status)

    def accept_view(self, request, pk):
        application = self._application(request, pk)
        form = AcceptForm(request.POST, business=application.business)
        if form.is_valid():
            try:
                order = services.accept_application(
                    application=application, by=request.user, assignee=form.cleaned_data["assignee"]
                )
            except DomainError as exc:
                _error_to_form(form, exc)
            else:
                messages.success(request, gettext("已受理，工单 %(number)s 已分派给 %(name)s") % {
                    "number": order.number, "name": order.assignee.name})
                return HttpResponseRedirect(reverse("admin:utility_flows_workorder_change", args=[order.pk]))
        return self._render(request, self._application(request, pk), forms_={"accept": form}, status=400)

    def _decide(self, request, pk, *, which: str, service, done: str):
        application = self._application(request, pk)
        form = ReasonForm(request.POST, auto_id=f"{which}_%s")
        if form.is_valid():
            try:
                service(application=application, by=request.user, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                _error_to_form(form, exc)
            else:
                messages.success(request, done % {"number": application.number})
                return HttpResponseRedirect(reverse("admin:applications_application_changelist"))
        return self._render(request, self._application(request, pk), forms_={which: form}, status=400)

    def return_view(self, request, pk):
        return self._decide(request, pk, which="return", service=services.return_application,
                            done=gettext("申请 %(number)s 已退回客户补正"))

    def reject_view(self, request, pk):
        return self._decide(request, pk, which="reject", service=services.reject_application,
                            done=gettext("申请 %(number)s 已不予受理"))


# --- work orders: the queues ----------------------------------------------------------------------------


class OrderQueueFilter(admin.SimpleListFilter):
    title = _("队列")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("open", _("全部在办")),
            ("new", _("新工单")),
            ("mine", _("我的")),
            ("due_soon", _("即将到期")),
            ("late", _("已超期")),
            ("archived", _("已归档")),
            ("all", _("全部")),
        ]

    def choices(self, changelist):
        for key, label in self.lookup_choices:
            yield {
                "selected": (self.value() or "open") == key,
                "query_string": changelist.get_query_string({self.parameter_name: key}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or "open"
        today = timezone.localdate()
        if value == "all":
            return queryset
        if value == "archived":
            return queryset.filter(state=OrderState.ARCHIVED)
        queryset = queryset.filter(state__in=OPEN_STATES)
        if value == "new":
            # Orders still in the state their flow starts in.
            starts = Q()
            for flow in flows.all_flows():
                starts |= Q(flow=flow.code, state=flow.initial)
            return queryset.filter(starts)
        if value == "mine":
            return queryset.filter(assignee=request.user)
        if value == "due_soon":
            # Due today or by the next working day.
            return queryset.filter(step_due_on__gte=today, step_due_on__lte=WorkCalendar.around(today).add_working_days(today, 1))
        if value == "late":
            return queryset.filter(step_due_on__lt=today)
        return queryset


class AdvanceForm(forms.Form):
    transition = forms.ChoiceField(choices=[(t, t) for t in services.TRANSITIONS], widget=forms.HiddenInput)
    expected_state = forms.ChoiceField(choices=OrderState.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("办理说明"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("可填写联系情况、现场情况等；启动配套电网工程须填写原因"))


class ReassignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("改派给"), queryset=None, empty_label=_("请选择"))
    reason = forms.CharField(label=_("改派原因"), max_length=300, error_messages={"required": _("请填写改派原因")})

    def __init__(self, *args, business, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = services.eligible_assignees(business)
        if exclude is not None:
            queryset = queryset.exclude(pk=exclude)
        self.fields["assignee"].queryset = queryset


class CollectForm(forms.Form):
    note = forms.CharField(label=_("补收说明"), max_length=300,
                           error_messages={"required": _("请填写补收说明，例如：已现场查验原件并留存复印件")})


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "business_name", "customer_masked", "region", "state", "assignee_name",
                    "clock_badge", "accepted")
    list_filter = (OrderQueueFilter, BusinessFilter, OrderDistrictFilter, "state", "flow",
                   ("assignee", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("customer", "assignee", "region", "application")
    search_fields = ("=number", "=application__number", "=customer__phone")
    search_help_text = _("按工单编号、申请编号或客户手机号精确查找")
    ordering = ("step_due_on", "id")  # what is due first, first
    list_per_page = 50
    show_full_result_count = False

    class Media:
        css = ADMIN_CSS

    def get_changelist(self, request, **kwargs):
        return PageCalendarChangeList


    @admin.display(description=_("业务"))
    def business_name(self, obj):
        return obj.business.name

    @admin.display(description=_("客户"))
    def customer_masked(self, obj):
        return _masked_person(obj.customer)

    @admin.display(description=_("受理时间"), ordering="accepted_at")
    def accepted(self, obj):
        return timezone.localtime(obj.accepted_at).strftime("%Y-%m-%d %H:%M")

    @admin.display(description=_("处理人"), ordering="assignee__name")
    def assignee_name(self, obj):
        return obj.assignee.name if obj.assignee else "—"

    @admin.display(description=_("时限"), ordering="step_due_on")
    def clock_badge(self, obj):
        if not obj.is_open:
            return format_html('<span class="flows-badge grey">{}</span>', gettext("已归档"))
        clock = clock_for(obj.step_due_on, obj._calendar, obj._today)
        if clock is None:
            return "—"
        return format_html('<span class="flows-badge {}" title="{}">{}</span>', clock.badge,
                           clock.due_on.isoformat(), clock.label)

    # --- the processing page ---

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/advance/", wrap(require_POST(self.advance_view)), name="%s_%s_advance" % info),
            path("<int:pk>/reassign/", wrap(require_POST(self.reassign_view)), name="%s_%s_reassign" % info),
            path("<int:pk>/documents/<int:doc_pk>/collect/", wrap(require_POST(self.collect_view)),
                 name="%s_%s_collect" % info),
        ] + super().get_urls()

    def _order(self, request, pk) -> WorkOrder:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(
            WorkOrder.objects.select_related(
                "application__applicant", "application__service_account", "application__region__parent",
                "application__enterprise", "customer", "assignee__staff_profile", "region",
            ),
            pk=pk,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            pk = int(object_id)
        except (TypeError, ValueError):
            raise Http404 from None
        return self._render(request, self._order(request, pk))

    def _render(self, request, order, *, forms_=None, status=200):
        forms_ = forms_ or {}
        application = order.application
        business = order.business
        calendar = WorkCalendar.around()
        limits = LimitTable()
        can_act = may_handle(request.user, business)
        today = timezone.localdate()
        deferred = [
            (d, services.document_label(application, d.requirement),
             forms_.get(("collect", d.pk)) or CollectForm(auto_id=f"collect{d.pk}_%s"))
            for d in services.deferred_documents(application)
        ]
        # The main path's step first and marked default; detours (grid works) after it.
        transitions = sorted(services.available_transitions(order, request.user) if can_act else [],
                             key=lambda t: t[2])
        declaration = order.declaration
        path_states = declaration.path_with(order.state)
        position = path_states.index(order.state) if order.state in path_states else len(path_states)
        state = declaration.state(order.state)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{order.number} {business.name}",
            "subtitle": None,
            "order": order,
            "application": application,
            "business": business,
            "clock": clock_for(order.step_due_on, calendar, today) if order.is_open else None,
            "step_due": state.due if state else None,
            "path": [
                (step_name(order.flow, s), limits.days(order.flow, s, business),
                 "current" if i == position else "done" if i < position else "")
                for i, s in enumerate(path_states)
            ],
            "transitions": transitions,
            "advance_form": forms_.get("advance") or AdvanceForm(
                initial={"expected_state": order.state}, auto_id="advance_%s"),
            "reassign_form": forms_.get("reassign") or ReassignForm(business=business, exclude=order.assignee_id,
                                                                    auto_id="reassign_%s"),
            "can_act": can_act,
            "deferred": deferred,
            "documents": [
                (d, services.document_label(application, d.requirement))
                for d in application.documents.select_related("document__doc_type").order_by("id")
            ],
            "sections": summarize(application),
            "flags": list(application.flags.select_related("evidence")),
            "log": order.transitions.select_related("by__staff_profile").order_by("at", "id"),
            "today": today,
            "state_note": state.note if state else None,
            "has_view_permission": True,
            "action_errors": [e for f in forms_.values() for e in f.non_field_errors()],
        }
        return TemplateResponse(request, "admin/utility_flows/workorder_process.html", context, status=status)

    def advance_view(self, request, pk):
        order = self._order(request, pk)
        form = AdvanceForm(request.POST, auto_id="advance_%s")
        if form.is_valid():
            data = form.cleaned_data
            try:
                order = services.advance(order=order, transition=data["transition"], by=request.user,
                                         reason=data["reason"], expected_state=data["expected_state"])
            except DomainError as exc:
                _error_to_form(form, exc)
            else:
                messages.success(request, gettext("工单 %(number)s：%(label)s") % {
                    "number": order.number, "label": order.transitions.order_by("-id").first().label})
                return HttpResponseRedirect(reverse("admin:utility_flows_workorder_change", args=[order.pk]))
        # Whatever happened, show the order as it is now, with what was typed kept.
        fresh = self._order(request, pk)
        if form.is_bound:
            form.data = form.data.copy()
            form.data["expected_state"] = fresh.state
        return self._render(request, fresh, forms_={"advance": form}, status=400)

    def reassign_view(self, request, pk):
        order = self._order(request, pk)
        form = ReassignForm(request.POST, business=order.business, exclude=order.assignee_id, auto_id="reassign_%s")
        if form.is_valid():
            try:
                services.reassign(order=order, to=form.cleaned_data["assignee"], by=request.user,
                                  reason=form.cleaned_data["reason"])
            except DomainError as exc:
                _error_to_form(form, exc)
            else:
                messages.success(request, gettext("工单已改派给 %(name)s") % {"name": form.cleaned_data["assignee"].name})
                return HttpResponseRedirect(reverse("admin:utility_flows_workorder_change", args=[order.pk]))
        return self._render(request, self._order(request, pk), forms_={"reassign": form}, status=400)

    def collect_view(self, request, pk, doc_pk):
        order = self._order(request, pk)
        document = get_object_or_404(ApplicationDocument, pk=doc_pk, application_id=order.application_id)
        form = CollectForm(request.POST, auto_id=f"collect{doc_pk}_%s")
        if form.is_valid():
            try:
                services.collect_deferred_document(order=order, document=document, by=request.user,
                                                   note=form.cleaned_data["note"])
            except DomainError as exc:
                _error_to_form(form, exc)
            else:
                messages.success(request, gettext("已记录现场补收：%(label)s") % {
                    "label": services.document_label(order.application, document.requirement)})
                return HttpResponseRedirect(reverse("admin:utility_flows_workorder_change", args=[order.pk]))
        return self._render(request, self._order(request, pk), forms_={("collect", doc_pk): form}, status=400)


@admin.register(WorkOrderTransition)
class WorkOrderTransitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The log, read-only: who moved which order when, from where to where, and why."""

    list_display = ("at", "order", "label", "from_state", "to_state", "by_name", "reason")
    list_filter = ("name", "to_state")
    list_select_related = ("order", "by")
    search_fields = ("=order__number",)
    date_hierarchy = "at"


    @admin.display(description=_("操作"))
    def label(self, obj):
        return obj.label

    @admin.display(description=_("操作人"))
    def by_name(self, obj):
        return obj.by.name if obj.by else gettext("系统")


# --- abnormal orders ----------------------------------------------------------------------------------------


class ResolvedFilter(admin.SimpleListFilter):
    title = _("处理情况")
    parameter_name = "resolved"

    def lookups(self, request, model_admin):
        return [("no", _("未处理")), ("yes", _("已处理"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(resolved_at=None)
        if self.value() == "yes":
            return queryset.exclude(resolved_at=None)
        return queryset


class AbnormalFlagForm(forms.ModelForm):
    resolution = forms.CharField(label=_("处理说明"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                                 error_messages={"required": _("请填写处理说明")})

    class Meta:
        model = AbnormalFlag
        fields = ["resolution"]


@admin.register(AbnormalFlag)
class AbnormalFlagAdmin(admin.ModelAdmin):
    """异常工单: capacity-policy breaches, one address many accounts, overdue commitments.
    Resolving one records who and what was done."""

    form = AbnormalFlagForm
    list_display = ("application_number", "business_name", "kind", "detail", "created_at", "resolved_badge")
    list_filter = (ResolvedFilter, "kind")
    list_select_related = ("application",)
    search_fields = ("=application__number",)
    readonly_fields = ("application_link", "kind", "detail", "created_at", "resolved_at", "resolved_by_name")
    ordering = ("resolved_at", "-created_at")

    class Media:
        css = ADMIN_CSS

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.resolved_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        fields = ["application_link", "kind", "detail", "created_at"]
        if obj is not None and obj.resolved_at is not None:
            return fields + ["resolved_at", "resolved_by_name", "resolution"]
        return fields + ["resolution"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.resolved_at is not None:
            return [*self.readonly_fields, "resolution"]
        return self.readonly_fields

    @admin.display(description=_("申请编号"), ordering="application__number")
    def application_number(self, obj):
        return obj.application.number

    @admin.display(description=_("业务"))
    def business_name(self, obj):
        return obj.application.business.name

    @admin.display(description=_("申请"))
    def application_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:applications_application_change",
                                                          args=[obj.application_id]), obj.application.number)

    @admin.display(description=_("处理人"))
    def resolved_by_name(self, obj):
        return obj.resolved_by.name if obj.resolved_by else "—"

    @admin.display(description=_("状态"), ordering="resolved_at")
    def resolved_badge(self, obj):
        if obj.resolved_at:
            return format_html('<span class="flows-badge ok">{}</span>', gettext("已处理"))
        return format_html('<span class="flows-badge danger">{}</span>', gettext("未处理"))

    def save_model(self, request, obj, form, change):
        # The note goes through the service (role check, who and when, audit), never a bare save.
        services.resolve_flag(flag=AbnormalFlag.objects.get(pk=obj.pk), by=request.user,
                              note=form.cleaned_data["resolution"])

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(request.path)


# --- time limits ------------------------------------------------------------------------------------------------


class TimeLimitForm(forms.ModelForm):
    business_code = forms.ChoiceField(label=_("业务"), required=False, help_text=_("留空表示该流程的所有业务"))

    class Meta:
        model = TimeLimit
        fields = ["flow", "state", "business_code", "working_days", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business_code"].choices = [("", _("该流程的所有业务"))] + registry.choices()

    def clean(self):
        data = super().clean()
        flow, state, code = data.get("flow"), data.get("state"), data.get("business_code")
        if flow and state and state not in [s.code for s in flows.get(flow).limited_states]:
            self.add_error("state", _("该流程没有这个环节"))
        if flow and code and registry.exists(code) and registry.get(code).flow != flow:
            self.add_error("business_code", _("该业务不走这个流程"))
        return data


@admin.register(TimeLimit)
class TimeLimitAdmin(admin.ModelAdmin):
    """环节时限 (SPEC 4.5): working days per step, per flow, optionally per business."""

    form = TimeLimitForm
    list_display = ("flow", "state", "business_name", "working_days", "note")
    list_editable = ("working_days",)
    list_filter = ("flow",)

    @admin.display(description=_("业务"), ordering="business_code")
    def business_name(self, obj):
        if not obj.business_code:
            return gettext("该流程的所有业务")
        return registry.get(obj.business_code).name if registry.exists(obj.business_code) else obj.business_code
