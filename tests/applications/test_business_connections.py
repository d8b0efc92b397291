"""New connections and the LV capacity increase (SPEC 3 rows 2, 3, 5, 6), driven through the
services the pages and the API call."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from applications import services
from applications.models import AbnormalFlag, AccountBinding, ApplicationDocument, ApplicationEvent, ApplicationState
from applications.requirements import requirements_for
from portal.core.errors import DomainError
from portal.documents.models import Document
from portal.documents.services import store_upload
from tests.applications.conftest import (
    complete,
    photo,
    refused,
    requirement_keys,
    requirement_states,
    upload_missing,
)
from tests.factories import VerifiedUserFactory

pytestmark = pytest.mark.django_db


def appointment() -> str:
    return f"{timezone.localdate() + timedelta(days=3):%Y-%m-%d}T10:00"


def park_id() -> int:
    from applications.models import SmallBusinessPark

    return SmallBusinessPark.objects.order_by("pk").first().pk


def licence_on_file(enterprise, user, **fields) -> Document:
    document = store_upload(upload=photo(), doc_type="business_licence", uploaded_by=user, owner_enterprise=enterprise)
    if fields:
        Document.objects.filter(pk=document.pk).update(**fields)
    return document


# --- 2 个体商户新装 ---------------------------------------------------------------------------------


def test_individual_business_connection_asks_for_the_business_licence_and_submits(street, submit):
    user = VerifiedUserFactory()
    application = services.start_application(user=user, business_code="individual_business_new")
    complete(
        application,
        user,
        "location",
        {
            "street": street.pk,
            "address": "八一中路 18 号商铺",
            "capacity": "20",
            "appointment": appointment(),
            "notice_confirmed": "on",
        },
    )
    complete(application, user, "property", {"property_proof_type": "purchase_contract"})
    complete(application, user, "applicant", {})
    assert requirement_keys(application) == {"id_front", "id_back", "property_proof", "meter_photo", "business_licence"}
    upload_missing(application, user)

    submitted = submit(application, user)

    assert submitted.state == ApplicationState.SUBMITTED
    assert submitted.identity == "owner"  # seed 000: 申请人身份设定为产权人
    assert submitted.capacity == Decimal("20")
    licence = submitted.documents.get(requirement="business_licence")
    assert licence.document.doc_type.code == "individual_business_licence"
    assert licence.document.owner_user == user
    assert not submitted.flags.exists()


@pytest.mark.parametrize(("in_park", "flagged"), [(True, False), (False, True)])
def test_individual_business_over_160_kw_is_flagged_only_outside_a_registered_park(street, submit, in_park, flagged):
    user = VerifiedUserFactory()
    application = services.start_application(user=user, business_code="individual_business_new")
    complete(
        application,
        user,
        "location",
        {
            "street": street.pk,
            "address": "八一中路 20 号",
            "capacity": "250",
            "appointment": appointment(),
            "park": park_id() if in_park else "",
            "notice_confirmed": "on",
        },
    )
    complete(application, user, "property", {"property_proof_type": "real_estate_certificate"})
    complete(application, user, "applicant", {})
    upload_missing(application, user)
    submitted = submit(application, user)
    assert submitted.flags.filter(kind=AbnormalFlag.Kind.LV_OVER_LIMIT).exists() is flagged


# --- 3 企业新装 -----------------------------------------------------------------------------------


def fill_enterprise_location(application, user, street, capacity="120"):
    complete(
        application,
        user,
        "location",
        {
            "street": street.pk,
            "address": "昆仑中路 66 号厂房",
            "capacity": capacity,
            "notice_confirmed": "on",
        },
    )


def test_enterprise_connection_without_an_enterprise_says_where_to_register_one(street):
    user = VerifiedUserFactory()
    application = services.start_application(user=user, business_code="enterprise_new")
    fill_enterprise_location(application, user, street)
    errors = refused(application, user, "enterprise", {"subject_proof_type": "business_licence", "mine_type": "none"})
    assert "请先在“我的企业”中登记或绑定企业" in errors["enterprise"]


def test_someone_elses_enterprise_cannot_be_chosen(street, enterprise_of):
    user, other = VerifiedUserFactory(), VerifiedUserFactory()
    enterprise_of(user)
    theirs = enterprise_of(other)
    application = services.start_application(user=user, business_code="enterprise_new")
    fill_enterprise_location(application, user, street)
    errors = refused(
        application,
        user,
        "enterprise",
        {"enterprise": theirs.pk, "subject_proof_type": "business_licence", "mine_type": "none"},
    )
    assert "只能选择您已绑定的企业" in errors["enterprise"]


def test_enterprise_connection_reuses_a_valid_licence_and_needs_no_taxpayer_proof_for_ordinary_invoices(
    street, enterprise_of, submit
):
    user = VerifiedUserFactory()
    enterprise = enterprise_of(user)
    licence = licence_on_file(enterprise, user)
    application = services.start_application(user=user, business_code="enterprise_new")
    fill_enterprise_location(application, user, street)

    form = services.build_step_form(application, user, "enterprise")
    assert form.fields["enterprise"].initial == enterprise.pk  # the only one is preselected
    assert form.initial["certificate_number"] == enterprise.credit_code
    form = complete(
        application,
        user,
        "enterprise",
        {"enterprise": enterprise.pk, "subject_proof_type": "business_licence", "mine_type": "none"},
    )
    assert form.answers()["certificate_number"] == enterprise.credit_code
    application.refresh_from_db()
    assert application.enterprise == enterprise

    applicant = services.build_step_form(application, user, "applicant")
    assert applicant.derived.identity == "legal_rep"  # the real name matches the legal representative
    assert applicant.initial["applicant_id_number"].endswith(user.id_number[-4:])
    complete(application, user, "applicant", {})

    invoice = services.build_step_form(application, user, "invoice")
    assert invoice.initial["vat_name"] == enterprise.name
    assert invoice.initial["vat_credit_code"] == enterprise.credit_code
    complete(
        application,
        user,
        "invoice",
        {
            "invoice_type": "ordinary",
            "vat_name": enterprise.name,
            "vat_credit_code": enterprise.credit_code,
        },
    )

    states = requirement_states(application)
    assert states["subject_proof"] == "reused"
    assert "general_taxpayer_proof" not in states
    assert "power_of_attorney" not in states  # the legal representative applies in person
    assert "project_approval" not in states and "mining_licence" not in states
    upload_missing(application, user)
    submitted = submit(application, user)
    reused = submitted.documents.get(requirement="subject_proof")
    assert (reused.how, reused.document) == (ApplicationDocument.How.REUSED, licence)
    assert submitted.identity == "legal_rep"
    assert submitted.enterprise == enterprise


def test_enterprise_connection_asks_the_taxpayer_proof_only_for_special_invoices_and_every_bank_field(
    street, enterprise_of
):
    user = VerifiedUserFactory()
    enterprise = enterprise_of(user)
    application = services.start_application(user=user, business_code="enterprise_new")
    fill_enterprise_location(application, user, street)
    complete(
        application,
        user,
        "enterprise",
        {
            "enterprise": enterprise.pk,
            "subject_proof_type": "business_licence",
            "mine_type": "coal",
            "high_risk": "on",
        },
    )
    complete(application, user, "applicant", {})
    base = {"invoice_type": "special", "vat_name": enterprise.name, "vat_credit_code": enterprise.credit_code}
    errors = refused(application, user, "invoice", base)
    assert "开具增值税专用发票须填写开户银行" in errors["vat_bank"]
    assert "银行账户" in errors["vat_bank_account"]
    errors = refused(
        application,
        user,
        "invoice",
        {
            **base,
            "vat_credit_code": "91630100MA12345IO",
            "vat_bank": "工商银行西宁分行",
            "vat_bank_account": "6222 02x",
            "vat_address": "西宁市",
            "vat_phone": "12345",
        },
    )
    assert "统一社会信用代码应为18位" in errors["vat_credit_code"]
    assert "只能填写数字" in errors["vat_bank_account"]
    assert "固定电话" in errors["vat_phone"]
    complete(
        application,
        user,
        "invoice",
        {
            **base,
            "vat_bank": "工商银行西宁分行",
            "vat_bank_account": "6222 0212 3456 7890",
            "vat_address": "西宁市城东区昆仑中路 66 号",
            "vat_phone": "0971-8123456",
        },
    )
    assert application.data["answers"]["invoice"]["vat_bank_account"] == "6222021234567890"
    keys = requirement_keys(application)
    assert {
        "general_taxpayer_proof",
        "subject_proof",
        "project_approval",
        "security_load_list",
        "emergency_power",
        "mining_licence",
        "safety_production_licence",
    } <= keys
    assert "government_approval" not in keys  # only non-coal mines
    assert "preferential_tariff_proof" not in keys


def test_an_agent_of_the_enterprise_brings_a_power_of_attorney_and_an_expired_licence_is_asked_again(
    street, enterprise_of, submit
):
    user = VerifiedUserFactory()
    enterprise = enterprise_of(user, relation="agent")
    licence_on_file(enterprise, user, expires_on=timezone.localdate() - timedelta(days=1))
    application = services.start_application(user=user, business_code="enterprise_new")
    fill_enterprise_location(application, user, street)
    complete(
        application,
        user,
        "enterprise",
        {"enterprise": enterprise.pk, "subject_proof_type": "business_licence", "mine_type": "none"},
    )
    complete(application, user, "applicant", {})
    complete(
        application,
        user,
        "invoice",
        {"invoice_type": "ordinary", "vat_name": enterprise.name, "vat_credit_code": enterprise.credit_code},
    )
    states = requirement_states(application)
    assert states["power_of_attorney"] == "missing"
    assert states["subject_proof"] == "missing"
    upload_missing(application, user)
    submitted = submit(application, user)
    assert submitted.identity == "agent"
    stored = submitted.documents.get(requirement="subject_proof").document
    assert stored.owner_enterprise == enterprise and stored.doc_type.code == "business_licence"


def test_the_subject_proof_document_type_follows_the_chosen_type(street, enterprise_of):
    user = VerifiedUserFactory()
    enterprise = enterprise_of(user)
    application = services.start_application(user=user, business_code="enterprise_new")
    fill_enterprise_location(application, user, street)
    complete(
        application,
        user,
        "enterprise",
        {"enterprise": enterprise.pk, "subject_proof_type": "org_code_certificate", "mine_type": "none"},
    )
    by_key = {r.key: r for r in requirements_for(application)}
    assert by_key["subject_proof"].doc_type.code == "org_code_certificate"
    assert "tax_registration" in by_key  # no 三证合一 licence: the tax registration is asked too


# --- 5 充电桩报装 ---------------------------------------------------------------------------------


def fill_charger(application, user, street, **overrides):
    data = {
        "street": street.pk,
        "address": "海湖新区某小区地下车库 B2-136",
        "parking_ownership": "owned",
        "charger_count": "2",
        "charger_power": "7",
        "charger_kind": "ac",
        "notice_confirmed": "on",
    }
    data.update(overrides)
    return complete(application, user, "charger", data)


def test_ev_charger_by_an_agent_needs_the_owners_id_and_the_agents_own_and_leads_to_smart_payment(street, submit):
    user = VerifiedUserFactory()
    owner = VerifiedUserFactory.build()
    application = services.start_application(user=user, business_code="ev_charger")
    fill_charger(application, user, street)
    application.refresh_from_db()
    assert application.capacity == Decimal("14")  # 2 × 7 kW

    form = services.build_step_form(application, user, "applicant")
    assert dict(form.fields["identity"].choices) == {"owner": "车主", "agent": "经办人"}
    complete(
        application,
        user,
        "applicant",
        {
            "identity": "agent",
            "owner_name": owner.name,
            "owner_id_type": "resident_id",
            "owner_id_number": owner.id_number,
        },
    )
    assert requirement_keys(application) == {
        "owner_id_front",
        "owner_id_back",
        "parking_space_proof",
        "power_of_attorney",
        "agent_id_front",
        "agent_id_back",
    }
    upload_missing(application, user)
    submitted = submit(application, user)
    assert submitted.identity == "agent"
    owner_photo = submitted.documents.get(requirement="owner_id_front").document
    assert owner_photo.doc_type.code == "other_person_id_front"
    assert owner_photo.doc_type.reusable is False  # never mistaken later for the agent's own ID
    assert submitted.business.completion_next == "applications:smart_payment"

    signed = services.sign_smart_payment_agreement(application=submitted, user=user)
    assert signed.data["smart_payment"]["agreed_at"]
    again = services.sign_smart_payment_agreement(application=signed, user=user)
    assert again.data["smart_payment"] == signed.data["smart_payment"]
    assert ApplicationEvent.objects.filter(application=submitted, note="签订智能交费协议").count() == 1


def test_ev_charger_owner_uploads_their_own_id_and_cannot_sign_before_submitting(street):
    user = VerifiedUserFactory()
    application = services.start_application(user=user, business_code="ev_charger")
    errors = refused(
        application,
        user,
        "charger",
        {
            "street": street.pk,
            "address": "x",
            "parking_ownership": "owned",
            "charger_count": "0",
            "charger_power": "7",
            "charger_kind": "ac",
            "notice_confirmed": "on",
        },
    )
    assert "至少为 1 台" in errors["charger_count"]
    fill_charger(application, user, street, charger_kind="dc", charger_power="60", charger_count="1")
    complete(application, user, "applicant", {"identity": "owner"})
    assert {"id_front", "id_back", "parking_space_proof"} == requirement_keys(application)
    with pytest.raises(DomainError, match="请先提交申请"):
        services.sign_smart_payment_agreement(application=application, user=user)


def test_only_the_ev_charger_leads_to_the_smart_payment_agreement(street, submit):
    user = VerifiedUserFactory()
    application = services.start_application(user=user, business_code="residential_new")
    with pytest.raises(DomainError, match="无需签订"):
        services.sign_smart_payment_agreement(application=application, user=user)


# --- 6 增容 ---------------------------------------------------------------------------------------


def test_enterprise_capacity_increase_hides_the_subject_proof_on_file_and_checks_the_policy_on_the_total(
    enterprise_of, enterprise_account, submit
):
    user = VerifiedUserFactory()
    enterprise = enterprise_of(user)
    account = enterprise_account(user, enterprise, capacity=100)
    licence_on_file(enterprise, user)
    application = services.start_application(user=user, business_code="capacity_increase")
    complete(application, user, "account", {"account_number": account.number, "notice_confirmed": "on"})
    increase = {"usage_kind": "enterprise", "added_capacity": "80", "appointment": appointment()}
    errors = refused(application, user, "capacity", increase)
    assert "《低压非居民增容业务办理须知》" in errors["nonresident_notice_confirmed"]
    errors = refused(application, user, "capacity", {**increase, "usage_kind": "personal"})
    assert "企业户号" in errors["usage_kind"]
    complete(application, user, "capacity", {**increase, "nonresident_notice_confirmed": "on"})

    subject = services.build_step_form(application, user, "subject")
    assert "subject_proof_type" not in subject.fields  # 不展示该数据项: a valid licence is on file
    complete(application, user, "subject", {"property_proof_type": "real_estate_certificate"})
    applicant = services.build_step_form(application, user, "applicant")
    assert applicant.derived.identity == "legal_rep"
    assert applicant.initial["legal_rep_name"] == user.name  # prefilled legal representative page
    complete(application, user, "applicant", {})
    states = requirement_states(application)
    assert states["subject_proof"] == "reused"
    assert states["property_proof"] == "missing"
    upload_missing(application, user)
    submitted = submit(application, user)
    flag = submitted.flags.get()
    assert flag.kind == AbnormalFlag.Kind.LV_OVER_LIMIT
    assert "180" in flag.detail  # 100 on the account + 80 asked


def test_personal_capacity_increase_by_an_agent_names_the_owner_and_brings_their_id(make_account, submit):
    holder, helper = VerifiedUserFactory(), VerifiedUserFactory()
    account = make_account(holder, capacity=8)
    AccountBinding.objects.create(user=helper, account=account, via=AccountBinding.Via.SMS)
    application = services.start_application(user=helper, business_code="capacity_increase")
    complete(application, helper, "account", {"account_number": account.number, "notice_confirmed": "on"})
    errors = refused(
        application,
        helper,
        "capacity",
        {
            "usage_kind": "enterprise",
            "added_capacity": "4",
            "appointment": appointment(),
            "nonresident_notice_confirmed": "on",
        },
    )
    assert "居民生活用电" in errors["usage_kind"]
    complete(
        application, helper, "capacity", {"usage_kind": "personal", "added_capacity": "4", "appointment": appointment()}
    )
    subject = services.build_step_form(application, helper, "subject")
    assert "subject_proof_type" not in subject.fields  # a person proves themselves by ID
    complete(application, helper, "subject", {"property_proof_type": "house_certificate"})
    applicant = services.build_step_form(application, helper, "applicant")
    assert not applicant.derived.decided and applicant.fields["identity"].initial == "agent"
    complete(
        application,
        helper,
        "applicant",
        {
            "identity": "agent",
            "owner_name": holder.name,
            "owner_id_type": "resident_id",
            "owner_id_number": holder.id_number,
        },
    )
    assert requirement_keys(application) == {
        "property_proof",
        "owner_id_front",
        "owner_id_back",
        "power_of_attorney",
        "agent_id_front",
        "agent_id_back",
    }
    upload_missing(application, helper)
    submitted = submit(application, helper)
    assert submitted.capacity == Decimal("4")
    assert not submitted.flags.exists()  # 12 kW in total


def test_capacity_increase_refuses_a_high_voltage_account(enterprise_of, hv_account):
    user = VerifiedUserFactory()
    account = hv_account(user, enterprise_of(user))
    application = services.start_application(user=user, business_code="capacity_increase")
    errors = refused(application, user, "account", {"account_number": account.number, "notice_confirmed": "on"})
    assert "请办理“高压增容”" in errors["account_number"]
