from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from portal.accounts.roles import Role
from portal.audit.models import AuditEvent, AuditKind
from portal.audit.services import record, record_access
from tests.audit.conftest import make_events
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:audit_auditevent_changelist")


@pytest.fixture
def superuser(db):
    return StaffFactory(name="系统管理员", is_superuser=True)


@pytest.fixture
def supervisor(db):
    return StaffFactory(name="刘振华", roles=[Role.SUPERVISOR])


@pytest.fixture
def event(customer, manager):
    return record(
        actor=manager,
        action="修改联系电话",
        obj=customer,
        subject=customer,
        changes={"phone": ["13812345678", "15987654321"]},
    )


def test_superuser_can_read_the_trail_but_not_add_change_or_delete(client, superuser, event):
    client.force_login(superuser)

    changelist = client.get(CHANGELIST)
    html = changelist.content.decode()
    assert changelist.status_code == 200
    assert "修改联系电话" in html
    assert event.actor_label in html
    assert reverse("admin:audit_auditevent_add") not in html
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    change_url = reverse("admin:audit_auditevent_change", args=[event.pk])
    assert client.post(change_url, {"action": "已篡改"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "修改联系电话"


def test_no_bulk_delete_action_is_offered_or_honoured(client, superuser, event):
    client.force_login(superuser)

    html = client.get(CHANGELIST).content.decode()
    assert "delete_selected" not in html
    assert 'name="_selected_action"' not in html

    client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_detail_page_is_read_only_and_shows_masked_changes(client, superuser, event):
    client.force_login(superuser)

    html = client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).content.decode()

    assert 'name="_save"' not in html
    assert "138****5678 → 159****4321" in html
    assert "13812345678" not in html


def test_supervisor_may_read_the_trail_and_an_account_manager_may_not(client, supervisor, manager, event):
    client.force_login(supervisor)
    assert "修改联系电话" in client.get(CHANGELIST).content.decode()

    client.force_login(manager)
    assert not manager.groups.filter(permissions__codename="view_auditevent").exists()
    assert client.get(CHANGELIST).status_code == 403
    assert Group.objects.get(name=Role.SUPERVISOR) in supervisor.groups.all()


def test_filter_by_kind_and_by_date_and_search_by_object_id(client, superuser, customer, other_customer, manager):
    record(actor=manager, action="修改户名", obj=customer, subject=customer)
    record_access(actor=manager, what="查看身份证照片", obj=other_customer, subject=other_customer)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                at=timezone.now() - timedelta(days=40),
                kind=AuditKind.SECURITY,
                actor_label="系统",
                action="多次登录失败",
            )
        ]
    )
    client.force_login(superuser)

    by_kind = client.get(CHANGELIST, {"kind__exact": "access"}).content.decode()
    assert "查看身份证照片" in by_kind and "修改户名" not in by_kind

    # The parameters the "过去7天" link of the date filter carries.
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    recent = client.get(
        CHANGELIST, {"at__gte": str(today - timedelta(days=7)), "at__lt": str(today + timedelta(days=1))}
    )
    assert "多次登录失败" not in recent.content.decode() and "修改户名" in recent.content.decode()

    found = client.get(CHANGELIST, {"q": str(other_customer.pk)}).content.decode()
    assert "查看身份证照片" in found and "修改户名" not in found


def test_changelist_runs_a_fixed_number_of_queries(client, superuser, customer, manager, django_assert_max_num_queries):
    client.force_login(superuser)
    make_events(subject=customer, actor=manager, count=10)
    with django_assert_max_num_queries(10) as ten:
        assert client.get(CHANGELIST).status_code == 200
    make_events(subject=customer, actor=manager, count=190)
    with django_assert_max_num_queries(10) as two_hundred:
        assert client.get(CHANGELIST).status_code == 200

    assert len(ten.captured_queries) == len(two_hundred.captured_queries)
