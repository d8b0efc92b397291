from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.core.masking import mask_name, mask_phone
from portal.signing.models import Signature


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    """Read-only: a signature is what a person drew; nobody edits it afterwards."""

    list_display = ("id", "signer", "created_at", "sha256_short", "image_link")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    search_fields = ("=user__phone", "=sha256")
    fields = ("signer", "created_at", "sha256", "image_link")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("签名人"))
    def signer(self, signature: Signature) -> str:
        return f"{mask_name(signature.user.name) or _('未实名用户')} {mask_phone(signature.user.phone)}"

    @admin.display(description=_("SHA-256"))
    def sha256_short(self, signature: Signature) -> str:
        return f"{signature.sha256[:12]}…"

    @admin.display(description=_("签名图片"))
    def image_link(self, signature: Signature) -> str:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("documents:preview", args=[signature.image_id]),
            _("查看"),
        )
