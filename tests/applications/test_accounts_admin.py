"""The registry in the backoffice: masked changelists, fixed queries, staff edits written to the
account's history, outage notices published by supervisors."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import AccountBinding, AccountChange, Outage, Region
from portal.accounts.roles import Role
from portal.audit.models import AuditEvent
from tests.factories import BillFactory, ServiceAccountFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    return StaffFactory(roles=[Role.ACCOUNT_MANAGER])


@pytest.fixture
def supervisor(db):
    return StaffFactory(roles=[Role.SUPERVISOR])


def test_the_account_changelist_masks_holder_ids_and_phones(client, manager, alice_home, alice):
    client.force_login(manager)

    html = client.get(reverse("admin:applications_serviceaccount_changelist")).content.decode()

    assert "6301000001" in html and "张丽" in html
    assert alice.id_number not in html and "13912345678" not in html
    assert alice.id_number[:6] + "********" + alice.id_number[-4:] in html
    assert "139****5678" in html
    assert "城东区八一路街道" in html and "8.0 kW" in html


def test_the_binding_and_watch_changelists_mask_the_users_phone(client, manager, alice_home, alice):
    client.force_login(manager)
    html = client.get(reverse("admin:applications_accountbinding_changelist")).content.decode()
    assert "13912345678" not in html and "139****5678" in html


def test_filters_by_status_voltage_usage_and_district(client, manager, street, other_street):
    ServiceAccountFactory(number="6303000001", region=street, status="paused")
    ServiceAccountFactory(number="6303000002", region=other_street, voltage="380V")
    client.force_login(manager)
    url = reverse("admin:applications_serviceaccount_changelist")

    assert "6303000002" not in client.get(url, {"status": "paused"}).content.decode()
    assert "6303000001" not in client.get(url, {"voltage": "380V"}).content.decode()
    by_district = client.get(url, {"district": str(other_street.parent_id)}).content.decode()
    assert "6303000002" in by_district and "6303000001" not in by_district
    assert "6303000001" in client.get(url, {"q": "6303000001"}).content.decode()


@pytest.mark.parametrize("rows", [10, 200])
def test_the_changelists_run_a_fixed_number_of_queries(client, manager, street, rows, django_assert_max_num_queries):
    accounts = ServiceAccountFactory.create_batch(rows, region=street)
    for account in accounts[:rows]:
        BillFactory(account=account)
    client.force_login(manager)
    for name in ("serviceaccount", "bill"):
        url = reverse(f"admin:applications_{name}_changelist")
        client.get(url)
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200


def test_opening_an_account_in_the_admin_is_recorded_as_an_access(client, manager, alice_home):
    client.force_login(manager)
    html = client.get(reverse("admin:applications_serviceaccount_change", args=[alice_home.pk])).content.decode()
    assert "13912345678" in html  # staff see the full data on the form...
    event = AuditEvent.objects.get(action="查看户号户主证件号码")  # ...and that is recorded
    assert event.actor == manager and event.kind == "access"


def test_an_account_manager_cannot_edit_an_account(client, manager, alice_home):
    client.force_login(manager)
    response = client.post(
        reverse("admin:applications_serviceaccount_change", args=[alice_home.pk]), {"capacity": "99"}
    )
    assert response.status_code == 403


def test_a_staff_edit_goes_into_the_account_history(client, alice_home):
    admin_user = StaffFactory(is_superuser=True)
    client.force_login(admin_user)
    url = reverse("admin:applications_serviceaccount_change", args=[alice_home.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "capacity": "12.0",
            "region": str(alice_home.region_id),
            "opened_on": alice_home.opened_on.isoformat(),
            "peak_valley": "on",
            "changes-TOTAL_FORMS": "0",
            "changes-INITIAL_FORMS": "0",
            "bindings-TOTAL_FORMS": "1",
            "bindings-INITIAL_FORMS": "1",
            "bindings-0-id": str(AccountBinding.objects.get().pk),
            "bindings-0-account": str(alice_home.pk),
        }
    )
    data.pop("holder_enterprise", None)

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    change = AccountChange.objects.get(account=alice_home)
    assert (change.field, change.old_value, change.new_value, change.changed_by) == (
        "capacity",
        "8.0",
        "12.0",
        admin_user,
    )
    assert AuditEvent.objects.filter(action="修改用电户号", object_id=str(alice_home.pk)).exists()


def test_a_supervisor_publishes_an_outage_for_a_district(client, supervisor):
    client.force_login(supervisor)
    district = Region.objects.get(code="630102")
    start = timezone.localtime() + timedelta(days=7)

    response = client.post(
        reverse("admin:applications_outage_add"),
        {
            "region": str(district.pk),
            "kind": "planned",
            "starts_at_0": f"{start:%Y-%m-%d}",
            "starts_at_1": "08:00:00",
            "ends_at_0": f"{start:%Y-%m-%d}",
            "ends_at_1": "18:00:00",
            "scope": "城东区全境 10 千伏线路",
            "reason": "春季检修",
            "published_at_0": f"{timezone.localdate():%Y-%m-%d}",
            "published_at_1": "00:00:00",
        },
    )

    assert response.status_code == 302
    assert Outage.objects.get().region == district
    assert AuditEvent.objects.filter(action="发布停电信息", actor=supervisor).exists()


def test_an_outage_ending_before_it_starts_is_refused(client, supervisor, street):
    client.force_login(supervisor)
    day = f"{timezone.localdate() + timedelta(days=3):%Y-%m-%d}"
    html = client.post(
        reverse("admin:applications_outage_add"),
        {
            "region": str(street.pk),
            "kind": "planned",
            "starts_at_0": day,
            "starts_at_1": "18:00:00",
            "ends_at_0": day,
            "ends_at_1": "08:00:00",
            "scope": "x",
            "reason": "y",
            "published_at_0": day,
            "published_at_1": "00:00:00",
        },
    ).content.decode()
    assert "预计恢复时间应晚于开始时间" in html
    assert not Outage.objects.exists()


def test_account_managers_cannot_publish_outages_and_nobody_edits_the_history(client, manager, supervisor):
    client.force_login(manager)
    assert client.get(reverse("admin:applications_outage_add")).status_code == 403
    client.force_login(supervisor)
    assert client.get(reverse("admin:applications_accountchange_add")).status_code == 403
