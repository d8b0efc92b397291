"""The REST API of 我的户号 (tag "accounts") and the fixed query counts of the account lists."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from applications.models import AccountBinding, AccountChange
from portal.verification.models import SmsMessage
from tests.conftest import latest_sms_code
from tests.factories import ServiceAccountFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    def _as(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        return client

    return _as


def test_my_accounts_are_listed_with_masked_holder_data(alice, alice_home, api):
    body = api(alice).get("/api/v1/service-accounts/").json()

    assert body["count"] == 1
    item = body["results"][0]
    assert item["number"] == "6301000001" and item["holder_name"] == "张丽"
    assert item["holder_id_masked"] == alice.id_number[:6] + "********" + alice.id_number[-4:]
    assert item["registered_phone_masked"] == "139****5678"
    assert item["area"] == "西宁市城东区八一路街道" and item["capacity_unit"] == "kW"
    assert item["peak_valley_line"] == "已执行峰谷电价，您当前可取消峰谷电"
    assert item["bound_via"] == "holder_id"
    assert alice.id_number not in str(body) and "13912345678" not in str(body)


def test_binding_by_sms_through_the_api(alice, mothers_account, api, django_capture_on_commit_callbacks):
    client = api(alice)

    needs_code = client.post("/api/v1/service-accounts/bind/", {"number": mothers_account.number}, format="json")
    assert needs_code.status_code == 400
    assert needs_code.json()["code"] == "sms_code_required" and "136****" not in needs_code.json()["detail"]

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/api/v1/service-accounts/bind-code/", {"number": mothers_account.number}, format="json")
    assert sent.status_code == 202
    assert sent.json() == {"expires_in": 300, "resend_after": 60}
    assert SmsMessage.objects.get().phone == "13698761234"

    again = client.post("/api/v1/service-accounts/bind-code/", {"number": mothers_account.number}, format="json")
    assert again.status_code == 429 and again.json()["retry_after"] > 0

    wrong = client.post(
        "/api/v1/service-accounts/bind/", {"number": mothers_account.number, "sms_code": "12345x"}, format="json"
    )
    assert wrong.status_code == 400 and "sms_code" in wrong.json()["fields"]

    code = latest_sms_code("13698761234")
    bound = client.post(
        "/api/v1/service-accounts/bind/", {"number": mothers_account.number, "sms_code": code}, format="json"
    )
    assert bound.status_code == 201
    assert bound.json()["number"] == "6301000002" and bound.json()["bound_via"] == "sms"


def test_binding_by_id_match_through_the_api_needs_no_code(alice, street, api):
    account = ServiceAccountFactory(holder=alice, region=street)
    response = api(alice).post("/api/v1/service-accounts/bind/", {"number": account.number}, format="json")
    assert response.status_code == 201 and response.json()["bound_via"] == "holder_id"


def test_an_unknown_number_answers_like_someone_elses(alice, mothers_account, api):
    client = api(alice)
    unknown = client.post("/api/v1/service-accounts/bind/", {"number": "6399999999"}, format="json")
    known = client.post("/api/v1/service-accounts/bind/", {"number": mothers_account.number}, format="json")
    assert unknown.status_code == known.status_code == 400 and unknown.json() == known.json()
    codes = [
        client.post("/api/v1/service-accounts/bind-code/", {"number": n}, format="json")
        for n in ("6399999999", mothers_account.number)
    ]
    assert codes[0].status_code == codes[1].status_code == 202 and codes[0].json() == codes[1].json()


def test_the_detail_gives_the_history_with_scheduled_changes_first(alice, alice_home, api):
    AccountChange.objects.create(
        account=alice_home,
        field="status",
        old_value="normal",
        new_value="paused",
        effective_on=timezone.localdate() - timedelta(days=100),
        applied_at=timezone.now(),
    )
    AccountChange.objects.create(
        account=alice_home,
        field="basic_charge",
        old_value="capacity",
        new_value="demand",
        effective_on=timezone.localdate() + timedelta(days=30),
    )

    body = api(alice).get(f"/api/v1/service-accounts/{alice_home.number}/").json()

    assert [(c["label"], c["old_value"], c["new_value"], c["scheduled"]) for c in body["changes"]] == [
        ("基本电费计费方式", "按容量计费", "按需量计费", True),
        ("状态", "正常", "暂停", False),
    ]


def test_someone_elses_account_is_not_found_in_the_api(bob, alice_home, api):
    client = api(bob)
    assert client.get(f"/api/v1/service-accounts/{alice_home.number}/").status_code == 404
    assert client.get(f"/api/v1/service-accounts/{alice_home.number}/bills/").status_code == 404
    assert client.delete(f"/api/v1/service-accounts/{alice_home.number}/binding/").status_code == 404
    assert client.get("/api/v1/service-accounts/").json()["count"] == 0
    assert AccountBinding.objects.filter(account=alice_home).exists()


def test_unbinding_through_the_api(alice, alice_home, api):
    assert api(alice).delete(f"/api/v1/service-accounts/{alice_home.number}/binding/").status_code == 204
    assert not AccountBinding.objects.exists()


def test_the_api_needs_authentication(alice_home):
    assert APIClient().get("/api/v1/service-accounts/").status_code in (401, 403)


@pytest.mark.parametrize("rows", [10, 200])
def test_my_accounts_page_and_api_run_a_fixed_number_of_queries(street, logged_in, rows, django_assert_max_num_queries):
    user = VerifiedUserFactory()
    accounts = ServiceAccountFactory.create_batch(rows, holder=user, region=street)
    AccountBinding.objects.bulk_create(AccountBinding(user=user, account=a, via="holder_id") for a in accounts)
    client = logged_in(user)
    page = reverse("applications:accounts")
    client.get(page)  # the first request imports the URLconf

    # session, user, my bindings with their accounts and areas, the header's unread count,
    # the session's new expiry (3)
    with django_assert_max_num_queries(7):
        html = client.get(page).content.decode()
    assert html.count('data-testid="account-63') == rows

    # session, user, count, page, the session's new expiry (3)
    with django_assert_max_num_queries(7):
        body = client.get("/api/v1/service-accounts/").json()
    assert body["count"] == rows and len(body["results"]) == min(rows, 20)


def test_the_account_page_runs_a_fixed_number_of_queries(alice, alice_home, logged_in, django_assert_max_num_queries):
    for i in range(30):
        AccountChange.objects.create(
            account=alice_home,
            field="capacity",
            old_value=str(i),
            new_value=str(i + 1),
            effective_on=timezone.localdate() - timedelta(days=i),
            applied_at=timezone.now(),
        )
    client = logged_in(alice)
    url = reverse("applications:account_detail", args=[alice_home.number])
    client.get(url)

    # session, user, the account with its binding, its history, unread count, session expiry (3)
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


def test_the_openapi_schema_documents_the_endpoints_under_their_tags(alice, api):
    schema = api(alice).get("/api/schema/?format=json").json()

    tags = {
        (path, method): operation["tags"]
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }
    assert tags[("/api/v1/service-accounts/", "get")] == ["accounts"]
    assert tags[("/api/v1/service-accounts/bind/", "post")] == ["accounts"]
    assert tags[("/api/v1/service-accounts/bind-code/", "post")] == ["accounts"]
    assert tags[("/api/v1/service-accounts/{number}/binding/", "delete")] == ["accounts"]
    assert tags[("/api/v1/service-accounts/{number}/bills/", "get")] == ["bills"]
    assert tags[("/api/v1/outage-watches/", "post")] == ["outages"]
    assert tags[("/api/v1/outage-watches/code/", "post")] == ["outages"]
    assert tags[("/api/v1/outage-watches/{number}/", "delete")] == ["outages"]
    assert tags[("/api/v1/outages/", "get")] == ["outages"]
    bind = schema["paths"]["/api/v1/service-accounts/bind/"]["post"]
    assert {"201", "400", "429"} <= set(bind["responses"])
    listing = schema["paths"]["/api/v1/service-accounts/"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    assert listing["$ref"].endswith("PaginatedAccountOutputList")
