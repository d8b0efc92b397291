"""The platform's application engine (portal.wizard) with a declaration that is not a business of
the catalog: plain ``WizardDeclaration``, plain step forms, the app's own submit hook — as
licensing or the HV e-assistant will declare theirs. (The draft rows are applications' table,
the only concrete ``WizardDraft`` today; nothing of the catalog runs.)"""

import io
from datetime import timedelta

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from applications.models import Application, ApplicationState
from portal.core.errors import DomainError
from portal.verification.models import Purpose
from portal.wizard import engine
from portal.wizard.declaration import (
    ALWAYS,
    CONFIRM_STEP,
    DOCUMENTS_STEP,
    Condition,
    DocumentRule,
    Step,
    WizardDeclaration,
    empty_draft_data,
)
from portal.wizard.describe import describe_draft_steps, describe_steps
from portal.wizard.forms import NoticeMixin, StepForm
from tests.factories import VerifiedUserFactory

pytestmark = pytest.mark.django_db


class FirmForm(NoticeMixin, StepForm):
    firm_name = forms.CharField(label="企业名称", max_length=50)
    staff = forms.IntegerField(label="技术人员人数", min_value=1)

    def save_to(self, draft):
        draft.address = self.cleaned_data["firm_name"]  # any column the app keeps a fact in


class LevelForm(StepForm):
    level = forms.ChoiceField(label="许可等级", choices=[("1", "一级"), ("4", "四级")])


FIRST_LEVEL = Condition("申请一级许可时必备", lambda c: c.answers.get("level") == "1")

LICENCE = WizardDeclaration(
    code="licence_test",
    name="承装（修、试）电力设施许可证",
    steps=[Step("firm", "企业信息", FirmForm), Step("level", "许可等级", LevelForm)],
    documents=[
        DocumentRule("licence_photo", "property_proof", "营业执照", when=ALWAYS, deferrable=True),
        DocumentRule("staff_list", "id_card_front", "技术人员名单", when=FIRST_LEVEL),
    ],
    notice_title="《许可申请须知》",
    notice="一、如实填写。",
)


@pytest.fixture
def draft(monkeypatch):
    monkeypatch.setattr(Application, "wizard", property(lambda self: LICENCE))
    user = VerifiedUserFactory()
    return Application.objects.create(
        business_code="licence_test", applicant=user, data=empty_draft_data(), current_step="firm"
    )


def photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, "JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue())


def test_the_documents_and_confirm_steps_come_from_the_base():
    assert LICENCE.step_keys == ["firm", "level", DOCUMENTS_STEP, CONFIRM_STEP]
    assert [s["kind"] for s in describe_steps(LICENCE)] == ["form", "form", "documents", "confirm"]
    firm_fields = describe_steps(LICENCE)[0]["fields"]
    assert sorted((f["name"], f["type"], f["required"]) for f in firm_fields) == [
        ("firm_name", "string", True),
        ("notice_confirmed", "boolean", True),
        ("staff", "integer", True),
    ]


def test_a_draft_is_saved_as_typed_validated_per_step_and_resumed(draft):
    user = draft.applicant
    engine.autosave_step(draft=draft, user=user, step_key="firm", data={"firm_name": "青海送变电", "staff": "x"})
    draft.refresh_from_db()
    assert draft.data["raw"]["firm"] == {"firm_name": "青海送变电", "staff": "x"}
    assert engine.first_incomplete_step(draft) == "firm"

    form = engine.complete_step(draft=draft, user=user, step_key="firm", data={"firm_name": "青海送变电", "staff": "0"})
    assert not form.is_valid() and "staff" in form.errors and "notice_confirmed" in form.errors
    assert draft.data["raw"]["firm"]["staff"] == "0"  # kept although refused

    form = engine.complete_step(
        draft=draft,
        user=user,
        step_key="firm",
        data={"firm_name": "青海送变电", "staff": "12", "notice_confirmed": "on"},
    )
    assert form.is_valid()
    assert draft.current_step == "level" and draft.address == "青海送变电"
    assert form.fields["notice_confirmed"].label == "我已阅读并确认《许可申请须知》"
    resumed = engine.build_step_form(draft, user, "firm")
    assert resumed.initial["staff"] == "12"
    steps = describe_draft_steps(draft, user)
    assert steps[0]["done"] and {f["name"]: f["value"] for f in steps[0]["fields"]}["staff"] == "12"


def test_documents_follow_the_answers_and_may_be_deferred(draft):
    user = draft.applicant
    engine.complete_step(
        draft=draft,
        user=user,
        step_key="firm",
        data={"firm_name": "青海送变电", "staff": "12", "notice_confirmed": "on"},
    )
    engine.complete_step(draft=draft, user=user, step_key="level", data={"level": "4"})
    assert [r.key for r in engine.requirements_for(draft)] == ["licence_photo"]
    engine.complete_step(draft=draft, user=user, step_key="level", data={"level": "1"})
    assert engine.missing_documents(draft) == ["营业执照", "技术人员名单"]

    errors = engine.save_documents(
        draft=draft,
        user=user,
        uploads={"staff_list": photo()},
        deferrals={"licence_photo": timezone.localdate() + timedelta(days=10)},
    )
    assert errors == {}
    assert {r.key: r.state for r in engine.requirements_for(draft)} == {
        "licence_photo": "deferred",
        "staff_list": "uploaded",
    }
    assert engine.needs_signature(draft)  # a commitment letter is signed


def test_the_submit_runs_the_apps_hook_once_and_spends_the_code(draft, send_code):
    user = draft.applicant
    engine.complete_step(
        draft=draft,
        user=user,
        step_key="firm",
        data={"firm_name": "青海送变电", "staff": "12", "notice_confirmed": "on"},
    )
    with pytest.raises(DomainError) as incomplete:
        engine.submit_draft(draft=draft, user=user, sms_code="123456", finalize=lambda d, a: None)
    assert incomplete.value.code == "step_incomplete" and incomplete.value.field == "level"
    engine.complete_step(draft=draft, user=user, step_key="level", data={"level": "4"})
    engine.save_documents(draft=draft, user=user, uploads={"licence_photo": photo()}, deferrals={})
    code = send_code(user.phone, Purpose.SUBMIT)
    hooked = []

    def finalize(locked, answers):
        hooked.append(answers)
        locked.submit()
        locked.save()

    first = engine.submit_draft(draft=draft, user=user, sms_code=code, finalize=finalize)
    again = engine.submit_draft(draft=draft, user=user, sms_code=code, finalize=finalize)
    assert first.pk == again.pk and first.state == ApplicationState.SUBMITTED
    assert hooked == [{"firm_name": "青海送变电", "staff": 12, "notice_confirmed": True, "level": "4"}]
