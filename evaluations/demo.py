"""Demo data of 好差评 for ``seed_demo``: a service hall with a generated per-visit code, reviews
of every level over the last months (so the statistics and charts have something to show), an
open and a closed rectification case, and a pending appeal. 马晓燕's completed 电能表校验 (from
the applications demo, through matter_completed) stays in her to-do list to be rated.

Rows are keyed by their access token ("demo-…"), so running the step again changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from evaluations import services
from evaluations.models import (
    REVIEW_WINDOW_DAYS,
    Appeal,
    CaseState,
    Level,
    QrCode,
    QrKind,
    RectificationCase,
    Review,
    ServicePoint,
    Source,
)
from portal.core.demo import DemoContext, demo_step

# (key, days ago, level, reason, reason text, comment)
REVIEWS = [
    ("very-satisfied", 3, Level.VERY_SATISFIED, "", "", "客户经理上门很及时，一次就办好了"),
    ("satisfied", 12, Level.SATISFIED, "", "", "网上办理很方便"),
    ("fairly", 40, Level.FAIRLY_SATISFIED, "", "", "排队时间稍长"),
    ("open-case", 1, Level.DISSATISFIED, "slow", "装表时间比承诺的晚了两天", ""),
    ("closed-case", 20, Level.VERY_DISSATISFIED, "attitude", "窗口工作人员态度生硬，没有一次性告知所需材料", ""),
    ("appealed", 8, Level.VERY_DISSATISFIED, "other", "随便打的", ""),
    ("older-1", 70, Level.SATISFIED, "", "", ""),
    ("older-2", 100, Level.VERY_SATISFIED, "", "", "服务热情"),
    ("older-3", 130, Level.FAIRLY_SATISFIED, "", "", ""),
    ("older-4", 160, Level.DISSATISFIED, "guidance", "材料清单前后说法不一", ""),
]


@demo_step("reviews", after=["people", "applications_and_orders"])
def reviews(ctx: DemoContext) -> None:
    manager, review_admin, supervisor = ctx.users["manager"], ctx.users["review_admin"], ctx.users["supervisor"]
    unit = manager.staff_profile.organization
    hall, _created = ServicePoint.objects.update_or_create(
        name="城东供电营业厅", defaults={"unit": unit, "address": "西宁市城东区东关大街 88 号"}
    )
    code = QrCode.objects.filter(kind=QrKind.VISIT, service_point=hall).first()
    if code is None:
        code = QrCode.objects.create(kind=QrKind.VISIT, service_point=hall)
    code = services.generate_qr_code(qr_code=code, by=review_admin)

    now = timezone.now()
    made: dict[str, Review] = {}
    for n, (key, days, level, reason, reason_text, comment) in enumerate(REVIEWS):
        at = now - timedelta(days=days)
        review, _created = Review.objects.get_or_create(
            access_token=f"demo-{key}",
            defaults={
                "source": Source.QR_VISIT,
                "qr_code": code,
                "phone": f"1390971{n:04d}",
                "level": level,
                "overall": max(level, 1),
                "efficiency": max(level - 1, 1),
                "guidance": level,
                "convenience": level,
                "usability": min(level + 1, 5),
                "comment": comment,
                "bad_reason": reason,
                "bad_reason_text": reason_text,
                "title": hall.name,
                "business": "visit",
                "business_label": "窗口服务（一次一评）",
                "unit": unit,
                "staff": manager if n % 2 else None,
                "service_point": hall,
                "submitted_at": at,
                "next_allowed_at": at + timedelta(days=REVIEW_WINDOW_DAYS),
            },
        )
        made[key] = review
        if review.is_bad and not RectificationCase.objects.filter(review=review).exists():
            services._open_case(review)

    closed = RectificationCase.objects.get(review=made["closed-case"])
    if closed.state == CaseState.VERIFYING:
        closed = services.verify_case(
            case=closed, note="已电话联系客户，情况属实，当班人员未执行一次性告知", by=manager
        )
    if closed.state == CaseState.RECTIFYING:
        closed = services.reply_case(
            case=closed,
            rectification="对当班人员批评教育，窗口张贴各业务材料清单",
            reply="非常抱歉给您带来不便，我们已对当班人员批评教育，并在窗口张贴了材料清单。",
            by=manager,
        )
    if closed.state == CaseState.REPLIED:
        services.give_feedback(review=made["closed-case"], satisfied=True, feedback="态度有改进，满意")
    old = RectificationCase.objects.get(review=made["older-4"])
    if old.state == CaseState.VERIFYING:
        services.reply_case(
            case=old, rectification="统一材料清单口径", reply="已统一全中心的材料清单，感谢您的监督。", by=manager
        )

    if not Appeal.objects.filter(review=made["appealed"]).exists():
        services.file_appeal(
            review=made["appealed"],
            reason="malicious",
            statement="评价人当日未到厅办理业务，监控与排号记录可证明，属恶意差评。",
            by=manager,
        )

    ctx.notes.append(
        f"好差评：扫码一次一评 /r/{code.token}/ · 后台“好差评”由 {review_admin.name} 管理，"
        f"{supervisor.name} 审核申诉 · 公示页 /reviews/statistics/"
    )
