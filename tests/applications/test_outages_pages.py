"""停电信息: add an account number (确认添加) and see the outages of its street and district."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.accounts import services
from applications.models import OutageWatch, Region
from portal.core.errors import DomainError
from tests.factories import OutageFactory, ServiceAccountFactory

pytestmark = pytest.mark.django_db

now = timezone.now


def outages_url() -> str:
    return reverse("applications:outages")


@pytest.fixture
def district(street):
    return street.parent  # 城东区


@pytest.fixture
def watched(alice, mothers_account):
    """Alice follows her mother's account in 八一路街道 (not bound to her)."""
    return services.add_outage_watch(user=alice, number=mothers_account.number)


def test_any_open_account_may_be_added_and_only_its_area_is_shown(alice, mothers_account, logged_in):
    response = logged_in(alice).post(outages_url(), {"number": mothers_account.number})
    assert response.status_code == 302

    html = logged_in(alice).get(outages_url()).content.decode()
    watch = re.search(r'data-testid="watch-6301000002">(.*?)</li>', html, re.S).group(1)
    assert "西宁市城东区八一路街道" in watch
    assert "李秀兰" not in html and "八一中路 12 号" not in html and "136****1234" not in html
    assert "已添加户号 6301000002" in html


@pytest.mark.parametrize(
    ("number", "message"),
    [("6399999999", "户号不存在，请核对电费单上的10位户号"), ("12ab", "户号为10位数字"), ("", "请输入用电户号")],
)
def test_a_number_that_does_not_exist_is_a_clear_error_keeping_the_input(alice, logged_in, number, message):
    html = logged_in(alice).post(outages_url(), {"number": number}).content.decode()
    assert message in html
    if number:
        assert f'value="{number}"' in html
    assert not OutageWatch.objects.exists()


def test_a_closed_account_or_one_already_added_is_refused(alice, watched, mothers_account, street):
    closed = ServiceAccountFactory(status="closed", region=street)
    with pytest.raises(DomainError, match="已销户"):
        services.add_outage_watch(user=alice, number=closed.number)
    with pytest.raises(DomainError, match="已在关注列表中"):
        services.add_outage_watch(user=alice, number=mothers_account.number)


def test_at_most_twenty_numbers_are_followed(alice, street):
    for account in ServiceAccountFactory.create_batch(20, region=street):
        services.add_outage_watch(user=alice, number=account.number)
    with pytest.raises(DomainError, match="最多关注 20 个户号"):
        services.add_outage_watch(user=alice, number=ServiceAccountFactory(region=street).number)


def test_outages_of_the_street_and_of_its_district_are_listed_others_not(
    alice, watched, street, district, other_street, logged_in
):
    on_street = OutageFactory(region=street, scope="八一中路 1–99 号", reason="10千伏线路检修")
    on_district = OutageFactory(
        region=district, kind="temporary", scope="城东区全境部分线路", reason="电网设备迎峰度冬改造"
    )
    elsewhere = OutageFactory(region=other_street, scope="胜利路沿线", reason="别处检修")
    other_district_street = OutageFactory(region=Region.objects.get(code="630103001"), reason="城中区检修")

    html = logged_in(alice).get(outages_url()).content.decode()

    assert f'data-testid="outage-{on_street.pk}"' in html and "10千伏线路检修" in html
    assert f'data-testid="outage-{on_district.pk}"' in html and "电网设备迎峰度冬改造" in html
    assert "别处检修" not in html and "城中区检修" not in html
    assert elsewhere.pk and other_district_street.pk
    item = re.search(rf'data-testid="outage-{on_district.pk}">(.*?)</li>', html, re.S).group(1)
    assert "西宁市城东区" in item and "临时停电" in item and "涉及户号" in item and "6301000002" in item


def test_current_and_upcoming_come_first_then_the_last_thirty_days(alice, watched, street, logged_in):
    t = now()
    later = OutageFactory(
        region=street, starts_at=t + timedelta(days=7), ends_at=t + timedelta(days=7, hours=8), reason="下周计划检修"
    )
    soon = OutageFactory(
        region=street, starts_at=t + timedelta(days=1), ends_at=t + timedelta(days=1, hours=8), reason="明天计划检修"
    )
    current = OutageFactory(
        region=street,
        kind="unplanned",
        starts_at=t - timedelta(hours=1),
        ends_at=t + timedelta(hours=2),
        reason="线路故障抢修",
    )
    recent = OutageFactory(
        region=street,
        starts_at=t - timedelta(days=3),
        ends_at=t - timedelta(days=3) + timedelta(hours=6),
        reason="三天前检修",
    )
    older = OutageFactory(
        region=street,
        starts_at=t - timedelta(days=20),
        ends_at=t - timedelta(days=20) + timedelta(hours=6),
        reason="二十天前检修",
    )
    too_old = OutageFactory(
        region=street,
        starts_at=t - timedelta(days=40),
        ends_at=t - timedelta(days=40) + timedelta(hours=6),
        reason="四十天前检修",
    )
    unpublished = OutageFactory(region=street, published_at=t + timedelta(days=1), reason="尚未发布")

    html = logged_in(alice).get(outages_url()).content.decode()

    order = [html.index(o.reason) for o in (current, soon, later, recent, older)]
    assert order == sorted(order)
    assert too_old.reason not in html and unpublished.reason not in html
    current_item = re.search(rf'data-testid="outage-{current.pk}">(.*?)</li>', html, re.S).group(1)
    assert "正在停电" in current_item and "故障停电" in current_item
    past = html.split('id="past-title"')[1]
    assert recent.reason in past and soon.reason not in past


