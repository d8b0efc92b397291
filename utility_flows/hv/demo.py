"""Demo HV orders (SPEC 4.2–4.5) made with the real services: orders standing at several stages,
one in a design-rework loop, one suspended with a supervisor's approval, one late, one with an
active chat, one at the mid inspection naming the licensing demo's licensed contractor (checked
有效), one whose contract was sealed with a generated seal. PDFs are rendered in-process
(the demo cannot wait for a worker). Each scenario is keyed and skipped when it exists."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from applications.models import ServiceAccount
from portal.core.demo import DemoContext, demo_step
from portal.documents.services import complete_render
from portal.signing import seals
from utility_flows.demo import _photo, _Scenario, _signature
from utility_flows.hv import chat
from utility_flows.hv import services as hv
from utility_flows.hv.documents import make_signed_copy
from utility_flows.hv.models import HVProcess, PushedDocument

DESIGN = {
    "intended_connection_on": None,
    "enterprise_contact": "赵建国",
    "enterprise_phone": "18609710002",
    "design_contact": "青海电力设计院 李工",
    "design_phone": "18609710021",
    "confirmed": True,
}

MID = {
    "intended_connection_on": None,
    "enterprise_contact": "赵建国",
    "enterprise_phone": "18609710002",
    "confirmed": True,
}


def _finish_documents(process: HVProcess) -> None:
    """Do the worker's part now: render pushed PDFs, write signed copies."""
    for pushed in PushedDocument.objects.filter(process=process):
        if pushed.unsigned_id is None and pushed.render_id:
            complete_render(render_id=pushed.render_id)
        pushed.refresh_from_db()
        if pushed.signed_at and pushed.signed_id is None:
            seal_id = pushed.seal_previews.filter(confirmed_at__isnull=False).values_list("seal_id", flat=True).first()
            make_signed_copy(pushed_id=pushed.pk, seal_id=seal_id)
    process.refresh_from_db()


def _push(process, name, by, reason=""):
    hv.advance(process=process, transition=name, by=by, reason=reason)
    _finish_documents(process)


def _sign(process, kind, user):
    hv.sign_document(process=process, kind=kind, by=user, signature=_signature(), ip="10.10.0.8")
    _finish_documents(process)


def _files(*names):
    return {n: _photo(f"{n}.jpg") for n in names}


def _to(process: HVProcess, target: int, *, customer, manager, licence_number: str = "") -> None:
    """Walk the order forward to (at least) SPEC stage ``target``; stage 11 names the construction
    firm's licence ``licence_number``."""
    later = timezone.now() + timedelta(days=2)
    if process.number < 3:
        hv.take(process=process, by=manager, expected_visit_at=later)
    if target >= 4 and process.number < 4:
        hv.book_survey(process=process, by=customer, survey_at=later, note="上午到厂区东门")
    if target >= 5 and process.number < 5:
        _push(process, "dispatch_survey", manager)
    if target >= 6 and process.number < 6:
        _push(process, "push_plan", manager)
    if target >= 7 and process.number < 7:
        _sign(process, "supply_plan", customer)
    if target >= 8 and process.number < 8:
        hv.submit_stage(
            process=process,
            kind="design",
            by=customer,
            data=DESIGN,
            files=_files("design_qualification", "design_drawings"),
        )
    if target >= 9 and process.number < 10:
        _push(process, "pass_design", manager)
    if target >= 10 and process.number < 11:
        _sign(process, "design_review", customer)
    if target >= 11 and process.number < 12:
        hv.submit_stage(
            process=process,
            kind="mid",
            by=customer,
            data={**MID, "licence_number": licence_number},
            files=_files("concealed_records", "grounding_records", "licence_file"),
        )


