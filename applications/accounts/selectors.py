"""Reads of the account registry, scoped to the user and fetched with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Case, F, Field, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import (
    AccountBinding,
    AccountChange,
    Bill,
    Outage,
    OutageWatch,
    Region,
    ServiceAccount,
)
from portal.core.masking import mask_id_number, mask_phone

OUTAGE_HISTORY_DAYS = 30


def my_bindings(*, user) -> QuerySet[AccountBinding]:
    """The user's bindings with their accounts and areas, by account number."""
    return (
        AccountBinding.objects.filter(user=user)
        .select_related("account__region__parent__parent")
        .order_by("account__number")
    )


def my_account(*, user, number: str) -> ServiceAccount:
    """One account bound to the user, with ``binding`` set; any other number — someone else's
    or none — answers 404."""
    binding = (
        AccountBinding.objects.filter(user=user, account__number=number)
        .select_related("account__region__parent__parent", "account__holder_enterprise")
        .first()
    )
    if binding is None:
        raise Http404
    account = binding.account
    account.binding = binding  # type: ignore[attr-defined]  # read by the page: how the account was bound
    return account


def account_changes(*, account: ServiceAccount) -> list[AccountChange]:
    """The account's history, scheduled changes (not yet applied) first, then newest first, each
    with ``label``, ``old_display`` and ``new_display`` as a customer reads them. One query."""
    changes: list[Any] = list(  # rows that get the three display attributes below
        AccountChange.objects.filter(account=account)
        .annotate(scheduled=Case(When(applied_at=None, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("scheduled", "-effective_on", "-id")
    )
    for change in changes:
        change.label = field_label(change.field)
        change.old_display = value_display(account, change.field, change.old_value)
        change.new_display = value_display(account, change.field, change.new_value)
    return changes


def field_label(field: str) -> str:
    try:
        model_field = ServiceAccount._meta.get_field(field)
    except FieldDoesNotExist:
        return field
    return str(model_field.verbose_name) if isinstance(model_field, Field) else field


_UNITS = {"contracted_demand": "kW"}


def value_display(account: ServiceAccount, field: str, value: str) -> str:
    """A stored change value ("1", "demand", "315.0") as the customer reads it."""
    if value == "":
        return ""
    if field == "holder_id_number":
        return mask_id_number(value)
    if field in ("registered_phone", "vat_phone"):
        return mask_phone(value)
    try:
        model_field = ServiceAccount._meta.get_field(field)
    except FieldDoesNotExist:
        return value
    if not isinstance(model_field, Field):
        return value
    if model_field.get_internal_type() == "BooleanField":
        return str(_("是")) if value in ("1", "True", "true") else str(_("否"))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if field in ("capacity", "paused_capacity"):
        return f"{value} {account.capacity_unit}"
    if field in _UNITS:
        return f"{value} {_UNITS[field]}"
    return value


# --- bills ---------------------------------------------------------------------------------------

MONTHS_SHOWN = 12


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class BillMonth:
    """One month of the 12-month window; ``bill`` is None for a month without a bill."""

    period: date
    bill: Bill | None


def last_twelve_months(*, account: ServiceAccount, today: date | None = None) -> list[BillMonth]:
    """The 12 months ending with last month (or this month once its bill exists), oldest first.
    One query."""
    today = today or timezone.localdate()
    this_month = _month_start(today)
    first = _add_months(this_month, -MONTHS_SHOWN)
    bills = {b.period: b for b in Bill.objects.filter(account=account, period__gte=first, period__lte=this_month)}
    end = this_month if this_month in bills else _add_months(this_month, -1)
    months = [_add_months(end, -i) for i in range(MONTHS_SHOWN - 1, -1, -1)]
    return [BillMonth(period=m, bill=bills.get(m)) for m in months]


# --- outages -------------------------------------------------------------------------------------


def my_watches(*, user) -> QuerySet[OutageWatch]:
    return (
        OutageWatch.objects.filter(user=user)
        .select_related("account__region__parent__parent")
        .order_by("created_at", "id")
    )


class Phase:
    """Where an outage stands now; the order the lists show them in."""

    CURRENT = 0
    UPCOMING = 1
    PAST = 2


def outages_for_regions(region_ids: set[int], *, now: datetime | None = None) -> QuerySet[Outage]:
    """Outages published for these regions: current first, then upcoming (soonest first), then
    those that ended in the last 30 days (latest first)."""
    now = now or timezone.now()
    phase = Case(
        When(starts_at__lte=now, ends_at__gt=now, then=Value(Phase.CURRENT)),
        When(starts_at__gt=now, then=Value(Phase.UPCOMING)),
        default=Value(Phase.PAST),
        output_field=IntegerField(),
    )
    return (
        Outage.objects.filter(
            region_id__in=region_ids, published_at__lte=now, ends_at__gte=now - timedelta(days=OUTAGE_HISTORY_DAYS)
        )
        .select_related("region__parent__parent")
        .annotate(phase=phase)
        .annotate(
            ahead=Case(When(~Q(phase=Phase.PAST), then=F("starts_at"))),
            behind=Case(When(phase=Phase.PAST, then=F("starts_at"))),
        )
        .order_by("phase", F("ahead").asc(nulls_last=True), F("behind").desc(nulls_last=True), "id")
    )


def watched_regions(watches) -> set[int]:
    """The streets of the watched accounts and their districts: an outage published for a
    district covers every street in it."""
    ids: set[int] = set()
    for watch in watches:
        region: Region = watch.account.region
        ids.add(region.pk)
        if region.parent is not None and region.parent.kind == Region.Kind.DISTRICT:
            ids.add(region.parent.pk)
    return ids


def affected_numbers(outage: Outage, watches) -> list[str]:
    """The watched account numbers an outage touches (its street, or its district)."""
    return [w.account.number for w in watches if outage.region_id in (w.account.region_id, w.account.region.parent_id)]


def my_outages(*, user, now: datetime | None = None) -> tuple[list[OutageWatch], QuerySet[Outage]]:
    """The user's watches and the outages of their areas (two queries)."""
    watches = list(my_watches(user=user))
    return watches, outages_for_regions(watched_regions(watches), now=now)


def unwatched_bound_accounts(*, user) -> QuerySet[ServiceAccount]:
    """Bound accounts not yet on the outage list, offered as one-tap additions."""
    return (
        ServiceAccount.objects.filter(bindings__user=user)
        .open()
        .exclude(pk__in=OutageWatch.objects.filter(user=user).values("account_id"))
        .only("number")
        .order_by("number")
    )
