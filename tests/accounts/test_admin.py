"""The backoffice masks phones and ID numbers; the full ID number is a recorded, permitted step."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.accounts.models import EnterpriseMembership, EnterpriseRelation, LoginAttempt, User
from portal.accounts.roles import Role
from portal.audit.models import AuditEvent, AuditKind
from tests.factories import EnterpriseFactory, StaffFactory, VerifiedUserFactory, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    return VerifiedUserFactory(phone="13812341234", name="周晓梅", id_number=resident_id(501))


def as_staff(*roles) -> tuple[Client, User]:
    staff = StaffFactory(roles=list(roles))
    client = Client()
    client.force_login(staff)
    return client, staff


class TestUserAdmin:
    def test_the_changelist_shows_phone_and_id_number_masked(self, admin_client, customer):
        html = admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()
        assert "138****1234" in html
        assert customer.masked_id_number in html
        assert "13812341234" not in html
        assert customer.id_number not in html

    def test_the_change_page_masks_the_id_number_and_offers_to_reveal_it(self, admin_client, customer):
        html = admin_client.get(reverse("admin:accounts_user_change", args=[customer.pk])).content.decode()
        assert customer.masked_id_number in html and customer.id_number not in html
        assert "查看完整证件号" in html
        assert reverse("admin:accounts_user_id_number", args=[customer.pk]) in html

    def test_revealing_the_full_number_is_confirmed_and_recorded(self, admin_client, admin_user, customer):
        url = reverse("admin:accounts_user_id_number", args=[customer.pk])
        html = admin_client.get(url).content.decode()
        assert customer.id_number not in html and "确认查看" in html
        assert not AuditEvent.objects.filter(kind=AuditKind.ACCESS).exists()

        html = admin_client.post(url).content.decode()
        assert customer.id_number in html
        event = AuditEvent.objects.get(kind=AuditKind.ACCESS)
        assert (event.actor, event.subject, event.action) == (admin_user, customer, "查看完整证件号")

    def test_only_staff_with_the_permission_may_reveal(self, customer):
        url = reverse("admin:accounts_user_id_number", args=[customer.pk])
        supervisor, _ = as_staff(Role.SUPERVISOR)
        assert supervisor.get(reverse("admin:accounts_user_change", args=[customer.pk])).status_code == 200
        assert supervisor.post(url).status_code == 403
        manager, _ = as_staff(Role.ACCOUNT_MANAGER)
        assert customer.id_number in manager.post(url).content.decode()

    def test_search_finds_an_exact_phone_only(self, admin_client, customer):
        changelist = reverse("admin:accounts_user_changelist")
        assert "周晓梅" in admin_client.get(changelist, {"q": "13812341234"}).content.decode()
        assert "周晓梅" not in admin_client.get(changelist, {"q": "1381234"}).content.decode()

    def test_staff_add_a_user_by_phone_and_password(self, admin_client):
        response = admin_client.post(
            reverse("admin:accounts_user_add"),
            {
                "phone": "13700001111",
                "usable_password": "true",
                "password1": "Dianli#2026z",
                "password2": "Dianli#2026z",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert User.objects.get(phone="13700001111").check_password("Dianli#2026z")

    def test_staff_change_a_user_with_a_staff_profile(self, admin_client):
        staff = StaffFactory(phone="13700002222")
        url = reverse("admin:accounts_user_change", args=[staff.pk])
        html = admin_client.get(url).content.decode()
        assert "员工资料" in html and staff.staff_profile.employee_number in html
        profile = staff.staff_profile
        response = admin_client.post(
            url,
            {
                "phone": staff.phone,
                "email": "staff@example.cn",
                "is_active": "on",
                "is_staff": "on",
                "date_joined_0": "2026-01-05",
                "date_joined_1": "08:00:00",
                "staff_profile-TOTAL_FORMS": "1",
                "staff_profile-INITIAL_FORMS": "1",
                "staff_profile-MIN_NUM_FORMS": "0",
                "staff_profile-MAX_NUM_FORMS": "1",
                "staff_profile-0-id": profile.pk,
                "staff_profile-0-user": staff.pk,
                "staff_profile-0-employee_number": profile.employee_number,
                "staff_profile-0-organization": "国网西宁供电公司城北供电中心",
                "staff_profile-0-title": "客户经理",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        staff.refresh_from_db()
        assert staff.email == "staff@example.cn"
        assert staff.staff_profile.organization == "国网西宁供电公司城北供电中心"

    @pytest.mark.parametrize("rows", [10, 200])
    def test_the_changelist_runs_a_fixed_number_of_queries(self, admin_client, rows, django_assert_max_num_queries):
        from django.contrib.auth.models import Group

        manager = Group.objects.get(name=Role.ACCOUNT_MANAGER)
        for user in VerifiedUserFactory.create_batch(rows):
            user.groups.add(manager)
        with django_assert_max_num_queries(10):
            response = admin_client.get(reverse("admin:accounts_user_changelist"))
        assert response.content.decode().count(Role.ACCOUNT_MANAGER) >= min(rows, 100)


class TestEnterpriseAdmin:
    def test_legal_rep_id_is_masked_in_the_list_and_on_the_change_page(self, admin_client):
        enterprise = EnterpriseFactory()
        for url in (
            reverse("admin:accounts_enterprise_changelist"),
            reverse("admin:accounts_enterprise_change", args=[enterprise.pk]),
        ):
            html = admin_client.get(url).content.decode()
            assert enterprise.legal_rep_id_number not in html
            assert enterprise.legal_rep_id_number[:6] + "********" + enterprise.legal_rep_id_number[-4:] in html

    def test_memberships_show_the_user_masked(self, admin_client, customer):
        EnterpriseMembership.objects.create(
            user=customer, enterprise=EnterpriseFactory(), relation=EnterpriseRelation.AGENT
        )
        html = admin_client.get(reverse("admin:accounts_enterprisemembership_changelist")).content.decode()
        assert "138****1234" in html and "13812341234" not in html


class TestLoginAttemptAdmin:
    def test_attempts_are_masked_and_read_only(self, admin_client):
        attempt = LoginAttempt.objects.create(phone="13812341234", ip="10.0.0.1", succeeded=False, method="password")
        for url in (
            reverse("admin:accounts_loginattempt_changelist"),
            reverse("admin:accounts_loginattempt_change", args=[attempt.pk]),
        ):
            html = admin_client.get(url).content.decode()
            assert "138****1234" in html and "13812341234" not in html
        assert admin_client.get(reverse("admin:accounts_loginattempt_add")).status_code == 403
        assert (
            admin_client.post(
                reverse("admin:accounts_loginattempt_delete", args=[attempt.pk]), {"post": "yes"}
            ).status_code
            == 403
        )
