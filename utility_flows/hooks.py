"""What the steps of a flow do besides moving the state: the hooks its declaration names
(``Transition.hooks``, see ``utility_flows.flows``). Each runs inside the step's transaction,
gets a ``StepContext`` and returns data for the order log (codes and values, rendered by
``utility_flows.models.NOTES``), or ``None``."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_noop

from applications import services as application_services
from applications.models import (
    AccountBinding,
    AccountChange,
    Application,
    ApplicationEvent,
    CustomerKind,
    Identity,
    ServiceAccount,
    UsageNature,
    Voltage,
)
from applications.requirements import merged_answers
from portal.audit.history import write_history
from portal.core.signals import matter_completed
from utility_flows.flows import StepContext
from utility_flows.models import WorkOrder


def _notes(*notes: dict) -> dict:
    return {"notes": [n for n in notes if n]}


# --- hooks -------------------------------------------------------------------------------------------


def apply_account_changes(step: StepContext) -> dict | None:
    """变更户号信息: record the account changes the business makes; those due are applied now."""
    changes = application_services.apply_account_changes(application=step.order.application, by=step.by)
    if not changes:
        return None
    effective_on = changes[0].effective_on
    code = "changes_applied" if effective_on <= timezone.localdate() else "changes_scheduled"
    return _notes({"code": code, "date": effective_on.isoformat()})


def settle_connection_account(step: StepContext) -> dict | None:
    """At the archive of an LV connection: open the new account (立户), or make the account
    changes the business declares, or raise the contracted capacity."""
    order = step.order
    business = order.business
    application = order.application
    if business.is_new_connection:
        account = _open_account(order, step.by)
        return _notes({"code": "account_opened", "number": account.number})
    if business.account_changes is not None:
        application_services.apply_account_changes(application=application, by=step.by)
        return None
    if business.capacity_is_increase and application.service_account_id:
        account = _raise_capacity(order, step.by)
        return _notes({"code": "capacity_changed", "number": account.number, "cap": str(account.capacity)})
    return None


def complete_application(step: StepContext) -> None:
    """The order is archived: the application is completed (办结), its history says so, and
    ``matter_completed`` is sent for the reviews module."""
    by = step.by
    locked = Application.objects.select_for_update().get(pk=step.order.application_id)
    from_state = locked.state
    locked.complete()
    locked.save()
    ApplicationEvent.objects.create(
        application=locked,
        actor=by,
        from_state=from_state,
        to_state=locked.state,
        note=gettext_noop("工单归档，业务办结"),
    )
    order = getattr(locked, "work_order", None)
    assignee = getattr(order, "assignee", None) if order is not None else None
    profile = getattr(assignee, "staff_profile", None) if assignee is not None else None
    matter_completed.send(
        sender=Application,
        matter=locked,
        user=locked.applicant,
        kind="application",
        title=format_lazy("{} {}", locked.business.name, locked.number),
        business=locked.business_code,
        business_label=locked.business.name,
        staff=assignee,
        unit=profile.organization if profile is not None else "",
    )


# --- what they use ---------------------------------------------------------------------------------


def _new_account_number(order: WorkOrder) -> str:
    # Accounts opened here take numbers from their own block (639 + 7 digits from the order id)
    # so they never collide with the marketing system's imported numbers; a number already
    # taken is stepped over.
    candidate = 6390000000 + order.pk % 10_000_000
    while ServiceAccount.objects.filter(number=str(candidate)).exists():
        candidate = 6390000000 + (candidate + 1 - 6390000000) % 10_000_000
    return str(candidate)


def _open_account(order: WorkOrder, by) -> ServiceAccount:
    """立户: the new connection's account, held by the applicant (or their enterprise, or the
    owner an agent acted for), bound to the applicant."""
    application = order.application
    business = order.business
    answers = merged_answers(application)
    applicant = application.applicant
    enterprise = application.enterprise
    if enterprise is not None:
        holder = {
            "holder_name": enterprise.name,
            "holder_id_type": "credit_code",
            "holder_id_number": enterprise.credit_code,
            "holder_enterprise": enterprise,
        }
    elif application.identity == Identity.AGENT and answers.get("owner_name"):
        holder = {
            "holder_name": answers["owner_name"],
            "holder_id_type": answers.get("owner_id_type", ""),
            "holder_id_number": answers.get("owner_id_number", ""),
        }
    else:
        holder = {
            "holder_name": applicant.name,
            "holder_id_type": applicant.id_type,
            "holder_id_number": applicant.id_number,
        }
    kind = business.customer_kind or (CustomerKind.ENTERPRISE if enterprise else CustomerKind.RESIDENT)
    capacity = application.capacity or Decimal(str(answers.get(business.capacity_answer or "capacity") or "0"))
    residential = kind == CustomerKind.RESIDENT
    account = ServiceAccount.objects.create(
        number=_new_account_number(order),
        customer_kind=kind,
        region=application.region,
        address=application.address,
        # A household up to 10 kW is served single-phase; anything larger three-phase.
        voltage=Voltage.V220 if residential and capacity <= 10 else Voltage.V380,
        capacity=capacity,
        usage_nature=UsageNature.RESIDENTIAL if residential else UsageNature.COMMERCIAL,
        tariff_category=gettext_noop("居民生活用电（一户一表）") if residential else gettext_noop("一般工商业用电"),
        # The EV charger's completion page leads to the smart-payment agreement (智能交费签约).
        smart_payment=bool(application.data.get("smart_payment")),
        registered_phone=application.contact_phone or applicant.phone,
        opened_on=timezone.localdate(),
        **holder,
    )
    AccountBinding.objects.get_or_create(
        user=applicant, account=account, defaults={"via": AccountBinding.Via.CONNECTION}
    )
    application.service_account = account
    application.save(update_fields=["service_account", "updated_at"])
    write_history(
        actor=by,
        action=gettext_noop("新装立户"),
        obj=account,
        subject=applicant,
        changes={"number": ["", account.number], "capacity": ["", str(account.capacity)]},
    )
    return account


def _raise_capacity(order: WorkOrder, by) -> ServiceAccount:
    application = order.application
    business = order.business
    account = ServiceAccount.objects.select_for_update().get(pk=application.service_account_id)
    new = business.capacity_requested(merged_answers(application), account)
    if new is None and application.capacity:
        new = account.capacity + application.capacity
    if new is None:
        return account
    old = account.capacity
    now = timezone.now()
    AccountChange.objects.create(
        account=account,
        field="capacity",
        old_value=str(old),
        new_value=str(new),
        effective_on=timezone.localdate(now),
        applied_at=now,
        application=application,
        changed_by=by,
        reason=str(business.name),
    )
    account.capacity = new
    account.save(update_fields=["capacity"])
    write_history(
        actor=by,
        action=gettext_noop("户号信息变更"),
        obj=account,
        subject=application.applicant,
        changes={"capacity": [str(old), str(new)]},
    )
    return account
