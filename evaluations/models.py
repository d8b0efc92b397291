"""Good / bad reviews (好差评, SPEC 6).

* ``ReviewItem`` — one completed matter the customer may rate (一事一评). Matters reach us only
  through ``portal.core.signals.matter_completed``: the item keeps a generic relation to the
  matter (content type + id) and a copy of what the signal said about it (title, business,
  staff, unit), so statistics never import the business apps.
* ``ServicePoint`` and ``QrCode`` — printed codes: per visit (一次一评, a service point or a staff
  member) or per matter (一事一评, one item). A code has no link until staff generate it.
* ``Review`` — one submitted review. One mobile number reviews once in 5 days: an exclusion
  constraint on PostgreSQL (migration 0002) holds it whatever the code path and under concurrent
  submits; ``next_allowed_at`` is the end of the window the constraint compares.
* ``RectificationCase`` — what a bad review opens for the responsible unit; ``Appeal`` — the
  unit's request to strike a malicious or mistaken review from the statistics.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.core.masking import mask_phone

# One mobile number, one review within this window (seed 004: 同一手机号5天内只能填报一次).
REVIEW_WINDOW_DAYS = 5


def new_token() -> str:
    return secrets.token_urlsafe(18)


class Level(models.IntegerChoices):
    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    FAIRLY_SATISFIED = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


BAD_LEVELS = (Level.DISSATISFIED, Level.VERY_DISSATISFIED)
SATISFIED_LEVELS = (Level.VERY_SATISFIED, Level.SATISFIED, Level.FAIRLY_SATISFIED)

# The sub-ratings of SPEC 6, each 1–5 stars: (field name, label).
SUB_RATINGS = (
    ("overall", _("总体评价")),
    ("efficiency", _("办理效率")),
    ("guidance", _("指引准确")),
    ("convenience", _("办理便捷")),
    ("usability", _("系统易用")),
)
STAR_CHOICES = [(n, str(n)) for n in range(1, 6)]


class BadReason(models.TextChoices):
    ATTITUDE = "attitude", _("服务态度差")
    SLOW = "slow", _("办理效率低、超时限")
    GUIDANCE = "guidance", _("一次性告知不到位、指引不清")
    REPEAT = "repeat", _("重复提交材料、多次跑腿")
    CHARGES = "charges", _("收费或政策执行问题")
    SYSTEM = "system", _("系统不好用")
    OTHER = "other", _("其他")


class Source(models.TextChoices):
    MATTER = "matter", _("待办一事一评")
    QR_VISIT = "qr_visit", _("扫码一次一评")
    QR_MATTER = "qr_matter", _("扫码一事一评")


class ReviewItem(models.Model):
    """A completed matter waiting for (or holding) its review: the to-do item of 一事一评."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_items", verbose_name=_("客户")
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("事项类型"))
    object_id = models.CharField(_("事项ID"), max_length=64)
    matter = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("事项类别"), max_length=40)
    title = models.CharField(_("事项"), max_length=200)
    business = models.CharField(_("业务"), max_length=80, blank=True)
    business_label = models.CharField(_("业务名称"), max_length=100, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("经办人员"),
    )
    unit = models.CharField(_("责任单位"), max_length=100, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), default=timezone.now)

    class Meta:
        verbose_name = _("待评价事项")
        verbose_name_plural = _("待评价事项")
        ordering = ["-completed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="one_review_item_per_matter"),
        ]
        indexes = [models.Index(fields=["user", "completed_at"])]

    def __str__(self) -> str:
        return self.title


