"""停电信息: add an account number (确认添加) and see the outages of its street and district. A
number bound to the user is added at once; any other takes the code sent to the account's
registered phone, and until then nothing tells whether or where the number exists (issue 7)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.accounts import services
from applications.models import OutageWatch, Region, ServiceAccount
from portal.core.errors import DomainError
from portal.verification.models import Purpose, SmsCode, SmsMessage
from tests.conftest import latest_sms_code
from tests.factories import AccountBindingFactory, EnterpriseFactory, OutageFactory, ServiceAccountFactory

pytestmark = pytest.mark.django_db

now = timezone.now


def outages_url() -> str:
    return reverse("applications:outages")


@pytest.fixture
def district(street):
    return street.parent  # 城东区


@pytest.fixture
def watch_code(django_capture_on_commit_callbacks):
    """Ask for the code to watch a number, as the page's button does; returns the code the
    account's registered phone received."""

    def _code(user, number: str) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            services.request_watch_code(user=user, number=number, ip="10.0.0.1")
        return latest_sms_code(ServiceAccount.objects.get(number=number).registered_phone)

    return _code


@pytest.fixture
def watched(alice, mothers_account, watch_code):
    """Alice follows her mother's account in 八一路街道 (not bound to her), with the code her
    mother's phone received."""
    code = watch_code(alice, mothers_account.number)
    return services.add_outage_watch(user=alice, number=mothers_account.number, sms_code=code)


def watch_bound(user, account):
    """``user`` follows an account bound to them (no code needed)."""
    AccountBindingFactory(user=user, account=account)
    return services.add_outage_watch(user=user, number=account.number)


def plain(html: str, number: str) -> str:
    """A page without its per-response CSRF token and with the typed number blanked out."""
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", html).replace(number, "N")


def test_a_bound_account_is_added_at_once_and_only_its_area_is_shown(alice, alice_home, logged_in):
    response = logged_in(alice).post(outages_url(), {"number": alice_home.number})
    assert response.status_code == 302

    html = logged_in(alice).get(outages_url()).content.decode()
    watch = re.search(r'data-testid="watch-6301000001">(.*?)</li>', html, re.S).group(1)
    assert "西宁市城东区八一路街道" in watch
    assert "八一中路 8 号" not in html and "139****5678" not in html
    assert "已添加户号 6301000001" in html
    assert not SmsCode.objects.exists()


def test_an_account_of_which_i_am_the_holder_or_my_enterprise_is_added_at_once(alice, street):
    mine = ServiceAccountFactory(holder=alice, region=street)  # my verified ID, not bound yet
    enterprise = EnterpriseFactory()
    alice.memberships.create(enterprise=enterprise, relation="legal_rep")
    company = ServiceAccountFactory(holder_enterprise=enterprise, region=street)

    assert services.add_outage_watch(user=alice, number=mine.number).account == mine
    assert services.add_outage_watch(user=alice, number=company.number).account == company
    assert not SmsCode.objects.exists()


def test_someone_elses_account_takes_the_code_sent_to_its_registered_phone(
    alice, mothers_account, logged_in, django_capture_on_commit_callbacks
):
    """Issue 7: anyone could add any number and read its street and district off the list."""
    client = logged_in(alice)

    first = client.post(outages_url(), {"number": mothers_account.number, "action": "add"}).content.decode()
    assert "请获取发送至该户号预留手机的验证码" in first
    assert "八一路街道" not in first and "136****1234" not in first
    assert not OutageWatch.objects.exists() and not SmsCode.objects.exists()  # nothing sent unasked

    with django_capture_on_commit_callbacks(execute=True):
        fragment = client.post(reverse("applications:outage_watch_code"), {"number": mothers_account.number})
    fragment = fragment.content.decode()
    assert "验证码已发送至户号预留手机" in fragment and "136****" not in fragment and "八一路" not in fragment
    assert 'data-button="watch-code-btn"' in fragment
    sms = SmsCode.objects.get()
    assert sms.phone == "13698761234" and sms.purpose == Purpose.WATCH_OUTAGE  # her mother's phone, not Alice's
    assert "关注户号停电信息" in SmsMessage.objects.get().text  # the holder reads what the code is for
    code = latest_sms_code("13698761234")

    wrong = client.post(
        outages_url(),
        {"number": mothers_account.number, "sms_code": "000000" if code != "000000" else "111111", "code_step": "1"},
    ).content.decode()
    assert "户号或验证码不正确" in wrong and "八一路街道" not in wrong
    assert f'value="{mothers_account.number}"' in wrong  # what was typed is kept
    assert 'id="field-sms_code"' in wrong.split("户号或验证码不正确")[0]  # the reason sits by the code field

    done = client.post(outages_url(), {"number": mothers_account.number, "sms_code": code, "code_step": "1"})
    assert done.status_code == 302
    html = client.get(outages_url()).content.decode()
    assert "已添加户号 6301000002" in html
    watch = re.search(r'data-testid="watch-6301000002">(.*?)</li>', html, re.S).group(1)
    assert "西宁市城东区八一路街道" in watch  # the area, only now that the code was confirmed
    assert "李秀兰" not in html and "八一中路 12 号" not in html and "136****1234" not in html


