"""Firm pages and API: own objects only (another firm's ids → 404), the tabs save on their own,
input rules with messages next to the field, fixed query counts for lists."""

import pytest
from django.urls import reverse

from licensing import services
from licensing.models import Achievement, LicenceApplication, LicenceLevel, StaffMember
from portal.accounts.models import Enterprise
from tests.factories import StaffFactory, credit_code, resident_id
from tests.licensing.helpers import add_staff, make_firm, start_new


def lv5():
    return LicenceLevel.objects.get(scheme__code="2020", rank=5)


@pytest.fixture
def two_firms(db):
    mine, theirs = make_firm(), make_firm()
    return mine, theirs, start_new(mine, {"install": lv5()}), start_new(theirs, {"install": lv5()})


def test_another_firms_ids_answer_404_on_pages_and_api(client, two_firms):
    mine, theirs, _app, other = two_firms
    add_staff(theirs, skilled=1)
    other_staff = theirs.staff.first()
    Achievement.objects.create(
        application=other,
        category="install",
        project="x",
        voltage_kv=10,
        client="c",
        completed_on="2024-01-01",
        contract_amount=1,
    )
    other_row = other.achievements.first()
    client.force_login(mine.enterprise.memberships.first().user)
    for url in [
        f"/licensing/applications/{other.pk}/",
        f"/licensing/applications/{other.pk}/tab/basic/",
        f"/licensing/applications/{other.pk}/tab/check/",
        f"/licensing/applications/{other.pk}/rows/achievement/{other_row.pk}/",
        f"/api/v1/licensing/applications/{other.pk}/",
        f"/api/v1/licensing/staff/{other_staff.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        f"/licensing/applications/{other.pk}/submit/",
        f"/licensing/applications/{other.pk}/rows/achievement/{other_row.pk}/delete/",
        f"/licensing/applications/{_app.pk}/rows/skilled_staff/{other_staff.pk}/delete/",
    ]:
        assert client.post(url).status_code == 404, url
    assert Achievement.objects.filter(pk=other_row.pk).exists()
    ids = [a["id"] for a in client.get("/api/v1/licensing/applications/").json()["results"]]
    assert ids == [_app.pk]


def test_firm_registration_warns_on_a_failing_check_character_and_then_accepts_it(client, db):
    user = StaffFactory(is_staff=False)
    client.force_login(user)
    good = credit_code(4711)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    data = {
        "name": "青海新源电力工程有限公司",
        "credit_code": bad,
        "enterprise_type": "limited_liability",
        "legal_rep_name": user.name,  # the legal representative registers the firm
        "legal_rep_id_number": user.id_number,
        "registered_address": "西宁市城中区",
        "contact_name": "孙立",
        "contact_mobile": "13900001111",
        "region": "630100",
    }
    page = client.post("/licensing/register/", data).content.decode()
    assert "校验位与计算结果不符" in page and 'value="青海新源电力工程有限公司"' in page
    response = client.post("/licensing/register/", {**data, "credit_code_confirmed": "on"})
    assert response.status_code == 302
    firm = Enterprise.objects.get(credit_code=bad).licensing_firm
    assert firm.enterprise.credit_code_check_passed is False


def test_someone_who_is_not_the_legal_representative_cannot_register_a_firm_and_become_its_member(client, db):
    """A firm's membership is an enterprise membership (it reaches the enterprise's electricity
    accounts): registering another company's credit code must not make a stranger its member."""
    user = StaffFactory(is_staff=False)
    client.force_login(user)
    code = credit_code(4712)
    data = {
        "name": "青海真实电力有限公司",
        "credit_code": code,
        "enterprise_type": "limited_liability",
        "legal_rep_name": "孙立",
        "legal_rep_id_number": resident_id(12),
        "registered_address": "西宁市城中区",
        "contact_name": user.name,
        "contact_mobile": "13900001111",
        "region": "630100",
    }
    response = client.post("/licensing/register/", data)
    assert response.status_code == 200 and "企业注册须由法定代表人本人办理" in response.content.decode()
    assert not Enterprise.objects.filter(credit_code=code).exists()
    assert not user.memberships.exists()


