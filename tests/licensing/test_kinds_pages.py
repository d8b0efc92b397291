"""Every application kind can be started and filled from the pages; the admin switches the
level scheme and lists due and late applications."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from licensing import services
from licensing.models import Kind, Licence, LicenceApplication, LicenceLevel, RuleScheme
from tests.factories import resident_id
from tests.licensing.helpers import (
    fill_everything_but_staff,
    fill_staff_for,
    make_firm,
    start_new,
)


@pytest.fixture
def licensed(db, reviewer):
    firm = make_firm(name="青海宏源电力安装工程有限公司")
    four = LicenceLevel.objects.get(scheme__code="2020", rank=4)
    application = start_new(firm, {"install": four})
    fill_everything_but_staff(application)
    fill_staff_for(firm, four)
    services.submit(application=application, by=application.created_by)
    services.review(application=application, action="pass_formal_review", by=reviewer)
    services.review(application=application, action="approve", by=reviewer)
    Licence.objects.filter(firm=firm).update(expires_on=timezone.localdate() + timedelta(days=90))
    return firm


START = {
    Kind.REGISTRATION_CHANGE: {},
    Kind.LICENCE_CHANGE: {"level_install": "3"},
    Kind.RENEWAL: {},
    Kind.REISSUE: {},
    Kind.CANCELLATION: {},
    Kind.PERSONNEL_CHANGE: {},
    Kind.SPLIT: {"level_install": "4", "related_firm_name": "青海宏源电力检修有限公司"},
    Kind.MERGER: {"level_install": "4", "related_firm_name": "青海小型电力工程队"},
}


@pytest.mark.parametrize("kind", list(START))
def test_every_kind_starts_and_every_tab_opens(client, licensed, kind):
    client.force_login(licensed.enterprise.memberships.first().user)
    assert client.get(f"/licensing/apply/{kind}/").status_code == 200
    data = {
        "nature": "new",
        "submitter_type": "legal_rep",
        "submitter_name": "赵强",
        "submitter_id_number": resident_id(31),
        "route": "ordinary",
        **START[kind],
    }
    if "level_install" in data:
        data["level_install"] = LicenceLevel.objects.get(scheme__code="2020", rank=int(data["level_install"])).pk
    response = client.post(f"/licensing/apply/{kind}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    application = LicenceApplication.objects.get(firm=licensed, kind=kind)
    assert application.licence.number == licensed.licence.number
    tabs = (
        ["basic", "technical", "safety", "tech_staff", "skilled_staff", "achievements", "check"]
        if application.is_full
        else (["personnel", "check"] if kind == Kind.PERSONNEL_CHANGE else ["basic", "check"])
    )
    for tab in tabs:
        assert client.get(f"/licensing/applications/{application.pk}/tab/{tab}/").status_code == 200, tab


def test_registration_change_page_shows_before_and_after(client, licensed):
    user = licensed.enterprise.memberships.first().user
    client.force_login(user)
    client.post("/licensing/apply/registration_change/", {"nature": "new", "submitter_type": "legal_rep"})
    application = LicenceApplication.objects.get(firm=licensed, kind="registration_change")
    client.post(
        f"/licensing/applications/{application.pk}/tab/basic/",
        {
            "name": "青海宏源电力建设集团有限公司",
            "legal_rep_name": "赵强",
            "enterprise_type": "limited_liability",
            "registered_address": licensed.enterprise.registered_address,
        },
    )
    page = client.get(f"/licensing/applications/{application.pk}/tab/basic/").content.decode()
    assert "青海宏源电力安装工程有限公司" in page and "青海宏源电力建设集团有限公司" in page and "变更前" in page


def test_a_second_open_application_of_the_same_kind_is_refused(client, licensed):
    client.force_login(licensed.enterprise.memberships.first().user)
    client.post("/licensing/apply/reissue/", {"nature": "new", "submitter_type": "legal_rep"})
    page = client.post("/licensing/apply/reissue/", {"nature": "new", "submitter_type": "legal_rep"}).content.decode()
    assert "已有一份同类申请正在填报或办理中" in page


def test_a_delegate_needs_the_delegation_attachment(db):
    firm = make_firm()
    application = start_new(
        firm, {"install": LicenceLevel.objects.get(scheme__code="2020", rank=5)}, submitter_type="delegate"
    )
    assert "未上传附件：授权委托书" in services.material_problems(application)


def test_the_admin_switches_the_scheme_and_lists_late_applications(client, db, licensed):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser(phone="13700009999", password="x")
    client.force_login(admin)
    scheme_2025 = RuleScheme.objects.get(code="2025")
    client.post(
        reverse("admin:licensing_rulescheme_changelist"),
        {"action": "make_active", "_selected_action": [scheme_2025.pk]},
    )
    assert RuleScheme.objects.get(is_active=True).code == "2025"
    application = start_new(make_firm(), {"install": LicenceLevel.objects.get(scheme__code="2025", rank=3)})
    fill_everything_but_staff(application)
    fill_staff_for(application.firm, LicenceLevel.objects.get(scheme__code="2025", rank=3))
    application = services.submit(application=application, by=application.created_by)
    LicenceApplication.objects.filter(pk=application.pk).update(step_due_on=timezone.localdate() - timedelta(days=2))
    late = client.get(reverse("admin:licensing_licenceapplication_changelist") + "?queue=late").content.decode()
    assert application.number in late
    due = client.get(reverse("admin:licensing_licenceapplication_changelist") + "?queue=due").content.decode()
    assert application.number not in due


def test_personnel_change_pages_onboard_offboard_and_withdraw(client, licensed):
    from licensing.models import StaffMember

    client.force_login(licensed.enterprise.memberships.first().user)
    client.post("/licensing/apply/personnel_change/", {"submitter_type": "legal_rep"})
    application = LicenceApplication.objects.get(firm=licensed, kind="personnel_change")
    base = f"/licensing/applications/{application.pk}"
    client.post(
        f"{base}/rows/skilled_staff/add/",
        {
            "staff-name": "新电工",
            "staff-id_number": resident_id(444),
            "staff-specialty": "电工",
            "staff-is_hv_electrician": "on",
        },
    )
    newcomer = StaffMember.objects.get(name="新电工")
    assert newcomer.status == "onboarding" and newcomer.change_application == application
    leaving, staying = licensed.staff.filter(kind="technical")[:2]
    client.post(f"{base}/offboard/{leaving.pk}/")
    client.post(f"{base}/offboard/{staying.pk}/")
    client.post(f"{base}/rows/technical_staff/{staying.pk}/delete/")  # 撤回
    statuses = dict(StaffMember.objects.filter(pk__in=[leaving.pk, staying.pk]).values_list("pk", "status"))
    assert statuses == {leaving.pk: "offboarding", staying.pk: "active"}
    page = client.get(f"{base}/tab/personnel/").content.decode()
    assert "入职审批中" in page and "离职审批中" in page
    client.post(f"{base}/submit/")
    application.refresh_from_db()
    assert application.state == "submitted"


def test_staff_rows_are_edited_and_deleted_before_licensing(client, db):
    firm = make_firm()
    application = start_new(firm, {"install": LicenceLevel.objects.get(scheme__code="2020", rank=5)})
    client.force_login(firm.enterprise.memberships.first().user)
    base = f"/licensing/applications/{application.pk}"
    client.post(
        f"{base}/rows/technical_staff/add/",
        {"staff-name": "王工", "staff-id_number": resident_id(445), "staff-title_level": "junior"},
    )
    member = firm.staff.get()
    client.post(
        f"{base}/rows/technical_staff/{member.pk}/",
        {"staff-name": "王工", "staff-id_number": resident_id(445), "staff-title_level": "senior"},
    )
    member.refresh_from_db()
    assert member.title_level == "senior"
    client.post(f"{base}/rows/technical_staff/{member.pk}/delete/")
    assert not firm.staff.exists()
