"""Pages of 好差评: the review form from a to-do item or a scanned code, the reviewer's own
reviews and rectification replies, and the public summary of the statistics."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluations import selectors, services, statistics
from evaluations.forms import FeedbackForm, ReviewForm
from evaluations.models import CaseState
from portal.core.errors import DomainError
from portal.core.masking import mask_phone
from portal.core.middleware import client_ip
from portal.verification.forms import SendStatus
from portal.verification.models import Purpose
from portal.verification.services import check_code, request_code

PAGE_SIZE = 20


def _form_error(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))


@login_required
def matter_review(request, pk: int):
    """一事一评 from the to-do list: the form bound to one of my completed matters."""
    item = selectors.my_pending_item(user=request.user, pk=pk)
    if hasattr(item, "review"):
        messages.info(request, _("该事项已评价，感谢您的参与"))
        return redirect("evaluations:mine")
    form = ReviewForm(request.POST or None, phone=request.user.phone)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.submit_review(
                phone=request.user.phone,
                level=data["level"],
                ratings=form.ratings(),
                comment=data["comment"],
                bad_reason=data["bad_reason"],
                bad_reason_text=data["bad_reason_text"],
                item=item,
                user=request.user,
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("评价已提交，感谢您对我们工作的支持！"))
            return redirect("core:home")  # seed 004: 保存即完成-跳转首页
    return render(request, "evaluations/review_form.html", {"form": form, "title": item.title, "item": item})


def qr_review(request, token: str):
    """The page a scanned code opens (一次一评 / 一事一评), no log-in needed: an anonymous
    reviewer confirms their phone with an SMS code; a logged-in one rates with their own."""
    qr = selectors.live_qr_code(token=token)
    user = request.user if request.user.is_authenticated and request.user.phone else None
    phone = user.phone if user else None
    if request.method == "POST" and request.POST.get("send_code") and not user:
        form = ReviewForm(initial=request.POST.dict(), phone=None, qr_token=token)
        form.fields["sms_code"].widget.status = _send(request, qr, request.POST.get("phone", ""))
        return render(request, "evaluations/review_form.html", {"form": form, "qr": qr, "title": qr.target_label})
    form = ReviewForm(request.POST or None, phone=phone, qr_token=token)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sms = None
            if not user:
                services.check_phone_may_review(data["phone"])
                sms = check_code(phone=data["phone"], purpose=Purpose.REVIEW, code=data["sms_code"])
            review = services.submit_review(
                phone=phone or data["phone"],
                level=data["level"],
                ratings=form.ratings(),
                comment=data["comment"],
                bad_reason=data["bad_reason"],
                bad_reason_text=data["bad_reason_text"],
                qr_code=qr,
                user=user,
                sms=sms,
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return render(request, "evaluations/thanks.html", {"review": review})
    return render(request, "evaluations/review_form.html", {"form": form, "qr": qr, "title": qr.target_label})


def _send(request, qr, phone: str) -> SendStatus:
    phone = (phone or "").strip()
    try:
        services.check_phone_may_review(phone)
        sms = request_code(phone=phone, purpose=Purpose.REVIEW, ip=client_ip(request))
    except DomainError as exc:
        wait = exc.retry_after if exc.code == "resend_too_soon" else None
        return SendStatus(ok=False, message=str(exc.message), retry_after=wait)
    minutes = int(settings.SMS_CODE_TTL.total_seconds() // 60)
    return SendStatus(
        ok=True,
        message=_("验证码已发送至%(phone)s，%(minutes)s分钟内有效")
        % {"phone": mask_phone(sms.phone), "minutes": minutes},
        retry_after=int(settings.SMS_CODE_RESEND_AFTER.total_seconds()),
    )


@require_POST
def qr_send_code(request, token: str):
    """The "发送验证码" button of a scanned code's page (htmx), only while the code is live."""
    qr = selectors.live_qr_code(token=token)
    status = _send(request, qr, request.POST.get("phone", ""))
    context = {"status": status, "button_id": f"send-code-{Purpose.REVIEW}"}
    return render(request, "verification/_send_code_status.html", context)


def feedback(request, token: str):
    """The reviewer's own page of one review (link in their notification or SMS): the unit's
    reply and the answer whether they are satisfied."""
    review = selectors.review_by_token(token=token)
    case = getattr(review, "case", None)
    form = None
    if case is not None and case.state == CaseState.REPLIED:
        form = FeedbackForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.give_feedback(
                    review=review, satisfied=form.cleaned_data["satisfied"], feedback=form.cleaned_data["feedback"]
                )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("感谢您的反馈"))
                return redirect("evaluations:feedback", token=token)
    return render(request, "evaluations/feedback.html", {"review": review, "case": case, "form": form})


@login_required
def mine(request):
    """我的评价: items still to rate, and my reviews with their rectification state."""
    page = Paginator(selectors.my_reviews(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    pending = list(selectors.pending_items(user=request.user)[:50])
    return render(request, "evaluations/mine.html", {"page_obj": page, "pending": pending})


def public_statistics(request):
    """好差评公示: the summary anyone may read (no names of reviewers, no phones)."""
    report = statistics.build_report(months=12)
    return render(request, "evaluations/statistics_public.html", {"report": report})
