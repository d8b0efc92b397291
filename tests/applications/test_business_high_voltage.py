"""High-voltage new connection and capacity increase (SPEC 3 rows 17, 18): the 160 kW
statement kept as evidence, the enterprise's legal representative, the e-assistant flow."""

import pytest

from applications import services
from applications.catalog import registry
from applications.catalog.base import Flow
from applications.models import AbnormalFlag, Region
from tests.applications.conftest import complete, refused, requirement_keys, upload_missing
from tests.factories import VerifiedUserFactory

pytestmark = pytest.mark.django_db

STATEMENT = "我已知晓160千瓦及以下可低压接入、零投资的政策，仍自愿申请高压供电"


def site(street, **overrides):
    data = {
        "street": street.pk,
        "address": "生物园区经四路 8 号",
        "capacity": "630",
        "transformer": "yes",
        "mine_type": "none",
        "notice_confirmed": "on",
    }
    data.update(overrides)
    return data


def test_hv_new_connection_shows_the_legal_representative_and_requires_the_transformer_choice(
    street, enterprise_of, submit
):
    user = VerifiedUserFactory()
    enterprise = enterprise_of(user, relation="agent", legal_rep_name="赵强")
    application = services.start_application(user=user, business_code="hv_new")
    form = services.build_step_form(application, user, "enterprise")
    assert form.initial["legal_rep_name"] == "赵强"
    assert form.fields["legal_rep_name"].disabled and form.fields["legal_rep_id_number"].disabled
    assert "*" in form.initial["legal_rep_id_number"]  # masked: an agent is reading
    complete(application, user, "enterprise", {"enterprise": enterprise.pk, "legal_rep_name": "别人"})
    assert application.data["answers"]["enterprise"]["legal_rep_name"] == "赵强"  # read-only, not the posted value

    form = services.build_step_form(application, user, "site")
    assert form.fields["transformer"].initial is None  # no default: it must be chosen
    errors = refused(application, user, "site", site(street, transformer=""))
    assert "请选择是否安装变压器" in errors["transformer"]
    other_street = Region.objects.get(name="胜利路街道")
    complete(
        application,
        user,
        "site",
        {**site(street), "street": other_street.pk, "high_energy": "on", "mine_type": "non_coal"},
    )
    application.refresh_from_db()
    assert application.region == other_street  # the street decides the dispatch area

    complete(application, user, "applicant", {})
    keys = requirement_keys(application)
    assert {
        "business_licence",
        "id_front",
        "id_back",
        "property_proof",
        "power_of_attorney",
        "project_approval",
        "mining_licence",
        "safety_production_licence",
        "government_approval",
    } <= keys
    assert "security_load_list" not in keys  # 高耗能 but not 高危及重要
    upload_missing(application, user)
    submitted = submit(application, user)
    assert submitted.identity == "agent"
    assert submitted.enterprise == enterprise
    assert not submitted.flags.filter(kind=AbnormalFlag.Kind.HV_UNDER_160).exists()
    assert registry.get("hv_new").flow == Flow.HV_EASSISTANT


def test_hv_under_160_without_the_statement_is_refused_and_with_it_is_flagged_with_the_evidence(
    street, enterprise_of, submit
):
    user = VerifiedUserFactory()
    enterprise = enterprise_of(user)
    application = services.start_application(user=user, business_code="hv_new")
    complete(application, user, "enterprise", {"enterprise": enterprise.pk})
    errors = refused(application, user, "site", site(street, capacity="125"))
    assert "低于 160 千瓦可低压接入" in errors["hv_statement"]
    form = complete(application, user, "site", site(street, capacity="125", hv_statement="on"))
    assert str(form.fields["hv_statement"].label) == STATEMENT
    complete(application, user, "applicant", {})
    upload_missing(application, user)
    submitted = submit(application, user)
    flag = submitted.flags.get(kind=AbnormalFlag.Kind.HV_UNDER_160)
    assert "125" in flag.detail
    evidence = submitted.data["answers"]["site"]
    assert evidence["hv_statement"] is True and evidence["hv_statement_text"] == STATEMENT
    assert evidence["hv_statement_confirmed_at"]
    assert submitted.identity == "legal_rep"


def test_hv_capacity_increase_adds_to_the_account_and_the_statement_follows_the_total(
    enterprise_of, enterprise_account, hv_account, submit
):
    user = VerifiedUserFactory()
    enterprise = enterprise_of(user)
    low = enterprise_account(user, enterprise)
    application = services.start_application(user=user, business_code="hv_increase")
    errors = refused(application, user, "account", {"account_number": low.number, "notice_confirmed": "on"})
    assert "仅适用于高压客户" in errors["account_number"]

    small = hv_account(user, enterprise, capacity=100)
    application = services.start_application(user=user, business_code="hv_increase")
    complete(application, user, "account", {"account_number": small.number, "notice_confirmed": "on"})
    errors = refused(application, user, "increase", {"added_capacity": "50", "transformer": "no", "mine_type": "none"})
    assert "150.0 千伏安" in errors["hv_statement"]
    complete(application, user, "increase", {"added_capacity": "80", "transformer": "no", "mine_type": "none"})
    applicant = services.build_step_form(application, user, "applicant")
    assert applicant.derived.identity == "legal_rep" and applicant.initial["legal_rep_name"] == user.name
    complete(application, user, "applicant", {})
    upload_missing(application, user)
    submitted = submit(application, user)
    assert submitted.capacity == 80
    assert not submitted.flags.exists()  # 180 kVA in total
    assert registry.get("hv_increase").capacity_is_increase
