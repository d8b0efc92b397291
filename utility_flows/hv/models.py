"""The HV e-assistant (办电e助手, SPEC 4.2): the 20 stages of a high-voltage order.

The work order itself stays in ``manager_assigned`` until it is archived; the e-assistant's
stages live on ``HVProcess`` (one per HV work order) so the LV and change machines stay short.

``HVProcess.stage`` is the stage last COMPLETED (1–20 of SPEC 4.2). The stage now due is the
next one that is not skipped; its side (customer / utility) says who acts. Three rework states
send the order back: design rework → stage 8 again, mid defects → stage 11 again, completion
defects → re-inspection (stage 14 again). The account manager may mark stages 8–10 (design
review) and 11–13 (mid inspection) not needed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.core.append_only import AppendOnlyModel


class Side(models.TextChoices):
    CUSTOMER = "customer", _("客户")
    UTILITY = "utility", _("供电公司")


class HVStage(models.TextChoices):
    CONFIRMED = "confirmed", _("申请确认，生成正式工单")
    MANAGER_ASSIGNED = "manager_assigned", _("客户经理接单")
    SURVEY_BOOKED = "survey_booked", _("预约勘察时间")
    SURVEYED = "surveyed", _("勘察派工")
    PLAN_PUSHED = "plan_pushed", _("答复供电方案")
    PLAN_SIGNED = "plan_signed", _("供电方案签字确认")
    DESIGN_SUBMITTED = "design_submitted", _("设计文件送审")
    DESIGN_REWORK = "design_rework", _("设计文件需修改")
    DESIGN_REVIEWED = "design_reviewed", _("推送设计文件审核意见单")
    DESIGN_SIGNED = "design_signed", _("设计文件审核意见签字")
    MID_REQUESTED = "mid_requested", _("申请中间检查")
    MID_REWORK = "mid_rework", _("中间检查需整改")
    MID_INSPECTED = "mid_inspected", _("推送中间检查意见单")
    MID_SIGNED = "mid_signed", _("中间检查意见签字")
    COMPLETION_REQUESTED = "completion_requested", _("竣工报验")
    COMPLETION_REWORK = "completion_rework", _("竣工检验需整改")
    COMPLETION_INSPECTED = "completion_inspected", _("推送竣工检验意见单")
    COMPLETION_SIGNED = "completion_signed", _("竣工检验意见签字")
    CONTRACT_PUSHED = "contract_pushed", _("推送供用电合同")
    CONTRACT_UPLOADED = "contract_uploaded", _("合同盖章件待审核")
    CONTRACT_SIGNED = "contract_signed", _("合同签订")
    CONNECTED = "connected", _("装表接电")
    ARCHIVED = "archived", _("归档")


# SPEC 4.2's table: (number, stage reached when it is done, side, label). Stage 1 is the
# application itself (its submission time); 2 is the acceptance that created the process.
STAGES: list[tuple[int, str, str, str]] = [
    (1, "submitted", Side.CUSTOMER, _("提交高压新装申请")),
    (2, HVStage.CONFIRMED, Side.UTILITY, _("申请确认，生成正式工单")),
    (3, HVStage.MANAGER_ASSIGNED, Side.UTILITY, _("客户经理接单")),
    (4, HVStage.SURVEY_BOOKED, Side.CUSTOMER, _("预约勘察时间")),
    (5, HVStage.SURVEYED, Side.UTILITY, _("勘察派工")),
    (6, HVStage.PLAN_PUSHED, Side.UTILITY, _("答复供电方案")),
    (7, HVStage.PLAN_SIGNED, Side.CUSTOMER, _("供电方案签字")),
    (8, HVStage.DESIGN_SUBMITTED, Side.CUSTOMER, _("设计文件送审")),
    (9, HVStage.DESIGN_REVIEWED, Side.UTILITY, _("设计文件审核意见")),
    (10, HVStage.DESIGN_SIGNED, Side.CUSTOMER, _("设计文件审核意见签字")),
    (11, HVStage.MID_REQUESTED, Side.CUSTOMER, _("申请中间检查")),
    (12, HVStage.MID_INSPECTED, Side.UTILITY, _("中间检查结果")),
    (13, HVStage.MID_SIGNED, Side.CUSTOMER, _("中间检查意见签字")),
    (14, HVStage.COMPLETION_REQUESTED, Side.CUSTOMER, _("竣工报验")),
    (15, HVStage.COMPLETION_INSPECTED, Side.UTILITY, _("竣工检验意见")),
    (16, HVStage.COMPLETION_SIGNED, Side.CUSTOMER, _("竣工检验意见签字")),
    (17, HVStage.CONTRACT_PUSHED, Side.UTILITY, _("推送供用电合同")),
    (18, HVStage.CONTRACT_SIGNED, Side.CUSTOMER, _("合同签订")),
    (19, HVStage.CONNECTED, Side.UTILITY, _("装表接电")),
    (20, HVStage.ARCHIVED, Side.UTILITY, _("归档")),
]
STAGE_NUMBER = {code: number for number, code, _side, _label in STAGES}
# Rework and review-pending states sit just after the stage whose result they are.
STAGE_NUMBER.update(
    {
        HVStage.DESIGN_REWORK: 7,
        HVStage.MID_REWORK: 10,
        HVStage.COMPLETION_REWORK: 13,
        HVStage.CONTRACT_UPLOADED: 17,
    }
)
DESIGN_STAGES = (8, 9, 10)
MID_STAGES = (11, 12, 13)


class BasicCharge(models.TextChoices):
    CAPACITY = "capacity", _("按变压器容量")
    CONTRACT_DEMAND = "contract_demand", _("按合同最大需量")
    ACTUAL_DEMAND = "actual_demand", _("按实际最大需量")


# --- conditions and permissions -------------------------------------------------------------------


def is_customer(process: HVProcess, user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.pk == process.order.customer_id)


def is_handler(process: HVProcess, user) -> bool:
    from utility_flows.models import may_handle

    return may_handle(user, process.order.business)


def needs_design(process: HVProcess) -> bool:
    return process.design_needed


def needs_mid(process: HVProcess) -> bool:
    return process.mid_needed


def mid_ready(process: HVProcess) -> bool:
    """Stage 11 may start: the design review is done, or it is not needed."""
    if not process.mid_needed:
        return False
    return process.stage != HVStage.PLAN_SIGNED or not process.design_needed


def completion_ready(process: HVProcess) -> bool:
    """Stage 14 may start once every stage before it is done or marked not needed."""
    if process.stage == HVStage.MID_SIGNED:
        return True
    if process.mid_needed:
        return False
    return process.stage == HVStage.DESIGN_SIGNED or not process.design_needed


def fees_are_settled(process: HVProcess) -> bool:
    return process.fees_settled


def _t(side, label, **custom):
    return {"side": side, "label": label, **custom}


class HVProcess(ConcurrentTransitionMixin, models.Model):
    """The e-assistant's stages of one HV work order. Change ``stage`` only through
    ``utility_flows.hv.services.advance`` (log, audit, notification and the race check)."""

    order = models.OneToOneField(
        "utility_flows.WorkOrder", on_delete=models.PROTECT, related_name="hv", verbose_name=_("工单")
    )
    stage = FSMField(_("办电环节"), default=HVStage.CONFIRMED, choices=HVStage.choices, protected=True)
    stage_at = models.DateTimeField(_("本环节开始"), default=timezone.now)
    design_needed = models.BooleanField(_("需要设计文件审查"), default=True)
    mid_needed = models.BooleanField(_("需要中间检查"), default=True)
    expected_visit_at = models.DateTimeField(_("预计上门服务时间"), null=True, blank=True)
    survey_at = models.DateTimeField(_("意向勘察时间"), null=True, blank=True)
    intended_connection_on = models.DateField(_("意向接电时间"), null=True, blank=True)
    dual_supply = models.BooleanField(_("双电源"), default=False)
    fees_settled = models.BooleanField(_("业务费用已结清"), default=False)
    basic_charge = models.CharField(_("基本电费计收方式"), max_length=20, choices=BasicCharge.choices, blank=True)
    demand_kw = models.DecimalField(_("合同最大需量（千瓦）"), max_digits=10, decimal_places=1, null=True, blank=True)
    rework_count = models.PositiveSmallIntegerField(_("整改次数"), default=0)
    due_on = models.DateField(_("本环节时限"), null=True, blank=True, db_index=True)
    suspended_at = models.DateTimeField(_("暂停时间"), null=True, blank=True)
    warned_stage = models.CharField(_("已提醒环节"), max_length=30, blank=True)
    late_stage = models.CharField(_("已报超期环节"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("高压办电进度")
        verbose_name_plural = _("高压办电进度")
        ordering = ["-id"]

    def __str__(self) -> str:
        return str(self.order)

    @property
    def number(self) -> int:
        return STAGE_NUMBER[self.stage]

    def is_skipped(self, number: int) -> bool:
        return (number in DESIGN_STAGES and not self.design_needed) or (number in MID_STAGES and not self.mid_needed)

    def next_number(self) -> int | None:
        """The SPEC 4.2 stage now due (None once archived)."""
        n = self.number + 1
        while n <= 20 and self.is_skipped(n):
            n += 1
        return n if n <= 20 else None

    # --- utility side -----------------------------------------------------------------------

    @transition(
        field=stage,
        source=HVStage.CONFIRMED,
        target=HVStage.MANAGER_ASSIGNED,
        permission=is_handler,
        custom=_t(Side.UTILITY, _("客户经理接单")),
    )
    def take(self):
        pass

    @transition(
        field=stage,
        source=HVStage.SURVEY_BOOKED,
        target=HVStage.SURVEYED,
        permission=is_handler,
        custom=_t(Side.UTILITY, _("勘察派工")),
    )
    def dispatch_survey(self):
        pass

    @transition(
        field=stage,
        source=HVStage.SURVEYED,
        target=HVStage.PLAN_PUSHED,
        permission=is_handler,
        custom=_t(Side.UTILITY, _("推送供电方案"), document="supply_plan"),
    )
    def push_plan(self):
        pass

    @transition(
        field=stage,
        source=HVStage.DESIGN_SUBMITTED,
        target=HVStage.DESIGN_REVIEWED,
        permission=is_handler,
        custom=_t(Side.UTILITY, _("推送设计审核意见（通过）"), document="design_review"),
    )
    def pass_design(self):
        pass

    @transition(
        field=stage,
        source=HVStage.DESIGN_SUBMITTED,
        target=HVStage.DESIGN_REWORK,
        permission=is_handler,
        custom=_t(Side.UTILITY, _("推送设计审核意见（需修改）"), document="design_review", reason_required=True),
    )
    def rework_design(self):
        self.rework_count += 1

    @transition(
        field=stage,
        source=HVStage.MID_REQUESTED,
        target=HVStage.MID_INSPECTED,
        permission=is_handler,
        custom=_t(Side.UTILITY, _("推送中间检查意见（合格）"), document="mid_inspection"),
    )
    def pass_mid(self):
        pass

    @transition(
        field=stage,
        source=HVStage.MID_REQUESTED,
        target=HVStage.MID_REWORK,
        permission=is_handler,
        custom=_t(Side.UTILITY, _("推送中间检查意见（需整改）"), document="mid_inspection", reason_required=True),
    )
    def rework_mid(self):
        self.rework_count += 1

    @transition(
        field=stage,
        source=HVStage.COMPLETION_REQUESTED,
        target=HVStage.COMPLETION_INSPECTED,
        permission=is_handler,
        custom=_t(Side.UTILITY, _("推送竣工检验意见（合格）"), document="completion"),
    )
    def pass_completion(self):
        pass

    @transition(
        field=stage,
        source=HVStage.COMPLETION_REQUESTED,
        target=HVStage.COMPLETION_REWORK,
        permission=is_handler,
        custom=_t(
            Side.UTILITY, _("推送竣工检验意见（需整改，一次性告知）"), document="completion", reason_required=True
        ),
    )
    def rework_completion(self):
        self.rework_count += 1

    @transition(
        field=stage,
        source=HVStage.COMPLETION_SIGNED,
        target=HVStage.CONTRACT_PUSHED,
        permission=is_handler,
        custom=_t(Side.UTILITY, _("推送供用电合同"), document="contract"),
    )
    def push_contract(self):
        pass

    @transition(
        field=stage,
        source=HVStage.CONTRACT_UPLOADED,
        target=HVStage.CONTRACT_SIGNED,
        permission=is_handler,
        custom=_t(Side.UTILITY, _("审核通过合同盖章件")),
    )
    def accept_contract_scan(self):
        pass

    @transition(
        field=stage,
        source=HVStage.CONTRACT_UPLOADED,
        target=HVStage.CONTRACT_PUSHED,
        permission=is_handler,
        custom=_t(Side.UTILITY, _("退回合同盖章件"), reason_required=True),
    )
    def refuse_contract_scan(self):
        pass

    @transition(
        field=stage,
        source=HVStage.CONTRACT_SIGNED,
        target=HVStage.CONNECTED,
        permission=is_handler,
        conditions=[fees_are_settled],
        custom=_t(Side.UTILITY, _("装表接电")),
    )
    def connect(self):
        pass

    @transition(
        field=stage,
        source=HVStage.CONNECTED,
        target=HVStage.ARCHIVED,
        permission=is_handler,
        custom=_t(Side.UTILITY, _("归档")),
    )
    def archive(self):
        pass

    # --- customer side ----------------------------------------------------------------------

    @transition(
        field=stage,
        source=HVStage.MANAGER_ASSIGNED,
        target=HVStage.SURVEY_BOOKED,
        permission=is_customer,
        custom=_t(Side.CUSTOMER, _("预约勘察时间")),
    )
    def book_survey(self):
        pass

    @transition(
        field=stage,
        source=HVStage.PLAN_PUSHED,
        target=HVStage.PLAN_SIGNED,
        permission=is_customer,
        custom=_t(Side.CUSTOMER, _("供电方案签字确认"), signs="supply_plan"),
    )
    def sign_plan(self):
        pass

    @transition(
        field=stage,
        source=[HVStage.PLAN_SIGNED, HVStage.DESIGN_REWORK],
        target=HVStage.DESIGN_SUBMITTED,
        permission=is_customer,
        conditions=[needs_design],
        custom=_t(Side.CUSTOMER, _("设计文件送审"), form="design"),
    )
    def submit_design(self):
        pass

    @transition(
        field=stage,
        source=HVStage.DESIGN_REVIEWED,
        target=HVStage.DESIGN_SIGNED,
        permission=is_customer,
        custom=_t(Side.CUSTOMER, _("设计文件审核意见签字"), signs="design_review"),
    )
    def sign_design(self):
        pass

    @transition(
        field=stage,
        source=[HVStage.PLAN_SIGNED, HVStage.DESIGN_SIGNED, HVStage.MID_REWORK],
        target=HVStage.MID_REQUESTED,
        permission=is_customer,
        conditions=[mid_ready],
        custom=_t(Side.CUSTOMER, _("申请中间检查"), form="mid"),
    )
    def request_mid(self):
        pass

    @transition(
        field=stage,
        source=HVStage.MID_INSPECTED,
        target=HVStage.MID_SIGNED,
        permission=is_customer,
        custom=_t(Side.CUSTOMER, _("中间检查意见签字"), signs="mid_inspection"),
    )
    def sign_mid(self):
        pass

    @transition(
        field=stage,
        source=[HVStage.PLAN_SIGNED, HVStage.DESIGN_SIGNED, HVStage.MID_SIGNED],
        target=HVStage.COMPLETION_REQUESTED,
        permission=is_customer,
        conditions=[completion_ready],
        custom=_t(Side.CUSTOMER, _("竣工报验"), form="completion"),
    )
    def request_completion(self):
        pass

    @transition(
        field=stage,
        source=HVStage.COMPLETION_REWORK,
        target=HVStage.COMPLETION_REQUESTED,
        permission=is_customer,
        custom=_t(Side.CUSTOMER, _("整改完成，申请复验"), form="completion"),
    )
    def request_reinspection(self):
        pass

    @transition(
        field=stage,
        source=HVStage.COMPLETION_INSPECTED,
        target=HVStage.COMPLETION_SIGNED,
        permission=is_customer,
        custom=_t(Side.CUSTOMER, _("竣工检验意见签字"), signs="completion"),
    )
    def sign_completion(self):
        pass

    @transition(
        field=stage,
        source=HVStage.CONTRACT_PUSHED,
        target=HVStage.CONTRACT_SIGNED,
        permission=is_customer,
        custom=_t(Side.CUSTOMER, _("签订合同"), signs="contract"),
    )
    def sign_contract(self):
        pass

    @transition(
        field=stage,
        source=HVStage.CONTRACT_PUSHED,
        target=HVStage.CONTRACT_UPLOADED,
        permission=is_customer,
        custom=_t(Side.CUSTOMER, _("上传合同盖章件")),
    )
    def upload_contract_scan(self):
        pass


def transition_meta(name: str):
    method = getattr(HVProcess, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        return None
    return next(iter(meta.transitions.values()))


UTILITY_TRANSITIONS = tuple(
    name
    for name in dir(HVProcess)
    if transition_meta(name) is not None and transition_meta(name).custom["side"] == Side.UTILITY
)
CUSTOMER_TRANSITIONS = tuple(
    name
    for name in dir(HVProcess)
    if transition_meta(name) is not None and transition_meta(name).custom["side"] == Side.CUSTOMER
)

# Log entries that are not stage changes.
EVENT_LABELS = {
    "accept": _("申请确认，生成正式工单"),
    "change_survey": _("勘察时间变更"),
    "mark_not_needed": _("标记环节无需办理"),
    "fees_settled": _("确认业务费用已结清"),
    "set_visit": _("约定上门服务时间"),
    "reassign": _("改派客户经理"),
    "suspend": _("暂停工单"),
    "resume": _("恢复工单"),
}


def log_label(name: str) -> str:
    if name in EVENT_LABELS:
        return str(EVENT_LABELS[name])
    meta = transition_meta(name)
    return str(meta.custom["label"]) if meta else name


class HVLog(AppendOnlyModel):
    """Every stage change of the e-assistant (and its non-stage events): who, when, from, to,
    why. Append-only."""

    process = models.ForeignKey(HVProcess, on_delete=models.PROTECT, related_name="log", verbose_name=_("高压办电"))
    name = models.CharField(_("操作"), max_length=40)
    side = models.CharField(_("办理方"), max_length=10, choices=Side.choices)
    from_stage = models.CharField(_("原环节"), max_length=30, choices=HVStage.choices, blank=True)
    to_stage = models.CharField(_("新环节"), max_length=30, choices=HVStage.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    reason = models.CharField(_("说明"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("高压办电记录")
        verbose_name_plural = _("高压办电记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.process} {self.label}"

    @property
    def label(self) -> str:
        return log_label(self.name)


class SurveyBooking(models.Model):
    """预约勘察时间 and every later 勘察时间变更, in order: the last one is the booking."""

    process = models.ForeignKey(
        HVProcess, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("高压办电")
    )
    survey_at = models.DateTimeField(_("意向勘察时间"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("预约人")
    )
    at = models.DateTimeField(_("预约时间"), default=timezone.now)

    class Meta:
        verbose_name = _("勘察预约")
        verbose_name_plural = _("勘察预约")
        ordering = ["at", "id"]


class Submission(models.Model):
    """What the customer submitted at stage 8, 11 or 14 (SPEC 4.2): the form's fields as data,
    the files as Documents."""

    class Kind(models.TextChoices):
        DESIGN = "design", _("设计文件送审")
        MID = "mid", _("中间检查申请")
        COMPLETION = "completion", _("竣工报验")

    process = models.ForeignKey(
        HVProcess, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("高压办电")
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    data = models.JSONField(_("填报内容"), default=dict)
    documents = models.ManyToManyField(
        "documents.Document", through="SubmissionFile", related_name="+", verbose_name=_("附件")
    )
    licence_status = models.CharField(_("许可证核验"), max_length=20, blank=True)
    # What the registry answered at submission: {"holder", "scope": [...], "expires_on": ISO date}
    licence_detail = models.JSONField(_("许可证核验结果"), default=dict, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提交人")
    )
    at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        verbose_name = _("环节提交")
        verbose_name_plural = _("环节提交")
        ordering = ["at", "id"]

    @property
    def licence_summary(self) -> str:
        """The registry's answer in one line: holder, scope and expiry when valid, else the status."""
        from portal.core.licences import LicenceStatus

        if not self.licence_status:
            return ""
        if self.licence_status != LicenceStatus.VALID:
            return str(LicenceStatus(self.licence_status).label)
        d = self.licence_detail
        return _("许可证有效：%(holder)s，%(scope)s，有效期至 %(expires)s") % {
            "holder": d.get("holder", ""),
            "scope": "、".join(d.get("scope", [])),
            "expires": d.get("expires_on", ""),
        }


