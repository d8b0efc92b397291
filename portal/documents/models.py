from django.conf import settings
from django.core.files.storage import storages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def private_storage():
    """Files here are never under a public URL: they are served by a view that checks access."""
    return storages["private"]


# A document this close to its expiry is flagged, so the customer renews it before a business
# needs it.
EXPIRING_DAYS = 30


class OwnerKind(models.TextChoices):
    PERSON = "person", _("个人")
    ENTERPRISE = "enterprise", _("企业")
    ANY = "any", _("个人或企业")


class DocumentType(models.Model):
    """A kind of document (ID card photo, property proof, business licence...). Reference data
    seeded by migrations; the platform's generic types live here, businesses add their own."""

    code = models.SlugField(_("代码"), max_length=50, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    owner_kind = models.CharField(_("归属"), max_length=10, choices=OwnerKind.choices, default=OwnerKind.ANY)
    # Reading one is recorded in the owner's data-access log (ID photos and the like).
    sensitive = models.BooleanField(_("含敏感个人信息"), default=False)
    # May a valid one on file stand in for a new upload in a later application (一证通办)?
    reusable = models.BooleanField(_("可复用"), default=True)
    # Types the portal produces itself (signatures, generated forms) are not offered in the
    # customer's upload form.
    customer_upload = models.BooleanField(_("客户可上传"), default=True)
    default_validity_months = models.PositiveSmallIntegerField(
        _("默认有效期（月）"), null=True, blank=True, help_text=_("上传时未填写到期日时使用；留空表示长期有效")
    )
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("证照类型")
        verbose_name_plural = _("证照类型")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class DocumentSource(models.TextChoices):
    UPLOAD = "upload", _("用户上传")
    GENERATED = "generated", _("系统生成")
    SIGNED = "signed", _("签署文件")


class DocumentQuerySet(models.QuerySet):
    def valid_on(self, day):
        return self.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=day))


class Document(models.Model):
    """A stored file with its type, owner (a person or an enterprise), issue and expiry date."""

    doc_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("类型"))
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("所属个人"),
    )
    owner_enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("所属企业"),
    )
    file = models.FileField(_("文件"), storage=private_storage, upload_to="documents/%Y/%m/", max_length=200)
    content_type = models.CharField(_("文件格式"), max_length=50)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    issued_on = models.DateField(_("签发日期"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=DocumentSource.choices, default=DocumentSource.UPLOAD)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上传人"),
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("证照文件")
        verbose_name_plural = _("证照文件")
        ordering = ["-created_at"]
        # view_document lists documents in the admin; reading any customer's file needs this one.
        # Other staff read only the files of the matters their role handles (access rules).
        permissions = [("view_any_document", _("可以查看所有客户的证照文件"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_user__isnull=False) | Q(owner_enterprise__isnull=False),
                name="document_has_an_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["owner_user", "doc_type", "expires_on"]),
            models.Index(fields=["owner_enterprise", "doc_type", "expires_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type} #{self.pk}"

    @property
    def is_valid(self) -> bool:
        return self.expires_on is None or self.expires_on >= timezone.localdate()

    @property
    def validity(self) -> str:
        """``permanent``, ``valid``, ``expiring`` (within EXPIRING_DAYS) or ``expired``."""
        if self.expires_on is None:
            return "permanent"
        today = timezone.localdate()
        if self.expires_on < today:
            return "expired"
        if (self.expires_on - today).days <= EXPIRING_DAYS:
            return "expiring"
        return "valid"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def extension(self) -> str:
        return {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}.get(self.content_type, "bin")


class PdfRenderStatus(models.TextChoices):
    PENDING = "pending", _("等待生成")
    DONE = "done", _("已生成")
    FAILED = "failed", _("生成失败")


class PdfRender(models.Model):
    """A PDF the portal has been asked to render (SPEC 7): written in the caller's transaction,
    rendered by a Celery worker, linked to the stored Document when done.

    The row is the outbox: if the broker is down when the caller commits, the sweeper enqueues
    the render again later, so no PDF is lost. A business model links to this row (or waits
    for its ``on_done`` callback) to find the Document."""

    template_name = models.CharField(_("模板"), max_length=200)
    # JSON only: the worker rebuilds model instances through ``context_builder`` when given.
    context = models.JSONField(_("模板数据"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    context_builder = models.CharField(
        _("数据组装函数"),
        max_length=200,
        blank=True,
        help_text=_("点分路径；在后台任务中以模板数据为关键字参数调用，返回模板上下文"),
    )
    doc_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("文件类型"))
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所属个人"),
    )
    owner_enterprise = models.ForeignKey(
        "accounts.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所属企业"),
    )
    name = models.CharField(_("文件名"), max_length=200)
    on_done = models.CharField(
        _("完成回调"),
        max_length=200,
        blank=True,
        help_text=_("点分路径；生成后在同一事务中调用 fn(render=..., document=..., **回调参数)"),
    )
    on_done_kwargs = models.JSONField(_("回调参数"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    status = models.CharField(
        _("状态"), max_length=10, choices=PdfRenderStatus.choices, default=PdfRenderStatus.PENDING, db_index=True
    )
    document = models.OneToOneField(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="render", verbose_name=_("生成的文件")
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    # When the broker took the render task; empty while it could not (a broker outage): the
    # sweeper sends those within seconds of the broker's return.
    dispatched_at = models.DateTimeField(_("送达队列时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("PDF 生成任务")
        verbose_name_plural = _("PDF 生成任务")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_user__isnull=False) | Q(owner_enterprise__isnull=False),
                name="pdf_render_has_an_owner",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(document__isnull=False),
                name="pdf_render_done_has_a_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"