def test_an_unverified_user_is_sent_to_real_name_verification_first(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/licensing/register/")
    assert response.status_code == 302 and response["Location"].startswith(
        "/accounts/real-name/?next=/licensing/register/"
    )


def test_firm_edit_shows_the_registration_read_only_and_changes_contacts_only(client, db):
    firm = make_firm(name="青海宏源电力安装工程有限公司")
    client.force_login(firm.enterprise.memberships.first().user)
    page = client.get("/licensing/firm/").content.decode()
    assert "不可在此修改" in page and "登记事项变更" in page
    client.post(
        "/licensing/firm/",
        {
            "contact_name": "杨志强",
            "contact_mobile": "13900002222",
            "legal_rep_name": "别人",
            "enterprise_type": "other",
        },
    )
    firm.refresh_from_db()
    firm.enterprise.refresh_from_db()
    assert firm.contact_name == "杨志强" and firm.enterprise.legal_rep_name == "赵强"


def test_the_referee_phone_must_be_a_mobile(client, db):
    firm = make_firm()
    application = start_new(firm, {"install": lv5()})
    client.force_login(firm.enterprise.memberships.first().user)
    client.post(
        f"/licensing/applications/{application.pk}/tab/technical/",
        {"name": "李工", "id_number": resident_id(12), "mobile": "13900000001", "title_level": "senior", "years": "10"},
    )
    assert application.leads.get().name == "李工"
    response = client.post(
        f"/licensing/applications/{application.pk}/rows/tech_work/add/",
        {
            "work-start": "2010-01-01",
            "work-employer": "青海送变电",
            "work-position": "经理",
            "work-referee": "王五",
            "work-referee_mobile": "0971-1234567",
        },
    )
    page = response.content.decode()
    assert "证明人电话必须是正确的手机号码" in page and 'value="青海送变电"' in page
    client.post(
        f"/licensing/applications/{application.pk}/rows/tech_work/add/",
        {
            "work-start": "2010-01-01",
            "work-employer": "青海送变电",
            "work-position": "经理",
            "work-referee": "王五",
            "work-referee_mobile": "13900000002",
        },
    )
    assert application.leads.get().work_history.count() == 1


def test_each_tab_saves_on_its_own_and_rows_are_edited_and_deleted(client, db):
    firm = make_firm()
    application = start_new(firm, {"install": lv5()})
    client.force_login(firm.enterprise.memberships.first().user)
    base = f"/licensing/applications/{application.pk}"
    client.post(f"{base}/tab/basic/", {"registered_capital": "800"})
    client.post(f"{base}/rows/equity/add/", {"equity-holder": "赵强", "equity-amount": "800", "equity-ratio": "100"})
    row = application.equity_rows.get()
    client.post(
        f"{base}/rows/equity/{row.pk}/", {"equity-holder": "赵强", "equity-amount": "600", "equity-ratio": "75"}
    )
    row.refresh_from_db()
    assert row.ratio == 75
    page = client.get(f"{base}/tab/basic/").content.decode()
    assert "赵强" in page and "下载模板" in page
    client.post(f"{base}/rows/equity/{row.pk}/delete/")
    assert not application.equity_rows.exists()
    application.refresh_from_db()
    assert application.registered_capital == 800
    page = client.get(f"{base}/tab/check/").content.decode()
    assert "未填写股权结构" in page and "资料提交" in page


def _many(firm, n):
    application = start_new(firm, {"install": lv5()})
    add_staff(firm, technical=n, skilled=n)
    Achievement.objects.bulk_create(
        [
            Achievement(
                application=application,
                category="install",
                project=f"p{i}",
                voltage_kv=10,
                client="c",
                completed_on="2024-01-01",
                contract_amount=1,
            )
            for i in range(n)
        ]
    )
    for _ in range(n - 1):
        LicenceApplication.objects.create(
            firm=firm, kind="reissue", scheme=application.scheme, created_by=application.created_by
        )
    return application


@pytest.mark.parametrize("n", [10, 200])
def test_lists_run_a_fixed_number_of_queries(client, db, django_assert_max_num_queries, n, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "PAGE_SIZE": 500}
    firm = make_firm()
    application = _many(firm, n)
    client.force_login(firm.enterprise.memberships.first().user)
    for url, limit in [
        ("/api/v1/licensing/applications/", 8),
        ("/api/v1/licensing/staff/", 7),
        ("/api/v1/licensing/achievements/", 7),
        ("/licensing/", 10),
        (f"/licensing/applications/{application.pk}/tab/tech_staff/", 10),
        (f"/licensing/applications/{application.pk}/tab/achievements/", 10),
        ("/licensing/staff/", 9),
    ]:
        with django_assert_max_num_queries(limit):
            response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("n", [10, 200])
def test_the_reviewers_queue_runs_a_fixed_number_of_queries(client, db, django_assert_max_num_queries, n, reviewer):
    firm = make_firm()
    _many(firm, n)
    LicenceApplication.objects.update(state="submitted")
    client.force_login(reviewer)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("admin:licensing_licenceapplication_changelist") + "?queue=all")
    assert response.status_code == 200
    assert response.content.decode().count('class="field-firm_name"') == min(n, 50)


def test_a_reviewer_processes_an_application_in_the_admin(client, db, reviewer):
    from tests.licensing.helpers import fill_everything_but_staff, fill_staff_for

    firm = make_firm()
    application = start_new(firm, {"install": lv5()})
    fill_everything_but_staff(application)
    fill_staff_for(firm, lv5())
    services.submit(application=application, by=application.created_by)
    client.force_login(reviewer)
    url = reverse("admin:licensing_licenceapplication_change", args=[application.pk])
    assert "形式审查通过" in client.get(url).content.decode()
    response = client.post(url.replace("/change/", "/review/return_for_correction/"), {"reason": ""})
    assert response.status_code == 400 and "请填写理由" in response.content.decode()
    client.post(url.replace("/change/", "/review/pass_formal_review/"))
    application.refresh_from_db()
    assert application.state == "in_review"
    assert StaffMember.objects.filter(firm=firm).count() == 10


def test_a_firm_has_several_users_who_all_see_its_applications(client, db):
    firm = make_firm()
    application = start_new(firm, {"install": lv5()})
    colleague = StaffFactory(is_staff=False, phone="13600001234")
    client.force_login(firm.enterprise.memberships.first().user)
    client.post("/licensing/firm/users/", {"phone": "13600009999"})
    assert firm.enterprise.memberships.count() == 1
    client.post("/licensing/firm/users/", {"phone": colleague.phone})
    client.force_login(colleague)
    assert client.get(f"/licensing/applications/{application.pk}/tab/basic/").status_code == 200
