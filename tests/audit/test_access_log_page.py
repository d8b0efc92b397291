import re

import pytest
from django.urls import reverse

from portal.audit.services import record, record_access
from tests.audit.conftest import make_events

pytestmark = pytest.mark.django_db

URL = reverse("audit:my_access_log")


def _entries(response) -> list[str]:
    html = response.content.decode()
    block = html.split('data-testid="access-log"', 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", li)).strip() for li in block.split("<li>")[1:]]


def test_customer_sees_which_staff_member_looked_at_their_id_photo_and_from_where(client, customer, manager):
    record_access(actor=manager, what="查看身份证照片", obj=customer, subject=customer)
    from portal.audit.models import AuditEvent

    # The service took the IP from the request context; give this one a known address.
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=manager,
                actor_label="王海涛（国网西宁供电公司城东供电中心 工号QH000123）",
                action="查看证件号码",
                subject=customer,
                ip="172.16.8.201",
                kind="access",
            )
        ]
    )
    client.force_login(customer)

    response = client.get(URL)

    assert response.status_code == 200
    entries = _entries(response)
    assert len(entries) == 2
    newest = entries[0]
    assert "王海涛（国网西宁供电公司城东供电中心 工号QH000123）" in newest
    assert "查看证件号码" in newest
    assert "172.16.8.*" in newest
    assert "172.16.8.201" not in response.content.decode()
    assert f"工号{manager.staff_profile.employee_number}" in entries[1]
    assert "查看身份证照片" in entries[1]


def test_other_peoples_records_are_not_shown(client, customer, other_customer, manager):
    record_access(actor=manager, what="查看身份证照片", obj=other_customer, subject=other_customer)
    record(actor=manager, action="修改户名", obj=other_customer, subject=other_customer)
    client.force_login(customer)

    response = client.get(URL)

    assert "暂无记录" in response.content.decode()
    assert "查看身份证照片" not in response.content.decode()
    assert "修改户名" not in response.content.decode()


def test_filter_others_only_hides_what_i_did_myself(client, customer, manager):
    record(actor=customer, action="实名认证", obj=customer, subject=customer)
    record_access(actor=manager, what="查看身份证照片", obj=customer, subject=customer)
    record(actor=None, action="自动核验证件有效期", obj=customer, subject=customer)
    client.force_login(customer)

    everything = _entries(client.get(URL))
    others = _entries(client.get(URL, {"who": "others"}))

    assert len(everything) == 3
    assert any(e.startswith("本人") and "实名认证" in e for e in everything)
    assert len(others) == 2
    assert not any("实名认证" in e for e in others)
    assert any(e.startswith("系统") for e in others)
    assert any("查看身份证照片" in e for e in others)


def test_newest_first_and_paginated_by_twenty_keeping_the_filter(client, customer, manager):
    make_events(subject=customer, actor=manager, count=25)
    client.force_login(customer)

    first = client.get(URL, {"who": "others"})
    second = client.get(URL, {"who": "others", "page": 2})

    first_entries, second_entries = _entries(first), _entries(second)
    assert len(first_entries) == 20 and len(second_entries) == 5
    assert "第24号材料" in first_entries[0]
    assert "第0号材料" in second_entries[-1]
    html = first.content.decode()
    assert "第 1 / 2 页" in html
    assert "?who=others&amp;page=2" in html


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ["", "others"])
def test_page_runs_a_fixed_number_of_queries(client, customer, manager, django_assert_max_num_queries, who):
    client.force_login(customer)
    make_events(subject=customer, actor=manager, count=10)
    with django_assert_max_num_queries(8) as ten:
        assert client.get(URL, {"who": who}).status_code == 200
    make_events(subject=customer, actor=manager, count=190)
    with django_assert_max_num_queries(8) as two_hundred:
        assert client.get(URL, {"who": who}).status_code == 200

    assert len(ten.captured_queries) == len(two_hundred.captured_queries)
