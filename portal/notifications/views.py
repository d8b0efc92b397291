from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from portal.notifications import selectors, services
from portal.notifications.forms import PreferencesForm
from portal.notifications.registry import SWITCHABLE_CHANNELS, Channel

PAGE_SIZE = 20


@login_required
def inbox(request):
    page_obj = Paginator(selectors.inbox(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page_obj": page_obj})


@login_required
def open_notification(request, pk: int):
    """Opening a message reads it; one that points somewhere takes the user there."""
    notification = get_object_or_404(selectors.inbox(user=request.user), pk=pk)
    services.mark_read(notification=notification)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(
        link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(link)
    return render(request, "notifications/detail.html", {"notification": notification})


@login_required
@require_POST
def read_all(request):
    n = services.mark_all_read(user=request.user)
    if n:
        messages.success(request, ngettext("已将 %(n)s 条消息标为已读", "已将 %(n)s 条消息标为已读", n) % {"n": n})
    else:
        messages.info(request, _("没有未读消息"))
    return redirect("notifications:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    matrix = selectors.preference_matrix(user=request.user)
    form = PreferencesForm(request.POST or None, matrix=matrix)
    if request.method == "POST" and form.is_valid():
        services.set_preferences(user=request.user, choices=form.choices())
        messages.success(request, _("通知设置已保存"))
        return redirect("notifications:preferences")
    channels = [Channel(c) for c in SWITCHABLE_CHANNELS]
    return render(request, "notifications/preferences.html", {"form": form, "channels": channels})
