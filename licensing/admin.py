"""Licensing backoffice: the reviewers' queue (形审 → 审查 → 决定) with due / late lists, the
processing page of an application, licences, firms, and the level schemes (data: switch the
active scheme here, no code change)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_fsm import can_proceed

from licensing import selectors, services
from licensing.models import (
    REVIEW_ACTIONS,
    AppState,
    AttachmentRequirement,
    Firm,
    LeadRole,
    Licence,
    LicenceApplication,
    LicenceGrant,
    LicenceLevel,
    ReviewTimeLimit,
    RuleScheme,
    StaffMember,
    may_review,
)
from portal.core.admin import ReadOnlyAdminMixin
from portal.core.errors import DomainError
from portal.core.workdays import add_working_days


class QueueFilter(admin.SimpleListFilter):
    title = _("队列")
    parameter_name = "queue"

    def queues(self):
        today = timezone.localdate()
        soon = add_working_days(today, 2)
        review = Q(state__in=[AppState.SUBMITTED, AppState.IN_REVIEW])
        return {
            "formal": (_("待形式审查"), Q(state=AppState.SUBMITTED)),
            "review": (_("审查中"), Q(state=AppState.IN_REVIEW)),
            "due": (_("即将到期"), review & Q(step_due_on__gte=today, step_due_on__lte=soon)),
            "late": (_("已超期"), review & Q(step_due_on__lt=today)),
            "returned": (_("退回补正"), Q(state=AppState.RETURNED)),
            "decided": (_("已办结"), Q(state__in=[AppState.APPROVED, AppState.REFUSED, AppState.TERMINATED])),
            "all": (_("全部"), ~Q(state__in=[AppState.DRAFT, AppState.ABANDONED])),
        }

    def lookups(self, request, model_admin):
        return [(k, v[0]) for k, v in self.queues().items()]

    def choices(self, changelist):
        for key, label in self.lookup_choices:
            yield {
                "selected": (self.value() or "formal") == key,
                "query_string": changelist.get_query_string({self.parameter_name: key}),
                "display": label,
            }

    def queryset(self, request, queryset):
        queues = self.queues()
        return queryset.filter(queues.get(self.value() or "formal", queues["formal"])[1])


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("审核意见"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


@admin.register(LicenceApplication)
class LicenceApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """许可申请 — the reviewers' queue. Drafts are the firm's own and never listed."""

    list_display = ("number", "firm_name", "kind", "scope", "state", "route", "submitted_at", "step_due_on", "late")
    list_filter = (QueueFilter, "kind", "route")
    search_fields = ("number", "firm__enterprise__name", "firm__enterprise__credit_code")
    list_per_page = 50

    def get_queryset(self, request):
        return selectors.review_queue()

    @admin.display(description=_("企业"), ordering="firm__enterprise__name")
    def firm_name(self, obj):
        return obj.firm.enterprise.name

    @admin.display(description=_("类别与等级"))
    def scope(self, obj):
        return "、".join(str(c) for c in obj.categories.all())

    @admin.display(description=_("超期"), boolean=True)
    def late(self, obj):
        return obj.is_late

    def has_view_permission(self, request, obj=None):
        return may_review(request.user) or super().has_view_permission(request, obj)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/review/<slug:action>/", wrap(require_POST(self.review_view)), name="%s_%s_review" % info)
        ] + super().get_urls()

    def _get(self, request, pk) -> LicenceApplication:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request).exclude(state=AppState.DRAFT), pk=pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            pk = int(object_id)
        except (TypeError, ValueError):
            raise Http404 from None
        return self._render(request, self._get(request, pk))

    def _render(self, request, application, *, form=None, status=200):
        actions = []
        if may_review(request.user):
            for name in REVIEW_ACTIONS:
                method = getattr(application, name)
                if can_proceed(method):
                    custom = method._django_fsm.get_transition(application.state).custom
                    actions.append(
                        {
                            "name": name,
                            "label": custom["label"],
                            "reason_required": custom.get("reason_required", False),
                        }
                    )
        leads = {p.role: p for p in application.leads.prefetch_related("work_history", "training_history")}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{application.get_kind_display()} {application.number or ''}",
            "application": application,
            "firm": application.firm,
            "actions": actions,
            "form": form or ReasonForm(),
            "problems": services.material_problems(application),
            "counts": selectors.staff_counts(application.firm),
            "staff": list(selectors.current_staff(application.firm)),
            "tech_lead": leads.get(LeadRole.TECHNICAL),
            "safety_lead": leads.get(LeadRole.SAFETY),
            "equity": list(application.equity_rows.all()),
            "achievements": list(application.achievements.all()),
            "attachments": list(application.attachments.select_related("requirement", "document")),
            "log": list(application.log.select_related("actor")),
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/licensing/application_process.html", context, status=status)

    def review_view(self, request, pk, action):
        application = self._get(request, pk)
        if action not in REVIEW_ACTIONS:
            raise Http404
        form = ReasonForm(request.POST)
        form.is_valid()
        try:
            application = services.review(
                application=application, action=action, by=request.user, reason=form.cleaned_data.get("reason", "")
            )
        except DomainError as exc:
            form.add_error("reason" if exc.field == "reason" else None, exc.message)
            return self._render(request, application, form=form, status=400)
        messages.success(request, gettext("已办理：%(state)s") % {"state": application.get_state_display()})
        return HttpResponseRedirect(reverse("admin:licensing_licenceapplication_change", args=[application.pk]))


class LicenceGrantInline(admin.TabularInline):
    model = LicenceGrant
    extra = 0


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    list_display = ("number", "holder_name", "status", "issued_on", "expires_on")
    list_filter = ("status",)
    search_fields = ("number", "holder_name")
    inlines = [LicenceGrantInline]
    readonly_fields = ("number", "firm", "issued_on", "expires_on", "document", "reminded_days")
    actions = ["regenerate_pdf"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("firm__enterprise")

    @admin.action(description=_("重新生成电子许可证"))
    def regenerate_pdf(self, request, queryset):
        with transaction.atomic():
            for licence in queryset:
                services.request_licence_pdf(licence=licence)
        self.message_user(request, gettext("已提交生成"), messages.SUCCESS)


@admin.register(Firm)
class FirmAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("enterprise", "contact_name", "region", "created_at")
    search_fields = ("enterprise__name", "enterprise__credit_code")
    list_select_related = ("enterprise",)


@admin.register(StaffMember)
class StaffMemberAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "masked_id_number", "firm", "kind", "title_level", "is_hv_electrician", "status")
    list_filter = ("kind", "status", "is_hv_electrician")
    search_fields = ("name", "id_number", "firm__enterprise__name")
    list_select_related = ("firm__enterprise",)


class LicenceLevelInline(admin.TabularInline):
    model = LicenceLevel
    extra = 0


@admin.register(RuleScheme)
class RuleSchemeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "is_active")
    inlines = [LicenceLevelInline]
    actions = ["make_active"]

    @admin.action(description=_("设为当前执行的标准"))
    def make_active(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, gettext("请只选择一个标准"), messages.ERROR)
            return
        with transaction.atomic():
            RuleScheme.objects.update(is_active=False)
            queryset.update(is_active=True)
        self.message_user(request, gettext("已切换当前执行的标准；新的申请按该标准校验"), messages.SUCCESS)


@admin.register(AttachmentRequirement)
class AttachmentRequirementAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "required", "only_for", "template", "order")


@admin.register(ReviewTimeLimit)
class ReviewTimeLimitAdmin(admin.ModelAdmin):
    """审核时限: the working days of each reviewers' step per route, read by the clocks (the next
    submitted or advanced application gets its due date from here). One row per route and step:
    they are edited, never added or deleted."""

    list_display = ("route", "state", "working_days", "note")
    list_editable = ("working_days",)
    list_display_links = ("route", "state")
    fields = ("route", "state", "working_days", "note")
    readonly_fields = ("route", "state")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
