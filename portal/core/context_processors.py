from django.conf import settings
from django.utils.functional import SimpleLazyObject


def _unread_count(request) -> int:
    from portal.notifications.selectors import unread_count

    return unread_count(user=request.user)


def portal(request):
    """What the base layout needs on every page. The unread count is lazy: one query, and only
    on pages that show the header."""
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    return {
        "PORTAL_NAME": "网上供电营业厅",
        "DEBUG_SMS_PAGE": settings.DEBUG and settings.SMS_BACKEND.endswith("DatabaseBackend"),
        "unread_notifications": SimpleLazyObject(lambda: _unread_count(request)) if authenticated else 0,
    }
