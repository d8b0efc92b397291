"""Changes to an existing account (SPEC 3 rows 4, 7–13, 15, 16): each one submitted through
the services, and what its completion does to the account."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from applications import services
from applications.catalog import registry
from applications.catalog.base import first_of_next_month, first_of_next_quarter
from applications.models import AccountBinding, AccountStatus, ApplicationState, Bill
from portal.core.errors import DomainError
from portal.documents.services import store_upload
from tests.applications.conftest import complete, photo, refused, requirement_keys, requirement_states, upload_missing
from tests.factories import UserFactory, VerifiedUserFactory, resident_id

pytestmark = pytest.mark.django_db


def in_days(n: int) -> str:
    return (timezone.localdate() + timedelta(days=n)).isoformat()


def ymd(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def start_on(code, user, account, **extra):
    application = services.start_application(user=user, business_code=code)
    complete(application, user, "account", {"account_number": account.number, "notice_confirmed": "on", **extra})
    return application


def completed(application, account):
    """Apply the account changes the way the work order's completion does, then reload."""
    changes = services.apply_account_changes(application=application, by=None)
    account.refresh_from_db()
    return changes


# --- 4 更名/过户 ----------------------------------------------------------------------------------


def test_a_buyer_applying_in_person_is_the_owner_and_the_transfer_changes_the_holder(make_account, submit):
    seller, buyer = VerifiedUserFactory(), VerifiedUserFactory()
    account = make_account(seller)
    AccountBinding.objects.create(user=buyer, account=account, via=AccountBinding.Via.SMS)
    application = start_on("rename_transfer", buyer, account)
    change = {
        "change_kind": "transfer",
        "new_holder_name": buyer.name,
        "new_holder_id_type": "resident_id",
        "new_holder_id_number": buyer.id_number.lower(),
    }
    errors = refused(application, buyer, "change", change)
    assert "过户请选择是否发生产权变更" in errors["ownership_changed"]
    complete(application, buyer, "change", {**change, "ownership_changed": "yes"})
    applicant = services.build_step_form(application, buyer, "applicant")
    assert applicant.derived.identity == "owner" and applicant.fields["identity"].disabled
    complete(application, buyer, "applicant", {})
    # The buyer's own ID (reusable later) and the new property proof; no power of attorney.
    assert requirement_keys(application) == {"id_front", "id_back", "property_proof"}
    upload_missing(application, buyer)
    submitted = submit(application, buyer)
    assert submitted.identity == "owner"

    completed(submitted, account)
    assert (account.holder_name, account.holder_id_number) == (buyer.name, buyer.id_number)
    assert account.changes.filter(field="holder_id_number", old_value=seller.id_number).exists()


def test_a_holder_renaming_for_someone_else_uploads_their_id_and_a_bad_id_number_is_refused(make_account, submit):
    holder = VerifiedUserFactory()
    account = make_account(holder)
    application = start_on("rename_transfer", holder, account)
    change = {
        "change_kind": "rename",
        "new_holder_name": "张晓明",
        "new_holder_id_type": "resident_id",
        "new_holder_id_number": "630102199003070011",
    }
    assert "校验位" in refused(application, holder, "change", change)["new_holder_id_number"]
    same = {**change, "new_holder_name": holder.name, "new_holder_id_number": holder.id_number}
    assert "无需办理" in refused(application, holder, "change", same)["new_holder_name"]
    complete(application, holder, "change", {**change, "new_holder_id_number": resident_id(901)})
    complete(application, holder, "applicant", {})
    assert requirement_keys(application) == {"new_holder_id_front", "new_holder_id_back"}  # no ownership change
    upload_missing(application, holder)
    submitted = submit(application, holder)
    completed(submitted, account)
    assert account.holder_name == "张晓明" and account.holder_id_number == resident_id(901)


def test_rename_transfer_refuses_an_account_in_arrears(make_account):
    user = VerifiedUserFactory()
    account = make_account(user, balance=Decimal("-35.20"))
    application = services.start_application(user=user, business_code="rename_transfer")
    errors = refused(application, user, "account", {"account_number": account.number, "notice_confirmed": "on"})
    assert "欠费 35.20 元" in errors["account_number"]


# --- 7 暂停 ---------------------------------------------------------------------------------------


def licence_on_file(enterprise, user):
    return store_upload(upload=photo(), doc_type="business_licence", uploaded_by=user, owner_enterprise=enterprise)


