"""Electronic seals (SPEC 4.3): apply (generated or uploaded), cancel, my seals.

Only the enterprise's legal representative or an agent it authorised (an
``EnterpriseMembership``) manages its seals. A generated seal is drawn with Pillow: a red ring,
a five-pointed star in the centre and the enterprise name along the upper arc, in a CJK font."""

from __future__ import annotations

import io
import math

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from portal.audit.services import record
from portal.core.errors import DomainError
from portal.documents.access import is_member_of
from portal.documents.services import store_generated, strict_image_loading
from portal.signing.models import Seal

MAX_SEAL_BYTES = 120 * 1024
SIZE = 400
RED = (218, 30, 40, 255)
FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


def _font(size: int):
    for path in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    raise DomainError(_("服务器缺少中文字体，暂不能生成印章"), code="no_font")


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.382
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=RED)


def draw_seal(name: str, *, caption: str = "") -> bytes:
    """A round red seal as a transparent PNG: ring, star, the name along the upper arc."""
    scale = 2  # drawn large and scaled down for smooth edges
    size = SIZE * scale
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    c = size / 2
    ring = 14 * scale
    draw.ellipse([ring / 2, ring / 2, size - ring / 2, size - ring / 2], outline=RED, width=ring)
    _star(draw, c, c, 62 * scale)
    chars = list(name)[:24]
    n = len(chars)
    font_size = int((58 if n <= 10 else 48 if n <= 14 else 38) * scale)
    font = _font(font_size)
    radius = c - ring - font_size * 0.75
    # The name spans an arc of up to 240° centred on the top.
    span = min(240.0, 20.0 * n + 40)
    for i, ch in enumerate(chars):
        angle = -span / 2 + (span * (i + 0.5) / n)  # degrees from the top, clockwise
        glyph = Image.new("RGBA", (font_size * 2, font_size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((font_size, font_size), ch, font=font, fill=RED, anchor="mm")
        glyph = glyph.rotate(-angle, resample=Image.BICUBIC)
        rad = math.radians(angle - 90)
        x, y = c + radius * math.cos(rad), c + radius * math.sin(rad)
        image.alpha_composite(glyph, (int(x - font_size), int(y - font_size)))
    if caption:
        small = _font(int(34 * scale))
        draw.text((c, c + 120 * scale), caption, font=small, fill=RED, anchor="mm")
    image = image.resize((SIZE, SIZE), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def check_uploaded_seal(data: bytes) -> bytes:
    """An uploaded seal must be a PNG with a transparent background of at most 120 KB."""
    if len(data) > MAX_SEAL_BYTES:
        raise DomainError(
            _("印章图片不能超过 120 KB（当前 %(kb)s KB）") % {"kb": math.ceil(len(data) / 1024)},
            code="too_large",
            field="image",
        )
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise DomainError(_("印章图片须为 PNG 格式"), code="not_png", field="image")
    strict_image_loading()
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width > 2000 or image.height > 2000:
                raise DomainError(_("印章图片尺寸过大"), code="too_large", field="image")
            image.load()
            rgba = image.convert("RGBA")
            has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
    except DomainError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DomainError(_("印章图片已损坏，无法读取"), code="bad_image", field="image") from None
    alpha = rgba.split()[3]
    w, h = rgba.size
    corners = [
        alpha.getpixel((0, 0)),
        alpha.getpixel((w - 1, 0)),
        alpha.getpixel((0, h - 1)),
        alpha.getpixel((w - 1, h - 1)),
    ]
    if not has_alpha or max(corners) > 10:
        raise DomainError(_("印章图片须为透明背景"), code="not_transparent", field="image")
    if alpha.getextrema()[1] < 128:
        raise DomainError(_("印章图片是空白的"), code="blank", field="image")
    out = io.BytesIO()
    rgba.save(out, "PNG", optimize=True)  # re-encoded: no metadata, nothing hidden
    return out.getvalue()


def may_manage_seals(user, enterprise) -> bool:
    return bool(user and user.is_authenticated and user.is_active and is_member_of(user, enterprise.pk))


def _require(user, enterprise) -> None:
    if not may_manage_seals(user, enterprise):
        raise DomainError(_("只有企业法定代表人或经其授权的经办人可以管理印章"), code="forbidden")


def apply_seal(*, enterprise, by, name: str = "", upload=None) -> Seal:
    """印章申请: no upload → the system draws the seal; an upload must be a transparent PNG
    of at most 120 KB."""
    _require(by, enterprise)
    name = (name or "").strip() or _("合同专用章")
    if upload is not None:
        data = upload.read(MAX_SEAL_BYTES + 1)
        png, kind = check_uploaded_seal(data), Seal.Kind.UPLOADED
    else:
        png, kind = draw_seal(enterprise.name), Seal.Kind.GENERATED
    with transaction.atomic():
        document = store_generated(
            data=png,
            doc_type="signature",
            owner_enterprise=enterprise,
            name=f"{enterprise.name}-{name}.png",
            source="upload",
            created_by=by,
            audit_action=_("申请电子印章"),
        )
        seal = Seal.objects.create(enterprise=enterprise, name=name[:60], kind=kind, image=document, applied_by=by)
        record(actor=by, action=_("申请电子印章"), obj=seal, subject=by)
    return seal


def cancel_seal(*, seal: Seal, by, reason: str = "") -> Seal:
    """印章注销: the seal cannot be used any more; documents sealed before stay valid."""
    _require(by, seal.enterprise)
    with transaction.atomic():
        updated = Seal.objects.filter(pk=seal.pk, status=Seal.Status.ACTIVE).update(
            status=Seal.Status.CANCELLED, cancelled_by=by, cancelled_at=timezone.now(), cancel_reason=reason[:200]
        )
        if not updated:
            raise DomainError(_("该印章已注销"), code="already_cancelled")
        record(actor=by, action=_("注销电子印章"), obj=seal, subject=by)
    seal.refresh_from_db()
    return seal


def my_seals(*, user):
    """我的印章: the seals of every enterprise the user acts for."""
    from portal.accounts.models import EnterpriseMembership

    return (
        Seal.objects.filter(enterprise__in=EnterpriseMembership.objects.filter(user=user).values("enterprise_id"))
        .select_related("enterprise", "image")
        .order_by("-applied_at", "-id")
    )


def usable_seal(*, user, pk: int) -> Seal:
    seal = my_seals(user=user).filter(pk=pk).first()
    if seal is None:
        raise DomainError(_("请选择印章"), code="not_found", field="seal")
    if not seal.is_active:
        raise DomainError(_("该印章已注销，不能再使用"), code="cancelled", field="seal")
    return seal
