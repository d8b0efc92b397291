"""A form field any page can use to collect a handwritten signature::

    class SignContractForm(forms.Form):
        signature = SignatureField()

    # in the view, after form.is_valid():
    signature = save_signature(user=request.user, data_url=form.cleaned_data["signature"])

The widget (``templates/signing/signature_field.html``) brings its own scripts (signature_pad
and ``js/signature-field.js``); it renders in a fieldset with the field's label as legend.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.core.errors import DomainError
from portal.signing.services import MAX_SIGNATURE_BYTES, signature_png


class SignatureWidget(forms.Widget):
    template_name = "signing/signature_field.html"
    # A canvas cannot be the target of <label for>: the field is labelled by a <legend>.
    use_fieldset = True

    def format_value(self, value):
        # Only a PNG data URL goes back into the page (to redraw the signature after another
        # field's error); anything else starts an empty pad.
        if isinstance(value, str) and value.startswith("data:image/png;base64,"):
            return value
        return ""


class SignatureField(forms.CharField):
    """Receives the PNG data URL of the signing pad; refuses an empty pad with "请先签名"."""

    widget = SignatureWidget
    default_error_messages = {"required": _("请先签名")}

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("手写签名"))
        kwargs.setdefault("max_length", (MAX_SIGNATURE_BYTES * 4) // 3 + 64)
        super().__init__(**kwargs)
        self.error_messages["max_length"] = _("签名图片过大，请清除后重新签名")

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        try:
            signature_png(value)
        except DomainError as refused:
            raise ValidationError(refused.message, code=refused.code) from None