def test_pause_validates_date_and_capacity_and_pauses_the_account_on_the_planned_day(
    enterprise_of, enterprise_account, submit
):
    user = VerifiedUserFactory()
    enterprise = enterprise_of(user)
    account = enterprise_account(user, enterprise, capacity=100)
    licence_on_file(enterprise, user)
    application = start_on("pause", user, account)
    assert (
        "今天以后"
        in refused(application, user, "pause", {"planned_date": in_days(0), "pause_capacity": "50"})["planned_date"]
    )
    assert (
        "一年"
        in refused(application, user, "pause", {"planned_date": in_days(400), "pause_capacity": "50"})["planned_date"]
    )
    errors = refused(application, user, "pause", {"planned_date": in_days(10), "pause_capacity": "120"})
    assert "不能超过合同容量 100.0 kW" in errors["pause_capacity"]
    assert (
        "大于 0"
        in refused(application, user, "pause", {"planned_date": in_days(10), "pause_capacity": "0"})["pause_capacity"]
    )
    complete(application, user, "pause", {"planned_date": in_days(10), "pause_capacity": "60"})
    applicant = services.build_step_form(application, user, "applicant")
    assert "subject_proof_type" not in applicant.fields  # a valid licence is on file
    complete(application, user, "applicant", {})
    assert requirement_states(application)["subject_proof"] == "reused"
    upload_missing(application, user)
    submitted = submit(application, user)
    planned = timezone.localdate() + timedelta(days=10)
    assert submitted.effective_on == planned
    assert registry.get("pause").handler_role == "用电检查人员"

    changes = completed(submitted, account)
    assert account.status == AccountStatus.NORMAL and all(c.applied_at is None for c in changes)
    services.apply_due_account_changes(today=planned)
    account.refresh_from_db()
    assert (account.status, account.paused_capacity) == (AccountStatus.PAUSED, Decimal("60"))


def test_pause_asks_the_subject_proof_type_when_none_is_on_file_and_refuses_residents(
    make_account, enterprise_of, enterprise_account
):
    user = VerifiedUserFactory()
    home = make_account(user)
    application = services.start_application(user=user, business_code="pause")
    errors = refused(application, user, "account", {"account_number": home.number, "notice_confirmed": "on"})
    assert "仅适用于企业、个体工商户等非居民客户" in errors["account_number"]
    account = enterprise_account(user, enterprise_of(user))
    application = start_on("pause", user, account)
    complete(application, user, "pause", {"planned_date": in_days(3), "pause_capacity": "10"})
    applicant = services.build_step_form(application, user, "applicant")
    assert "subject_proof_type" in applicant.fields
    complete(application, user, "applicant", {"subject_proof_type": "business_licence"})
    assert requirement_states(application)["subject_proof"] == "missing"


# --- 8 减容 ---------------------------------------------------------------------------------------


def test_reduction_is_for_high_voltage_accounts_and_a_permanent_one_needs_the_new_contract_papers(
    enterprise_of, enterprise_account, hv_account, submit
):
    user = VerifiedUserFactory()
    enterprise = enterprise_of(user)
    low = enterprise_account(user, enterprise)
    application = services.start_application(user=user, business_code="capacity_reduction")
    errors = refused(application, user, "account", {"account_number": low.number, "notice_confirmed": "on"})
    assert "仅适用于高压客户" in errors["account_number"]
    account = hv_account(user, enterprise)
    application = start_on("capacity_reduction", user, account)
    reduction = {
        "method": "whole_transformer",
        "planned_date": in_days(5),
        "reduce_capacity": "800",
        "term": "permanent",
    }
    assert "应小于合同容量 800.0 kVA" in refused(application, user, "reduction", reduction)["reduce_capacity"]
    form = complete(application, user, "reduction", {**reduction, "reduce_capacity": "315"})
    assert form.fields["reduce_capacity"].label == "减容容量（千伏安）"
    complete(application, user, "applicant", {"subject_proof_type": "business_licence"})
    assert "supply_contract_info" in requirement_keys(application)
    complete(application, user, "reduction", {**reduction, "reduce_capacity": "315", "term": "temporary"})
    assert "supply_contract_info" not in requirement_keys(application)  # 临时性减容可不必备
    upload_missing(application, user)
    submitted = submit(application, user)
    assert submitted.capacity == Decimal("315")

    completed(submitted, account)
    services.apply_due_account_changes(today=submitted.effective_on)
    account.refresh_from_db()
    assert (account.status, account.capacity, account.paused_capacity) == (
        AccountStatus.REDUCED,
        Decimal("485"),
        Decimal("315"),
    )


