import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from portal.accounts.models import Enterprise, EnterpriseMembership, EnterpriseRelation, StaffProfile, User
from portal.accounts.roles import Role
from portal.accounts.validators import resident_id_problem, uscc_check_passes
from portal.audit.models import AuditEvent
from portal.core.demo import DEMO_PASSWORD, PEOPLE

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _snapshot() -> dict:
    return {
        "users": sorted(
            (
                u.phone,
                u.name,
                u.id_number,
                u.is_staff,
                u.is_superuser,
                u.real_name_verified_at,
                u.password,
                tuple(sorted(g.name for g in u.groups.all())),
            )
            for u in User.objects.prefetch_related("groups")
        ),
        "profiles": sorted(StaffProfile.objects.values_list("user__phone", "employee_number", "organization")),
        "enterprises": sorted(Enterprise.objects.values_list("credit_code", "name", "legal_rep_name")),
        "memberships": sorted(EnterpriseMembership.objects.values_list("user__phone", "enterprise__name", "relation")),
        "audit": sorted(AuditEvent.objects.values_list("actor_label", "action", "subject__phone"), key=repr),
    }


def test_running_twice_gives_the_same_data_without_errors():
    _seed()
    first = _snapshot()
    _seed()

    assert _snapshot() == first
    # Every person of PEOPLE; apps may add their own demo users (licensing: three more firms).
    assert {p.phone for p in PEOPLE} <= {u[0] for u in first["users"]}


def test_every_role_of_the_spec_gets_a_log_in_and_the_table_prints_phones_and_password():
    output = _seed()

    for person in PEOPLE:
        assert person.phone in output
        assert person.name in output
    assert DEMO_PASSWORD in output
    for role in (
        "居民客户",
        "企业法人代表",
        "企业经办人",
        "客户经理",
        "用电检查人员",
        "营销主管",
        "许可审核人员",
        "好差评管理员",
        "承装（修、试）企业联系人",
        "系统管理员",
    ):
        assert role in output
    for role in Role.values:
        group = Group.objects.get(name=role)
        members = list(group.user_set.all())
        assert members, f"nobody has the role {role}"
        assert all(m.is_staff and StaffProfile.objects.filter(user=m).exists() for m in members)
    assert Group.objects.get(name=Role.ACCOUNT_MANAGER).user_set.count() == 2


def test_customers_are_verified_with_valid_resident_ids_and_can_log_in():
    _seed()

    customers = User.objects.filter(phone__in=["18609710001", "18609710002", "18609710003", "18609710004"])
    assert customers.count() == 4
    for user in customers:
        assert user.is_real_name_verified and not user.is_staff
        assert resident_id_problem(user.id_number) is None, user.id_number
        assert user.check_password(DEMO_PASSWORD)
    admin = User.objects.get(phone="18609710000")
    assert admin.is_superuser and admin.is_staff and admin.check_password(DEMO_PASSWORD)


def test_the_enterprise_has_a_valid_credit_code_its_legal_representative_and_an_agent():
    _seed()

    enterprise = Enterprise.objects.get(name="青海昆仑新材料有限公司")  # licensing adds its firms
    assert uscc_check_passes(enterprise.credit_code) and enterprise.credit_code_check_passed
    legal_rep = User.objects.get(phone="18609710002")
    assert (enterprise.legal_rep_name, enterprise.legal_rep_id_number) == (legal_rep.name, legal_rep.id_number)
    relations = dict(enterprise.memberships.values_list("user__phone", "relation"))
    assert relations == {
        "18609710002": EnterpriseRelation.LEGAL_REPRESENTATIVE,
        "18609710003": EnterpriseRelation.AGENT,
    }


def test_the_residents_access_log_shows_the_account_managers_look_at_her_id_photo(client):
    _seed()
    client.force_login(User.objects.get(phone="18609710001"))

    html = client.get(reverse("audit:my_access_log"), {"who": "others"}).content.decode()

    assert "王海涛（国网西宁供电公司城东供电中心 工号QH100201）" in html
    assert "查看身份证照片" in html
    assert "10.63.1.*" in html


def test_an_app_can_add_a_step_that_runs_after_the_people_it_needs(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from portal.core import demo

    demo.discover()  # before copying: the registry outlives this test
    monkeypatch.setattr(demo, "_STEPS", dict(demo._STEPS))
    seen = {}

    @demo.demo_step("bills", after=["service_accounts"])
    def bills(ctx):
        seen["bills"] = list(seen)

    @demo.demo_step("service_accounts", after=["people"])
    def service_accounts(ctx):
        seen["service_accounts"] = ctx.users["resident"].name

    output = _seed()

    assert seen == {"service_accounts": "马晓燕", "bills": ["service_accounts"]}
    assert "18609710001" in output

    @demo.demo_step("orphan", after=["no_such_step"])
    def orphan(ctx):
        pass

    with pytest.raises(ImproperlyConfigured, match="no_such_step"):
        demo.ordered_steps()


def test_the_readme_lists_the_demo_log_ins_that_seed_demo_creates():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")

    assert DEMO_PASSWORD in readme
    for person in PEOPLE:
        assert f"| {person.name} | {person.phone} |" in readme