def test_an_unknown_number_on_the_page_answers_byte_for_byte_like_an_existing_one(
    alice, mothers_account, street, logged_in
):
    """Issue 7: "户号不存在" for unknown numbers, the area for real ones."""
    closed = ServiceAccountFactory(status="closed", region=street)
    client = logged_in(alice)
    pages = {
        number: client.post(outages_url(), {"number": number, "action": "add"}).content.decode()
        for number in ("6399999999", closed.number, mothers_account.number)
    }
    assert len({plain(html, number) for number, html in pages.items()}) == 1
    assert 'value="6399999999"' in pages["6399999999"] and "户号不存在" not in pages["6399999999"]
    assert "八一路街道" not in pages[mothers_account.number]


def test_the_code_route_answers_alike_for_unknown_closed_and_real_numbers(
    alice, mothers_account, street, logged_in, django_capture_on_commit_callbacks
):
    closed = ServiceAccountFactory(region=street, status="closed")
    numbers = ("6399999999", closed.number, mothers_account.number)
    client = logged_in(alice)
    with django_capture_on_commit_callbacks(execute=True):
        sent = [client.post(reverse("applications:outage_watch_code"), {"number": n}).content for n in numbers]
    assert sent[0] == sent[1] == sent[2]
    assert SmsMessage.objects.count() == 1  # only the real, open account's phone got a text

    refused = [
        plain(client.post(outages_url(), {"number": n, "sms_code": "123456", "code_step": "1"}).content.decode(), n)
        for n in numbers
    ]
    assert refused[0] == refused[1] == refused[2] and "户号或验证码不正确" in refused[0]
    assert not OutageWatch.objects.exists()


@pytest.mark.parametrize(("number", "message"), [("12ab", "户号为10位数字"), ("", "请输入用电户号")])
def test_a_malformed_number_is_a_clear_error_keeping_the_input(alice, logged_in, number, message):
    html = logged_in(alice).post(outages_url(), {"number": number}).content.decode()
    assert message in html
    if number:
        assert f'value="{number}"' in html
    assert not OutageWatch.objects.exists()


def test_a_code_sent_for_binding_does_not_add_a_watch(alice, mothers_account, send_code):
    code = send_code(mothers_account.registered_phone, Purpose.BIND_ACCOUNT)
    with pytest.raises(DomainError, match="户号或验证码不正确"):
        services.add_outage_watch(user=alice, number=mothers_account.number, sms_code=code)
    assert not OutageWatch.objects.exists()


def test_a_code_adds_once(alice, mothers_account, watch_code):
    code = watch_code(alice, mothers_account.number)
    services.add_outage_watch(user=alice, number=mothers_account.number, sms_code=code)
    OutageWatch.objects.all().delete()
    with pytest.raises(DomainError, match="户号或验证码不正确"):
        services.add_outage_watch(user=alice, number=mothers_account.number, sms_code=code)


