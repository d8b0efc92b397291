from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


def real_name_required(view):
    """For pages of business done in one's own name: sends a user who has not verified their
    real name to the verification page, and back here afterwards."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_real_name_verified:
            messages.warning(request, _("请先完成实名认证，再办理此项业务"))
            return redirect(f"{reverse('accounts:real_name')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper
