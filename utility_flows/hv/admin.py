"""The utility side of the HV e-assistant in the backoffice: the process list (with the stage
now due, who acts and by when) and a processing page whose buttons are the machine's utility
transitions the staff member may run now. Every button calls a service in
``utility_flows.hv.services``; nothing is edited directly."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.core.admin import ReadOnlyAdminMixin
from portal.core.errors import DomainError
from portal.core.workdays import WorkCalendar
from utility_flows.hv import selectors
from utility_flows.hv import services as hv
from utility_flows.hv.chat import chat_open
from utility_flows.hv.clock import limit_table
from utility_flows.hv.forms import submission_rows
from utility_flows.hv.models import (
    STAGES,
    HVProcess,
    HVStage,
    HVTimeLimit,
    Side,
    Suspension,
)
from utility_flows.models import may_handle


class TransitionForm(forms.Form):
    transition = forms.CharField(widget=forms.HiddenInput)
    expected_stage = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("说明 / 整改意见"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    expected_visit_at = forms.DateTimeField(
        label=_("预计上门服务时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class SuspendForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500, required=False)
    approver = forms.ModelChoiceField(label=_("批准人（营销主管）"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        from django.contrib.auth import get_user_model

        from portal.accounts.roles import Role

        super().__init__(*args, **kwargs)
        self.fields["approver"].queryset = (
            get_user_model()
            .objects.filter(groups__name=Role.SUPERVISOR, is_active=True, is_staff=True)
            .order_by("name")
        )
        self.fields["approver"].label_from_instance = lambda u: u.name


class ClockFilter(admin.SimpleListFilter):
    """Due soon, late, suspended, abnormal (over the limit or suspended and restarted)."""

    title = _("时限")
    parameter_name = "clock"

    def lookups(self, request, model_admin):
        return [
            ("soon", _("即将到期（1个工作日内）")),
            ("late", _("已超期")),
            ("suspended", _("暂停中")),
            ("restarted", _("暂停后恢复")),
            ("abnormal", _("异常工单")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "soon":
            return queryset.filter(due_on__gte=today, due_on__lte=WorkCalendar.around(today).add_working_days(today, 1))
        if self.value() == "late":
            return queryset.filter(due_on__lt=today)
        if self.value() == "suspended":
            return queryset.filter(suspended_at__isnull=False)
        if self.value() == "restarted":
            return queryset.filter(suspensions__resumed_at__isnull=False).distinct()
        if self.value() == "abnormal":
            return queryset.filter(Q(due_on__lt=today) | Q(suspensions__isnull=False)).distinct()
        return queryset


class NotNeededForm(forms.Form):
    design = forms.BooleanField(label=_("无需设计文件审查（第8–10环节）"), required=False)
    mid = forms.BooleanField(label=_("无需中间检查（第11–13环节）"), required=False)
    reason = forms.CharField(label=_("原因"), max_length=500, required=False)


@admin.register(HVProcess)
class HVProcessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("order", "customer", "stage_label", "next_stage", "due", "assignee")
    list_filter = (ClockFilter, "stage")
    list_select_related = ("order__customer", "order__assignee")
    search_fields = ("=order__number",)

    @admin.display(description=_("客户"))
    def customer(self, obj):
        return obj.order.customer.name

    @admin.display(description=_("当前环节"), ordering="stage")
    def stage_label(self, obj):
        return obj.get_stage_display()

    @admin.display(description=_("待办环节"))
    def next_stage(self, obj):
        n = obj.next_number()
        if n is None:
            return "—"
        number, _code, side, label = STAGES[n - 1]
        return f"{number}. {label}（{Side(side).label}）"

    @admin.display(description=_("时限"), ordering="due_on")
    def due(self, obj):
        if obj.suspended_at:
            return gettext("暂停中")
        if obj.due_on and obj.due_on < timezone.localdate():
            return format_html('<span class="flows-badge danger">{} {}</span>', obj.due_on, gettext("已超期"))
        return obj.due_on or "—"

    @admin.display(description=_("客户经理"))
    def assignee(self, obj):
        return obj.order.assignee.name if obj.order.assignee else "—"

    def get_urls(self):
        return [
            path(
                "<int:pk>/transition/",
                self.admin_site.admin_view(self.transition_view),
                name="utility_flows_hvprocess_transition",
            ),
            path(
                "<int:pk>/not-needed/",
                self.admin_site.admin_view(self.not_needed_view),
                name="utility_flows_hvprocess_not_needed",
            ),
            path("<int:pk>/fees/", self.admin_site.admin_view(self.fees_view), name="utility_flows_hvprocess_fees"),
            path("<int:pk>/visit/", self.admin_site.admin_view(self.visit_view), name="utility_flows_hvprocess_visit"),
            path("report/", self.admin_site.admin_view(self.report_view), name="utility_flows_hvprocess_report"),
            path(
                "<int:pk>/suspend/",
                self.admin_site.admin_view(self.suspend_view),
                name="utility_flows_hvprocess_suspend",
            ),
        ] + super().get_urls()

    def _process(self, request, pk) -> HVProcess:
        process = (
            HVProcess.objects.select_related(
                "order__application__enterprise",
                "order__customer",
                "order__assignee__staff_profile",
            )
            .filter(pk=pk)
            .first()
        )
        if process is None or not (may_handle(request.user, process.order.business) or request.user.is_superuser):
            raise Http404
        return process

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            pk = int(object_id)
        except (TypeError, ValueError):
            raise Http404 from None
        return self._render(request, self._process(request, pk))

    def _render(self, request, process, *, form=None, not_needed=None, suspend=None, status=200):
        order = process.order
        full = selectors.hv_order_for(user=order.customer, pk=order.pk)
        rows = selectors.timeline(full, table=limit_table())
        transitions = hv.available(process, request.user, side=Side.UTILITY)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{order.number} {order.business.name}",
            "process": process,
            "order": order,
            "rows": rows,
            "now": selectors.now_row(rows),
            "transitions": transitions,
            "form": form or TransitionForm(initial={"expected_stage": process.stage}),
            "not_needed": not_needed or NotNeededForm(),
            "documents": list(full.hv.documents.all()),
            "submissions": [(sub, *submission_rows(sub)) for sub in full.hv.submissions.all()],
            "bookings": list(full.hv.bookings.all()),
            "log": list(full.hv.log.all()),
            "can_mark": process.number < 11,
            "chat_open": chat_open(process),
            "suspend_form": suspend or SuspendForm(),
            "suspensions": list(
                process.suspensions.select_related("suspended_by", "approver", "resumed_by", "resume_approver")
            ),
            "needs_fees": process.stage == HVStage.CONTRACT_SIGNED and not process.fees_settled,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/utility_flows/hvprocess_process.html", context, status=status)

    def _back(self, process):
        return HttpResponseRedirect(reverse("admin:utility_flows_hvprocess_change", args=[process.pk]))

    def transition_view(self, request, pk):
        process = self._process(request, pk)
        form = TransitionForm(request.POST)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if data["transition"] == "take":
                    hv.take(
                        process=process,
                        by=request.user,
                        expected_visit_at=data["expected_visit_at"],
                        expected_stage=data["expected_stage"],
                    )
                elif data["transition"] in ("accept_contract_scan", "refuse_contract_scan"):
                    hv.review_contract_scan(
                        process=process,
                        by=request.user,
                        accept=data["transition"] == "accept_contract_scan",
                        reason=data["reason"],
                        expected_stage=data["expected_stage"],
                    )
                else:
                    hv.advance(
                        process=process,
                        transition=data["transition"],
                        by=request.user,
                        reason=data["reason"],
                        expected_stage=data["expected_stage"],
                    )
            except DomainError as exc:
                form.add_error(
                    exc.field if exc.field in form.fields and exc.field != "transition" else None, exc.message
                )
            else:
                messages.success(
                    request,
                    gettext("工单 %(number)s：%(label)s")
                    % {"number": process.order.number, "label": process.log.order_by("-id").first().label},
                )
                return self._back(process)
        return self._render(request, self._process(request, pk), form=form, status=400)

    def not_needed_view(self, request, pk):
        process = self._process(request, pk)
        form = NotNeededForm(request.POST)
        if request.method == "POST" and form.is_valid():
            try:
                hv.mark_not_needed(
                    process=process,
                    by=request.user,
                    design=form.cleaned_data["design"],
                    mid=form.cleaned_data["mid"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, gettext("已标记无需办理的环节"))
                return self._back(process)
        return self._render(request, self._process(request, pk), not_needed=form, status=400)

    def report_view(self, request):
        """阳光业扩 monthly quality report: page with charts, CSV, PDF by the worker."""
        from datetime import datetime

        from django.http import HttpResponse

        from portal.documents.models import PdfRender
        from portal.documents.services import request_pdf
        from utility_flows.hv import report

        if not self.has_view_permission(request):
            raise Http404
        raw = request.GET.get("month") or request.POST.get("month") or timezone.localdate().strftime("%Y-%m")
        try:
            month = datetime.strptime(raw, "%Y-%m").date()
        except ValueError:
            month = timezone.localdate().replace(day=1)
        data = report.build(month)
        if request.GET.get("format") == "csv":
            response = HttpResponse("\ufeff" + report.as_csv(data), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="quality-{data["month"]}.csv"'
            return response
        template = "utility_flows/hv/pdf/report.html"
        if request.method == "POST":
            request_pdf(
                template_name=template,
                context={"report": data, "title": gettext("阳光业扩服务质量月报")},
                doc_type="hv_pushed",
                name=f"阳光业扩服务质量月报-{data['month']}",
                owner_user=request.user,
            )
            messages.success(request, gettext("PDF 正在生成，稍后刷新本页下载"))
            return HttpResponseRedirect(reverse("admin:utility_flows_hvprocess_report") + f"?month={data['month']}")
        renders = PdfRender.objects.filter(template_name=template, owner_user=request.user).order_by("-created_at")[:5]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "report": data,
            "title": gettext("阳光业扩服务质量月报"),
            "renders": list(renders),
        }
        return TemplateResponse(request, "admin/utility_flows/hv_report.html", context)

    def suspend_view(self, request, pk):
        process = self._process(request, pk)
        form = SuspendForm(request.POST)
        if request.method == "POST" and form.is_valid():
            action = hv.resume if process.suspended_at else hv.suspend
            try:
                action(
                    process=process,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    approver=form.cleaned_data["approver"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, gettext("工单已恢复") if process.suspended_at else gettext("工单已暂停"))
                return self._back(process)
        return self._render(request, self._process(request, pk), suspend=form, status=400)

    def visit_view(self, request, pk):
        process = self._process(request, pk)
        form = TransitionForm(request.POST)
        form.is_valid()
        if request.method == "POST" and "expected_visit_at" in form.cleaned_data:
            try:
                hv.set_visit(process=process, by=request.user, expected_visit_at=form.cleaned_data["expected_visit_at"])
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, gettext("已更新预计上门服务时间"))
        return self._back(process)

    def fees_view(self, request, pk):
        process = self._process(request, pk)
        if request.method == "POST":
            try:
                hv.settle_fees(process=process, by=request.user)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, gettext("已确认业务费用结清"))
        return self._back(process)


@admin.register(HVTimeLimit)
class HVTimeLimitAdmin(admin.ModelAdmin):
    """SPEC 4.5: the HV stages' limits in working days, editable by supervisors."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    list_display = ("stage", "working_days", "dual_supply_days", "note")
    list_editable = ("working_days", "dual_supply_days")


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The suspended-and-restarted orders, for supervisors: reasons and approvers."""

    list_display = (
        "process",
        "stage",
        "reason",
        "suspended_by",
        "approver",
        "suspended_at",
        "resumed_at",
        "resume_approver",
        "resume_reason",
    )
    list_filter = ("resumed_at",)
    list_select_related = ("process__order", "suspended_by", "approver", "resume_approver")
