import pytest
from rest_framework.authtoken.models import Token

from portal.audit.services import record, record_access
from tests.audit.conftest import make_events

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/access-log/"


@pytest.fixture
def api(client, customer):
    token = Token.objects.create(user=customer)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


def test_lists_my_events_with_staff_identity_and_masked_ip(api, customer, other_customer, manager):
    record_access(actor=manager, what="查看身份证照片", obj=customer, subject=customer)
    record_access(actor=manager, what="查看身份证照片", obj=other_customer, subject=other_customer)
    make_events(subject=customer, actor=manager, count=1, action="查看证件号码", ip="192.168.3.77")

    body = api.get(URL).json()

    assert body["count"] == 2
    newest, older = body["results"]
    assert newest["action"] == "查看身份证照片"
    assert older["action"] == "查看证件号码"
    assert older["ip"] == "192.168.3.*"
    assert newest["kind"] == "access" and newest["kind_label"] == "查看敏感信息"
    assert f"工号{manager.staff_profile.employee_number}" in newest["actor_label"]
    assert newest["by_me"] is False


def test_others_only_leaves_out_my_own_actions(api, customer, manager):
    record(actor=customer, action="实名认证", obj=customer, subject=customer)
    record_access(actor=manager, what="查看身份证照片", obj=customer, subject=customer)

    everything = api.get(URL).json()["results"]
    others = api.get(URL, {"who": "others"}).json()["results"]

    assert [e["by_me"] for e in everything] == [False, True]
    assert [e["action"] for e in others] == ["查看身份证照片"]


def test_an_unknown_filter_value_is_a_clear_400(api):
    response = api.get(URL, {"who": "everyone"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "who" in response.json()["fields"]


def test_paginated_by_twenty(api, customer, manager):
    make_events(subject=customer, actor=manager, count=25)

    first, second = api.get(URL).json(), api.get(URL, {"page": 2}).json()

    assert first["count"] == 25 and len(first["results"]) == 20 and first["next"]
    assert len(second["results"]) == 5 and second["next"] is None


def test_anonymous_caller_is_refused(client):
    response = client.get(URL)

    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


def test_list_runs_a_fixed_number_of_queries(api, customer, manager, django_assert_max_num_queries):
    make_events(subject=customer, actor=manager, count=10)
    with django_assert_max_num_queries(4) as ten:
        assert api.get(URL).status_code == 200
    make_events(subject=customer, actor=manager, count=190)
    with django_assert_max_num_queries(4) as two_hundred:
        assert api.get(URL).status_code == 200

    assert len(ten.captured_queries) == len(two_hundred.captured_queries)