class SubmissionFile(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    field = models.CharField(_("材料"), max_length=40)
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("提交附件")
        verbose_name_plural = _("提交附件")


class PushedDocument(models.Model):
    """A document the utility pushed (供电方案, 审核/检查/检验意见单, 合同): the unsigned PDF as
    rendered by the worker and, once signed, the NEW signed PDF with its record."""

    class Kind(models.TextChoices):
        SUPPLY_PLAN = "supply_plan", _("供电方案")
        DESIGN_REVIEW = "design_review", _("客户受电工程设计文件审核意见单")
        MID_INSPECTION = "mid_inspection", _("客户受电工程中间检查意见单")
        COMPLETION = "completion", _("客户受电工程竣工检验意见单")
        CONTRACT = "contract", _("高压供用电合同")

    class SignedBy(models.TextChoices):
        HANDWRITTEN = "handwritten", _("手写签名")
        SCAN = "scan", _("上传盖章件")
        SEAL = "seal", _("电子签章")

    process = models.ForeignKey(
        HVProcess, on_delete=models.PROTECT, related_name="documents", verbose_name=_("高压办电")
    )
    kind = models.CharField(_("文件"), max_length=20, choices=Kind.choices)
    outcome = models.CharField(_("结论"), max_length=500, blank=True)
    passed = models.BooleanField(_("通过"), default=True)
    render = models.OneToOneField(
        "documents.PdfRender",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("生成任务"),
    )
    unsigned = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("待签文件"),
    )
    signed = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("已签文件"),
    )
    signed_sha256 = models.CharField(_("已签文件 SHA-256"), max_length=64, blank=True)
    signed_how = models.CharField(_("签署方式"), max_length=20, choices=SignedBy.choices, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("签署人"),
    )
    signed_at = models.DateTimeField(_("签署时间"), null=True, blank=True)
    signed_ip = models.GenericIPAddressField(_("签署 IP"), null=True, blank=True)
    pushed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("推送人")
    )
    pushed_at = models.DateTimeField(_("推送时间"), default=timezone.now)

    class Meta:
        verbose_name = _("推送文件")
        verbose_name_plural = _("推送文件")
        ordering = ["pushed_at", "id"]

    def __str__(self) -> str:
        return f"{self.process} {self.get_kind_display()}"


