"""Work orders (工单): what an accepted application becomes, and the state machines it runs on.

One ``WorkOrder`` per accepted application. Its ``flow`` (declared by the business, see
``applications.catalog.base.Flow``) picks the machine:

* low-voltage connection and capacity increase (SPEC 4.1, seed 003 §1.2):
  accepted → contacted → surveyed → plan_replied → [grid_works →] connected → contracted → archived
* change orders (rename, VAT, peak-valley, demand value, pause...):
  accepted → contacted → checked (on site or at the desk) → executed (account updated) → archived
* high voltage (SPEC 4.2): acceptance assigns the account manager and the order waits in
  ``manager_assigned``. The e-assistant that takes it on from there is a later issue; until then
  the machine deliberately has NO transition out of that state — no stand-in flow.

Transitions carry only the state change, their conditions (the flow) and their permission (the
business's handler role or a supervisor). Everything around them — the log, the clock, the
account changes, notifications — happens in ``utility_flows.services.advance`` inside one
transaction; ``ConcurrentTransitionMixin`` makes the second of two people acting at once fail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from applications.catalog.base import Flow
from portal.accounts.roles import Role

FLOW_CHOICES = [
    (Flow.LV_CONNECTION, _("低压新装增容")),
    (Flow.CHANGE, _("变更用电")),
    (Flow.HV_EASSISTANT, _("高压办电（办电e助手）")),
]


class OrderState(models.TextChoices):
    ACCEPTED = "accepted", _("已受理")
    CONTACTED = "contacted", _("已联系客户")
    SURVEYED = "surveyed", _("已现场勘查")
    PLAN_REPLIED = "plan_replied", _("已答复供电方案")
    GRID_WORKS = "grid_works", _("配套电网工程建设中")
    CONNECTED = "connected", _("已装表接电")
    CONTRACTED = "contracted", _("已签订合同")
    CHECKED = "checked", _("已核实变更信息")
    EXECUTED = "executed", _("已变更户号信息")
    MANAGER_ASSIGNED = "manager_assigned", _("客户经理已接单")
    ARCHIVED = "archived", _("已归档")


OPEN_STATES = [s for s in OrderState.values if s != OrderState.ARCHIVED]


def role_names(user) -> frozenset[str]:
    """The user's role groups, read once per user object (permission checks run per button)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_portal_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._portal_role_names = cached
    return cached


