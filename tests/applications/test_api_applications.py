"""The applications REST API (/api/v1/catalog/, /api/v1/applications/): the same services as
the pages, the portal's error format, 404 for other people's applications, fixed query counts."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from applications import services
from applications.catalog import registry
from applications.catalog.base import first_of_next_month
from applications.models import Application, ApplicationState
from tests.applications.conftest import complete, photo, upload_missing
from tests.conftest import latest_sms_code
from tests.factories import VerifiedUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


def appointment() -> str:
    return f"{timezone.localdate() + timedelta(days=2):%Y-%m-%d}T09:30"


def test_the_catalog_lists_every_business_for_anonymous_visitors_and_counts_my_drafts(api):
    response = api().get("/api/v1/catalog/")
    assert response.status_code == 200
    items = {i["code"]: i for i in response.json()}
    assert len(items) == 18
    assert items["demand_value_change"] | {"my_drafts": None} == items["demand_value_change"]
    assert (items["demand_value_change"]["voltage"], items["demand_value_change"]["trips_label"]) == (
        "HV",
        "一次都不跑",
    )
    assert items["demand_value_change"]["effective_label"] == "次月1日起生效"
    assert items["rename_transfer"]["voltage"] == "LV/HV"
    assert items["hv_new"]["group_label"] == "高压办电"

    user = VerifiedUserFactory()
    services.start_application(user=user, business_code="pause")
    services.start_application(user=user, business_code="pause")
    mine = {i["code"]: i["my_drafts"] for i in api(user).get("/api/v1/catalog/").json()}
    assert mine["pause"] == 2 and mine["residential_new"] == 0


def test_the_catalog_detail_lists_steps_fields_and_document_conditions(api):
    body = api().get("/api/v1/catalog/residential_new/").json()
    assert [s["key"] for s in body["steps"]] == ["location", "property", "applicant", "documents", "confirm"]
    fields = {f["name"]: f for f in body["steps"][0]["fields"]}
    assert fields["capacity"]["type"] == "decimal" and fields["capacity"]["required"]
    assert fields["notice_confirmed"]["type"] == "boolean"
    assert fields["appointment"]["type"] == "datetime"
    streets = fields["street"]["choices"]
    assert {"label": "八一路街道", "group": "城东区"}.items() <= next(
        c for c in streets if c["label"] == "八一路街道"
    ).items()
    rules = {r["key"]: r for r in body["documents"]}
    assert rules["property_proof"]["deferrable"] and rules["id_front"]["condition"] == "新装时必备"
    assert "新装业务办理须知" in body["notice_title"]

    hv = api().get("/api/v1/catalog/hv_new/").json()
    site = {f["name"]: f for f in hv["steps"][1]["fields"]}
    assert site["transformer"]["required"] and [c["value"] for c in site["transformer"]["choices"]] == ["yes", "no"]
    enterprise = api().get("/api/v1/catalog/enterprise_new/").json()
    assert {r["key"]: r["doc_type"] for r in enterprise["documents"]}["subject_proof"] is None  # follows the choice
    assert api().get("/api/v1/catalog/nope/").status_code == 404


def test_a_residential_new_connection_end_to_end_through_the_api(
    api, street, signature, django_capture_on_commit_callbacks
):
    user = VerifiedUserFactory()
    client = api(user)
    created = client.post("/api/v1/applications/", {"business": "residential_new"}, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["state"] == "draft" and created.json()["current_step"] == "location"
    step = f"/api/v1/applications/{pk}/steps/location/"

    # Typed so far, kept without validating (a pause in typing).
    saved = client.patch(f"{step}?autosave=1", {"address": "八一中路 8 号"}, format="json")
    assert saved.status_code == 200 and saved.json()["saved"] == {"address": "八一中路 8 号"}
    bad = client.patch(
        step,
        {"street": street.pk, "capacity": "-2", "appointment": appointment(), "notice_confirmed": True},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid" and "容量必须大于 0" in bad.json()["fields"]["capacity"][0]
    detail = client.get(f"/api/v1/applications/{pk}/").json()
    location = {f["name"]: f["value"] for f in detail["steps"][0]["fields"]}
    assert location["address"] == "八一中路 8 号" and location["capacity"] == "-2"  # nothing typed is lost
    ok = client.patch(step, {"capacity": "8"}, format="json")
    assert ok.status_code == 200 and ok.json()["next_step"] == "property"
    assert (
        client.put(
            f"/api/v1/applications/{pk}/steps/property/", {"property_proof_type": "house_certificate"}, format="json"
        ).status_code
        == 200
    )
    assert client.put(f"/api/v1/applications/{pk}/steps/applicant/", {}, format="json").status_code == 200

    text = SimpleUploadedFile("id.jpg", b"not an image at all", content_type="image/jpeg")
    refused = client.post(f"/api/v1/applications/{pk}/documents/id_front/", {"file": text}, format="multipart")
    assert refused.status_code == 400 and "只能上传 JPG、PNG 图片或 PDF" in refused.json()["fields"]["file"][0]
    for key in ("id_front", "id_back", "meter_photo"):
        uploaded = client.post(f"/api/v1/applications/{pk}/documents/{key}/", {"file": photo()}, format="multipart")
        assert uploaded.status_code == 200 and uploaded.json()["state"] == "uploaded"
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    deferred = client.post(f"/api/v1/applications/{pk}/documents/property_proof/", {"defer_until": due}, format="json")
    assert deferred.json()["state"] == "deferred" and deferred.json()["due_on"] == due
    assert (
        client.post(
            f"/api/v1/applications/{pk}/documents/meter_photo/", {"defer_until": due}, format="json"
        ).status_code
        == 400
    )  # a site photo cannot be promised for later

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/api/v1/applications/{pk}/sms-code/")
    assert sent.status_code == 202 and sent.json()["sent_to"] == user.masked_phone
    again = client.post(f"/api/v1/applications/{pk}/sms-code/")
    assert again.status_code == 429 and 0 < again.json()["retry_after"] <= 60
    # A deferred document means a commitment letter, which the applicant signs.
    unsigned = client.post(f"/api/v1/applications/{pk}/submit/", {"sms_code": "000000"}, format="json")
    assert unsigned.status_code == 400 and unsigned.json()["fields"] == {"signature": ["请先在签名区域手写签名"]}
    signed = {"signature_document": signature(user).pk}
    wrong = client.post(f"/api/v1/applications/{pk}/submit/", {"sms_code": "000000", **signed}, format="json")
    assert wrong.status_code == 400 and "sms_code" in wrong.json()["fields"]

    code = latest_sms_code(user.phone)
    first = client.post(f"/api/v1/applications/{pk}/submit/", {"sms_code": code, **signed}, format="json")
    second = client.post(f"/api/v1/applications/{pk}/submit/", {"sms_code": code, **signed}, format="json")
    assert first.status_code == second.status_code == 200
    assert first.json()["number"] == second.json()["number"] and first.json()["number"].startswith("SQ")
    assert first.json()["state"] == "submitted"
    assert Application.objects.filter(applicant=user).count() == 1
    body = second.json()
    assert {r["key"]: r["state"] for r in body["requirements"]}["property_proof"] == "deferred"
    assert [e["to_state"] for e in body["events"]] == ["draft", "submitted"]
    assert body["summary"][0]["title"] == "用电信息"
    changed = client.put(step, {"capacity": "9"}, format="json")
    assert changed.status_code == 400 and "不能再修改" in changed.json()["detail"]


def test_another_users_application_answers_404_everywhere(api):
    owner, stranger = VerifiedUserFactory(), VerifiedUserFactory()
    application = services.start_application(user=owner, business_code="residential_new")
    client = api(stranger)
    base = f"/api/v1/applications/{application.pk}"
    assert client.get(f"{base}/").status_code == 404
    assert client.put(f"{base}/steps/location/", {}, format="json").status_code == 404
    assert client.post(f"{base}/documents/id_front/", {"file": photo()}, format="multipart").status_code == 404
    assert client.post(f"{base}/sms-code/").status_code == 404
    assert client.post(f"{base}/submit/", {"sms_code": "123456"}, format="json").status_code == 404
    assert client.post(f"{base}/withdraw/").status_code == 404
    assert api().get(f"{base}/").status_code in (401, 403)
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT


def test_unknown_steps_rules_and_businesses_are_refused_clearly(api):
    user = VerifiedUserFactory()
    client = api(user)
    assert client.post("/api/v1/applications/", {"business": "nope"}, format="json").json()["fields"]["business"] == [
        "没有这项业务"
    ]
    pk = client.post("/api/v1/applications/", {"business": "peak_valley"}, format="json").json()["id"]
    assert client.put(f"/api/v1/applications/{pk}/steps/documents/", {}, format="json").status_code == 404
    assert client.post(f"/api/v1/applications/{pk}/documents/meter_photo/", {}, format="json").status_code == 404
    # An owner needs no power of attorney: the rule exists but does not apply now.
    not_now = client.post(
        f"/api/v1/applications/{pk}/documents/power_of_attorney/", {"file": photo()}, format="multipart"
    )
    assert not_now.status_code == 400 and not_now.json()["code"] == "not_required"
    unknown = client.put(
        f"/api/v1/applications/{pk}/steps/account/",
        {"account_number": "6399999999", "notice_confirmed": True},
        format="json",
    )
    assert "户号不存在" in unknown.json()["fields"]["account_number"][0]


def test_my_applications_are_paginated_and_filtered_by_state(api):
    user = VerifiedUserFactory()
    for _ in range(22):
        services.start_application(user=user, business_code="meter_test")
    withdrawn = services.start_application(user=user, business_code="closure")
    services.withdraw_application(application=withdrawn, user=user)
    services.start_application(user=VerifiedUserFactory(), business_code="closure")
    client = api(user)
    page = client.get("/api/v1/applications/").json()
    assert page["count"] == 23 and len(page["results"]) == 20 and page["next"]
    only = client.get("/api/v1/applications/?state=withdrawn").json()
    assert [a["id"] for a in only["results"]] == [withdrawn.pk]
    assert only["results"][0]["business_name"] == "销户"
    bad = client.get("/api/v1/applications/?state=lost")
    assert bad.status_code == 400 and "state" in bad.json()["fields"]


@pytest.mark.parametrize("rows", [10, 200])
def test_listing_my_applications_runs_a_fixed_number_of_queries(api, make_account, django_assert_max_num_queries, rows):
    user = VerifiedUserFactory()
    account = make_account(user)
    Application.objects.bulk_create(
        Application(business_code="meter_test", applicant=user, service_account=account, data={}) for _ in range(rows)
    )
    client = api(user)
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/applications/")
    assert response.json()["count"] == rows
    assert response.json()["results"][0]["account_number"] == account.number


@pytest.mark.parametrize("rows", [10, 200])
def test_the_catalog_runs_a_fixed_number_of_queries(api, django_assert_max_num_queries, rows):
    user = VerifiedUserFactory()
    Application.objects.bulk_create(
        Application(business_code=code, applicant=user, data={})
        for i in range(rows)
        for code in [("pause", "closure", "meter_test")[i % 3]]
    )
    client = api(user)
    with django_assert_max_num_queries(1):
        response = client.get("/api/v1/catalog/")
    assert sum(i["my_drafts"] for i in response.json()) == rows


def test_withdrawing_a_submitted_application(api, street, submit):
    user = VerifiedUserFactory()
    application = services.start_application(user=user, business_code="residential_new")
    complete(
        application,
        user,
        "location",
        {
            "street": street.pk,
            "address": "八一中路 1 号",
            "capacity": "6",
            "appointment": appointment(),
            "notice_confirmed": "on",
        },
    )
    complete(application, user, "property", {"property_proof_type": "real_estate_certificate"})
    complete(application, user, "applicant", {})
    upload_missing(application, user)
    submit(application, user)
    response = api(user).post(f"/api/v1/applications/{application.pk}/withdraw/")
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"
    assert response.json()["events"][-1]["note"] == "客户撤回申请"


def test_a_signed_demand_value_change_through_the_api_takes_effect_next_month(
    api, enterprise_of, hv_account, signature, django_capture_on_commit_callbacks
):
    user = VerifiedUserFactory()
    account = hv_account(user, enterprise_of(user))
    client = api(user)
    pk = client.post("/api/v1/applications/", {"business": "demand_value_change"}, format="json").json()["id"]
    assert (
        client.put(
            f"/api/v1/applications/{pk}/steps/account/",
            {"account_number": account.number, "notice_confirmed": True},
            format="json",
        ).status_code
        == 200
    )
    fields = {f["name"]: f for f in client.get(f"/api/v1/applications/{pk}/").json()["steps"][1]["fields"]}
    day = first_of_next_month(timezone.localdate())
    assert f"将于 {day.year}年{day.month}月1日 起生效" in fields["requested_demand"]["help_text"]
    too_low = client.put(f"/api/v1/applications/{pk}/steps/demand/", {"requested_demand": 100}, format="json")
    assert "40%" in too_low.json()["fields"]["requested_demand"][0]
    assert (
        client.put(f"/api/v1/applications/{pk}/steps/demand/", {"requested_demand": 640}, format="json").status_code
        == 200
    )
    assert (
        client.put(
            f"/api/v1/applications/{pk}/steps/applicant/", {"subject_proof_type": "business_licence"}, format="json"
        ).status_code
        == 200
    )
    for key in ("subject_proof",):
        assert (
            client.post(
                f"/api/v1/applications/{pk}/documents/{key}/", {"file": photo()}, format="multipart"
            ).status_code
            == 200
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/v1/applications/{pk}/sms-code/")
    code = latest_sms_code(user.phone)
    unsigned = client.post(f"/api/v1/applications/{pk}/submit/", {"sms_code": code}, format="json")
    assert unsigned.status_code == 400 and "signature" in unsigned.json()["fields"]
    someone_elses = signature(VerifiedUserFactory())
    forged = client.post(
        f"/api/v1/applications/{pk}/submit/", {"sms_code": code, "signature_document": someone_elses.pk}, format="json"
    )
    assert "signature_document" in forged.json()["fields"]
    done = client.post(
        f"/api/v1/applications/{pk}/submit/",
        {"sms_code": code, "signature_document": signature(user).pk},
        format="json",
    )
    assert done.status_code == 200 and done.json()["effective_on"] == day.isoformat()


def test_the_ev_charger_agreement_is_signed_through_the_api_once(api, street, submit):
    user = VerifiedUserFactory()
    application = services.start_application(user=user, business_code="ev_charger")
    complete(
        application,
        user,
        "charger",
        {
            "street": street.pk,
            "address": "某小区 B2-1",
            "parking_ownership": "owned",
            "charger_count": 1,
            "charger_power": "7",
            "charger_kind": "ac",
            "notice_confirmed": "on",
        },
    )
    complete(application, user, "applicant", {"identity": "owner"})
    upload_missing(application, user)
    client = api(user)
    url = f"/api/v1/applications/{application.pk}/smart-payment/"
    assert client.post(url).status_code == 400  # a draft: submit first
    submit(application, user)
    before = client.get(url).json()
    assert before["signed_at"] is None and "智能交费" in before["text"]
    signed = client.post(url).json()["signed_at"]
    assert signed and client.post(url).json()["signed_at"] == signed
    assert client.get(f"/api/v1/applications/{application.pk}/").json()["smart_payment_signed_at"] == signed
    other = services.start_application(user=user, business_code="meter_test")
    assert client.get(f"/api/v1/applications/{other.pk}/smart-payment/").status_code == 404


def test_the_schema_documents_the_applications_endpoints(api):
    response = api().get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    step = paths["/api/v1/applications/{id}/steps/{step}/"]
    assert step["patch"]["tags"] == ["applications"]
    assert "400" in step["put"]["responses"] and "404" in step["put"]["responses"]
    assert "429" in paths["/api/v1/applications/{id}/sms-code/"]["post"]["responses"]
    assert (
        "multipart/form-data"
        in paths["/api/v1/applications/{id}/documents/{rule_key}/"]["post"]["requestBody"]["content"]
    )


@pytest.mark.parametrize("code", [b.code for b in registry.all_businesses()])
def test_every_business_can_be_started_and_read_through_the_api(api, code):
    user = VerifiedUserFactory()
    client = api(user)
    catalog = client.get(f"/api/v1/catalog/{code}/").json()
    created = client.post("/api/v1/applications/", {"business": code}, format="json")
    assert created.status_code == 201
    steps = created.json()["steps"]
    assert [s["key"] for s in steps] == [s["key"] for s in catalog["steps"]]
    for described, current in zip(catalog["steps"], steps, strict=True):
        # The draft's form is the catalog's, adapted to this user (fields derived or hidden).
        assert {f["name"] for f in current["fields"]} <= {f["name"] for f in described["fields"]}
        assert all(f["label"] for f in current["fields"])
