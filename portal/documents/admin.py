from django.contrib import admin, messages
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.core.masking import mask_name, mask_phone
from portal.documents.models import Document, DocumentType, PdfRender, PdfRenderStatus
from portal.documents.services import retry_render


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "owner_kind", "sensitive", "reusable", "customer_upload", "default_validity_months")
    list_filter = ("owner_kind", "sensitive", "reusable", "customer_upload")
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        # Code is what business declarations refer to: fixed once the type exists.
        return ("code",) if obj else ()


def masked_owner(document: Document) -> str:
    if document.owner_enterprise_id:
        return document.owner_enterprise.name
    user = document.owner_user
    return f"{mask_name(user.name) or _('未实名用户')} {mask_phone(user.phone)}" if user else "—"


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Read-only: files enter through the upload service and the PDF renderer, and leave only
    through the download view, which checks permission and logs sensitive reads."""

    list_display = ("id", "doc_type", "owner", "size_display", "source", "validity_display", "created_at", "download")
    list_filter = ("source", "doc_type")
    list_select_related = ("doc_type", "owner_user", "owner_enterprise")
    date_hierarchy = "created_at"
    search_fields = ("=id", "=sha256", "owner_enterprise__name", "=owner_user__phone")
    fields = (
        "doc_type",
        "owner",
        "content_type",
        "size_display",
        "sha256",
        "issued_on",
        "expires_on",
        "source",
        "created_at",
        "download",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("所属"))
    def owner(self, document: Document) -> str:
        return masked_owner(document)

    @admin.display(description=_("大小"), ordering="size")
    def size_display(self, document: Document) -> str:
        return filesizeformat(document.size)

    @admin.display(description=_("有效期"), ordering="expires_on")
    def validity_display(self, document: Document) -> str:
        labels = {"permanent": _("长期有效"), "valid": _("有效"), "expiring": _("即将到期"), "expired": _("已过期")}
        label = labels[document.validity]
        return f"{label}（{document.expires_on:%Y-%m-%d}）" if document.expires_on else label

    @admin.display(description=_("文件"))
    def download(self, document: Document) -> str:
        # The same view customers use: permission check and audit of sensitive reads included.
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a> · <a href="{}">{}</a>',
            reverse("documents:preview", args=[document.pk]),
            _("查看"),
            reverse("documents:download", args=[document.pk]),
            _("下载"),
        )


@admin.register(PdfRender)
class PdfRenderAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "template_name", "doc_type", "status", "attempts", "created_at", "finished_at")
    list_filter = ("status", "doc_type")
    list_select_related = ("doc_type",)
    search_fields = ("=id", "name", "template_name")
    readonly_fields = (
        "template_name",
        "context",
        "context_builder",
        "doc_type",
        "owner_user",
        "owner_enterprise",
        "name",
        "on_done",
        "on_done_kwargs",
        "status",
        "document",
        "attempts",
        "last_error",
        "created_at",
        "finished_at",
    )
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("重新生成失败的 PDF"), permissions=["change"])
    def retry(self, request, queryset):
        failed = list(queryset.filter(status=PdfRenderStatus.FAILED))
        for render in failed:
            retry_render(render=render, by=request.user)
        self.message_user(request, _("已重新排队 %(n)s 个 PDF") % {"n": len(failed)}, messages.SUCCESS)
