"""SMS codes and messages as the backoffice sees them: read-only, phones masked, no code."""

import re

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.accounts.admin import ReadOnlyAdmin
from portal.core.masking import mask_phone, mask_text
from portal.verification.models import SmsCode, SmsMessage

_CODE_IN_TEXT = re.compile(r"(?<!\d)\d{6}(?!\d)")


@admin.register(SmsCode)
class SmsCodeAdmin(ReadOnlyAdmin):
    list_display = (
        "masked_phone_col",
        "purpose",
        "created_at",
        "expires_at",
        "sent_at",
        "used_at",
        "voided_at",
        "failed_attempts",
        "requester_ip",
    )
    list_filter = ("purpose",)
    search_fields = ("=phone",)
    search_help_text = _("输入完整的11位手机号码")
    date_hierarchy = "created_at"
    # Never the hash: nothing here should help anyone guess a live code.
    fields = (
        "masked_phone_col",
        "purpose",
        "created_at",
        "expires_at",
        "sent_at",
        "used_at",
        "voided_at",
        "failed_attempts",
        "requester_ip",
    )
    readonly_fields = fields

    @admin.display(description=_("手机号码"), ordering="phone")
    def masked_phone_col(self, obj: SmsCode) -> str:
        return mask_phone(obj.phone)


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdmin):
    list_display = ("masked_phone_col", "template", "masked_text", "created_at")
    list_filter = ("template",)
    search_fields = ("=phone",)
    search_help_text = _("输入完整的11位手机号码")
    date_hierarchy = "created_at"
    fields = ("masked_phone_col", "template", "masked_text", "created_at")
    readonly_fields = fields

    @admin.display(description=_("手机号码"), ordering="phone")
    def masked_phone_col(self, obj: SmsMessage) -> str:
        return mask_phone(obj.phone)

    @admin.display(description=_("内容"))
    def masked_text(self, obj: SmsMessage) -> str:
        text = mask_text(obj.text)
        if obj.template == "verification_code":
            text = _CODE_IN_TEXT.sub("******", text)
        return text
