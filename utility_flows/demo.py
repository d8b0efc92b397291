"""Demo applications and work orders for ``seed_demo``: every state a newcomer should be able to
click through — a draft to resume, a submission waiting in the acceptance queue, orders at
several steps (one of them late), an HV order waiting for the e-assistant, a return for
supplement, a completed change that really changed its account.

They are made with the real services (forms validated, documents uploaded, PDFs rendered by
the in-process worker), so what the demo shows is what the portal does. Each scenario is keyed
in ``Application.data["demo"]`` and skipped when it exists: the step is safe to run again.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from applications import services as applications
from applications.models import Application, ServiceAccount
from applications.requirements import requirements_for
from portal.core.demo import DemoContext, demo_step
from portal.verification.models import Purpose, SmsCode
from portal.verification.services import _hash
from utility_flows import services as orders
from utility_flows.models import WorkOrder

DEMO_CODE = "246810"


def _photo(name: str) -> SimpleUploadedFile:
    """A stand-in scan: a pale page with a few lines, so the demo has something to open."""
    image = Image.new("RGB", (480, 340), "#f4f1e8")
    draw = ImageDraw.Draw(image)
    draw.rectangle((16, 16, 463, 323), outline="#8a6d3b", width=3)
    for y in range(70, 300, 36):
        draw.line((48, y, 430, y), fill="#b8a782", width=4)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def _signature() -> str:
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).line(
        [(40, 150), (120, 50), (190, 140), (260, 60), (340, 150), (420, 70), (560, 120)],
        fill=(20, 20, 20, 255),
        width=8,
    )
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _demo_code(phone: str) -> str:
    """A submit code as if the customer had received it (the demo cannot read a phone)."""
    now = timezone.now()
    SmsCode.objects.filter(phone=phone, purpose=Purpose.SUBMIT, used_at=None, voided_at=None).update(voided_at=now)
    SmsCode.objects.create(
        phone=phone,
        purpose=Purpose.SUBMIT,
        code_hash=_hash(phone, Purpose.SUBMIT, DEMO_CODE),
        created_at=now - timedelta(minutes=2),
        expires_at=now + timedelta(minutes=3),
        sent_at=now,
    )
    return DEMO_CODE


def _appointment() -> str:
    day = timezone.localdate() + timedelta(days=3)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return f"{day:%Y-%m-%d}T10:00"


class _Scenario:
    def __init__(self, ctx: DemoContext, key: str, user, business_code: str):
        self.ctx, self.key, self.user, self.business_code = ctx, key, user, business_code
        self.application: Application | None = Application.objects.filter(data__demo=key).first()

    @property
    def exists(self) -> bool:
        return self.application is not None

    def draft(self, steps: list[tuple[str, dict]]) -> Application:
        application = applications.start_application(user=self.user, business_code=self.business_code)
        application.data["demo"] = self.key
        application.save(update_fields=["data"])
        for step, data in steps:
            form = applications.complete_step(application=application, user=self.user, step_key=step, data=data)
            if not form.is_valid():
                raise RuntimeError(f"demo {self.key}: step {step} refused: {form.errors.as_text()}")
        self.application = application
        return application

    def documents(self, *, defer: tuple[str, ...] = ()) -> None:
        due = timezone.localdate() + timedelta(days=20)
        missing = [r.key for r in requirements_for(self.application) if r.state == "missing"]
        errors = applications.save_documents(
            application=self.application,
            user=self.user,
            uploads={k: _photo(f"{k}.jpg") for k in missing if k not in defer},
            deferrals=dict.fromkeys(defer, due),
        )
        if errors:
            raise RuntimeError(f"demo {self.key}: documents refused: {errors}")

    def submit(self, *, signed: bool = False) -> Application:
        self.application = applications.submit_application(
            application=self.application,
            user=self.user,
            sms_code=_demo_code(self.user.phone),
            signature_data_url=_signature() if signed or applications.needs_signature(self.application) else None,
        )
        return self.application

    def accept(self, by, assignee=None) -> WorkOrder:
        return orders.accept_application(application=self.application, by=by, assignee=assignee)


def _advance(order: WorkOrder, by, *names: str) -> WorkOrder:
    for name in names:
        order = orders.advance(order=order, transition=name, by=by, reason="演示数据")
    return order


def _age(order: WorkOrder, *, days_late: int) -> None:
    """Make an order look as if its step was due ``days_late`` days ago (the late queue)."""
    today = timezone.localdate()
    WorkOrder.objects.filter(pk=order.pk).update(
        step_due_on=today - timedelta(days=days_late),
        step_started_at=timezone.now() - timedelta(days=days_late + 3),
        accepted_at=timezone.now() - timedelta(days=days_late + 5),
    )


@demo_step("applications_and_orders", after=["people", "service_account_registry"])
def applications_and_orders(ctx: DemoContext) -> None:
    """服务记录 and the backoffice queues, populated."""
    resident, legal_rep, agent = ctx.users["resident"], ctx.users["legal_rep"], ctx.users["agent"]
    manager, manager2 = ctx.users["manager"], ctx.users["manager2"]
    enterprise = legal_rep.memberships.select_related("enterprise").first().enterprise
    street = ServiceAccount.objects.get(number="6301000101").region  # 东关大街街道
    made: list[str] = []

    def scenario(key: str, user, code: str, build: Callable[[_Scenario], None]) -> None:
        s = _Scenario(ctx, key, user, code)
        if not s.exists:
            build(s)
            made.append(key)

    # 1. 个人新装, submitted with the property proof promised later: waits in 待受理.
    def residential(s: _Scenario) -> None:
        s.draft(
            [
                (
                    "location",
                    {
                        "street": street.pk,
                        "address": "东关大街 200 号 1 单元 602 室",
                        "capacity": "8",
                        "appointment": _appointment(),
                        "notice_confirmed": "on",
                    },
                ),
                ("property", {"property_proof_type": "purchase_contract"}),
                ("applicant", {}),
            ]
        )
        s.documents(defer=("property_proof",))
        s.submit()

    scenario("resident-new-connection", resident, "residential_new", residential)

    # 2. 开通峰谷电: accepted, the manager has called and checked; execution is next.
    def peak_valley(s: _Scenario) -> None:
        s.draft([("account", {"account_number": "6301000101", "notice_confirmed": "on"}), ("applicant", {})])
        s.documents()
        s.submit()
        _advance(s.accept(manager), manager, "contact", "check_at_desk")

    scenario("resident-peak-valley", resident, "peak_valley", peak_valley)

    # 3. 电能表校验, done: the order is archived and the application completed.
    def meter_test(s: _Scenario) -> None:
        s.draft(
            [
                (
                    "account",
                    {"account_number": "6301000102", "reason": "fast", "description": "近两个月电量比去年同期高出一倍"},
                ),
                ("applicant", {"notice_confirmed": "on"}),
            ]
        )
        s.documents()
        s.submit()
        _advance(s.accept(manager), manager, "contact", "check_on_site", "execute", "archive")

    scenario("resident-meter-test", resident, "meter_test", meter_test)

    # 4. 充电桩报装, left as a draft after the first step: 服务记录 offers 继续办理.
    def ev_draft(s: _Scenario) -> None:
        s.draft(
            [
                (
                    "charger",
                    {
                        "street": street.pk,
                        "address": "东关大街 200 号地下车库 B2-036 车位",
                        "parking_ownership": "owned",
                        "charger_count": "1",
                        "charger_power": "7",
                        "charger_kind": "ac",
                        "notice_confirmed": "on",
                    },
                )
            ]
        )

    scenario("resident-ev-draft", resident, "ev_charger", ev_draft)

    # 5. 企业增容 beyond 160 kW (flagged), accepted and now late for the survey.
    def capacity_increase(s: _Scenario) -> None:
        s.draft(
            [
                ("account", {"account_number": "6301000105", "notice_confirmed": "on"}),
                (
                    "capacity",
                    {
                        "usage_kind": "enterprise",
                        "added_capacity": "80",
                        "appointment": _appointment(),
                        "nonresident_notice_confirmed": "on",
                    },
                ),
                (
                    "subject",
                    {"subject_proof_type": "business_licence", "property_proof_type": "real_estate_certificate"},
                ),
                ("applicant", {}),
            ]
        )
        s.documents()
        s.submit()
        _age(_advance(s.accept(manager), manager, "contact"), days_late=3)

    scenario("enterprise-capacity-increase", legal_rep, "capacity_increase", capacity_increase)

    # 6. 高压新装: accepted, with its account manager assigned, waiting for the e-assistant.
    def hv_new(s: _Scenario) -> None:
        s.draft(
            [
                ("enterprise", {"enterprise": enterprise.pk}),
                (
                    "site",
                    {
                        "street": ServiceAccount.objects.get(number="6301000106").region_id,
                        "address": "东川工业园区经四路 18 号新材料二期厂区",
                        "capacity": "2000",
                        "transformer": "yes",
                        "mine_type": "none",
                        "high_energy": "on",
                        "notice_confirmed": "on",
                    },
                ),
                ("applicant", {}),
            ]
        )
        s.documents()
        s.submit()
        s.accept(manager2, assignee=manager2)

    scenario("enterprise-hv-new", legal_rep, "hv_new", hv_new)

    # 7. 需量值变更, signed and submitted: effective the first of next month once executed.
    def demand(s: _Scenario) -> None:
        s.draft(
            [
                ("account", {"account_number": "6301000106", "notice_confirmed": "on"}),
                ("demand", {"requested_demand": "600"}),
                ("applicant", {"subject_proof_type": "business_licence"}),
            ]
        )
        s.documents()
        s.submit(signed=True)

    scenario("enterprise-demand-value", legal_rep, "demand_value_change", demand)

    # 8. 增值税变更 by the agent: returned for supplement with the reason.
    def vat(s: _Scenario) -> None:
        s.draft(
            [
                ("account", {"account_number": "6301000105"}),
                (
                    "vat",
                    {
                        "invoice_type": "special",
                        "vat_name": enterprise.name,
                        "vat_credit_code": enterprise.credit_code,
                        "vat_bank": "中国建设银行西宁城东支行",
                        "vat_bank_account": "63001234567890123",
                        "vat_address": enterprise.registered_address or "西宁市城东区昆仑中路 66 号",
                        "vat_phone": "0971-8123456",
                        "notice_confirmed": "on",
                    },
                ),
                (
                    "applicant",
                    {
                        "subject_proof_type": "business_licence",
                        "agent_name": agent.name,
                        "legal_rep_id_type": "resident_id",
                        "legal_rep_name": legal_rep.name,
                        "legal_rep_id_number": legal_rep.id_number,
                        "legal_rep_phone": legal_rep.phone,
                    },
                ),
            ]
        )
        s.documents()
        s.submit()
        orders.return_application(
            application=s.application, by=manager, reason="一般纳税人资格证明已过有效期，请上传最新的证明"
        )

    scenario("agent-vat-change", agent, "vat_change", vat)

    if made and ctx.stdout is not None:
        ctx.stdout.write(f"demo applications: {', '.join(made)}\n")
    ctx.notes.append(
        "服务记录：马晓燕有待受理的个人新装（产权证明承诺后补）、办理中的峰谷电、已办结的电能表校验和一份充电桩草稿；"
        "赵建国有超期的企业增容、等待办电e助手的高压新装、待受理的需量值变更；李婷的增值税变更被退回补正。"
    )


# The HV e-assistant's demo orders (SPEC 4.2–4.5) live with the e-assistant.
from utility_flows.hv import demo as _hv_demo  # noqa: E402,F401