def test_removing_a_watch(alice, watched, logged_in):
    response = logged_in(alice).post(reverse("applications:outage_watch_remove", args=[watched.account.number]))
    assert response.status_code == 302
    assert not OutageWatch.objects.exists()


def test_removing_someone_elses_watch_does_nothing(bob, watched, logged_in):
    html = logged_in(bob).post(reverse("applications:outage_watch_remove", args=[watched.account.number]), follow=True)
    assert "关注列表中没有这个户号" in html.content.decode()
    assert OutageWatch.objects.filter(user=watched.user).exists()


def test_my_bound_accounts_are_offered_for_one_tap_adding(alice, alice_home, logged_in):
    html = logged_in(alice).get(outages_url()).content.decode()
    assert 'data-testid="suggestions"' in html and "+ 6301000001" in html


@pytest.mark.parametrize("rows", [10, 200])
def test_the_outages_page_runs_a_fixed_number_of_queries(
    alice, watched, street, district, logged_in, rows, django_assert_max_num_queries
):
    t = now()
    for i in range(rows):
        OutageFactory(
            region=street if i % 2 else district,
            starts_at=t + timedelta(hours=i - rows // 2),
            ends_at=t + timedelta(hours=i - rows // 2 + 3),
        )
    client = logged_in(alice)
    client.get(outages_url())  # the first request imports the URLconf

    # session, user, watches, outages, bound accounts to suggest, the header's unread count,
    # the session's new expiry (3)
    with django_assert_max_num_queries(9):
        html = client.get(outages_url()).content.decode()
    assert html.count('data-testid="outage-') == rows


# --- API -----------------------------------------------------------------------------------------


def test_the_api_adds_lists_and_removes_watches(alice, mothers_account, logged_in):
    client = logged_in(alice)

    added = client.post("/api/v1/outage-watches/", {"number": mothers_account.number}, content_type="application/json")
    assert added.status_code == 201
    assert added.json()["area"] == "西宁市城东区八一路街道" and "holder_name" not in added.json()

    listed = client.get("/api/v1/outage-watches/").json()
    assert [w["number"] for w in listed["results"]] == ["6301000002"]

    missing = client.post("/api/v1/outage-watches/", {"number": "6399999999"}, content_type="application/json")
    assert missing.status_code == 400
    assert missing.json()["fields"] == {"number": ["户号不存在，请核对电费单上的10位户号"]}

    assert client.delete("/api/v1/outage-watches/6301000002/").status_code == 204
    assert client.delete("/api/v1/outage-watches/6301000002/").status_code == 404


def test_the_api_lists_my_outages_current_first_with_the_numbers_they_touch(
    alice, watched, street, district, logged_in
):
    t = now()
    upcoming = OutageFactory(region=district, starts_at=t + timedelta(days=2), ends_at=t + timedelta(days=2, hours=4))
    current = OutageFactory(
        region=street, kind="unplanned", starts_at=t - timedelta(hours=1), ends_at=t + timedelta(hours=1)
    )

    body = logged_in(alice).get("/api/v1/outages/").json()

    assert [o["id"] for o in body["results"]] == [current.pk, upcoming.pk]
    assert body["results"][0]["phase"] == "current" and body["results"][0]["kind_display"] == "故障停电"
    assert body["results"][1]["area"] == "西宁市城东区" and body["results"][1]["account_numbers"] == ["6301000002"]


def test_someone_else_sees_none_of_my_outages(bob, watched, street, logged_in):
    OutageFactory(region=street)
    assert logged_in(bob).get("/api/v1/outages/").json()["count"] == 0


@pytest.mark.parametrize("rows", [10, 200])
def test_the_outage_api_lists_run_a_fixed_number_of_queries(
    alice, street, logged_in, rows, django_assert_max_num_queries
):
    accounts = ServiceAccountFactory.create_batch(rows, region=street)
    OutageWatch.objects.bulk_create(OutageWatch(user=alice, account=a) for a in accounts)
    OutageFactory.create_batch(rows, region=street)
    client = logged_in(alice)
    client.get("/api/v1/outages/")

    # session, user, watches (or the count), the page, the session's new expiry (3)
    with django_assert_max_num_queries(8):
        outages = client.get("/api/v1/outages/").json()
    with django_assert_max_num_queries(8):
        watches = client.get("/api/v1/outage-watches/").json()
    assert outages["count"] == rows and watches["count"] == rows


def test_the_watchers_of_a_street_or_its_district_are_found_for_a_new_notice(
    alice, bob, watched, street, district, other_street
):
    from applications.accounts.tasks import notify_outage_watchers, outage_watchers

    services.add_outage_watch(user=bob, number=ServiceAccountFactory(region=other_street).number)

    assert list(outage_watchers(OutageFactory(region=street))) == [alice]
    assert list(outage_watchers(OutageFactory(region=district))) == [alice]
    assert list(outage_watchers(OutageFactory(region=other_street.parent))) == [bob]
    assert notify_outage_watchers(OutageFactory(region=district).pk) == 1
