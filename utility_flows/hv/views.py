"""Customer pages of the HV e-assistant (办电e助手): the order's timeline with the account
manager's card, survey booking, stage submissions, previewing and signing pushed documents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core.errors import DomainError
from portal.core.licences import LicenceStatus
from portal.core.middleware import client_ip
from utility_flows.hv import selectors
from utility_flows.hv import services as hv
from utility_flows.hv.chat import chat_open, pending_invites
from utility_flows.hv.clock import limit_table
from utility_flows.hv.forms import STAGE_FORMS, ScanForm, SealForm, SignForm, SurveyForm
from utility_flows.hv.models import PushedDocument, Side

SIGN_KINDS = {k.value for k in PushedDocument.Kind}


def _error_to(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _context(request, order, **extra):
    process = order.hv
    rows = selectors.timeline(order, table=limit_table())
    actions = {name for name, _label, _r in hv.available(process, request.user, side=Side.CUSTOMER)}
    bookings = list(process.bookings.all())
    return {
        "order": order,
        "process": process,
        "application": order.application,
        "rows": rows,
        "now": selectors.now_row(rows),
        "actions": actions,
        "bookings": bookings,
        "documents": selectors.latest_documents(order),
        "all_documents": list(process.documents.all()),
        "submissions": list(process.submissions.all()),
        "log": list(process.log.all()),
        "manager": order.assignee,
        "profile": getattr(order.assignee, "staff_profile", None),
        "chat_open": chat_open(process),
        "invites": pending_invites(process),
        "survey_form": extra.pop("survey_form", None)
        or SurveyForm(initial={"survey_at": bookings[-1].survey_at if bookings else None}),
        **extra,
    }


@login_required
def orders(request):
    """办电e助手 进度查询: my HV orders."""
    rows = list(selectors.my_hv_orders(user=request.user)[:200])
    return render(request, "utility_flows/hv/orders.html", {"orders": rows})


@login_required
def order(request, pk: int):
    order = selectors.hv_order_for(user=request.user, pk=pk)
    return render(request, "utility_flows/hv/order.html", _context(request, order))


@login_required
@require_POST
def survey(request, pk: int):
    """预约勘察时间 (stage 4) or 勘察时间变更."""
    order = selectors.hv_order_for(user=request.user, pk=pk)
    form = SurveyForm(request.POST)
    if form.is_valid():
        try:
            if order.hv.stage == "manager_assigned":
                hv.book_survey(
                    process=order.hv,
                    by=request.user,
                    survey_at=form.cleaned_data["survey_at"],
                    note=form.cleaned_data["note"],
                    expected_stage=request.POST.get("stage"),
                )
                messages.success(request, _("已预约勘察时间"))
            else:
                hv.change_survey(
                    process=order.hv,
                    by=request.user,
                    survey_at=form.cleaned_data["survey_at"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("勘察时间已变更"))
            return redirect("utility_flows:hv_order", pk=pk)
        except DomainError as exc:
            _error_to(form, exc)
    order = selectors.hv_order_for(user=request.user, pk=pk)
    return render(request, "utility_flows/hv/order.html", _context(request, order, survey_form=form), status=400)


def _prefill(order, kind):
    process = order.hv
    last = hv.last_submission(process, kind)
    if last is not None:
        return {k: v for k, v in last.data.items() if k not in ("signature_id", "confirmed")}
    application = order.application
    enterprise_contact = order.customer.name
    return {
        "intended_connection_on": process.intended_connection_on
        or (timezone.localdate() + timezone.timedelta(days=90)),
        "enterprise_contact": enterprise_contact,
        "enterprise_phone": application.contact_phone or order.customer.phone,
    }


@login_required
def submit(request, pk: int, kind: str):
    """Stages 8 (design), 11 (mid) and 14 (completion)."""
    if kind not in STAGE_FORMS:
        raise Http404
    order = selectors.hv_order_for(user=request.user, pk=pk)
    process = order.hv
    kwargs = {"large_industry": hv.is_large_industry(process)} if kind == "completion" else {}
    form_class = STAGE_FORMS[kind]
    licence = None
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            data, files = form.data_and_files()
            try:
                submission = hv.submit_stage(
                    process=process,
                    kind=kind,
                    by=request.user,
                    data=data,
                    files=files,
                    signature=form.cleaned_data.get("signature", ""),
                    expected_stage=request.POST.get("stage"),
                )
            except DomainError as exc:
                _error_to(form, exc)
            else:
                if submission.licence_status == LicenceStatus.NOT_CHECKED:
                    messages.warning(
                        request, _("已提交。许可证编号暂未核验（许可证登记系统尚未接入），客户经理将人工核对。")
                    )
                elif submission.licence_status == LicenceStatus.VALID:
                    messages.success(
                        request,
                        _("已提交，请等待供电公司审核。%(licence)s") % {"licence": submission.licence_summary},
                    )
                else:
                    messages.success(request, _("已提交，请等待供电公司审核"))
                return redirect("utility_flows:hv_order", pk=pk)
    else:
        form = form_class(initial=_prefill(order, kind), **kwargs)
    transition = hv.submission_transition(process, kind)
    return render(
        request,
        "utility_flows/hv/submit.html",
        {
            "order": order,
            "process": process,
            "form": form,
            "kind": kind,
            "can_submit": transition is not None
            and transition in {n for n, _l, _r in hv.available(process, request.user, side=Side.CUSTOMER)},
            "licence": licence,
            "rework": hv.last_rework_reason(process, kind),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def sign(request, pk: int, kind: str):
    """Preview, download and sign a pushed document; the contract also offers the stamped-scan
    upload."""
    if kind not in SIGN_KINDS:
        raise Http404
    order = selectors.hv_order_for(user=request.user, pk=pk)
    process = order.hv
    pushed = selectors.latest_documents(order).get(kind)
    if pushed is None:
        raise Http404
    form, scan_form, seal_form, preview = SignForm(), ScanForm(), SealForm(user=request.user), None
    status = 200
    if request.method == "POST":
        status = 400
        if request.POST.get("how") == "scan":
            scan_form = ScanForm(request.POST, request.FILES)
            if scan_form.is_valid():
                try:
                    hv.upload_contract_scan(
                        process=process,
                        by=request.user,
                        upload=scan_form.cleaned_data["scan"],
                        expected_stage=request.POST.get("stage"),
                    )
                except DomainError as exc:
                    _error_to(scan_form, exc)
                else:
                    messages.success(request, _("盖章件已上传，等待客户经理审核"))
                    return redirect("utility_flows:hv_order", pk=pk)
        elif request.POST.get("how") in ("seal_preview", "seal_confirm"):
            seal_form = SealForm(request.POST, user=request.user)
            try:
                if request.POST["how"] == "seal_confirm":
                    hv.confirm_seal(
                        process=process,
                        by=request.user,
                        preview_id=int(request.POST.get("preview") or 0),
                        ip=client_ip(request),
                        expected_stage=request.POST.get("stage"),
                    )
                    messages.success(request, _("合同已盖章，盖章文件正在生成"))
                    return redirect("utility_flows:hv_order", pk=pk)
                if seal_form.is_valid():
                    preview = hv.preview_seal(
                        process=process,
                        by=request.user,
                        seal_id=seal_form.cleaned_data["seal"].pk,
                        signature=seal_form.cleaned_data["signature"],
                    )
                    status = 200
            except DomainError as exc:
                _error_to(seal_form, exc)
        else:
            form = SignForm(request.POST)
            if form.is_valid():
                try:
                    hv.sign_document(
                        process=process,
                        kind=kind,
                        by=request.user,
                        signature=form.cleaned_data["signature"],
                        ip=client_ip(request),
                        expected_stage=request.POST.get("stage"),
                    )
                except DomainError as exc:
                    _error_to(form, exc)
                else:
                    messages.success(request, _("签署成功，已签署文件正在生成"))
                    return redirect("utility_flows:hv_order", pk=pk)
    can_sign = hv.SIGN_TRANSITIONS[kind] in {n for n, _l, _r in hv.available(process, request.user, side=Side.CUSTOMER)}
    return render(
        request,
        "utility_flows/hv/sign.html",
        {
            "order": order,
            "process": process,
            "pushed": pushed,
            "form": form,
            "scan_form": scan_form,
            "can_sign": can_sign and pushed.unsigned_id is not None and pushed.signed_at is None,
            "is_contract": kind == PushedDocument.Kind.CONTRACT,
            "seal_form": seal_form,
            "preview": preview,
        },
        status=status,
    )