# --- 9 容量恢复 -----------------------------------------------------------------------------------


def test_restore_refuses_a_normal_account_and_offers_pause_restore_for_a_paused_one(
    enterprise_of, enterprise_account, submit
):
    user = VerifiedUserFactory()
    enterprise = enterprise_of(user)
    normal = enterprise_account(user, enterprise)
    application = services.start_application(user=user, business_code="capacity_restore")
    errors = refused(application, user, "account", {"account_number": normal.number, "notice_confirmed": "on"})
    assert "当前状态为“正常”，没有暂停或减容的容量可以恢复" in errors["account_number"]

    paused = enterprise_account(user, enterprise, status=AccountStatus.PAUSED, capacity=100, paused_capacity=60)
    application = start_on("capacity_restore", user, paused)
    form = services.build_step_form(application, user, "restore")
    assert form.initial["restore_kind"] == "pause_restore"
    assert dict(form.fields["restore_kind"].choices)[form.initial["restore_kind"]] == "暂停恢复"
    errors = refused(application, user, "restore", {"planned_date": in_days(2), "restore_capacity": "70"})
    assert "不能超过已暂停的 60.0 kW" in errors["restore_capacity"]
    complete(
        application,
        user,
        "restore",
        {"planned_date": in_days(2), "restore_capacity": "60", "restore_kind": "reduction_restore"},
    )
    assert application.data["answers"]["restore"]["restore_kind"] == "pause_restore"  # not the user's to choose
    complete(application, user, "applicant", {"subject_proof_type": "business_licence"})
    upload_missing(application, user)
    submitted = submit(application, user)
    completed(submitted, paused)
    services.apply_due_account_changes(today=submitted.effective_on)
    paused.refresh_from_db()
    assert (paused.status, paused.capacity, paused.paused_capacity) == (
        AccountStatus.NORMAL,
        Decimal("100"),
        Decimal("0"),
    )


def test_reduction_restore_gives_the_capacity_back_and_a_partial_one_stays_reduced(enterprise_of, hv_account, submit):
    user = VerifiedUserFactory()
    account = hv_account(user, enterprise_of(user), status=AccountStatus.REDUCED, capacity=485, paused_capacity=315)
    application = start_on("capacity_restore", user, account)
    assert application.data["answers"]["account"]["restore_kind"] == "reduction_restore"
    complete(application, user, "restore", {"planned_date": in_days(1), "restore_capacity": "200"})
    complete(application, user, "applicant", {"subject_proof_type": "business_licence"})
    upload_missing(application, user)
    submitted = submit(application, user)
    completed(submitted, account)
    services.apply_due_account_changes(today=submitted.effective_on)
    account.refresh_from_db()
    assert (account.status, account.capacity, account.paused_capacity) == (
        AccountStatus.REDUCED,
        Decimal("685"),
        Decimal("115"),
    )


# --- 10 需量值变更 --------------------------------------------------------------------------------


def test_demand_value_change_needs_demand_billing_keeps_40_to_100_percent_and_takes_effect_next_month(
    enterprise_of, hv_account, submit, signature
):
    user = VerifiedUserFactory()
    enterprise = enterprise_of(user)
    on_capacity = hv_account(user, enterprise, basic_charge="capacity", contracted_demand=None)
    application = services.start_application(user=user, business_code="demand_value_change")
    errors = refused(application, user, "account", {"account_number": on_capacity.number, "notice_confirmed": "on"})
    assert "仅适用于按需量计费的客户" in errors["account_number"] and "基本电价计费方式变更" in errors["account_number"]

    account = hv_account(user, enterprise)  # 800 kVA, 500 kW
    application = start_on("demand_value_change", user, account)
    form = services.build_step_form(application, user, "demand")
    next_month = first_of_next_month(timezone.localdate())
    assert f"将于 {ymd(next_month)} 起生效" in str(form.fields["requested_demand"].help_text)
    assert next_month.day == 1
    errors = refused(application, user, "demand", {"requested_demand": "300"})
    assert "不低于合同容量的40%" in errors["requested_demand"] and "320.0–800" in errors["requested_demand"]
    assert "320.0–800" in refused(application, user, "demand", {"requested_demand": "801"})["requested_demand"]
    assert "大于 0" in refused(application, user, "demand", {"requested_demand": "-5"})["requested_demand"]
    complete(application, user, "demand", {"requested_demand": "600"})
    complete(application, user, "applicant", {"subject_proof_type": "business_licence"})
    upload_missing(application, user)
    with pytest.raises(DomainError, match="手写签名"):
        services.submit_application(application=application, user=user, sms_code="123456")
    submitted = submit(application, user, signature=signature(user))
    assert submitted.effective_on == next_month
    assert submitted.signature is not None
    assert registry.get("demand_value_change").contact_days == 3

    changes = completed(submitted, account)
    assert account.contracted_demand == Decimal("500")  # not before the first of next month
    assert changes[0].effective_on == next_month
    services.apply_due_account_changes(today=next_month)
    account.refresh_from_db()
    assert account.contracted_demand == Decimal("600")


