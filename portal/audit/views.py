from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from portal.audit import selectors

PAGE_SIZE = 20


@login_required
def my_access_log(request):
    """数据访问记录: who looked at or changed my personal data, when and from where."""
    others_only = request.GET.get("who") == "others"
    events = selectors.access_log_for(user=request.user, others_only=others_only)
    page_obj = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/my_access_log.html",
        {"page_obj": page_obj, "events": page_obj.object_list, "others_only": others_only},
    )
