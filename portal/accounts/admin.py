"""The backoffice's view of people and enterprises. Phones and ID numbers are masked in every
list and on every change page; the full ID number is one deliberate, recorded step away."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from portal.accounts.models import (
    Enterprise,
    EnterpriseMembership,
    LoginAttempt,
    MembershipRequest,
    MembershipRequestStatus,
    StaffProfile,
    User,
)
from portal.audit.services import record_access
from portal.core.admin import ReadOnlyAdminMixin
from portal.core.errors import DomainError
from portal.core.masking import mask_id_number, mask_phone


class PortalUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("phone",)
        field_classes: dict = {}


class PortalUserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes: dict = {}


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    extra = 0
    max_num = 1


class RealNameFilter(admin.SimpleListFilter):
    title = _("实名认证")
    parameter_name = "real_name"

    def lookups(self, request, model_admin):
        return [("yes", _("已认证")), ("no", _("未认证"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(real_name_verified_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(real_name_verified_at__isnull=True)
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    list_display = (
        "masked_phone_col",
        "name",
        "real_name_col",
        "masked_id_col",
        "is_staff",
        "groups_col",
        "date_joined",
    )
    list_display_links = ("masked_phone_col", "name")
    list_filter = (RealNameFilter, "is_staff", "is_superuser", "is_active", "groups")
    # Exact phone only: a partial search would let anyone enumerate numbers digit by digit.
    search_fields = ("=phone", "name")
    search_help_text = _("输入完整的11位手机号码，或姓名")
    ordering = ("-date_joined",)
    inlines = [StaffProfileInline]
    readonly_fields = ("name", "id_type", "id_number_col", "real_name_verified_at", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("phone", "password")}),
        (
            _("实名信息"),
            {
                "fields": ("name", "id_type", "id_number_col", "real_name_verified_at"),
                "description": _("实名信息由用户本人认证，后台不可修改。"),
            },
        ),
        (_("联系方式"), {"fields": ("email",)}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("phone", "usable_password", "password1", "password2")}),)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    @admin.display(description=_("手机号码"), ordering="phone")
    def masked_phone_col(self, obj: User) -> str:
        return mask_phone(obj.phone)

    @admin.display(description=_("实名认证"), boolean=True, ordering="real_name_verified_at")
    def real_name_col(self, obj: User) -> bool:
        return obj.is_real_name_verified

    @admin.display(description=_("证件号码"))
    def masked_id_col(self, obj: User) -> str:
        return mask_id_number(obj.id_number) or "-"

    @admin.display(description=_("角色"))
    def groups_col(self, obj: User) -> str:
        return "、".join(g.name for g in obj.groups.all()) or "-"

    @admin.display(description=_("证件号码"))
    def id_number_col(self, obj: User) -> str:
        if not obj.pk or not obj.id_number:
            return "-"
        url = reverse("admin:accounts_user_id_number", args=[obj.pk])
        return format_html(
            '<span data-testid="masked-id-number">{}</span> <a class="button" href="{}">{}</a>',
            mask_id_number(obj.id_number),
            url,
            _("查看完整证件号"),
        )

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/id-number/",
                self.admin_site.admin_view(self.id_number_view),
                name="accounts_user_id_number",
            ),
        ]
        return urls + super().get_urls()

    def id_number_view(self, request, object_id):
        """GET asks to confirm; POST shows the full number and records the read in the
        customer's data-access log. (``admin_view`` makes it never cached.)"""
        person = self.get_object(request, unquote(object_id))
        if person is None:
            raise Http404
        if not (self.has_view_permission(request, person) and request.user.has_perm("accounts.view_full_id_number")):
            raise PermissionDenied
        revealed = None
        if request.method == "POST":
            record_access(actor=request.user, what=gettext_noop("查看完整证件号"), obj=person, subject=person)
            revealed = person.id_number
        context = {
            **self.admin_site.each_context(request),
            "title": _("查看完整证件号"),
            "opts": self.opts,
            "original": person,
            "masked": mask_id_number(person.id_number),
            "revealed": revealed,
            "change_url": reverse("admin:accounts_user_change", args=[person.pk]),
        }
        return TemplateResponse(request, "accounts/admin/id_number.html", context)