def may_handle(user, business) -> bool:
    """Staff who may act on this business's applications and orders: its handler role
    (account manager; inspector for pause / reduction / restore) and marketing supervisors."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return False
    if user.is_superuser:
        return True
    roles = role_names(user)
    return business.handler_role in roles or Role.SUPERVISOR in roles


def _can_handle(order: WorkOrder, user) -> bool:
    return may_handle(user, order.business)


def _is_lv_connection(order: WorkOrder) -> bool:
    return order.flow == Flow.LV_CONNECTION


def _is_change(order: WorkOrder) -> bool:
    return order.flow == Flow.CHANGE


def _is_lv_or_change(order: WorkOrder) -> bool:
    return order.flow in (Flow.LV_CONNECTION, Flow.CHANGE)


def _hv_archived(order: WorkOrder) -> bool:
    hv = getattr(order, "hv", None)
    return order.flow == Flow.HV_EASSISTANT and hv is not None and hv.stage == "archived"


class WorkOrder(ConcurrentTransitionMixin, models.Model):
    """A work order (工单). Its state may only change through the transitions below."""

    number = models.CharField(_("工单编号"), max_length=20, unique=True, null=True, blank=True)
    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="work_order", verbose_name=_("申请")
    )
    business_code = models.CharField(_("业务"), max_length=40, db_index=True)
    flow = models.CharField(_("流程"), max_length=20, choices=FLOW_CHOICES)
    state = FSMField(_("环节"), default=OrderState.ACCEPTED, choices=OrderState.choices, protected=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="assigned_orders",
        verbose_name=_("处理人"),
    )
    region = models.ForeignKey(
        "applications.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="work_orders",
        verbose_name=_("所属区县"),
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="work_orders", verbose_name=_("客户")
    )
    accepted_at = models.DateTimeField(_("受理时间"), default=timezone.now)
    step_started_at = models.DateTimeField(_("本环节开始"), default=timezone.now)
    step_due_on = models.DateField(_("本环节时限"), null=True, blank=True)
    closed_at = models.DateTimeField(_("归档时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-accepted_at", "-id"]
        indexes = [
            models.Index(fields=["state", "step_due_on"]),
            models.Index(fields=["assignee", "state"]),
        ]

    def __str__(self) -> str:
        return self.number or f"{_('工单')} #{self.pk}"

    @property
    def business(self):
        from applications.catalog import registry

        return registry.get(self.business_code)

    @property
    def is_open(self) -> bool:
        return self.state != OrderState.ARCHIVED

    # --- the LV connection machine (SPEC 4.1, seed 003 §1.2) and the change machine ---------
    # The first step is common: the handler contacts the customer within the time limit.

    @transition(field=state, source=OrderState.ACCEPTED, target=OrderState.CONTACTED,
                conditions=[_is_lv_or_change], permission=_can_handle, custom={"label": _("已联系客户")})
    def contact(self):
        pass

    @transition(field=state, source=OrderState.CONTACTED, target=OrderState.SURVEYED,
                conditions=[_is_lv_connection], permission=_can_handle, custom={"label": _("完成现场勘查")})
    def survey(self):
        pass

    @transition(field=state, source=OrderState.SURVEYED, target=OrderState.PLAN_REPLIED,
                conditions=[_is_lv_connection], permission=_can_handle, custom={"label": _("答复供电方案")})
    def reply_plan(self):
        pass

    # Seed 003 §1.2.3: where direct connection is impossible the plan goes to the marketing
    # department and the low-voltage grid-works process (低压业扩配套) starts.
    @transition(field=state, source=OrderState.PLAN_REPLIED, target=OrderState.GRID_WORKS,
                conditions=[_is_lv_connection], permission=_can_handle,
                custom={"label": _("启动配套电网工程"), "reason_required": True})
    def start_grid_works(self):
        pass

    @transition(field=state, source=[OrderState.PLAN_REPLIED, OrderState.GRID_WORKS], target=OrderState.CONNECTED,
                conditions=[_is_lv_connection], permission=_can_handle, custom={"label": _("装表接电")})
    def connect(self):
        pass

    @transition(field=state, source=OrderState.CONNECTED, target=OrderState.CONTRACTED,
                conditions=[_is_lv_connection], permission=_can_handle,
                custom={"label": _("签订供用电合同及费控协议")})
    def sign_contract(self):
        pass

    @transition(field=state, source=OrderState.CONTACTED, target=OrderState.CHECKED,
                conditions=[_is_change], permission=_can_handle, custom={"label": _("现场核实")})
    def check_on_site(self):
        pass

    @transition(field=state, source=OrderState.CONTACTED, target=OrderState.CHECKED,
                conditions=[_is_change], permission=_can_handle, custom={"label": _("远程核实（无需上门）")})
    def check_at_desk(self):
        pass

    @transition(field=state, source=OrderState.CHECKED, target=OrderState.EXECUTED,
                conditions=[_is_change], permission=_can_handle, custom={"label": _("变更户号信息")})
    def execute(self):
        pass

    @transition(field=state, source=[OrderState.CONTRACTED, OrderState.EXECUTED], target=OrderState.ARCHIVED,
                conditions=[_is_lv_or_change], permission=_can_handle, custom={"label": _("归档")})
    def archive(self):
        self.closed_at = timezone.now()

    # HV orders: created in MANAGER_ASSIGNED by acceptance; their 20 stages run on
    # ``utility_flows.hv.models.HVProcess``. The order is archived with its process's stage 20.
    @transition(field=state, source=OrderState.MANAGER_ASSIGNED, target=OrderState.ARCHIVED,
                conditions=[_hv_archived], permission=_can_handle, custom={"label": _("归档")})
    def archive_hv(self):
        self.closed_at = timezone.now()


# Names of log entries that are not state changes (from == to).
EVENT_LABELS = {
    "accept": _("受理并生成工单"),
    "reassign": _("改派"),
    "collect_document": _("现场补收材料"),
    "upload_document": _("客户补交材料"),
}


def transition_label(name: str) -> str:
    if name in EVENT_LABELS:
        return str(EVENT_LABELS[name])
    method = getattr(WorkOrder, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is not None:
        for t in meta.transitions.values():
            return str(t.custom.get("label", name))
    return name


class WorkOrderTransitionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The work-order log is append-only")

    def delete(self):
        raise TypeError("The work-order log is append-only")


class WorkOrderTransition(models.Model):
    """The order's log: every transition (and reassignment, documents collected) with who,
    when, from, to and why (SPEC 4). Append-only; on PostgreSQL a trigger enforces it."""

    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("工单"))
    name = models.CharField(_("操作"), max_length=40)
    from_state = models.CharField(_("原环节"), max_length=20, choices=OrderState.choices, blank=True)
    to_state = models.CharField(_("新环节"), max_length=20, choices=OrderState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("操作人")
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    reason = models.CharField(_("说明"), max_length=500, blank=True)

    objects = WorkOrderTransitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("工单流转记录")
        verbose_name_plural = _("工单流转记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order} {self.label}"

    @property
    def label(self) -> str:
        return transition_label(self.name)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The work-order log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The work-order log is append-only")


class TimeLimit(models.Model):
    """How many working days the step that starts in ``state`` may take (SPEC 4.5, seed 003).

    A row with a business code wins over the flow's general row. Editable in the admin; the
    defaults are seeded by a migration, and the contact limits a business declares
    (``Business.contact_days``) are added as rows of their own after every migrate."""

    flow = models.CharField(_("流程"), max_length=20, choices=FLOW_CHOICES)
    state = models.CharField(_("所处环节"), max_length=20, choices=OrderState.choices)
    business_code = models.CharField(_("业务"), max_length=40, blank=True, help_text=_("留空表示该流程的所有业务"))
    working_days = models.PositiveSmallIntegerField(_("时限（工作日）"))
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("环节时限")
        verbose_name_plural = _("环节时限")
        ordering = ["flow", "state", "business_code"]
        constraints = [
            models.UniqueConstraint(fields=["flow", "state", "business_code"], name="one_time_limit_per_step"),
        ]

    def __str__(self) -> str:
        return f"{self.get_flow_display()} {self.get_state_display()} {self.working_days}"


# The HV e-assistant's models live in their own module (SPEC 4.2); imported here for Django.
from utility_flows.hv.models import (  # noqa: E402,F401
    HVLog,
    HVProcess,
    PushedDocument,
    SealPreview,
    Submission,
    SubmissionFile,
    SurveyBooking,
)
