"""Slow work of the account area, run by the worker."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db.models import Q

from applications.models import Outage


def outage_watchers(outage: Outage):
    """The users following an account in the outage's area: its street, or any street of its
    district when the notice is for a district."""
    return (
        get_user_model()
        .objects.filter(
            Q(outage_watches__account__region_id=outage.region_id)
            | Q(outage_watches__account__region__parent_id=outage.region_id)
        )
        .distinct()
        .order_by("pk")
    )


@shared_task
def notify_outage_watchers(outage_id: int) -> int:
    """Tell the users who follow an account of the area that an outage notice was published.

    Runs in the worker after the notice is published in the admin."""
    outage = Outage.objects.select_related("region__parent").filter(pk=outage_id).first()
    if outage is None:
        return 0
    count = 0
    for user in outage_watchers(outage).iterator():
        notify_outage_watcher(user, outage)
        count += 1
    return count


def notify_outage_watcher(user, outage: Outage) -> None:
    """One notice to one watcher: in the inbox, and by SMS unless they switched it off."""
    from django.utils import timezone

    from portal.notifications.services import notify

    region = outage.region
    area = f"{region.parent.name}{region.name}" if region.parent_id and region.kind == "street" else region.name
    notify(
        user,
        "outage.published",
        {
            "kind": outage.get_kind_display(),
            "area": area,
            "starts_at": timezone.localtime(outage.starts_at).strftime("%m月%d日 %H:%M"),
            "ends_at": timezone.localtime(outage.ends_at).strftime("%m月%d日 %H:%M"),
            "scope": outage.scope,
            "reason": outage.reason,
        },
    )
