from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.core.errors import DomainError
from portal.documents.forms import UploadForm
from portal.documents.selectors import documents_of
from portal.documents.services import store_upload
from portal.documents.serving import serve

PAGE_SIZE = 20


@login_required
def mine(request):
    """我的证照: what the customer has on file, personally and for their enterprises, and the
    form to add one. A refused file is reported on the file field; the rest of the form keeps
    what was entered."""
    form = UploadForm(data=request.POST or None, files=request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enterprise = data.get("owner_enterprise")
        try:
            document = store_upload(
                upload=data["file"],
                doc_type=data["doc_type"],
                uploaded_by=request.user,
                owner_user=None if enterprise else request.user,
                owner_enterprise=enterprise,
                issued_on=data["issued_on"],
                expires_on=data["expires_on"],
            )
        except DomainError as refused:
            form.add_error(refused.field if refused.field in form.fields else "file", refused.message)
        else:
            messages.success(request, _("已上传：%(type)s") % {"type": document.doc_type.name})
            return redirect("documents:mine")
    page = Paginator(documents_of(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "documents/mine.html", {"form": form, "page_obj": page})


@login_required
@require_safe
def download(request, pk: int):
    return serve(request.user, pk, inline=False)


@login_required
@require_safe
def preview(request, pk: int):
    return serve(request.user, pk, inline=True)
