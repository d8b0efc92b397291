"""The applications app in the backoffice: the acceptance queue (业务申请) and the abnormal-order
list (异常工单). Each area registers its own models (accounts, bills, outages in
``applications.accounts.admin``).

The acceptance page is a processing page (``portal.core.admin.ProcessingPageAdmin``): staff
accept, return or reject through ``utility_flows.services``, which check the role and the
state, and never edit an application directly.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from applications.accounts import admin as accounts_admin  # noqa: F401  (accounts, bills, outages)
from applications.catalog import registry
from applications.models import AbnormalFlag, Application, ApplicationState, Region
from applications.summary import summarize
from portal.core.admin import PageCalendarChangeList, ProcessingPageAdmin
from portal.core.errors import DomainError
from portal.core.masking import mask_name, mask_phone
from portal.core.workdays import WorkCalendar
from utility_flows import selectors, services
from utility_flows.models import may_handle

ADMIN_CSS = {"all": ["utility_flows/admin.css"]}


# --- shared by the backoffice lists ----------------------------------------------------------------


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


def masked_person(user) -> str:
    return f"{mask_name(user.name or '')} {mask_phone(user.phone)}".strip()


# --- the acceptance queue ----------------------------------------------------------------------------


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
        label=_("处理人"),
        queryset=None,
        required=False,
        empty_label=_("自动分派（受理人本人，或在办工单最少的人员）"),
    )

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = services.eligible_assignees(business)
        self.fields["assignee"].label_from_instance = lambda u: (
            f"{u.name}（{u.staff_profile.employee_number}）" if hasattr(u, "staff_profile") else u.name
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写原因")},
    )


@admin.register(Application)
class ApplicationAdmin(ProcessingPageAdmin):
    """业务申请 — the acceptance queue. Drafts are the customer's own and never listed."""

    list_display = (
        "number",
        "business_name",
        "applicant_masked",
        "district",
        "submitted",
        "waiting",
        "state",
        "open_flags_badge",
        "order_link",
    )
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
            super()
            .get_queryset(request)
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
        return masked_person(obj.applicant)

    @admin.display(description=_("提交时间"), ordering="submitted_at")
    def submitted(self, obj):
        return timezone.localtime(obj.submitted_at).strftime("%Y-%m-%d %H:%M") if obj.submitted_at else "—"

    @admin.display(description=_("区县"), ordering="region__parent__code")
    def district(self, obj):
        if obj.region is None:
            return "—"
        street = obj.region.parent_id and obj.region.kind == Region.Kind.STREET
        return obj.region.parent.name if street else obj.region.name

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
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:utility_flows_workorder_change", args=[order.pk]), order.number
        )

    # --- the processing page (portal.core.admin.ProcessingPageAdmin) ---

    process_template = "admin/utility_flows/application_process.html"
    context_object_name = "application"
    processing_actions = {"accept": "accept_view", "return": "return_view", "reject": "reject_view"}

    def get_processing_queryset(self, request):
        return (
            self.get_queryset(request)
            .select_related(
                "applicant",
                "enterprise",
                "service_account__region__parent",
                "region__parent",
                "work_order__assignee",
            )
            .prefetch_related("flags")
        )

    def processing_title(self, application) -> str:
        return f"{application.business.name} {application.number}"

    def processing_context(self, request, application, forms_) -> dict:
        business = application.business
        can_decide = application.state == ApplicationState.SUBMITTED and may_handle(request.user, business)
        documents = [
            (d, services.document_label(application, d.requirement))
            for d in application.documents.select_related("document__doc_type").order_by("id")
        ]
        calendar = WorkCalendar.around()
        waiting = (
            calendar.working_days_between(application.submitted_at, timezone.localdate())
            if application.submitted_at and application.state == ApplicationState.SUBMITTED
            else None
        )
        return {
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
        }

    def accept_view(self, request, pk):
        application = self.get_processing_object(request, pk)
        return self.run_action(
            request,
            pk,
            form=AcceptForm(request.POST, business=application.business),
            key="accept",
            action=lambda data: services.accept_application(
                application=application, by=request.user, assignee=data["assignee"]
            ),
            success=lambda order: (
                gettext("已受理，工单 %(number)s 已分派给 %(name)s")
                % {"number": order.number, "name": order.assignee.name},
                reverse("admin:utility_flows_workorder_change", args=[order.pk]),
            ),
        )

    def _decide(self, request, pk, *, which: str, service: str, done: str):
        application = self.get_processing_object(request, pk)
        return self.run_action(
            request,
            pk,
            form=ReasonForm(request.POST, auto_id=f"{which}_%s"),
            key=which,
            action=lambda data: getattr(services, service)(
                application=application, by=request.user, reason=data["reason"]
            ),
            success=lambda _result: (
                done % {"number": application.number},
                reverse("admin:applications_application_changelist"),
            ),
        )

    def return_view(self, request, pk):
        return self._decide(
            request, pk, which="return", service="return_application", done=gettext("申请 %(number)s 已退回客户补正")
        )

    def reject_view(self, request, pk):
        return self._decide(
            request, pk, which="reject", service="reject_application", done=gettext("申请 %(number)s 已不予受理")
        )


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
    resolution = forms.CharField(
        label=_("处理说明"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写处理说明")},
    )

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
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:applications_application_change", args=[obj.application_id]),
            obj.application.number,
        )

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
        services.resolve_flag(
            flag=AbnormalFlag.objects.get(pk=obj.pk), by=request.user, note=form.cleaned_data["resolution"]
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(request.path)
