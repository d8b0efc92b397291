"""电量电费: the last 12 months of one of my accounts, as a table, totals and a server-drawn chart."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.accounts.bills import summarize_bills
from applications.models import AccountBinding, Bill
from tests.factories import BillFactory, ServiceAccountFactory

pytestmark = pytest.mark.django_db


def month(back: int) -> date:
    """The first day of the month ``back`` months before this one."""
    day = timezone.localdate().replace(day=1)
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def bills_url(number: str | None = None) -> str:
    url = reverse("applications:bills")
    return f"{url}?account={number}" if number else url


@pytest.fixture
def alice_bills(alice_home):
    """14 months of peak-valley bills; last month's is still due, the one before is overdue."""
    for back in range(1, 15):
        kwh = Decimal(100 + back * 10)
        BillFactory(
            account=alice_home,
            period=month(back),
            kwh=kwh,
            kwh_peak=kwh * Decimal("0.6"),
            kwh_valley=kwh * Decimal("0.4"),
            amount=Decimal(back * 10),
            paid_on=None if back <= 2 else month(back - 1) + timedelta(days=9),
            due_on=timezone.localdate() + timedelta(days=10) if back == 1 else timezone.localdate() - timedelta(days=5),
        )
    return alice_home


def test_the_twelve_months_are_last_month_back_with_totals_and_the_peak_valley_split(alice_bills):
    summary = summarize_bills(account=alice_bills)

    assert [r.period for r in summary.rows] == [month(back) for back in range(12, 0, -1)]
    assert summary.split
    assert summary.total_kwh == sum(Decimal(100 + b * 10) for b in range(1, 13))
    assert summary.total_peak + summary.total_valley == summary.total_kwh
    assert summary.total_amount == sum(Decimal(b * 10) for b in range(1, 13))
    assert summary.unpaid_count == 2 and summary.unpaid_amount == Decimal("30")
    assert [r.state for r in summary.rows[-3:]] == ["paid", "overdue", "due"]
    assert len(summary.bars) == 12


def test_the_bills_page_shows_each_month_with_kwh_split_amount_and_state(alice, alice_bills, logged_in):
    html = logged_in(alice).get(bills_url()).content.decode()

    last = month(1)
    row = re.search(rf'<tr data-testid="bill-{last:%Y-%m}">(.*?)</tr>', html, re.S).group(1)
    assert "110" in row and "66 / 44" in row and "10.00" in row and "待缴" in row
    overdue = re.search(rf'<tr data-testid="bill-{month(2):%Y-%m}">(.*?)</tr>', html, re.S).group(1)
    assert "已逾期" in overdue
    paid = re.search(rf'<tr data-testid="bill-{month(3):%Y-%m}">(.*?)</tr>', html, re.S).group(1)
    assert "已缴" in paid
    assert html.count('<tr data-testid="bill-') == 12
    assert f'data-testid="bill-{month(13):%Y-%m}"' not in html  # older than 12 months
    assert "峰/谷(kWh)" in html
    assert "待缴电费" in html and "30.00 元（2 个月）" in html


def test_the_chart_is_an_accessible_svg_with_twelve_labelled_bars(alice, alice_bills, logged_in):
    html = logged_in(alice).get(bills_url()).content.decode()

    svg = re.search(r"<svg[^>]*data-testid=\"bills-chart\".*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="bills-chart-title bills-chart-desc"' in svg
    assert '<title id="bills-chart-title">户号 6301000001 近12个月用电量' in svg
    desc = re.search(r'<desc id="bills-chart-desc">(.*?)</desc>', svg, re.S).group(1)
    assert f"{last_month_text()}：110 千瓦时（峰 66，谷 44），电费 10.00 元，待缴" in desc
    assert svg.count('data-testid="chart-bar"') == 12
    assert svg.count('class="peak"') == 12 and svg.count('class="valley"') == 12
    assert "<script" not in html.split("</main>")[0].split("<main")[1]
    assert "峰段电量" in html and "谷段电量" in html


def last_month_text() -> str:
    m = month(1)
    return f"{m.year}年{m.month}月"


def test_an_account_without_peak_valley_has_no_split_and_a_month_without_bill_says_so(alice, logged_in, street):
    account = ServiceAccountFactory(holder=alice, region=street, number="6301000040")
    AccountBinding.objects.create(user=alice, account=account, via="holder_id")
    for back in (1, 2, 4):
        BillFactory(account=account, period=month(back), kwh=300)

    html = logged_in(alice).get(bills_url(account.number)).content.decode()

    assert "峰/谷(kWh)" not in html and 'class="peak"' not in html
    assert html.count('class="total"') == 3
    row = re.search(rf'<tr data-testid="bill-{month(3):%Y-%m}">(.*?)</tr>', html, re.S).group(1)
    assert "无账单" in row


def test_choosing_another_of_my_accounts(alice, alice_bills, logged_in, other_street):
    second = ServiceAccountFactory(holder=alice, region=other_street, number="6301000041")
    AccountBinding.objects.create(user=alice, account=second, via="holder_id")
    BillFactory(account=second, period=month(1), kwh=777)

    html = logged_in(alice).get(bills_url(second.number)).content.decode()

    assert "户号 6301000041 近12个月" in html and "777" in html
    assert '<option value="6301000041" selected>' in html
    assert '<option value="6301000001">' in html


def test_someone_elses_account_is_not_found(bob, alice_bills, logged_in):
    assert logged_in(bob).get(bills_url(alice_bills.number)).status_code == 404


def test_without_accounts_the_page_says_to_bind_one(bob, logged_in):
    html = logged_in(bob).get(bills_url()).content.decode()
    assert "您还没有绑定户号" in html and reverse("applications:accounts") in html


@pytest.mark.parametrize("accounts", [10, 200])
def test_the_bills_page_runs_a_fixed_number_of_queries(
    alice, logged_in, street, accounts, django_assert_max_num_queries
):
    made = ServiceAccountFactory.create_batch(accounts, holder=alice, region=street)
    AccountBinding.objects.bulk_create(AccountBinding(user=alice, account=a, via="holder_id") for a in made)
    Bill.objects.bulk_create(
        Bill(account=made[0], period=month(b), kwh=100, amount=40, due_on=month(b) + timedelta(days=40))
        for b in range(1, 25)
    )
    client = logged_in(alice)
    client.get(bills_url(made[0].number))  # the first request imports the URLconf (the catalog's forms read regions)

    # session, user, my accounts, the 12 months of bills, the header's unread count,
    # the session's new expiry (3)
    with django_assert_max_num_queries(8):
        response = client.get(bills_url(made[0].number))
    assert response.status_code == 200


# --- API -----------------------------------------------------------------------------------------


def test_the_bills_api_gives_twelve_months_oldest_first_with_totals(alice, alice_bills, logged_in):
    body = logged_in(alice).get(f"/api/v1/service-accounts/{alice_bills.number}/bills/").json()

    assert body["number"] == "6301000001" and body["peak_valley"] is True
    assert len(body["months"]) == 12
    assert body["months"][-1] == {
        "period": f"{month(1):%Y-%m}",
        "kwh": "110.0",
        "kwh_peak": "66.0",
        "kwh_valley": "44.0",
        "amount": "10.00",
        "due_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "paid_on": None,
        "state": "due",
        "state_display": "待缴",
    }
    assert body["unpaid_count"] == 2 and body["unpaid_amount"] == "30.00"


def test_the_bills_api_of_someone_elses_account_is_not_found(bob, alice_bills, logged_in):
    response = logged_in(bob).get(f"/api/v1/service-accounts/{alice_bills.number}/bills/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
