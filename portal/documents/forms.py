from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from portal.documents.models import OwnerKind
from portal.documents.selectors import uploadable_types

ACCEPT = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class UploadForm(forms.Form):
    """我的证照 → 上传证照. The file itself is judged by the upload service, not here."""

    doc_type = forms.ModelChoiceField(queryset=uploadable_types(), label=_("证照类型"), empty_label=_("请选择"))
    owner_enterprise = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("证照归属"),
        empty_label=_("本人"),
        help_text=_("企业的证照（如营业执照）请选择所属企业"),
    )
    issued_on = forms.DateField(label=_("签发日期"), required=False, widget=DateInput())
    expires_on = forms.DateField(
        label=_("有效期至"), required=False, widget=DateInput(), help_text=_("长期有效的证照可不填")
    )
    file = forms.FileField(
        label=_("文件"),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": _("请选择要上传的文件")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.accounts.models import Enterprise

        self.user = user
        self.fields["file"].help_text = _("JPG、PNG 图片或 PDF 文件，不超过 %(limit)s") % {
            "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)
        }
        enterprises = Enterprise.objects.filter(memberships__user=user).order_by("name")
        self.fields["owner_enterprise"].queryset = enterprises
        if not enterprises.exists():
            del self.fields["owner_enterprise"]

    def clean(self):
        data = super().clean()
        issued, expires = data.get("issued_on"), data.get("expires_on")
        if issued and expires and expires < issued:
            self.add_error("expires_on", _("有效期至不能早于签发日期"))
        doc_type, enterprise = data.get("doc_type"), data.get("owner_enterprise")
        if doc_type is not None:
            if doc_type.owner_kind == OwnerKind.ENTERPRISE and enterprise is None:
                field = "owner_enterprise" if "owner_enterprise" in self.fields else "doc_type"
                message = (
                    _("%(type)s属于企业，请选择所属企业")
                    if field == "owner_enterprise"
                    else _("%(type)s属于企业，请先登记或绑定企业")
                )
                self.add_error(field, message % {"type": doc_type.name})
            elif doc_type.owner_kind == OwnerKind.PERSON and enterprise is not None:
                self.add_error("owner_enterprise", _("%(type)s只能属于本人") % {"type": doc_type.name})
        return data
