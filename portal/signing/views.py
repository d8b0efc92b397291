from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.core.errors import DomainError
from portal.signing.forms import SignatureField
from portal.signing.services import latest_signature, save_signature


class MySignatureForm(forms.Form):
    signature = SignatureField()


@login_required
def my_signature(request):
    """我的签名: draw and keep a handwritten signature, see the one on file."""
    form = MySignatureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            save_signature(user=request.user, data_url=form.cleaned_data["signature"])
        except DomainError as refused:
            form.add_error("signature", refused.message)
        else:
            messages.success(request, _("签名已保存"))
            return redirect("signing:my_signature")
    return render(request, "signing/my_signature.html", {"form": form, "current": latest_signature(user=request.user)})
