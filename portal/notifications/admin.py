from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.core.masking import mask_phone
from portal.notifications import services
from portal.notifications.models import Notification, OutboxMessage
from portal.notifications.registry import event_choices


class EventFilter(admin.SimpleListFilter):
    title = _("事件")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        return event_choices()

    def queryset(self, request, queryset):
        if self.value():
            field = "event" if queryset.model is Notification else "notification__event"
            return queryset.filter(**{field: self.value()})
        return queryset


class ReadFilter(admin.SimpleListFilter):
    title = _("阅读状态")
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("no", _("未读")), ("yes", _("已读"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(read_at__isnull=self.value() == "no")
        return queryset


class ReadOnlyAdmin(admin.ModelAdmin):
    """What was sent is a record: staff look at it (and resend), they do not rewrite it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OutboxInline(admin.TabularInline):
    model = OutboxMessage
    fields = ["channel", "masked_recipient", "status", "attempts", "last_error", "sent_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("接收方"))
    def masked_recipient(self, obj):
        return obj.masked_recipient


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user_phone", "user_name", "event_display", "title", "read_display"]
    list_filter = [EventFilter, ReadFilter]
    list_select_related = ["user"]
    # Exact phone only: staff look a customer up by the number they were told, not by digits.
    search_fields = ["=user__phone", "title"]
    date_hierarchy = "created_at"
    fields = ["user_phone", "user_name", "event_display", "title", "body", "link", "created_at", "read_at"]
    readonly_fields = fields
    inlines = [OutboxInline]

    @admin.display(description=_("手机号码"), ordering="user__phone")
    def user_phone(self, obj):
        return mask_phone(obj.user.phone)

    @admin.display(description=_("姓名"))
    def user_name(self, obj):
        return obj.user.name

    @admin.display(description=_("事件"), ordering="event")
    def event_display(self, obj):
        return obj.event_label

    @admin.display(description=_("已读"), boolean=True, ordering="read_at")
    def read_display(self, obj):
        return obj.is_read


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "channel",
        "masked_recipient",
        "notification_title",
        "status",
        "attempts",
        "short_error",
        "sent_at",
    ]
    list_filter = ["status", "channel", EventFilter]
    list_select_related = ["notification"]
    search_fields = ["=notification__user__phone"]
    actions = ["resend"]
    fields = [
        "notification",
        "channel",
        "masked_recipient",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("接收方"))
    def masked_recipient(self, obj):
        return obj.masked_recipient

    @admin.display(description=_("标题"))
    def notification_title(self, obj):
        return obj.notification.title

    @admin.display(description=_("最近一次错误"))
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.action(description=_("重新发送"), permissions=["resend"])
    def resend(self, request, queryset):
        total = queryset.count()
        n = services.requeue_failed(messages=queryset, by=request.user)
        if n:
            self.message_user(
                request, ngettext("已重新排队发送 %(n)s 条", "已重新排队发送 %(n)s 条", n) % {"n": n}, messages.SUCCESS
            )
        if total - n:
            self.message_user(
                request,
                _("%(n)s 条不是“发送失败”状态，已跳过（待发送的仍在途中，已发送的不会重复发送）") % {"n": total - n},
                messages.WARNING,
            )

    def has_resend_permission(self, request) -> bool:
        # Resending changes the row's state; the form itself stays read-only for everyone.
        return request.user.has_perm("notifications.change_outboxmessage")
