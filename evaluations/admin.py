"""The 好差评 backoffice: QR codes (生成, PNG/SVG download), reviews and their statistics,
rectification cases (核实 → 整改答复) and appeals (申诉 → 主管审核). Every button calls a service."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from evaluations import qr, services, statistics
from evaluations.forms import AppealDecisionForm, AppealForm, CaseReplyForm, CaseVerifyForm
from evaluations.models import (
    Appeal,
    AppealState,
    CaseState,
    QrCode,
    QrKind,
    RectificationCase,
    Review,
    ReviewItem,
    ServicePoint,
)
from portal.accounts.roles import Role
from portal.core.admin import ReadOnlyAdminMixin
from portal.core.errors import DomainError


def sees_all_units(user) -> bool:
    """Review administrators, supervisors and superusers see every unit; others their own."""
    return user.is_superuser or user.groups.filter(name__in=[Role.REVIEW_ADMIN, Role.SUPERVISOR]).exists()


def own_unit(user) -> str:
    profile = getattr(user, "staff_profile", None)
    return profile.organization if profile is not None else ""


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "address")
    search_fields = ("name", "unit")


@admin.register(ReviewItem)
class ReviewItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "kind", "unit", "staff", "completed_at", "reviewed")
    list_select_related = ("staff", "review")
    search_fields = ("title", "unit")
    list_filter = ("kind",)

    @admin.display(description=gettext_lazy("已评价"), boolean=True)
    def reviewed(self, item: ReviewItem) -> bool:
        return hasattr(item, "review")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if sees_all_units(request.user) else qs.filter(unit=own_unit(request.user))


class QrCodeForm(forms.ModelForm):
    class Meta:
        model = QrCode
        fields = ["kind", "service_point", "staff", "item", "is_active"]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == QrKind.VISIT:
            if data.get("item"):
                self.add_error("item", _("一次一评二维码不绑定事项"))
            if not (data.get("service_point") or data.get("staff")):
                self.add_error("service_point", _("一次一评请选择服务网点或工作人员"))
        elif kind == QrKind.MATTER:
            if not data.get("item"):
                self.add_error("item", _("一事一评请选择要评价的事项"))
            if data.get("service_point"):
                self.add_error("service_point", _("一事一评二维码不绑定服务网点"))
        return data


@admin.register(QrCode)
class QrCodeAdmin(admin.ModelAdmin):
    form = QrCodeForm
    list_display = ("__str__", "kind", "unit_name", "generated", "is_active", "created_at")
    list_filter = ("kind", "is_active")
    list_select_related = ("service_point", "staff__staff_profile", "item")
    autocomplete_fields = ("item",)  # matters are many; service points few (a plain list)
    raw_id_fields = ("staff",)
    actions = ["generate_selected"]
    change_form_template = "admin/evaluations/qrcode/change_form.html"

    @admin.display(description=gettext_lazy("责任单位"))
    def unit_name(self, code: QrCode) -> str:
        return code.unit

    @admin.display(description=gettext_lazy("已生成"), boolean=True)
    def generated(self, code: QrCode) -> bool:
        return code.is_generated

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/generate/", wrap(require_POST(self.generate_view)), name="evaluations_qrcode_generate"),
            path("<int:pk>/qr.<str:fmt>", wrap(self.image_view), name="evaluations_qrcode_image"),
        ] + super().get_urls()

    def _code(self, request, pk) -> QrCode:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def generate_view(self, request, pk):
        code = self._code(request, pk)
        if not self.has_change_permission(request, code):
            raise PermissionDenied
        code = services.generate_qr_code(qr_code=code, by=request.user)
        messages.success(request, _("二维码已生成，可下载打印"))
        return HttpResponseRedirect(reverse("admin:evaluations_qrcode_change", args=[code.pk]))

    def image_view(self, request, pk, fmt):
        code = self._code(request, pk)
        if fmt not in ("png", "svg") or not code.is_generated:
            raise PermissionDenied
        url = request.build_absolute_uri(reverse("evaluations:qr_review", kwargs={"token": code.token}))
        body, content_type = qr.render(url, fmt=fmt)
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="review-qr-{code.pk}.{fmt}"'
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        code = self.get_queryset(request).filter(pk=object_id).first()
        if code is not None and code.is_generated:
            url = request.build_absolute_uri(reverse("evaluations:qr_review", kwargs={"token": code.token}))
            extra_context.update(qr_url=url, qr_svg=qr.inline_svg(url))
        extra_context["qr_code"] = code
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=gettext_lazy("生成所选二维码"), permissions=["change"])
    def generate_selected(self, request, queryset):
        done = 0
        for code in queryset:
            if not code.is_generated:
                services.generate_qr_code(qr_code=code, by=request.user)
                done += 1
        messages.success(request, _("已生成 %(n)s 个二维码") % {"n": done})


class CaseInline(admin.StackedInline):
    model = RectificationCase
    fields = ("state", "deadline", "replied_at", "satisfied")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "submitted_at",
        "level_label",
        "title",
        "unit",
        "staff_name",
        "source",
        "phone_masked",
        "excluded_from_stats",
    )
    list_filter = ("level", "source", "excluded_from_stats", "unit")
    list_select_related = ("staff",)
    search_fields = ("title", "unit")
    date_hierarchy = "submitted_at"
    exclude = ("phone",)
    readonly_fields = ("phone_masked",)
    inlines = [CaseInline]
    change_list_template = "admin/evaluations/review/change_list.html"

    @admin.display(description=gettext_lazy("评价"), ordering="level")
    def level_label(self, review: Review) -> str:
        return review.get_level_display()

    @admin.display(description=gettext_lazy("工作人员"))
    def staff_name(self, review: Review) -> str:
        return review.staff.name if review.staff_id else "—"

    @admin.display(description=gettext_lazy("手机号码"))
    def phone_masked(self, review: Review) -> str:
        return review.masked_phone

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if sees_all_units(request.user) else qs.filter(unit=own_unit(request.user))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("statistics/", wrap(self.statistics_view), name="evaluations_review_statistics"),
        ] + super().get_urls()

    def statistics_view(self, request):
        if not (request.user.is_superuser or request.user.has_perm("evaluations.view_review_statistics")):
            raise PermissionDenied
        try:
            months = min(max(int(request.GET.get("months", 12)), 1), 36)
        except ValueError:
            months = 12
        unit = request.GET.get("unit", "")
        report = statistics.build_report(months=months, unit=unit)
        if request.GET.get("format") == "csv":
            return statistics.csv_response(report)
        units = Review.objects.exclude(unit="").order_by("unit").values_list("unit", flat=True).distinct()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("好差评统计"),
            "report": report,
            "months": months,
            "unit": unit,
            "units": list(units),
            "csv_query": request.GET.copy().urlencode(),
        }
        return TemplateResponse(request, "admin/evaluations/review/statistics.html", context)


class LateFilter(admin.SimpleListFilter):
    title = gettext_lazy("期限")
    parameter_name = "late"

    def lookups(self, request, model_admin):
        return [("late", _("已超期")), ("open", _("未办结"))]

    def queryset(self, request, queryset):
        from django.utils import timezone

        if self.value() == "late":
            return queryset.filter(
                Q(overdue_at__isnull=False)
                | Q(state__in=[CaseState.VERIFYING, CaseState.RECTIFYING], deadline__lt=timezone.localdate())
            )
        if self.value() == "open":
            return queryset.exclude(state=CaseState.CLOSED)
        return queryset


@admin.register(RectificationCase)
class RectificationCaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("pk", "title", "level", "unit", "state", "deadline", "late_flag", "satisfied")
    list_display_links = ("pk", "title")
    list_filter = ("state", LateFilter, "unit")
    list_select_related = ("review",)
    search_fields = ("review__title", "unit")

    @admin.display(description=gettext_lazy("评价对象"))
    def title(self, case: RectificationCase) -> str:
        return case.review.title

    @admin.display(description=gettext_lazy("评价"))
    def level(self, case: RectificationCase) -> str:
        return case.review.get_level_display()

    @admin.display(description=gettext_lazy("超期"))
    def late_flag(self, case: RectificationCase) -> str:
        if case.overdue_at or case.is_late:
            return format_html('<strong class="errornote-inline" data-testid="late">{}</strong>', _("已超期"))
        return ""

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("review", "review__staff", "handler")
        if sees_all_units(request.user):
            return qs
        return qs.filter(unit=own_unit(request.user))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/verify/", wrap(require_POST(self.verify_view)), name="evaluations_rectificationcase_verify"),
            path("<int:pk>/reply/", wrap(require_POST(self.reply_view)), name="evaluations_rectificationcase_reply"),
            path("<int:pk>/appeal/", wrap(require_POST(self.appeal_view)), name="evaluations_rectificationcase_appeal"),
        ] + super().get_urls()

    def _case(self, request, pk) -> RectificationCase:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request).select_related("review__appeal"), pk=pk)

    def _may_act(self, request) -> bool:
        return request.user.is_superuser or request.user.has_perm("evaluations.change_rectificationcase")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self._case(request, object_id)
        return self._render(request, case)

    def _render(self, request, case, *, forms_=None, status=200):
        forms_ = forms_ or {}
        appeal = getattr(case.review, "appeal", None)
        may_act = self._may_act(request)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "case": case,
            "review": case.review,
            "title": str(case),
            "appeal": appeal,
            "may_act": may_act,
            "verify_form": forms_.get("verify") or CaseVerifyForm(),
            "reply_form": forms_.get("reply") or CaseReplyForm(),
            "appeal_form": forms_.get("appeal") or AppealForm(),
            "may_appeal": may_act
            and appeal is None
            and case.review.is_bad
            and (request.user.is_superuser or request.user.has_perm("evaluations.add_appeal")),
            "open": case.state in (CaseState.VERIFYING, CaseState.RECTIFYING),
        }
        return TemplateResponse(request, "admin/evaluations/rectificationcase/process.html", context, status=status)

    def _act(self, request, pk, key, form_class, call):
        case = self._case(request, pk)
        if not self._may_act(request):
            raise PermissionDenied
        form = form_class(request.POST)
        if form.is_valid():
            try:
                call(case, form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            else:
                return HttpResponseRedirect(reverse("admin:evaluations_rectificationcase_change", args=[case.pk]))
        return self._render(request, case, forms_={key: form}, status=400)

    def verify_view(self, request, pk):
        def call(case, data):
            services.verify_case(case=case, note=data["verification_note"], by=request.user)
            messages.success(request, _("已记录核实情况"))

        return self._act(request, pk, "verify", CaseVerifyForm, call)

    def reply_view(self, request, pk):
        def call(case, data):
            services.reply_case(case=case, rectification=data["rectification"], reply=data["reply"], by=request.user)
            messages.success(request, _("整改答复已发送给评价人"))

        return self._act(request, pk, "reply", CaseReplyForm, call)

    def appeal_view(self, request, pk):
        def call(case, data):
            services.file_appeal(
                review=case.review, reason=data["reason"], statement=data["statement"], by=request.user
            )
            messages.success(request, _("申诉已提交，等待营销主管审核"))

        return self._act(request, pk, "appeal", AppealForm, call)


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("pk", "title", "reason", "state", "filed_at", "decided_at")
    list_display_links = ("pk", "title")
    list_filter = ("state", "reason")
    list_select_related = ("review", "filed_by", "decided_by")

    @admin.display(description=gettext_lazy("评价对象"))
    def title(self, appeal: Appeal) -> str:
        return appeal.review.title

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if sees_all_units(request.user):
            return qs
        return qs.filter(review__unit=own_unit(request.user))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/decide/", wrap(require_POST(self.decide_view)), name="evaluations_appeal_decide"),
        ] + super().get_urls()

    def _appeal(self, request, pk) -> Appeal:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request).select_related("review__case"), pk=pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._render(request, self._appeal(request, object_id))

    def _render(self, request, appeal, form=None, status=200):
        may_decide = appeal.state == AppealState.PENDING and (
            request.user.is_superuser or request.user.has_perm("evaluations.decide_appeal")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "appeal": appeal,
            "review": appeal.review,
            "title": str(appeal),
            "form": form or AppealDecisionForm(),
            "may_decide": may_decide,
        }
        return TemplateResponse(request, "admin/evaluations/appeal/process.html", context, status=status)

    def decide_view(self, request, pk):
        appeal = self._appeal(request, pk)
        form = AppealDecisionForm(request.POST)
        if form.is_valid():
            try:
                services.decide_appeal(
                    appeal=appeal,
                    upheld=form.cleaned_data["upheld"],
                    note=form.cleaned_data["decision_note"],
                    by=request.user,
                )
            except DomainError as exc:
                if exc.code == "forbidden":
                    raise PermissionDenied from None
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            else:
                messages.success(request, _("申诉审核结果已记录"))
                return HttpResponseRedirect(reverse("admin:evaluations_appeal_change", args=[appeal.pk]))
        return self._render(request, appeal, form=form, status=400)
