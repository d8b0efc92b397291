"""The firm's API writes what a mobile client needs most — staff, achievements, 资料提交 —
through the services the pages call: the same rules, the same messages, and another firm's
ids answer 404 with nothing changed."""

from licensing import services
from licensing.models import ONE_FIRM_RULE, AppState, LicenceLevel, StaffMember, StaffStatus
from portal.core.workdays import add_working_days
from tests.factories import VerifiedUserFactory
from tests.licensing.helpers import (
    fill_everything_but_staff,
    fill_staff_for,
    licensed_firm,
    make_firm,
    start_new,
    unique_id_number,
)

STAFF = "/api/v1/licensing/staff/"


def lv5():
    return LicenceLevel.objects.get(scheme__code="2020", rank=5)


def login(client, firm):
    client.force_login(firm.enterprise.memberships.first().user)


def test_a_firm_adds_edits_and_removes_its_staff(client, firm):
    login(client, firm)
    number = unique_id_number()
    response = client.post(
        STAFF,
        {"kind": "skilled", "name": "马电工", "id_number": number, "specialty": "电工", "is_hv_electrician": True},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["name"] == "马电工" and created["is_hv_electrician"] and created["id_number"] != number
    member = StaffMember.objects.get(pk=created["id"], firm=firm)
    assert member.id_number == number and member.status == StaffStatus.ACTIVE
    assert [row["id"] for row in client.get(STAFF).json()["results"]] == [member.pk]

    response = client.patch(f"{STAFF}{member.pk}/", {"name": "马建国"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["name"] == "马建国"
    member.refresh_from_db()
    assert member.name == "马建国" and member.id_number == number and member.is_hv_electrician

    response = client.put(
        f"{STAFF}{member.pk}/",
        {"name": "马建国", "id_number": number, "specialty": "线路工"},
        content_type="application/json",
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.specialty == "线路工" and not member.is_hv_electrician

    assert client.delete(f"{STAFF}{member.pk}/").status_code == 204
    assert not StaffMember.objects.filter(pk=member.pk).exists()


def test_bad_input_and_the_one_firm_rule_answer_400_naming_the_field(client, firm):
    other = make_firm()
    number = unique_id_number()
    StaffMember.objects.create(firm=other, kind="skilled", name="马电工", id_number=number)
    login(client, firm)
    response = client.post(
        STAFF, {"kind": "skilled", "name": "马电工", "id_number": number}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "person_on_other_staff" and body["fields"]["id_number"] == [str(ONE_FIRM_RULE)]
    response = client.post(
        STAFF, {"kind": "technical", "name": "李工", "id_number": "123456"}, content_type="application/json"
    )
    assert response.status_code == 400 and "id_number" in response.json()["fields"]
    response = client.post(STAFF, {"name": "李工", "id_number": unique_id_number()}, content_type="application/json")
    assert response.status_code == 400 and "kind" in response.json()["fields"]
    assert not firm.staff.exists()
    # editing one's own person into someone else's ID number is refused the same way
    mine = StaffMember.objects.create(firm=firm, kind="technical", name="李工", id_number=unique_id_number())
    response = client.patch(f"{STAFF}{mine.pk}/", {"id_number": number}, content_type="application/json")
    assert response.status_code == 400 and response.json()["fields"]["id_number"] == [str(ONE_FIRM_RULE)]
    mine.refresh_from_db()
    assert mine.id_number != number


def test_another_firms_staff_answers_404_and_stays_as_it_was(client, firm):
    other = make_firm()
    theirs = StaffMember.objects.create(firm=other, kind="technical", name="王工", id_number=unique_id_number())
    login(client, firm)
    url = f"{STAFF}{theirs.pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"name": "改名"}, content_type="application/json").status_code == 404
    put = {"name": "改名", "id_number": unique_id_number()}
    assert client.put(url, put, content_type="application/json").status_code == 404
    assert client.delete(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "王工"


def test_a_user_of_no_firm_cannot_add_staff(client, db):
    client.force_login(VerifiedUserFactory())
    response = client.post(
        STAFF, {"kind": "technical", "name": "李工", "id_number": unique_id_number()}, content_type="application/json"
    )
    assert response.status_code == 403 and not StaffMember.objects.exists()


def test_a_licensed_firm_removes_active_staff_only_by_a_personnel_change(client, db):
    licence = licensed_firm()
    member = licence.firm.staff.filter(status=StaffStatus.ACTIVE).first()
    login(client, licence.firm)
    response = client.delete(f"{STAFF}{member.pk}/")
    assert response.status_code == 400 and response.json()["code"] == "use_personnel_change"
    assert StaffMember.objects.filter(pk=member.pk).exists()


def test_achievements_are_added_and_deleted_on_the_firms_own_open_application(client, firm):
    application = start_new(firm, {"install": lv5()})
    login(client, firm)
    url = f"/api/v1/licensing/applications/{application.pk}/achievements/"
    row = {
        "category": "install",
        "project": "西宁110kV变电站",
        "voltage_kv": 110,
        "client": "国网青海",
        "completed_on": "2024-06-01",
        "contract_amount": "320.50",
    }
    response = client.post(url, row, content_type="application/json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["project"] == "西宁110kV变电站" and created["application"] == application.pk
    assert [a["id"] for a in client.get("/api/v1/licensing/achievements/").json()["results"]] == [created["id"]]
    response = client.post(url, {**row, "voltage_kv": 3}, content_type="application/json")
    assert response.status_code == 400 and "voltage_kv" in response.json()["fields"]

    other = make_firm()
    theirs = start_new(other, {"install": lv5()})
    assert (
        client.post(f"/api/v1/licensing/applications/{theirs.pk}/achievements/", row, content_type="application/json")
    ).status_code == 404
    assert client.delete(f"/api/v1/licensing/applications/{theirs.pk}/achievements/{created['id']}/").status_code == 404
    assert not theirs.achievements.exists() and application.achievements.count() == 1

    assert client.delete(f"{url}{created['id']}/").status_code == 204
    assert not application.achievements.exists()


def test_achievements_of_a_submitted_application_are_not_changed(client, firm):
    application = start_new(firm, {"install": lv5()})
    fill_everything_but_staff(application)
    fill_staff_for(firm, lv5())
    application.achievements.create(
        category="install", project="p", voltage_kv=10, client="c", completed_on="2024-01-01", contract_amount=1
    )
    services.submit(application=application, by=application.created_by)
    login(client, firm)
    url = f"/api/v1/licensing/applications/{application.pk}/achievements/"
    row = application.achievements.first()
    response = client.delete(f"{url}{row.pk}/")
    assert response.status_code == 400 and response.json()["code"] == "not_editable"
    assert application.achievements.filter(pk=row.pk).exists()


def test_submit_lists_every_unmet_item_then_submits(client, firm):
    application = start_new(firm, {"install": lv5()})
    login(client, firm)
    url = f"/api/v1/licensing/applications/{application.pk}/submit/"
    response = client.post(url)
    assert response.status_code == 400
    body = response.json()
    expected = services.material_problems(application)
    assert body["code"] == "materials_incomplete" and len(expected) > 2
    assert body["problems"] == expected
    assert all(problem in body["detail"] for problem in expected)
    application.refresh_from_db()
    assert application.state == AppState.DRAFT

    fill_everything_but_staff(application)
    fill_staff_for(firm, lv5())
    other = make_firm()
    theirs = start_new(other, {"install": lv5()})
    assert client.post(f"/api/v1/licensing/applications/{theirs.pk}/submit/").status_code == 404
    response = client.post(url)
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == AppState.SUBMITTED and body["number"]
    assert body["step_due_on"] == add_working_days(application.created_at.date(), 5).isoformat()
    again = client.post(url)
    assert again.status_code == 400 and again.json()["code"] == "not_submittable"


def test_a_licensed_firm_changes_its_staff_only_through_an_application(client):
    """The licence names the staff the reviewer saw: the API is no side door around 人员变更."""
    licence = licensed_firm(name="青海昆仑输变电工程有限公司")
    firm = licence.firm
    login(client, firm)
    before = StaffMember.objects.filter(firm=firm).count()
    response = client.post(
        STAFF,
        {"kind": "skilled", "name": "新电工", "id_number": unique_id_number(), "specialty": "电工"},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "use_personnel_change"
    member = StaffMember.objects.filter(firm=firm).first()
    response = client.patch(f"{STAFF}{member.pk}/", {"name": "改名"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "use_personnel_change"
    member.refresh_from_db()
    assert member.name != "改名" and StaffMember.objects.filter(firm=firm).count() == before