class ServicePoint(models.Model):
    """A counter or service hall where per-visit codes hang (一次一评)."""

    name = models.CharField(_("服务网点"), max_length=100, unique=True)
    unit = models.CharField(_("所属单位"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("服务网点")
        verbose_name_plural = _("服务网点")
        ordering = ["unit", "name"]

    def __str__(self) -> str:
        return self.name


class QrKind(models.TextChoices):
    VISIT = "visit", _("一次一评")
    MATTER = "matter", _("一事一评")


class QrCode(models.Model):
    """A printed review code. ``token`` stays empty until staff press 生成: before that the
    code has no link at all, so nothing can be scanned."""

    kind = models.CharField(_("类型"), max_length=10, choices=QrKind.choices)
    service_point = models.ForeignKey(
        ServicePoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="qr_codes",
        verbose_name=_("服务网点"),
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("工作人员"),
    )
    item = models.ForeignKey(
        ReviewItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="qr_codes",
        verbose_name=_("事项"),
    )
    token = models.CharField(_("链接标识"), max_length=40, unique=True, null=True, blank=True, editable=False)
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True, editable=False)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("生成人"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("评价二维码")
        verbose_name_plural = _("评价二维码")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="visit", item__isnull=True) & (Q(service_point__isnull=False) | Q(staff__isnull=False))
                )
                | Q(kind="matter", item__isnull=False, service_point__isnull=True),
                name="qr_code_bound_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(token__isnull=True, generated_at__isnull=True)
                | Q(token__isnull=False, generated_at__isnull=False),
                name="qr_code_token_with_generation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.target_label}"

    @property
    def target_label(self) -> str:
        if self.kind == QrKind.MATTER and self.item_id:
            return self.item.title
        parts = [str(self.service_point) if self.service_point_id else "", self.staff.name if self.staff_id else ""]
        return " ".join(p for p in parts if p)

    @property
    def unit(self) -> str:
        if self.kind == QrKind.MATTER and self.item_id:
            return self.item.unit
        if self.service_point_id:
            return self.service_point.unit
        profile = getattr(self.staff, "staff_profile", None) if self.staff_id else None
        return profile.organization if profile is not None else ""

    @property
    def is_generated(self) -> bool:
        return bool(self.token and self.generated_at)


class Review(models.Model):
    """One submitted review (好差评)."""

    source = models.CharField(_("评价渠道"), max_length=12, choices=Source.choices)
    item = models.OneToOneField(
        ReviewItem, on_delete=models.PROTECT, null=True, blank=True, related_name="review", verbose_name=_("事项")
    )
    qr_code = models.ForeignKey(
        QrCode, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews", verbose_name=_("二维码")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("评价人账号"),
    )
    phone = models.CharField(_("手机号码"), max_length=11)
    level = models.PositiveSmallIntegerField(_("评价"), choices=Level.choices)
    overall = models.PositiveSmallIntegerField(_("总体评价"), choices=STAR_CHOICES)
    efficiency = models.PositiveSmallIntegerField(_("办理效率"), choices=STAR_CHOICES)
    guidance = models.PositiveSmallIntegerField(_("指引准确"), choices=STAR_CHOICES)
    convenience = models.PositiveSmallIntegerField(_("办理便捷"), choices=STAR_CHOICES)
    usability = models.PositiveSmallIntegerField(_("系统易用"), choices=STAR_CHOICES)
    comment = models.TextField(_("评价内容"), max_length=500, blank=True)
    bad_reason = models.CharField(_("差评原因"), max_length=20, choices=BadReason.choices, blank=True)
    bad_reason_text = models.TextField(_("差评原因说明"), max_length=500, blank=True)
    # What is rated, copied at submission: statistics group by these without joins to matters.
    title = models.CharField(_("评价对象"), max_length=200, blank=True)
    business = models.CharField(_("业务"), max_length=80, blank=True)
    business_label = models.CharField(_("业务名称"), max_length=100, blank=True)
    unit = models.CharField(_("责任单位"), max_length=100, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("工作人员"),
    )
    service_point = models.ForeignKey(
        ServicePoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("服务网点"),
    )
    submitted_at = models.DateTimeField(_("评价时间"), default=timezone.now)
    # submitted_at + 5 days: the end of this number's window, compared by the exclusion constraint.
    next_allowed_at = models.DateTimeField(_("可再次评价时间"))
    excluded_from_stats = models.BooleanField(_("不计入统计"), default=False)
    # The reviewer's own link to the rectification reply (anonymous reviewers get it by SMS).
    access_token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_allowed_at__gt=models.F("submitted_at")), name="review_window_after_submission"
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="review_level_1_to_5"),
            models.CheckConstraint(condition=Q(level__gte=3) | ~Q(bad_reason=""), name="bad_review_has_reason"),
        ]
        indexes = [
            models.Index(fields=["phone", "submitted_at"]),
            models.Index(fields=["submitted_at"]),
            models.Index(fields=["unit", "submitted_at"]),
        ]
        permissions = [("view_review_statistics", _("可以查看好差评统计"))]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.title} {self.submitted_at:%Y-%m-%d}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class CaseState(models.TextChoices):
    VERIFYING = "verifying", _("待核实")
    RECTIFYING = "rectifying", _("整改中")
    REPLIED = "replied", _("已答复，待评价人确认")
    CLOSED = "closed", _("已办结")