# --- 11 基本电价计费方式变更 -----------------------------------------------------------------------


def test_billing_method_change_needs_real_name_and_switches_to_demand_from_next_quarter(
    enterprise_of, hv_account, make_account, submit, signature
):
    with pytest.raises(DomainError, match="实名认证"):
        services.start_application(user=UserFactory(), business_code="billing_method_change")
    user = VerifiedUserFactory()
    home = make_account(user)
    application = services.start_application(user=user, business_code="billing_method_change")
    errors = refused(application, user, "account", {"account_number": home.number, "notice_confirmed": "on"})
    assert "两部制电价" in errors["account_number"]

    account = hv_account(user, enterprise_of(user), basic_charge="capacity", contracted_demand=None)
    application = start_on("billing_method_change", user, account)
    form = services.build_step_form(application, user, "billing")
    quarter = first_of_next_quarter(timezone.localdate())
    assert form.initial["target_method"] == "demand"
    assert f"将于 {ymd(quarter)} 起生效" in str(form.fields["target_method"].help_text)
    assert "请填写申请需量值" in refused(application, user, "billing", {})["requested_demand"]
    assert "40%" in refused(application, user, "billing", {"requested_demand": "100"})["requested_demand"]
    complete(application, user, "billing", {"requested_demand": "450", "target_method": "capacity"})
    assert application.data["answers"]["billing"]["target_method"] == "demand"
    complete(application, user, "applicant", {"subject_proof_type": "business_licence"})
    upload_missing(application, user)
    submitted = submit(application, user, signature=signature(user))
    assert submitted.effective_on == quarter and quarter.month in (1, 4, 7, 10) and quarter.day == 1

    completed(submitted, account)
    assert account.basic_charge == "capacity"
    services.apply_due_account_changes(today=quarter)
    account.refresh_from_db()
    assert (account.basic_charge, account.contracted_demand) == ("demand", Decimal("450"))


def test_switching_from_demand_to_capacity_asks_no_value_and_clears_the_demand(
    enterprise_of, hv_account, submit, signature
):
    user = VerifiedUserFactory()
    account = hv_account(user, enterprise_of(user))
    application = start_on("billing_method_change", user, account)
    form = services.build_step_form(application, user, "billing")
    assert "requested_demand" not in form.fields
    complete(application, user, "billing", {})
    complete(application, user, "applicant", {"subject_proof_type": "business_licence"})
    upload_missing(application, user)
    submitted = submit(application, user, signature=signature(user))
    completed(submitted, account)
    services.apply_due_account_changes(today=submitted.effective_on)
    account.refresh_from_db()
    assert (account.basic_charge, account.contracted_demand) == ("capacity", None)


# --- 12 增值税变更 --------------------------------------------------------------------------------


def vat(enterprise, **overrides):
    data = {
        "invoice_type": "special",
        "vat_name": enterprise.name,
        "vat_credit_code": enterprise.credit_code,
        "vat_bank": "中国建设银行西宁城东支行",
        "vat_bank_account": "63001234567890123",
        "vat_address": "西宁市城东区昆仑中路 66 号",
        "vat_phone": "0971-8123456",
        "notice_confirmed": "on",
    }
    data.update(overrides)
    return data