class MembershipInline(admin.TabularInline):
    model = EnterpriseMembership
    extra = 0
    fields = ("user", "relation", "power_of_attorney", "created_at")
    readonly_fields = ("user", "relation", "power_of_attorney", "created_at")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "power_of_attorney__doc_type")


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "credit_code",
        "credit_code_check_passed",
        "enterprise_type",
        "legal_rep_name",
        "masked_legal_rep_id",
        "created_at",
    )
    list_filter = ("enterprise_type", "credit_code_check_passed")
    search_fields = ("name", "=credit_code")
    date_hierarchy = "created_at"
    inlines = [MembershipInline]
    raw_id_fields = ("created_by",)

    def get_fields(self, request, obj=None):
        fields = [
            "name",
            "credit_code",
            "credit_code_check_passed",
            "enterprise_type",
            "legal_rep_name",
            "legal_rep_id_type",
            "legal_rep_id_number",
            "registered_address",
            "created_by",
        ]
        if obj is not None:
            # On an existing enterprise the number is shown masked and not edited here.
            fields[fields.index("legal_rep_id_number")] = "masked_legal_rep_id"
            fields.append("created_at")
        return fields

    def get_readonly_fields(self, request, obj=None):
        return ("masked_legal_rep_id", "created_by", "created_at") if obj is not None else ()

    @admin.display(description=_("法定代表人证件号码"))
    def masked_legal_rep_id(self, obj: Enterprise) -> str:
        return mask_id_number(obj.legal_rep_id_number)


@admin.register(EnterpriseMembership)
class EnterpriseMembershipAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "user", "relation", "has_power_of_attorney", "created_at")
    list_select_related = ("enterprise", "user")
    list_filter = ("relation",)
    search_fields = ("enterprise__name", "=enterprise__credit_code", "=user__phone")
    raw_id_fields = ("user", "enterprise", "power_of_attorney")
    readonly_fields = ("created_at",)

    def has_add_permission(self, request):
        # An agent is bound only through a reviewed request (企业绑定申请), audited and shown to
        # the enterprise; a membership typed in here would skip all of that (issue 7).
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("授权委托书"), boolean=True)
    def has_power_of_attorney(self, obj: EnterpriseMembership) -> bool:
        return obj.power_of_attorney_id is not None


@admin.register(MembershipRequest)
class MembershipRequestAdmin(admin.ModelAdmin):
    """Staff review an agent's power of attorney here (the only route for an enterprise nobody
    is bound to yet). Approving or refusing goes through the same service as the portal page."""

    list_display = (
        "enterprise",
        "requester",
        "status",
        "power_of_attorney_link",
        "created_at",
        "decided_by",
        "decided_at",
    )
    list_select_related = ("enterprise", "user", "decided_by", "power_of_attorney")
    list_filter = ("status",)
    search_fields = ("enterprise__name", "=enterprise__credit_code", "=user__phone")
    search_help_text = _("输入企业名称、完整的统一社会信用代码或申请人完整手机号码")
    date_hierarchy = "created_at"
    fields = (
        "enterprise",
        "requester",
        "power_of_attorney_link",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
        "reason",
    )
    readonly_fields = (
        "enterprise",
        "requester",
        "power_of_attorney_link",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
        "reason",
    )
    actions = ["approve", "refuse"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("申请人"))
    def requester(self, obj: MembershipRequest) -> str:
        return str(obj.user)

    @admin.display(description=_("授权委托书"))
    def power_of_attorney_link(self, obj: MembershipRequest) -> str:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("documents:download", args=[obj.power_of_attorney_id]),
            _("查看"),
        )

    def _decide(self, request, queryset, *, approve: bool) -> None:
        from portal.accounts.services import decide_membership_request

        done = 0
        for item in queryset.filter(status=MembershipRequestStatus.PENDING).select_related("enterprise", "user"):
            try:
                decide_membership_request(
                    membership_request=item,
                    by=request.user,
                    approve=approve,
                    reason="" if approve else str(_("供电公司审核授权委托书未通过")),
                )
            except DomainError as exc:
                self.message_user(request, f"{item}: {exc.message}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, _("已处理%(n)s条申请") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("批准所选申请（已核对授权委托书）"), permissions=["change"])
    def approve(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("拒绝所选申请"), permissions=["change"])
    def refuse(self, request, queryset):
        self._decide(request, queryset, approve=False)


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Records kept by the system: staff look, nobody edits."""


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ReadOnlyAdmin):
    list_display = ("masked_phone", "ip", "succeeded", "method", "at")
    list_filter = ("succeeded", "method")
    search_fields = ("=phone", "=ip")
    search_help_text = _("输入完整的手机号码或IP地址")
    date_hierarchy = "at"
    fields = ("masked_phone", "ip", "succeeded", "method", "at")
    readonly_fields = fields

    @admin.display(description=_("手机号码"), ordering="phone")
    def masked_phone(self, obj: LoginAttempt) -> str:
        return mask_phone(obj.phone)
