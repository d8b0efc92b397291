from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from portal.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The trail is evidence: staff may read and search it, nobody (not even a superuser) may
    add, edit or delete a row through the backoffice."""

    list_display = ("at", "kind", "actor_label", "action_label", "object_display", "ip")
    list_filter = ("kind", "at")
    search_fields = ("=object_id",)
    search_help_text = _("按对象编号精确查找")
    # No bulk actions at all: "delete selected" must not even be offered.
    actions = None
    fields = (
        "at",
        "kind",
        "actor_label",
        "action_label",
        "object_type",
        "object_id",
        "object_label",
        "subject_display",
        "ip",
        "changes_display",
    )
    readonly_fields = fields

    @admin.display(description=_("操作"), ordering="action")
    def action_label(self, event: AuditEvent) -> str:
        return event.label

    @admin.display(description=_("对象"))
    def object_display(self, event: AuditEvent) -> str:
        if not event.object_type:
            return event.object_label
        return format_html(
            "{}<br><span style='color:#4f5d6b'>{} #{}</span>", event.object_label, event.object_type, event.object_id
        )

    @admin.display(description=_("数据所属用户"))
    def subject_display(self, event: AuditEvent) -> str:
        return str(event.subject) if event.subject_id else "—"

    @admin.display(description=_("变更前后"))
    def changes_display(self, event: AuditEvent) -> str:
        if not event.changes:
            return "—"
        rows = []
        for field, value in event.changes.items():
            if isinstance(value, (list, tuple)) and len(value) == 2:
                rows.append((field, f"{value[0]} → {value[1]}"))
            else:
                rows.append((field, value))
        return format_html_join("", "<div><strong>{}</strong>：{}</div>", rows)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
