"""The catalog's core, exercised through the services the pages and API call."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applications import services
from applications.catalog import registry
from applications.models import AbnormalFlag, Application, ApplicationDocument, ApplicationState
from portal.core.errors import DomainError
from portal.documents.models import Document
from portal.verification.models import Purpose
from tests.applications.conftest import photo
from tests.documents.conftest import signature_png
from tests.factories import VerifiedUserFactory
from tests.signing.conftest import as_data_url


def pdf_text(document) -> str:
    from pypdf import PdfReader

    with document.file.open("rb") as fh:
        return "".join(page.extract_text() for page in PdfReader(fh).pages)


pytestmark = pytest.mark.django_db


def appointment() -> str:
    day = timezone.localdate() + timedelta(days=3)
    return f"{day:%Y-%m-%d}T10:00"


def fill_residential(application, user, street, capacity="8"):
    form = services.complete_step(
        application=application,
        user=user,
        step_key="location",
        data={
            "street": str(street.pk),
            "address": "八一中路 8 号 3 单元 502 室",
            "capacity": capacity,
            "appointment": appointment(),
            "notice_confirmed": "on",
        },
    )
    assert form.is_valid(), form.errors
    form = services.complete_step(
        application=application, user=user, step_key="property", data={"property_proof_type": "real_estate_certificate"}
    )
    assert form.is_valid(), form.errors
    form = services.complete_step(application=application, user=user, step_key="applicant", data={})
    assert form.is_valid(), form.errors


def upload_all(application, user):
    return services.save_documents(
        application=application,
        user=user,
        uploads={"id_front": photo(), "id_back": photo(), "property_proof": photo(), "meter_photo": photo()},
        deferrals={},
    )


def test_every_business_of_the_spec_is_declared_once_with_steps_ending_in_documents_and_confirm():
    businesses = registry.all_businesses()
    assert [b.code for b in businesses][:1] == ["residential_new"]
    for business in businesses:
        assert business.step_keys[-2:] == ["documents", "confirm"]


def test_a_draft_keeps_what_was_typed_even_when_the_step_is_invalid(street):
    user = VerifiedUserFactory()
    application = services.start_application(user=user, business_code="residential_new")
    form = services.complete_step(
        application=application,
        user=user,
        step_key="location",
        data={"street": str(street.pk), "address": "八一中路 8 号", "capacity": "-3", "notice_confirmed": "on"},
    )
    assert "容量必须大于 0" in str(form.errors["capacity"])
    application.refresh_from_db()
    assert application.data["raw"]["location"]["address"] == "八一中路 8 号"
    assert application.data["raw"]["location"]["capacity"] == "-3"
    assert application.current_step == "location"


def test_the_notice_must_be_ticked(street):
    user = VerifiedUserFactory()
    application = services.start_application(user=user, business_code="residential_new")
    form = services.complete_step(
        application=application,
        user=user,
        step_key="location",
        data={"street": str(street.pk), "address": "x 路 1 号", "capacity": "8", "appointment": appointment()},
    )
    assert "请先阅读并勾选确认业务办理须知" in str(form.errors["notice_confirmed"])


def test_real_name_is_required_to_start():
    from tests.factories import UserFactory

    with pytest.raises(DomainError, match="实名认证"):
        services.start_application(user=UserFactory(), business_code="residential_new")


def test_residential_new_connection_submits_once_with_the_sms_code(
    street, send_code, django_capture_on_commit_callbacks
):
    user = VerifiedUserFactory()
    application = services.start_application(user=user, business_code="residential_new")
    fill_residential(application, user, street)
    assert upload_all(application, user) == {}
    code = send_code(user.phone, Purpose.SUBMIT)
    submitted = services.submit_application(application=application, user=user, sms_code=code)
    assert submitted.state == ApplicationState.SUBMITTED
    assert submitted.number.startswith("SQ")
    assert submitted.identity == "owner"
    assert submitted.capacity == 8
    assert submitted.region == street
    # A double click sends the same code again: the same application comes back, nothing new.
    again = services.submit_application(
        application=Application.objects.get(pk=application.pk), user=user, sms_code=code
    )
    assert again.pk == submitted.pk
    assert Application.objects.filter(applicant=user).count() == 1
    assert submitted.events.filter(to_state="submitted").count() == 1


def test_a_wrong_code_keeps_the_draft_and_counts(street, send_code):
    user = VerifiedUserFactory()
    application = services.start_application(user=user, business_code="residential_new")
    fill_residential(application, user, street)
    upload_all(application, user)
    send_code(user.phone, Purpose.SUBMIT)
    with pytest.raises(DomainError) as wrong:
        services.submit_application(application=application, user=user, sms_code="000000")
    assert wrong.value.field == "sms_code"
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT
    assert application.data["raw"]["location"]["address"] == "八一中路 8 号 3 单元 502 室"


def test_missing_documents_are_listed_and_a_property_proof_may_be_deferred(
    street, send_code, django_capture_on_commit_callbacks
):
    user = VerifiedUserFactory()
    application = services.start_application(user=user, business_code="residential_new")
    fill_residential(application, user, street)
    services.save_documents(
        application=application,
        user=user,
        uploads={"id_front": photo(), "id_back": photo(), "meter_photo": photo()},
        deferrals={},
    )
    assert services.missing_documents(application) == ["产权证明"]
    errors = services.save_documents(
        application=application,
        user=user,
        uploads={},
        deferrals={"property_proof": timezone.localdate() + timedelta(days=20), "meter_photo": timezone.localdate()},
    )
    assert "meter_photo" not in errors or "不能承诺后补" in errors["meter_photo"]
    assert services.missing_documents(application) == []
    code = send_code(user.phone, Purpose.SUBMIT)
    # A deferral is a promise in a commitment letter, which must be signed.
    with pytest.raises(DomainError, match="手写签名"):
        services.submit_application(application=application, user=user, sms_code=code)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.submit_application(
            application=application, user=user, sms_code=code, signature_data_url=as_data_url(signature_png())
        )
    deferred = submitted.documents.get(requirement="property_proof")
    assert deferred.how == ApplicationDocument.How.DEFERRED
    assert deferred.due_on == timezone.localdate() + timedelta(days=20)
    # The worker rendered the signed letter: it names the promised document and its deadline.
    submitted.refresh_from_db()
    text = pdf_text(submitted.commitment_letter)
    assert "承诺书" in text and "产权证明" in text and f"{deferred.due_on:%Y年%-m月%-d日}" in text
    assert submitted.signature is not None


def test_a_valid_id_photo_on_file_is_reused_not_asked_again(street, send_code):
    user = VerifiedUserFactory()
    first = services.start_application(user=user, business_code="residential_new")
    fill_residential(first, user, street)
    upload_all(first, user)
    services.submit_application(application=first, user=user, sms_code=send_code(user.phone, Purpose.SUBMIT))

    second = services.start_application(user=user, business_code="residential_new")
    fill_residential(second, user, street)
    states = {r.key: r.state for r in __import__("applications.requirements", fromlist=["x"]).requirements_for(second)}
    assert states["id_front"] == "reused" and states["id_back"] == "reused"
    assert states["meter_photo"] == "missing"  # site photos are not reusable documents


def test_an_lv_request_over_160_kw_outside_a_park_is_flagged(street, send_code):
    user = VerifiedUserFactory()
    application = services.start_application(user=user, business_code="residential_new")
    fill_residential(application, user, street, capacity="180")
    upload_all(application, user)
    submitted = services.submit_application(
        application=application, user=user, sms_code=send_code(user.phone, Purpose.SUBMIT)
    )
    flag = submitted.flags.get()
    assert flag.kind == AbnormalFlag.Kind.LV_OVER_LIMIT
    assert "180" in flag.detail


def test_a_second_connection_at_an_address_with_an_account_is_flagged(street, send_code, residential_account):
    user = VerifiedUserFactory()
    residential_account(VerifiedUserFactory(), address="八一中路8号3单元502室")
    application = services.start_application(user=user, business_code="residential_new")
    fill_residential(application, user, street)
    upload_all(application, user)
    submitted = services.submit_application(
        application=application, user=user, sms_code=send_code(user.phone, Purpose.SUBMIT)
    )
    assert submitted.flags.filter(kind=AbnormalFlag.Kind.ONE_ADDRESS_MANY).exists()


def test_peak_valley_needs_a_bound_residential_account(residential_account):
    user = VerifiedUserFactory()
    stranger_account = residential_account(VerifiedUserFactory())
    application = services.start_application(user=user, business_code="peak_valley")
    form = services.complete_step(
        application=application,
        user=user,
        step_key="account",
        data={"account_number": stranger_account.number, "notice_confirmed": "on"},
    )
    assert "尚未绑定" in str(form.errors["account_number"])
    form = services.complete_step(
        application=application,
        user=user,
        step_key="account",
        data={"account_number": "6399999999", "notice_confirmed": "on"},
    )
    assert "户号不存在" in str(form.errors["account_number"])
    mine = residential_account(user, usage_nature="commercial")
    form = services.complete_step(
        application=application,
        user=user,
        step_key="account",
        data={"account_number": mine.number, "notice_confirmed": "on"},
    )
    assert "仅适用于居民" in str(form.errors["account_number"])


def test_peak_valley_owner_is_recognised_and_completion_flips_the_account(residential_account, send_code):
    user = VerifiedUserFactory()
    account = residential_account(user)
    application = services.start_application(user=user, business_code="peak_valley")
    assert services.complete_step(
        application=application,
        user=user,
        step_key="account",
        data={"account_number": account.number, "notice_confirmed": "on"},
    ).is_valid()
    form = services.complete_step(application=application, user=user, step_key="applicant", data={})
    assert form.is_valid(), form.errors
    assert application.identity == "owner"
    assert services.missing_documents(application) == []  # the owner needs no power of attorney
    submitted = services.submit_application(
        application=application, user=user, sms_code=send_code(user.phone, Purpose.SUBMIT)
    )
    assert submitted.service_account == account
    changes = services.apply_account_changes(application=submitted, by=None)
    account.refresh_from_db()
    assert account.peak_valley is True
    assert changes[0].applied_at is None or changes[0].field == "peak_valley"
    assert account.peak_valley_line == "已执行峰谷电价，您当前可取消峰谷电"


def test_someone_elses_agent_must_name_the_owner_and_bring_a_power_of_attorney(residential_account):
    holder = VerifiedUserFactory()
    account = residential_account(holder)
    helper = VerifiedUserFactory()
    from applications.models import AccountBinding

    AccountBinding.objects.create(user=helper, account=account, via=AccountBinding.Via.SMS)
    application = services.start_application(user=helper, business_code="peak_valley")
    services.complete_step(
        application=application,
        user=helper,
        step_key="account",
        data={"account_number": account.number, "notice_confirmed": "on"},
    )
    form = services.complete_step(
        application=application,
        user=helper,
        step_key="applicant",
        data={
            "identity": "agent",
            "owner_name": "",
            "owner_id_type": "resident_id",
            "owner_id_number": "630102199003070011",
        },
    )
    assert "请填写产权人姓名" in str(form.errors["owner_name"])
    assert "校验位" in str(form.errors["owner_id_number"])
    form = services.complete_step(
        application=application,
        user=helper,
        step_key="applicant",
        data={
            "identity": "agent",
            "owner_name": holder.name,
            "owner_id_type": "resident_id",
            "owner_id_number": holder.id_number,
        },
    )
    assert form.is_valid(), form.errors
    assert set(services.missing_documents(application)) == {"授权委托书", "经办人身份证人像面", "经办人身份证国徽面"}
    assert Document.objects.count() == 0


def test_a_submission_gets_its_form_pdf_from_the_worker_and_a_message_in_the_inbox(
    street, send_code, django_capture_on_commit_callbacks
):
    from portal.notifications.models import Notification

    user = VerifiedUserFactory(name="马晓燕")
    application = services.start_application(user=user, business_code="residential_new")
    fill_residential(application, user, street)
    upload_all(application, user)
    code = send_code(user.phone, Purpose.SUBMIT)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.submit_application(application=application, user=user, sms_code=code)
    submitted.refresh_from_db()
    text = pdf_text(submitted.form_document)
    assert "低压居民生活用电登记表" in text
    assert submitted.number in text and "马晓燕" in text and "八一路街道" in text
    assert "装表位置照片" in text and "本次上传" in text
    assert user.id_number not in text  # the form carries the masked ID number only
    message = Notification.objects.get(user=user, event="application.submitted")
    assert message.title == "个人新装申请已提交" and submitted.number in message.body