def test_a_closed_bound_account_or_one_already_added_is_refused(alice, watched, mothers_account, street):
    closed = ServiceAccountFactory(status="closed", region=street)
    AccountBindingFactory(user=alice, account=closed)
    with pytest.raises(DomainError, match="已销户"):
        services.add_outage_watch(user=alice, number=closed.number)
    with pytest.raises(DomainError, match="已在关注列表中"):
        services.add_outage_watch(user=alice, number=mothers_account.number)


def test_no_code_is_sent_for_a_number_added_at_once(alice, alice_home):
    with pytest.raises(DomainError, match="无需验证码"):
        services.request_watch_code(user=alice, number=alice_home.number, ip="10.0.0.1")
    assert not SmsCode.objects.exists()


def test_at_most_twenty_numbers_are_followed(alice, street):
    for account in ServiceAccountFactory.create_batch(20, region=street):
        watch_bound(alice, account)
    with pytest.raises(DomainError, match="最多关注 20 个户号"):
        watch_bound(alice, ServiceAccountFactory(region=street))
    # The full list is told alike for any number typed, real or not.
    for number in ("6399999999", ServiceAccountFactory(region=street).number):
        with pytest.raises(DomainError, match="最多关注 20 个户号"):
            services.add_outage_watch(user=alice, number=number)


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


def test_the_api_adds_lists_and_removes_watches(alice, alice_home, logged_in):
    client = logged_in(alice)

    added = client.post("/api/v1/outage-watches/", {"number": alice_home.number}, content_type="application/json")
    assert added.status_code == 201
    assert added.json()["area"] == "西宁市城东区八一路街道" and "holder_name" not in added.json()

    listed = client.get("/api/v1/outage-watches/").json()
    assert [w["number"] for w in listed["results"]] == ["6301000001"]

    malformed = client.post("/api/v1/outage-watches/", {"number": "12ab"}, content_type="application/json")
    assert malformed.status_code == 400 and malformed.json()["fields"] == {
        "number": ["户号为10位数字，请核对电费单上的户号"]
    }

    assert client.delete("/api/v1/outage-watches/6301000001/").status_code == 204
    assert client.delete("/api/v1/outage-watches/6301000001/").status_code == 404


def test_the_api_answers_byte_for_byte_alike_for_unknown_closed_and_real_numbers(
    alice, mothers_account, street, logged_in, django_capture_on_commit_callbacks
):
    """Issue 7: the API said "户号不存在" for unknown numbers and gave the area of any other."""
    closed = ServiceAccountFactory(status="closed", region=street)
    numbers = ("6399999999", closed.number, mothers_account.number)
    client = logged_in(alice)

    def post(url, body):
        return client.post(url, body, content_type="application/json")

    asked = [post("/api/v1/outage-watches/", {"number": n}) for n in numbers]
    assert {a.status_code for a in asked} == {400} and asked[0].content == asked[1].content == asked[2].content
    assert asked[0].json()["fields"] == {"sms_code": ["请输入发送至户号预留手机的验证码"]}

    with django_capture_on_commit_callbacks(execute=True):
        sent = [post("/api/v1/outage-watches/code/", {"number": n}) for n in numbers]
    assert {s.status_code for s in sent} == {202} and sent[0].content == sent[1].content == sent[2].content
    assert SmsMessage.objects.get().phone == "13698761234"

    refused = [post("/api/v1/outage-watches/", {"number": n, "sms_code": "123456"}) for n in numbers]
    assert refused[0].content == refused[1].content == refused[2].content
    assert refused[0].json()["fields"] == {"sms_code": ["户号或验证码不正确，请核对户号并获取验证码后重试"]}
    assert not OutageWatch.objects.exists()

    code = latest_sms_code("13698761234")
    added = post("/api/v1/outage-watches/", {"number": mothers_account.number, "sms_code": code})
    assert added.status_code == 201 and added.json()["area"] == "西宁市城东区八一路街道"


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

    watch_bound(bob, ServiceAccountFactory(region=other_street))

    assert list(outage_watchers(OutageFactory(region=street))) == [alice]
    assert list(outage_watchers(OutageFactory(region=district))) == [alice]
    assert list(outage_watchers(OutageFactory(region=other_street.parent))) == [bob]
    assert notify_outage_watchers(OutageFactory(region=district).pk) == 1