def test_vat_change_by_an_agent_needs_the_taxpayer_proof_for_special_invoices_and_updates_the_account(
    enterprise_of, enterprise_account, make_account, submit
):
    user = VerifiedUserFactory()
    home = make_account(user)
    application = services.start_application(user=user, business_code="vat_change")
    assert "居民生活用电" in refused(application, user, "account", {"account_number": home.number})["account_number"]
    enterprise = enterprise_of(user, relation="agent")
    account = enterprise_account(user, enterprise, vat_name="旧名称有限公司", vat_invoice_type="ordinary")
    application = start_on("vat_change", user, account)
    assert services.build_step_form(application, user, "vat").initial["vat_name"] == "旧名称有限公司"
    errors = refused(
        application, user, "vat", vat(enterprise, vat_credit_code="1234", vat_bank="", vat_bank_account="abc")
    )
    assert "统一社会信用代码应为18位" in errors["vat_credit_code"]
    assert "开户银行" in errors["vat_bank"]
    assert "只能填写数字" in errors["vat_bank_account"]
    complete(application, user, "vat", vat(enterprise))

    applicant = services.build_step_form(application, user, "applicant")
    assert applicant.derived.identity == "agent"
    assert applicant.initial["legal_rep_name"] == enterprise.legal_rep_name
    assert applicant.initial["agent_name"] == user.name
    bad = {
        "subject_proof_type": "business_licence",
        "legal_rep_id_type": "resident_id",
        "legal_rep_name": enterprise.legal_rep_name,
        "legal_rep_id_number": "630102197506120011",
        "legal_rep_phone": "1234",
    }
    errors = refused(application, user, "applicant", bad)
    assert "校验位" in errors["legal_rep_id_number"] and "11位手机号码" in errors["legal_rep_phone"]
    complete(
        application,
        user,
        "applicant",
        {**bad, "legal_rep_id_number": enterprise.legal_rep_id_number, "legal_rep_phone": "13800001234"},
    )
    assert requirement_keys(application) == {
        "subject_proof",
        "id_front",
        "id_back",
        "power_of_attorney",
        "general_taxpayer_proof",
    }
    upload_missing(application, user)
    submitted = submit(application, user)
    assert submitted.identity == "agent"
    completed(submitted, account)
    assert (account.vat_invoice_type, account.vat_name, account.vat_bank_account) == (
        "special",
        enterprise.name,
        "63001234567890123",
    )


def test_vat_change_for_ordinary_invoices_needs_no_taxpayer_proof(enterprise_of, enterprise_account):
    user = VerifiedUserFactory()
    enterprise = enterprise_of(user)
    account = enterprise_account(user, enterprise)
    application = start_on("vat_change", user, account)
    complete(
        application,
        user,
        "vat",
        vat(enterprise, invoice_type="ordinary", vat_bank="", vat_bank_account="", vat_address="", vat_phone=""),
    )
    form = services.build_step_form(application, user, "applicant")
    assert "agent_name" not in form.fields  # the legal representative applies in person
    complete(
        application,
        user,
        "applicant",
        {
            "subject_proof_type": "business_licence",
            "legal_rep_id_type": "resident_id",
            "legal_rep_name": user.name,
            "legal_rep_id_number": user.id_number,
            "legal_rep_phone": user.phone,
        },
    )
    assert "general_taxpayer_proof" not in requirement_keys(application)
    assert "power_of_attorney" not in requirement_keys(application)


# --- 13 电能表校验 --------------------------------------------------------------------------------


def test_meter_test_submits_with_a_reason_and_changes_nothing_on_the_account(make_account, submit):
    user = VerifiedUserFactory()
    account = make_account(user)
    application = services.start_application(user=user, business_code="meter_test")
    errors = refused(application, user, "account", {"account_number": account.number, "reason": "other"})
    assert "请描述问题" in errors["description"]
    complete(
        application,
        user,
        "account",
        {"account_number": account.number, "reason": "fast", "description": "近两个月电量翻倍"},
    )
    assert "请先阅读并勾选" in refused(application, user, "applicant", {})["notice_confirmed"]
    complete(application, user, "applicant", {"notice_confirmed": "on"})
    assert requirement_keys(application) == {"id_front", "id_back"}
    upload_missing(application, user)
    submitted = submit(application, user)
    assert submitted.state == ApplicationState.SUBMITTED
    before = {f.name: getattr(account, f.name) for f in account._meta.concrete_fields}
    assert completed(submitted, account) == []
    assert {f.name: getattr(account, f.name) for f in account._meta.concrete_fields} == before


# --- 15 改类 --------------------------------------------------------------------------------------