OPEN_CASE_STATES = (CaseState.VERIFYING, CaseState.RECTIFYING)


class RectificationCase(ConcurrentTransitionMixin, models.Model):
    """整改: a bad review handed to the responsible unit. verify → rectify (by ``deadline``, in
    working days) → reply; the reviewer then says whether they are satisfied."""

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="case", verbose_name=_("评价"))
    unit = models.CharField(_("责任单位"), max_length=100, blank=True)
    state = FSMField(_("状态"), default=CaseState.VERIFYING, choices=CaseState.choices, protected=True)
    opened_at = models.DateTimeField(_("立案时间"), default=timezone.now)
    deadline = models.DateField(_("整改期限"))
    verification_note = models.TextField(_("核实情况"), blank=True)
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    rectification = models.TextField(_("整改措施"), blank=True)
    reply = models.TextField(_("答复内容"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    satisfied = models.BooleanField(_("评价人是否满意"), null=True, blank=True)
    feedback = models.CharField(_("评价人意见"), max_length=500, blank=True)
    feedback_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("超期标记时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("上报主管时间"), null=True, blank=True)
    # Set when the reviewer's SMS (reply ready) has been handed to the gateway.
    reviewer_notified_at = models.DateTimeField(_("已通知评价人"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改工单")
        verbose_name_plural = _("整改工单")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["state", "deadline"]), models.Index(fields=["unit", "state"])]

    def __str__(self) -> str:
        return _("整改 #%(pk)s %(title)s") % {"pk": self.pk, "title": self.review.title}

    @property
    def on_time(self) -> bool | None:
        if self.replied_at is None:
            return None
        return timezone.localdate(self.replied_at) <= self.deadline

    @property
    def is_late(self) -> bool:
        return self.state in OPEN_CASE_STATES and self.deadline < timezone.localdate()

    @transition(field=state, source=CaseState.VERIFYING, target=CaseState.RECTIFYING)
    def verify(self) -> None:
        """核实: the unit spoke with the reviewer and recorded what happened."""

    @transition(field=state, source=[CaseState.VERIFYING, CaseState.RECTIFYING], target=CaseState.REPLIED)
    def answer(self) -> None:
        """答复: the rectification is done and the reviewer gets the reply."""

    @transition(field=state, source=CaseState.REPLIED, target=CaseState.CLOSED)
    def close(self) -> None:
        """The reviewer said whether they are satisfied (or the case closed without an answer)."""


class AppealReason(models.TextChoices):
    MALICIOUS = "malicious", _("恶意差评")
    MISTAKEN = "mistaken", _("误评（评价对象错误等）")


class AppealState(models.TextChoices):
    PENDING = "pending", _("待审核")
    UPHELD = "upheld", _("申诉成立")
    REJECTED = "rejected", _("申诉不成立")


class Appeal(models.Model):
    """申诉: the unit asks a supervisor to strike a review it holds malicious or mistaken."""

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="appeal", verbose_name=_("评价"))
    reason = models.CharField(_("申诉类型"), max_length=20, choices=AppealReason.choices)
    statement = models.TextField(_("申诉理由"), max_length=1000)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申诉人")
    )
    filed_at = models.DateTimeField(_("申诉时间"), default=timezone.now)
    state = models.CharField(_("审核结果"), max_length=10, choices=AppealState.choices, default=AppealState.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("差评申诉")
        verbose_name_plural = _("差评申诉")
        ordering = ["-filed_at", "-id"]
        permissions = [("decide_appeal", _("可以审核差评申诉"))]

    def __str__(self) -> str:
        return _("申诉 #%(pk)s %(title)s") % {"pk": self.pk, "title": self.review.title}
