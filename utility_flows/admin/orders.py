"""Work orders in the backoffice: the queues with their clocks, the processing page of an order
and its log. The page is generic over the flows: everything it shows about a flow comes from
the order's declaration (``utility_flows.flows``)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from applications.admin import ADMIN_CSS, BusinessFilter, OrderDistrictFilter, masked_person
from applications.models import ApplicationDocument
from applications.summary import summarize
from portal.core.admin import PageCalendarChangeList, ProcessingPageAdmin, ReadOnlyAdminMixin
from portal.core.workdays import WorkCalendar
from utility_flows import flows, services
from utility_flows.clock import LimitTable, clock_for, step_name
from utility_flows.models import OPEN_STATES, OrderState, WorkOrder, WorkOrderTransition, may_handle


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
            return queryset.exclude(state__in=OPEN_STATES)
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
            next_day = WorkCalendar.around(today).add_working_days(today, 1)
            return queryset.filter(step_due_on__gte=today, step_due_on__lte=next_day)
        if value == "late":
            return queryset.filter(step_due_on__lt=today)
        return queryset


class AdvanceForm(forms.Form):
    transition = forms.ChoiceField(choices=[(t, t) for t in services.TRANSITIONS], widget=forms.HiddenInput)
    expected_state = forms.ChoiceField(choices=OrderState.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("办理说明"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("可填写联系情况、现场情况等；启动配套电网工程须填写原因"),
    )


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
    note = forms.CharField(
        label=_("补收说明"),
        max_length=300,
        error_messages={"required": _("请填写补收说明，例如：已现场查验原件并留存复印件")},
    )


@admin.register(WorkOrder)
class WorkOrderAdmin(ProcessingPageAdmin):
    list_display = (
        "number",
        "business_name",
        "customer_masked",
        "region",
        "state",
        "assignee_name",
        "clock_badge",
        "accepted",
    )
    list_filter = (
        OrderQueueFilter,
        BusinessFilter,
        OrderDistrictFilter,
        "state",
        "flow",
        ("assignee", admin.RelatedOnlyFieldListFilter),
    )
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
        return masked_person(obj.customer)

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
        return format_html(
            '<span class="flows-badge {}" title="{}">{}</span>', clock.badge, clock.due_on.isoformat(), clock.label
        )

    # --- the processing page (portal.core.admin.ProcessingPageAdmin) ---

    process_template = "admin/utility_flows/workorder_process.html"
    context_object_name = "order"
    processing_actions = {
        "advance": "advance_view",
        "reassign": "reassign_view",
        "collect": ("documents/<int:doc_pk>/collect/", "collect_view"),
    }

    def get_processing_queryset(self, request):
        return WorkOrder.objects.select_related(
            "application__applicant",
            "application__service_account",
            "application__region__parent",
            "application__enterprise",
            "customer",
            "assignee__staff_profile",
            "region",
        )

    def processing_title(self, order) -> str:
        return f"{order.number} {order.business.name}"

    def processing_context(self, request, order, forms_) -> dict:
        application = order.application
        business = order.business
        calendar = WorkCalendar.around()
        limits = LimitTable()
        can_act = may_handle(request.user, business)
        today = timezone.localdate()
        deferred = [
            (
                d,
                services.document_label(application, d.requirement),
                forms_.get(("collect", d.pk)) or CollectForm(auto_id=f"collect{d.pk}_%s"),
            )
            for d in services.deferred_documents(application)
        ]
        # The main path's step first and marked default; detours (grid works) after it.
        transitions = sorted(services.available_transitions(order, request.user) if can_act else [], key=lambda t: t[2])
        declaration = order.declaration
        path_states = declaration.path_with(order.state)
        position = path_states.index(order.state) if order.state in path_states else len(path_states)
        state = declaration.state(order.state)
        return {
            "application": application,
            "business": business,
            "clock": clock_for(order.step_due_on, calendar, today) if order.is_open else None,
            "step_due": state.due if state else None,
            "path": [
                (
                    step_name(order.flow, s),
                    limits.days(order.flow, s, business),
                    "current" if i == position else "done" if i < position else "",
                )
                for i, s in enumerate(path_states)
            ],
            "transitions": transitions,
            "advance_form": forms_.get("advance")
            or AdvanceForm(initial={"expected_state": order.state}, auto_id="advance_%s"),
            "reassign_form": forms_.get("reassign")
            or ReassignForm(business=business, exclude=order.assignee_id, auto_id="reassign_%s"),
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
        }

    def _to_order(self, order_pk):
        return reverse("admin:utility_flows_workorder_change", args=[order_pk])

    def advance_view(self, request, pk):
        order = self.get_processing_object(request, pk)

        def keep_typed(form, fresh):
            # Whatever happened, show the order as it is now, with what was typed kept.
            form.data = form.data.copy()
            form.data["expected_state"] = fresh.state

        return self.run_action(
            request,
            pk,
            form=AdvanceForm(request.POST, auto_id="advance_%s"),
            key="advance",
            action=lambda data: services.advance(
                order=order,
                transition=data["transition"],
                by=request.user,
                reason=data["reason"],
                expected_state=data["expected_state"],
            ),
            success=lambda done: (
                gettext("工单 %(number)s：%(label)s")
                % {"number": done.number, "label": done.transitions.order_by("-id").first().label},
                self._to_order(done.pk),
            ),
            fresh_form=keep_typed,
        )

    def reassign_view(self, request, pk):
        order = self.get_processing_object(request, pk)
        form = ReassignForm(request.POST, business=order.business, exclude=order.assignee_id, auto_id="reassign_%s")
        return self.run_action(
            request,
            pk,
            form=form,
            key="reassign",
            action=lambda data: services.reassign(
                order=order, to=data["assignee"], by=request.user, reason=data["reason"]
            ),
            success=lambda _done: (
                gettext("工单已改派给 %(name)s") % {"name": form.cleaned_data["assignee"].name},
                self._to_order(order.pk),
            ),
        )

    def collect_view(self, request, pk, doc_pk):
        order = self.get_processing_object(request, pk)
        document = get_object_or_404(ApplicationDocument, pk=doc_pk, application_id=order.application_id)
        return self.run_action(
            request,
            pk,
            form=CollectForm(request.POST, auto_id=f"collect{doc_pk}_%s"),
            key=("collect", doc_pk),
            action=lambda data: services.collect_deferred_document(
                order=order, document=document, by=request.user, note=data["note"]
            ),
            success=lambda _done: (
                gettext("已记录现场补收：%(label)s")
                % {"label": services.document_label(order.application, document.requirement)},
                self._to_order(order.pk),
            ),
        )


@admin.register(WorkOrderTransition)
class WorkOrderTransitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The log, read-only: who moved which order when, from where to where, and why."""

    list_display = ("at", "order", "label", "from_state", "to_state", "by_name", "reason_display")
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

    @admin.display(description=_("说明"))
    def reason_display(self, obj):
        return obj.reason
