"""Backoffice (供电服务管理后台) of the account registry: accounts with their history and
bindings, the CSV import, bills, outage notices (staff publish them), watches, regions, parks.
Phones and ID numbers are masked in every changelist."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from applications.accounts import imports, services
from applications.accounts.selectors import field_label, value_display

# Imported here, not lazily: admin modules load in every process (the worker too), which is how
# Celery learns this task; autodiscovery only looks at applications/tasks.py.
from applications.accounts.tasks import notify_outage_watchers
from applications.models import (
    AccountBinding,
    AccountChange,
    Bill,
    Outage,
    OutageWatch,
    Region,
    ServiceAccount,
    SmallBusinessPark,
)
from portal.audit.services import record, record_access
from portal.core.masking import mask_id_number, mask_phone

IMPORT_PERMISSION = "applications.import_serviceaccount"


class DistrictFilter(admin.SimpleListFilter):
    """区域: the district an account (or a notice) is in, whichever street."""

    title = _("区县")
    parameter_name = "district"
    region_path = "region"

    def lookups(self, request, model_admin):
        return [(str(r.pk), r.name) for r in Region.objects.filter(kind=Region.Kind.DISTRICT).order_by("code")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(
            Q(**{f"{self.region_path}_id": self.value()}) | Q(**{f"{self.region_path}__parent_id": self.value()})
        )


class AccountChangeInline(admin.TabularInline):
    model = AccountChange
    fk_name = "account"
    extra = 0
    can_delete = False
    fields = ["field_name", "old_shown", "new_shown", "effective_on", "applied_at", "changed_by", "reason"]
    readonly_fields = fields
    ordering = ["-effective_on", "-id"]
    verbose_name_plural = _("变更记录")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("account", "changed_by")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("字段"))
    def field_name(self, change):
        return field_label(change.field)

    @admin.display(description=_("原值"))
    def old_shown(self, change):
        return value_display(change.account, change.field, change.old_value)

    @admin.display(description=_("新值"))
    def new_shown(self, change):
        return value_display(change.account, change.field, change.new_value)


class AccountBindingInline(admin.TabularInline):
    model = AccountBinding
    extra = 0
    can_delete = False
    fields = ["user", "via", "created_at"]
    readonly_fields = fields
    verbose_name_plural = _("绑定的用户")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ServiceAccount)
class ServiceAccountAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "holder_name",
        "holder_id_masked",
        "area",
        "voltage",
        "capacity_shown",
        "usage_nature",
        "status",
        "phone_masked",
    ]
    list_filter = ["status", "voltage", "usage_nature", "customer_kind", DistrictFilter]
    search_fields = ["number", "holder_name"]
    list_select_related = ["region__parent"]
    raw_id_fields = ["holder_enterprise"]
    inlines = [AccountChangeInline, AccountBindingInline]
    change_list_template = "admin/applications/serviceaccount/change_list.html"
    fieldsets = [
        (
            _("户主"),
            {
                "fields": [
                    "number",
                    "customer_kind",
                    "holder_name",
                    "holder_id_type",
                    "holder_id_number",
                    "holder_enterprise",
                    "registered_phone",
                ]
            },
        ),
        (_("用电地址"), {"fields": ["region", "address"]}),
        (
            _("用电信息"),
            {
                "fields": [
                    "voltage",
                    "capacity",
                    "usage_nature",
                    "tariff_category",
                    "peak_valley",
                    "basic_charge",
                    "contracted_demand",
                    "status",
                    "paused_capacity",
                    "smart_payment",
                    "balance",
                    "opened_on",
                ]
            },
        ),
        (
            _("增值税信息"),
            {
                "classes": ["collapse"],
                "fields": [
                    "vat_invoice_type",
                    "vat_name",
                    "vat_credit_code",
                    "vat_bank",
                    "vat_bank_account",
                    "vat_address",
                    "vat_phone",
                ],
            },
        ),
    ]

    @admin.display(description=_("证件号码"), ordering="holder_id_number")
    def holder_id_masked(self, account):
        return mask_id_number(account.holder_id_number)

    @admin.display(description=_("预留手机"))
    def phone_masked(self, account):
        return mask_phone(account.registered_phone)

    @admin.display(description=_("所在区域"), ordering="region__code")
    def area(self, account):
        return f"{account.region.parent.name if account.region.parent else ''}{account.region.name}"

    @admin.display(description=_("合同容量"), ordering="capacity")
    def capacity_shown(self, account):
        return f"{account.capacity} {account.capacity_unit}"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            kwargs["queryset"] = Region.objects.filter(kind=Region.Kind.STREET).select_related("parent")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and self.has_view_or_change_permission(request):
            account = self.get_object(request, object_id)
            if account is not None:
                # The form shows the holder's full ID number and phone.
                record_access(actor=request.user, what=gettext_noop("查看户号户主证件号码"), obj=account, subject=None)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        services.save_account_by_staff(
            account=obj, changed_fields=list(form.changed_data) if change else [], by=request.user
        )

    # --- CSV import -------------------------------------------------------------------------------

    def get_urls(self):
        extra = [
            path("import/", self.admin_site.admin_view(self.import_view), name="applications_serviceaccount_import"),
            path(
                "import/template.csv",
                self.admin_site.admin_view(self.import_template),
                name="applications_serviceaccount_import_template",
            ),
        ]
        return extra + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": request.user.has_perm(IMPORT_PERMISSION)}
        return super().changelist_view(request, extra_context)

    def import_template(self, request):
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        response = HttpResponse("\ufeff" + imports.template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="service-accounts-template.csv"'
        return response

    def import_view(self, request):
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > imports.MAX_BYTES:
                form.add_error("file", _("文件超过 5 MB，请分批导入"))
            else:
                result = imports.import_accounts(data=upload.read(), by=request.user, filename=upload.name)
                if result.ok:
                    messages.success(
                        request,
                        _("导入完成：新增 %(created)s 个户号，更新 %(updated)s 个，未变化 %(unchanged)s 个。")
                        % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
                    )
                    for warning in result.warnings:
                        messages.warning(request, str(warning))
                    return redirect("admin:applications_serviceaccount_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("从CSV导入用电户号"),
            "form": form,
            "result": result,
            "columns": imports.COLUMNS,
            "template_url": reverse("admin:applications_serviceaccount_import_template"),
        }
        return TemplateResponse(request, "admin/applications/serviceaccount/import.html", context)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV 文件"), help_text=_("UTF-8 编码（带或不带 BOM），第一行为列名"))


class ScheduledFilter(admin.SimpleListFilter):
    title = _("执行情况")
    parameter_name = "applied"

    def lookups(self, request, model_admin):
        return [("no", _("待生效")), ("yes", _("已生效"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(applied_at=None)
        if self.value() == "yes":
            return queryset.exclude(applied_at=None)
        return queryset


@admin.register(AccountChange)
class AccountChangeAdmin(admin.ModelAdmin):
    """The history is written by services only; staff read it."""

    list_display = [
        "account",
        "field_name",
        "old_shown",
        "new_shown",
        "effective_on",
        "applied_at",
        "changed_by",
        "reason",
    ]
    list_filter = [ScheduledFilter, "field"]
    search_fields = ["account__number"]
    list_select_related = ["account", "changed_by"]
    date_hierarchy = "effective_on"

    @admin.display(description=_("字段"), ordering="field")
    def field_name(self, change):
        return field_label(change.field)

    @admin.display(description=_("原值"))
    def old_shown(self, change):
        return value_display(change.account, change.field, change.old_value)

    @admin.display(description=_("新值"))
    def new_shown(self, change):
        return value_display(change.account, change.field, change.new_value)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccountBinding)
class AccountBindingAdmin(admin.ModelAdmin):
    list_display = ["account", "user", "via", "created_at"]
    list_filter = ["via"]
    search_fields = ["account__number"]
    list_select_related = ["account", "user"]
    raw_id_fields = ["user", "account"]

    def has_change_permission(self, request, obj=None):
        return False  # a binding is made or removed, never edited

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record(
            actor=request.user,
            action=gettext_noop("工作人员绑定户号"),
            obj=obj.account,
            subject=obj.user,
            changes={"binding": ["", obj.get_via_display()]},
        )

    def delete_model(self, request, obj):
        record(
            actor=request.user,
            action=gettext_noop("工作人员解除绑定户号"),
            obj=obj.account,
            subject=obj.user,
            changes={"binding": [obj.get_via_display(), ""]},
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for binding in queryset.select_related("account", "user"):
            self.delete_model(request, binding)


class PaidFilter(admin.SimpleListFilter):
    title = _("缴费情况")
    parameter_name = "paid"

    def lookups(self, request, model_admin):
        return [("yes", _("已缴")), ("no", _("待缴")), ("overdue", _("已逾期"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(paid_on=None)
        if self.value() == "no":
            return queryset.filter(paid_on=None)
        if self.value() == "overdue":
            return queryset.filter(paid_on=None, due_on__lt=timezone.localdate())
        return queryset


@admin.register(Bill)
class BillAdmin(admin.ModelAdmin):
    list_display = ["account", "period_shown", "kwh", "kwh_peak", "kwh_valley", "amount", "due_on", "paid_on"]
    list_filter = [PaidFilter]
    search_fields = ["account__number"]
    list_select_related = ["account"]
    date_hierarchy = "period"
    raw_id_fields = ["account"]

    @admin.display(description=_("账期"), ordering="period")
    def period_shown(self, bill):
        return f"{bill.period:%Y-%m}"


class OutageForm(forms.ModelForm):
    class Meta:
        model = Outage
        fields = ["region", "kind", "starts_at", "ends_at", "scope", "reason", "published_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A notice covers a district (all its streets) or one street.
        self.fields["region"].queryset = (
            Region.objects.filter(kind__in=[Region.Kind.DISTRICT, Region.Kind.STREET])
            .select_related("parent")
            .order_by("code")
        )
        self.fields["region"].label_from_instance = lambda r: (
            f"{r.parent.name if r.parent and r.kind == 'street' else ''}{r.name}"
        )

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("预计恢复时间应晚于开始时间"))
        return data


@admin.register(Outage)
class OutageAdmin(admin.ModelAdmin):
    """停电信息: staff publish notices; customers who added an account number of the street or
    its district see them."""

    form = OutageForm
    list_display = ["area", "kind", "starts_at", "ends_at", "reason", "published_at"]
    list_filter = ["kind", DistrictFilter]
    search_fields = ["reason", "scope", "region__name"]
    list_select_related = ["region__parent"]
    date_hierarchy = "starts_at"

    @admin.display(description=_("停电区域"), ordering="region__code")
    def area(self, outage):
        region = outage.region
        return (
            f"{region.parent.name}{region.name}" if region.kind == Region.Kind.STREET and region.parent else region.name
        )

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record(
                actor=request.user,
                action=gettext_noop("修改停电信息") if change else gettext_noop("发布停电信息"),
                obj=obj,
                changes={k: ["", str(form.cleaned_data[k])] for k in form.changed_data},
            )
            if not change:
                transaction.on_commit(lambda: notify_outage_watchers.delay(obj.pk), robust=True)


@admin.register(OutageWatch)
class OutageWatchAdmin(admin.ModelAdmin):
    list_display = ["account", "user", "created_at"]
    search_fields = ["account__number"]
    list_select_related = ["account", "user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "code"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    ordering = ["code"]


@admin.register(SmallBusinessPark)
class SmallBusinessParkAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    search_fields = ["name"]
    list_select_related = ["region"]
