"""The demo accounts seed_demo loads: every kind the issue names, 24 months of bills, outages,
idempotent, and bound to the demo users once they exist."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from applications.accounts.selectors import my_outages
from applications.demo import seed_service_accounts
from applications.models import AccountBinding, AccountChange, Bill, Outage, Region, ServiceAccount
from portal.accounts.models import EnterpriseMembership
from portal.accounts.validators import resident_id_problem, uscc_check_passes
from tests.factories import EnterpriseFactory, UserFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db


def last_month() -> date:
    first = timezone.localdate().replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


def test_the_demo_has_every_kind_of_account_with_valid_holder_numbers():
    seed_service_accounts()

    accounts = list(ServiceAccount.objects.select_related("region"))
    assert len(accounts) >= 12
    residential = [a for a in accounts if a.usage_nature == "residential"]
    assert any(a.peak_valley for a in residential) and any(not a.peak_valley for a in residential)
    assert any(a.customer_kind == "individual_business" for a in accounts)
    assert any(a.customer_kind == "enterprise" and not a.is_high_voltage for a in accounts)
    hv_demand = [a for a in accounts if a.voltage == "10kV" and a.basic_charge == "demand"]
    assert hv_demand and hv_demand[0].contracted_demand
    assert {"paused", "reduced", "closed", "normal"} <= {a.status for a in accounts}
    assert len({a.region_id for a in accounts}) >= 6
    for a in accounts:
        if a.holder_id_type == "resident_id":
            assert resident_id_problem(a.holder_id_number) is None, a.number
        else:
            assert uscc_check_passes(a.holder_id_number), a.number


def test_bills_cover_24_months_ending_last_month_with_the_last_ones_due():
    seed_service_accounts()

    home = ServiceAccount.objects.get(number="6301000101")
    bills = list(Bill.objects.filter(account=home).order_by("period"))
    assert len(bills) == 24 and bills[-1].period == last_month()
    assert bills[-1].paid_on is None and all(b.paid_on for b in bills[:-1])
    winter = [b.kwh for b in bills if b.period.month in (12, 1)]
    summer = [b.kwh for b in bills if b.period.month in (6, 7)]
    assert min(winter) > max(summer)  # Xining's heating season
    peak_valley = Bill.objects.filter(account__number="6301000102").order_by("-period")
    assert all(b.kwh_peak + b.kwh_valley == b.kwh for b in peak_valley)
    assert [b.paid_on for b in peak_valley[:2]] == [None, None]
    assert Bill.objects.filter(paid_on=None).count() < Bill.objects.count() / 10


def test_outages_include_next_weeks_plan_a_current_fault_and_a_district_notice():
    seed_service_accounts()
    now = timezone.now()

    assert Outage.objects.filter(
        kind="planned", starts_at__gt=now + timedelta(days=6), starts_at__lt=now + timedelta(days=8)
    ).exists()
    assert Outage.objects.filter(kind="unplanned", starts_at__lte=now, ends_at__gt=now).exists()
    assert Outage.objects.filter(region__kind=Region.Kind.DISTRICT).exists()
    assert Outage.objects.filter(ends_at__lt=now).count() >= 3


def test_running_it_twice_changes_nothing_and_users_are_bound_when_they_exist():
    first = seed_service_accounts()
    resident = VerifiedUserFactory(phone="13900000001", name="王建国")
    legal_rep = VerifiedUserFactory(phone="13900000002", name="赵强")
    agent = UserFactory(phone="13900000003", name="马晓燕")
    enterprise = EnterpriseFactory(name="青海昆仑新材料有限公司")
    EnterpriseMembership.objects.create(user=legal_rep, enterprise=enterprise, relation="legal_rep")
    EnterpriseMembership.objects.create(user=agent, enterprise=enterprise, relation="agent")

    second = seed_service_accounts()
    third = seed_service_accounts()

    assert first["accounts"] == second["accounts"] == ServiceAccount.objects.count()
    assert Bill.objects.count() == first["bills"] and third["bindings"] == 0
    assert Outage.objects.count() == first["outages"] and AccountChange.objects.count() == 8
    home = ServiceAccount.objects.get(number="6301000101")
    assert home.holder_id_number == resident.id_number  # the holder is the demo resident himself
    assert AccountBinding.objects.get(user=resident, account=home).via == "holder_id"
    hv = ServiceAccount.objects.get(number="6301000106")
    assert hv.holder_enterprise == enterprise
    assert AccountBinding.objects.get(user=legal_rep, account=hv).via == "enterprise"
    assert AccountBinding.objects.get(user=agent, account=hv).via == "enterprise"
    assert AccountBinding.objects.filter(user=resident).count() == 5
    watches, outages = my_outages(user=resident)
    assert len(watches) == 3 and outages.exists()
    # Issue 7: a watch shows the account's area, so the demo watches only his own accounts;
    # his mother's 6301000111 stays unwatched and unbound, to show the code step.
    bound = set(AccountBinding.objects.filter(user=resident).values_list("account__number", flat=True))
    assert {w.account.number for w in watches} <= bound and "6301000111" not in bound
    scheduled = AccountChange.objects.get(account=hv, applied_at=None)
    assert scheduled.field == "contracted_demand" and scheduled.effective_on > timezone.localdate()