@demo_step("hv_eassistant", after=["applications_and_orders", "licensing"])
def hv_eassistant(ctx: DemoContext) -> None:
    legal_rep, manager, supervisor = ctx.users["legal_rep"], ctx.users["manager2"], ctx.users["supervisor"]
    enterprise = legal_rep.memberships.select_related("enterprise").first().enterprise
    street = ServiceAccount.objects.get(number="6301000106").region_id
    made = []

    def order(key: str, address: str, capacity: str = "1250"):
        s = _Scenario(ctx, key, legal_rep, "hv_new")
        if s.exists:
            return None
        s.draft(
            [
                ("enterprise", {"enterprise": enterprise.pk}),
                (
                    "site",
                    {
                        "street": street,
                        "address": address,
                        "capacity": capacity,
                        "transformer": "yes",
                        "mine_type": "none",
                        "notice_confirmed": "on",
                    },
                ),
                ("applicant", {}),
            ]
        )
        s.documents()
        s.submit()
        made.append(key)
        return s.accept(manager, assignee=manager).hv

    # Waiting for the customer's survey booking (stage 4 now).
    if (p := order("hv-survey", "南川工业园区纬二路 6 号")) is not None:
        _to(p, 3, customer=legal_rep, manager=manager)

    # Design rework loop: the review asked for changes; the customer must submit stage 8 again.
    if (p := order("hv-rework", "甘河工业园区合金路 12 号")) is not None:
        _to(p, 8, customer=legal_rep, manager=manager)
        _push(
            p, "rework_design", manager, "1. 缺少接地系统设计说明；2. 主接线图未标注开关型号。请一次性修改后重新送审。"
        )

    # Suspended with a supervisor's approval.
    if (p := order("hv-suspended", "生物科技产业园区纬四路 3 号")) is not None:
        _to(p, 5, customer=legal_rep, manager=manager)
        hv.suspend(process=p, by=manager, reason="客户项目资金暂未到位，客户书面申请暂缓", approver=supervisor)

    # Late: the survey was booked long ago and not dispatched.
    if (p := order("hv-late", "城北区生物园区经二路 21 号")) is not None:
        _to(p, 4, customer=legal_rep, manager=manager)
        HVProcess.objects.filter(pk=p.pk).update(
            stage_at=timezone.now() - timedelta(days=12), due_on=timezone.localdate() - timedelta(days=5)
        )

    # An active chat with the design contact.
    if (p := order("hv-chat", "东川工业园区经七路 9 号")) is not None:
        _to(p, 7, customer=legal_rep, manager=manager)
        customer_member = chat.member_of(user=legal_rep, order_pk=p.order_id)
        manager_member = chat.member_of(user=manager, order_pk=p.order_id)
        chat.post_message(member=customer_member, text="王经理您好，设计院下周一可以提交图纸吗？")
        chat.post_message(
            member=manager_member, text="可以，请在“设计文件送审”中上传资质证书和图纸，我会在10个工作日内审核。"
        )
        chat.invite(member=customer_member, phone="18609710021", role="design")

    # Mid inspection requested (stage 12 now): the construction firm 青海宏源 (licensing demo) holds
    # a licence the registry answers 有效, shown with its holder and scope on the processing page.
    if (p := order("hv-mid", "南川工业园区经三路 15 号")) is not None:
        _to(p, 11, customer=legal_rep, manager=manager, licence_number=ctx.objects["contractor_licence_number"])

    # The whole way to a sealed contract (design and mid inspection not needed for this one).
    if (p := order("hv-sealed", "东川工业园区经四路 30 号", capacity="800")) is not None:
        hv.mark_not_needed(
            process=p, by=manager, design=True, mid=True, reason="利用原有配电室改造，无设计审查及隐蔽工程"
        )
        _to(p, 7, customer=legal_rep, manager=manager)
        data = {
            **DESIGN,
            "construction_contact": "青海电建 杨工",
            "construction_phone": "18609710004",
            "basic_charge": "contract_demand",
            "demand_kw": 600,
        }
        hv.submit_stage(
            process=p,
            kind="completion",
            by=legal_rep,
            data=data,
            signature=_signature(),
            files=_files("as_built", "protection_records", "construction_qualification", "safety_licence"),
        )
        _push(p, "pass_completion", manager)
        _sign(p, "completion", legal_rep)
        _push(p, "push_contract", manager)
        seal = seals.my_seals(user=legal_rep).filter(status="active").first() or seals.apply_seal(
            enterprise=enterprise, by=legal_rep
        )
        preview = hv.preview_seal(process=p, by=legal_rep, seal_id=seal.pk, signature=_signature())
        hv.confirm_seal(process=p, by=legal_rep, preview_id=preview.pk, ip="10.10.0.8")
        _finish_documents(p)

    if made and ctx.stdout is not None:
        ctx.stdout.write(f"demo HV orders: {', '.join(made)}\n")
    ctx.notes.append(
        f"高压办电（办电e助手）：{legal_rep.name}登录后在“服务记录”或 /hv/ 查看各环节的工单"
        "（返工、暂停、超期、群聊、中间检查许可证核验有效、已盖章合同）；"
        f"客户经理{manager.name}在后台“高压办电进度”办理，"
        "营销主管可看“阳光业扩服务质量月报”（/admin/utility_flows/hvprocess/report/）。"
    )
