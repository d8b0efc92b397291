from django import forms
from django.utils.translation import gettext_lazy as _


class DeferredUploadForm(forms.Form):
    """补交材料: the customer uploads a document promised under a commitment letter. Build it
    with ``auto_id=f"doc{pk}_%s"`` when several are on one page."""

    file = forms.FileField(
        label=_("选择文件"),
        help_text=_("支持 JPG、PNG 图片或 PDF 文件"),
        error_messages={"required": _("请选择要上传的文件")},
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
