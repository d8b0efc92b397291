from dataclasses import dataclass

from django.db.models import QuerySet

from portal.notifications.models import Notification, NotificationPreference
from portal.notifications.registry import SWITCHABLE_CHANNELS, EventKind, all_events


def unread_count(*, user) -> int:
    """Unread notifications of ``user``: the header badge. One query on a partial index."""
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def inbox(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    """``user``'s notifications, newest first. Nothing else is joined: a row carries its own text."""
    qs = Notification.objects.filter(user=user).order_by("-created_at", "-id")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


@dataclass
class PreferenceRow:
    kind: EventKind
    enabled: dict[str, bool]  # channel → on, for the switchable channels


def preference_matrix(*, user) -> list[PreferenceRow]:
    """Every registered event with the channels ``user`` gets it on (their choice or the
    default). One query whatever the number of events."""
    chosen = {
        (event, channel): enabled
        for event, channel, enabled in NotificationPreference.objects.filter(user=user).values_list(
            "event", "channel", "enabled"
        )
    }
    return [
        PreferenceRow(
            kind=kind,
            enabled={c: chosen.get((kind.code, c), kind.default_enabled(c)) for c in SWITCHABLE_CHANNELS},
        )
        for kind in all_events()
    ]
