"""Seal management pages (SPEC 4.3): 印章申请, 印章注销, 我的印章."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.accounts.models import Enterprise, EnterpriseMembership
from portal.core.errors import DomainError
from portal.signing import seals


class ApplyForm(forms.Form):
    enterprise = forms.ModelChoiceField(
        label=gettext_lazy("企业"), queryset=Enterprise.objects.none(), empty_label=None
    )
    name = forms.CharField(
        label=gettext_lazy("印章名称"), max_length=60, required=False, help_text=gettext_lazy("默认：合同专用章")
    )
    image = forms.FileField(
        label=gettext_lazy("印章图片（可选）"),
        required=False,
        help_text=gettext_lazy(
            "不上传则由系统自动生成印章；指定印章样式时上传 PNG 格式、透明背景、不超过 120 KB 的图片"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(
            pk__in=EnterpriseMembership.objects.filter(user=user).values("enterprise_id")
        )


@login_required
def my_seals(request):
    """我的印章 with 印章申请 and 印章注销."""
    form = ApplyForm(user=request.user)
    status = 200
    if request.method == "POST":
        form = ApplyForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                seals.apply_seal(
                    enterprise=form.cleaned_data["enterprise"],
                    by=request.user,
                    name=form.cleaned_data["name"],
                    upload=form.cleaned_data["image"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("印章申请成功"))
                return redirect("signing:seals")
        status = 400
    return render(
        request,
        "signing/seals.html",
        {
            "seals": list(seals.my_seals(user=request.user)),
            "form": form,
            "can_apply": form.fields["enterprise"].queryset.exists(),
        },
        status=status,
    )


@login_required
@require_POST
def cancel(request, pk: int):
    seal = seals.my_seals(user=request.user).filter(pk=pk).first()
    if seal is None:
        raise Http404
    try:
        seals.cancel_seal(seal=seal, by=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("印章已注销"))
    return redirect("signing:seals")
