"""The utility side of the HV e-assistant in the backoffice: the process list (with the stage
now due, who acts and by when) and a processing page whose buttons are the machine's utility
transitions the staff member may run now. Every button calls a service in
``utility_flows.hv.services``; nothing is edited directly."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.core.admin import ReadOnlyAdminMixin
from portal.core.errors import DomainError
from portal.core.workdays import WorkCalendar
from utility_flows.hv import selectors
from utility_flows.hv.chat import chat_open
from utility_flows.hv import services as hv
from utility_flows.hv.clock import due_on
from utility_flows.hv.models import STAGES, HVProcess, HVStage, Side
from utility_flows.models import may_handle


class TransitionForm(forms.Form):
    transition = forms.CharField(widget=forms.HiddenInput)
    expected_stage = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("说明 / 整改意见"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    expected_visit_at = forms.DateTimeField(label=_("预计上门服务时间"), required=False,
                                            widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                       format="%Y-%m-%dT%H:%M"),
                                            input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])


class NotNeededForm(forms.Form):
    design = forms.BooleanField(label=_("无需设计文件审查（第8–10环节）"), required=False)
    mid = forms.BooleanField(label=_("无需中间检查（第11–13环节）"), required=False)
    reason = forms.CharField(label=_("原因"), max_length=500, required=False)


@admin.register(HVProcess)
class HVProcessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("order", "customer", "stage_label", "next_stage", "due", "assignee")
    list_filter = ("stage",)
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

    @admin.display(description=_("时限"))
    def due(self, obj):
        return due_on(obj, getattr(self, "_calendar", None)) or "—"

    @admin.display(description=_("客户经理"))
    def assignee(self, obj):
        return obj.order.assignee.name if obj.order.assignee else "—"

    def get_queryset(self, request):
        self._calendar = WorkCalendar.around()
        return super().get_queryset(request)

    def get_urls(self):
        return [
            path("<int:pk>/transition/", self.admin_site.admin_view(self.transition_view),
                 name="utility_flows_hvprocess_transition"),
            path("<int:pk>/not-needed/", self.admin_site.admin_view(self.not_needed_view),
                 name="utility_flows_hvprocess_not_needed"),
            path("<int:pk>/fees/", self.admin_site.admin_view(self.fees_view), name="utility_flows_hvprocess_fees"),
        ] + super().get_urls()

    def _process(self, request, pk) -> HVProcess:
        process = HVProcess.objects.select_related(
            "order__application__enterprise", "order__customer", "order__assignee__staff_profile",
        ).filter(pk=pk).first()
        if process is None or not (may_handle(request.user, process.order.business) or request.user.is_superuser):
            raise Http404
        return process

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            pk = int(object_id)
        except (TypeError, ValueError):
            raise Http404 from None
        return self._render(request, self._process(request, pk))

    def _render(self, request, process, *, form=None, not_needed=None, status=200):
        order = process.order
        full = selectors.hv_order_for(user=order.customer, pk=order.pk)
        rows = selectors.timeline(full, table=selectors.table())
        transitions = hv.available(process, request.user, side=Side.UTILITY)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts, "title": f"{order.number} {order.business.name}",
            "process": process, "order": order, "rows": rows, "now": selectors.now_row(rows),
            "transitions": transitions, "form": form or TransitionForm(initial={"expected_stage": process.stage}),
            "not_needed": not_needed or NotNeededForm(),
            "documents": list(full.hv.documents.all()),
            "submissions": list(full.hv.submissions.all()),
            "bookings": list(full.hv.bookings.all()),
            "log": list(full.hv.log.all()),
            "can_mark": process.number < 11,
            "chat_open": chat_open(process),
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
                    hv.take(process=process, by=request.user, expected_visit_at=data["expected_visit_at"],
                            expected_stage=data["expected_stage"])
                elif data["transition"] in ("accept_contract_scan", "refuse_contract_scan"):
                    hv.review_contract_scan(process=process, by=request.user,
                                            accept=data["transition"] == "accept_contract_scan",
                                            reason=data["reason"], expected_stage=data["expected_stage"])
                else:
                    hv.advance(process=process, transition=data["transition"], by=request.user,
                               reason=data["reason"], expected_stage=data["expected_stage"])
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields and exc.field != "transition" else None,
                               exc.message)
            else:
                messages.success(request, gettext("工单 %(number)s：%(label)s") % {
                    "number": process.order.number, "label": process.log.order_by("-id").first().label})
                return self._back(process)
        return self._render(request, self._process(request, pk), form=form, status=400)

    def not_needed_view(self, request, pk):
        process = self._process(request, pk)
        form = NotNeededForm(request.POST)
        if request.method == "POST" and form.is_valid():
            try:
                hv.mark_not_needed(process=process, by=request.user, design=form.cleaned_data["design"],
                                   mid=form.cleaned_data["mid"], reason=form.cleaned_data["reason"])
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, gettext("已标记无需办理的环节"))
                return self._back(process)
        return self._render(request, self._process(request, pk), not_needed=form, status=400)

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


