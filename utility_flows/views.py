"""Customer pages: 服务记录 (my applications and orders) and 进度查询 (also by my phone)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import services as application_services
from applications.models import ApplicationDocument, ApplicationState
from portal.core.errors import DomainError
from portal.core.workdays import WorkCalendar
from utility_flows import selectors, services
from utility_flows.clock import LimitTable, progress_of
from utility_flows.forms import DeferredUploadForm

PAGE_SIZE = 50
WITHDRAWABLE = (ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.RETURNED)


def _rows(applications):
    """Each application with its progress; one time-limit read and one calendar for the page."""
    table, calendar, today = LimitTable(), WorkCalendar.around(), timezone.localdate()
    return [(a, progress_of(a, table, calendar, today)) for a in applications]


@login_required
def records(request):
    """服务记录: every application of mine, with what is due now, who acts and when it ends."""
    page = Paginator(selectors.my_records(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "utility_flows/records.html", {"page_obj": page, "rows": _rows(page.object_list)})


@login_required
def progress(request):
    """进度查询: mine, and those made for my phone number (e.g. at the counter)."""
    page = Paginator(selectors.progress_records(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "utility_flows/progress.html", {"page_obj": page, "rows": _rows(page.object_list)})


def _detail_context(request, application, forms_by_doc=None):
    table, calendar = LimitTable(), WorkCalendar.around()
    documents = list(application.documents.all())
    deferred = [d for d in documents if d.how == ApplicationDocument.How.DEFERRED]
    is_applicant = application.applicant_id == request.user.pk
    forms_by_doc = forms_by_doc or {}
    return {
        "application": application,
        "business": application.business,
        "order": getattr(application, "work_order", None),
        "progress": progress_of(application, table, calendar),
        "history": selectors.history(application),
        "documents": [(d, services.document_label(application, d.requirement)) for d in documents],
        "deferred": [
            (
                d,
                services.document_label(application, d.requirement),
                forms_by_doc.get(d.pk) or DeferredUploadForm(auto_id=f"doc{d.pk}_%s"),
            )
            for d in deferred
        ],
        "is_applicant": is_applicant,
        "can_upload": is_applicant and application.state in (ApplicationState.SUBMITTED, ApplicationState.ACCEPTED),
        "can_withdraw": is_applicant and application.state in WITHDRAWABLE,
        "today": timezone.localdate(),
    }


@login_required
def record_detail(request, pk: int):
    application = selectors.record_for(user=request.user, pk=pk)
    return render(request, "utility_flows/record_detail.html", _detail_context(request, application))


@login_required
@require_POST
def upload_deferred(request, pk: int, doc_pk: int):
    application = selectors.record_for(user=request.user, pk=pk)
    document = get_object_or_404(ApplicationDocument, pk=doc_pk, application=application)
    form = DeferredUploadForm(request.POST, request.FILES, auto_id=f"doc{doc_pk}_%s")
    if form.is_valid():
        try:
            services.upload_deferred_document(document=document, user=request.user, upload=form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error("file" if exc.field in (None, "file") else None, exc.message)
        else:
            messages.success(request, _("材料已补交"))
            return redirect("utility_flows:record_detail", pk=pk)
    context = _detail_context(request, application, forms_by_doc={document.pk: form})
    return render(request, "utility_flows/record_detail.html", context, status=400)


@login_required
@require_POST
def withdraw(request, pk: int):
    application = selectors.record_for(user=request.user, pk=pk)
    if application.applicant_id != request.user.pk:
        raise Http404
    try:
        application_services.withdraw_application(application=application, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("申请已撤回"))
    return redirect("utility_flows:record_detail", pk=pk)