class SealPreview(models.Model):
    """合同签章 step one: the chosen seal and the signature placed on the contract's signing
    page as a preview. Not binding until ``confirmed_at`` (确认并盖章)."""

    document = models.ForeignKey(
        PushedDocument, on_delete=models.CASCADE, related_name="seal_previews", verbose_name=_("合同")
    )
    seal = models.ForeignKey("signing.Seal", on_delete=models.PROTECT, related_name="+", verbose_name=_("印章"))
    signature = models.ForeignKey(
        "signing.Signature", on_delete=models.PROTECT, related_name="+", verbose_name=_("签名")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("签章人")
    )
    at = models.DateTimeField(_("预览时间"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("确认盖章时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("签章预览")
        verbose_name_plural = _("签章预览")
        ordering = ["-at", "-id"]


# --- order chat (即时沟通, SPEC 4.4) ----------------------------------------------------------------


class ChatMember(models.Model):
    """A member of an HV order's chat: the customer, the account manager, design / construction
    contacts who joined by an invitation verified with an SMS code."""

    class Role(models.TextChoices):
        CUSTOMER = "customer", _("客户")
        MANAGER = "manager", _("客户经理")
        DESIGN = "design", _("设计单位联系人")
        CONSTRUCTION = "construction", _("施工单位联系人")
        OTHER = "other", _("其他联系人")

    process = models.ForeignKey(HVProcess, on_delete=models.CASCADE, related_name="members", verbose_name=_("高压办电"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hv_chats", verbose_name=_("成员")
    )
    role = models.CharField(_("身份"), max_length=20, choices=Role.choices)
    joined_at = models.DateTimeField(_("加入时间"), default=timezone.now)
    last_read_id = models.PositiveBigIntegerField(_("已读到"), default=0)
    last_seen_at = models.DateTimeField(_("最近查看"), null=True, blank=True)
    notified_at = models.DateTimeField(_("最近提醒"), null=True, blank=True)

    class Meta:
        verbose_name = _("群聊成员")
        verbose_name_plural = _("群聊成员")
        ordering = ["joined_at", "id"]
        constraints = [models.UniqueConstraint(fields=["process", "user"], name="one_membership_per_hv_chat")]


class ChatInvite(models.Model):
    """An invitation to the chat for one phone: a share link, opened by the person holding that
    phone, who confirms with an SMS code."""

    process = models.ForeignKey(HVProcess, on_delete=models.CASCADE, related_name="invites", verbose_name=_("高压办电"))
    phone = models.CharField(_("手机号码"), max_length=11)
    role = models.CharField(_("身份"), max_length=20, choices=ChatMember.Role.choices, default=ChatMember.Role.OTHER)
    token = models.CharField(_("邀请码"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("邀请人")
    )
    created_at = models.DateTimeField(_("邀请时间"), default=timezone.now)
    accepted_at = models.DateTimeField(_("加入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("群聊邀请")
        verbose_name_plural = _("群聊邀请")


class ChatMessage(models.Model):
    process = models.ForeignKey(
        HVProcess, on_delete=models.CASCADE, related_name="messages", verbose_name=_("高压办电")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发送人")
    )
    text = models.TextField(_("内容"), max_length=2000, blank=True)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("附件")
    )
    at = models.DateTimeField(_("发送时间"), default=timezone.now)

    class Meta:
        verbose_name = _("群聊消息")
        verbose_name_plural = _("群聊消息")
        ordering = ["id"]
        indexes = [models.Index(fields=["process", "id"])]


class HVTimeLimit(models.Model):
    """The time limit of the step that starts when an HV order reaches ``stage`` (SPEC 4.5), in
    Chinese working days. Seeded with the defaults; editable in the admin."""

    stage = models.CharField(_("所处环节"), max_length=30, choices=HVStage.choices, unique=True)
    working_days = models.PositiveSmallIntegerField(_("时限（工作日）"))
    dual_supply_days = models.PositiveSmallIntegerField(_("双电源时限（工作日）"), null=True, blank=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("高压环节时限")
        verbose_name_plural = _("高压环节时限")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.working_days}"


class Suspension(models.Model):
    """暂停 / 恢复 of an HV order: only with a reason and an approving supervisor (SPEC 4.5)."""

    process = models.ForeignKey(
        HVProcess, on_delete=models.PROTECT, related_name="suspensions", verbose_name=_("高压办电")
    )
    stage = models.CharField(_("暂停时环节"), max_length=30, choices=HVStage.choices)
    reason = models.CharField(_("暂停原因"), max_length=500)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("批准人")
    )
    suspended_at = models.DateTimeField(_("暂停时间"), default=timezone.now)
    resumed_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("恢复人"),
    )
    resume_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("恢复批准人"),
    )
    resume_reason = models.CharField(_("恢复说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("暂停记录")
        verbose_name_plural = _("暂停记录")
        ordering = ["-suspended_at", "-id"]
