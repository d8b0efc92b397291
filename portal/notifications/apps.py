from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "portal.notifications"
    label = "notifications"
    verbose_name = _("消息通知")

    def ready(self) -> None:
        from portal.notifications.events import register_platform_events

        register_platform_events()