def test_tariff_change_checks_the_category_and_completion_changes_usage_and_ends_peak_valley(make_account, submit):
    user = VerifiedUserFactory()
    account = make_account(user, peak_valley=True)
    application = start_on("tariff_change", user, account)
    errors = refused(
        application,
        user,
        "tariff",
        {"new_usage_nature": "commercial", "new_tariff_category": "大工业用电", "reason": "开店"},
    )
    assert "不属于“一般工商业用电”" in errors["new_tariff_category"]
    errors = refused(
        application,
        user,
        "tariff",
        {"new_usage_nature": "residential", "new_tariff_category": account.tariff_category, "reason": "无"},
    )
    assert "与当前相同" in errors["new_tariff_category"]
    complete(
        application,
        user,
        "tariff",
        {
            "new_usage_nature": "commercial",
            "new_tariff_category": "一般工商业用电（单一制）",
            "reason": "住宅改为临街店铺",
        },
    )
    complete(application, user, "applicant", {})
    assert requirement_keys(application) == {"property_proof"}
    upload_missing(application, user)
    submitted = submit(application, user)
    assert registry.get("tariff_change").trips == "one"
    completed(submitted, account)
    assert (account.usage_nature, account.tariff_category, account.peak_valley) == (
        "commercial",
        "一般工商业用电（单一制）",
        False,
    )


# --- 16 销户 --------------------------------------------------------------------------------------


def test_closure_refund_account_name_must_equal_the_holders_and_completion_closes_the_account(make_account, submit):
    user = VerifiedUserFactory()
    account = make_account(user, balance=Decimal("86.50"))
    application = start_on("closure", user, account)
    form = services.build_step_form(application, user, "closure")
    assert form.initial["closure_kind"] == "低压销户"
    assert "86.50" in str(form.fields["refund_bank"].help_text)
    closure = {
        "reason": "relocation",
        "refund_bank": "中国银行西宁分行",
        "refund_account_name": "王五",
        "refund_account_number": "6217 0000 1111 2222",
    }
    errors = refused(application, user, "closure", closure)
    assert f"退费账户户名须与户名“{user.name}”一致" in errors["refund_account_name"]
    assert "请勾选同意以拆表示数" in errors["final_reading_consent"]
    complete(application, user, "closure", {**closure, "refund_account_name": user.name, "final_reading_consent": "on"})
    complete(application, user, "applicant", {})
    assert requirement_keys(application) == {"id_front", "id_back"}
    upload_missing(application, user)
    submitted = submit(application, user)
    assert submitted.data["answers"]["closure"]["refund_account_number"] == "6217000011112222"
    completed(submitted, account)
    assert account.status == AccountStatus.CLOSED
    again = services.start_application(user=user, business_code="closure")
    assert (
        "已销户"
        in refused(again, user, "account", {"account_number": account.number, "notice_confirmed": "on"})[
            "account_number"
        ]
    )


def test_batch_closure_is_for_demolition_with_permit_and_list_and_no_refund_without_balance(
    make_account, enterprise_of, hv_account
):
    user = VerifiedUserFactory()
    account = make_account(user)
    application = start_on("closure", user, account)
    form = services.build_step_form(application, user, "closure")
    assert "refund_account_name" not in form.fields  # nothing to refund
    errors = refused(
        application, user, "closure", {"reason": "relocation", "batch": "on", "final_reading_consent": "on"}
    )
    assert "仅适用于房屋拆迁" in errors["batch"]
    complete(application, user, "closure", {"reason": "demolition", "batch": "on", "final_reading_consent": "on"})
    complete(application, user, "applicant", {})
    assert {"demolition_permit", "demolition_list"} <= requirement_keys(application)

    hv = hv_account(user, enterprise_of(user))
    application = start_on("closure", user, hv)
    assert services.build_step_form(application, user, "closure").initial["closure_kind"] == "高压销户"


def test_closure_refuses_an_account_with_unpaid_bills(make_account):
    user = VerifiedUserFactory()
    account = make_account(user)
    Bill.objects.create(
        account=account, period=date(2026, 1, 1), kwh=120, amount=Decimal("62.40"), due_on=date(2026, 2, 15)
    )
    application = services.start_application(user=user, business_code="closure")
    errors = refused(application, user, "account", {"account_number": account.number, "notice_confirmed": "on"})
    assert "未缴清的电费账单" in errors["account_number"]
