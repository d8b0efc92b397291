"""Customer forms of the HV e-assistant: survey booking, stage submissions 8 / 11 / 14 (SPEC 4.2
exactly), signing and the stamped-contract upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.signing.forms import SignatureField
from utility_flows.hv.models import BasicCharge

FILE_HELP = _("图片（JPG、PNG）或 PDF")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def file_field(label):
    return forms.FileField(
        label=label,
        help_text=FILE_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )


class SurveyForm(forms.Form):
    survey_at = forms.DateTimeField(
        label=_("意向勘察时间"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class PhoneField(forms.RegexField):
    def __init__(self, **kwargs):
        super().__init__(
            regex=r"^1\d{10}$", error_messages={"invalid": _("请输入11位手机号码")}, max_length=11, **kwargs
        )


class StageForm(forms.Form):
    intended_connection_on = forms.DateField(
        label=_("意向接电时间"), widget=DateInput(), help_text=_("由供电公司预填，可修改")
    )
    enterprise_contact = forms.CharField(label=_("企业联系人姓名"), max_length=50)
    enterprise_phone = PhoneField(label=_("企业联系人电话"))
    confirm_text = ""
    file_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirmed"] = forms.BooleanField(
            label=self.confirm_text, error_messages={"required": _("请勾选确认")}
        )

    def data_and_files(self):
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.file_fields}
        files = {k: self.cleaned_data.get(k) for k in self.file_fields}
        return data, files


class DesignForm(StageForm):
    """Stage 8 设计文件送审."""

    confirm_text = _("我户受电工程设计文件已完成，请予审核")
    file_fields = ("design_qualification", "design_drawings")
    design_qualification = file_field(_("设计单位资质证书"))
    design_drawings = file_field(_("工程设计文件及说明"))
    design_contact = forms.CharField(label=_("设计联系人姓名"), max_length=50)
    design_phone = PhoneField(label=_("设计联系人电话"))


class MidForm(StageForm):
    """Stage 11 中间检查."""

    confirm_text = _("我户已具备中间检查条件，请予检查")
    file_fields = ("concealed_records", "grounding_records", "licence_file")
    concealed_records = file_field(_("隐蔽工程施工记录"))
    grounding_records = file_field(_("接地电阻测量记录"))
    licence_file = file_field(_("承装（修、试）电力设施许可证"))
    licence_number = forms.CharField(
        label=_("许可证编号"), max_length=50, help_text=_("将与承装（修、试）电力设施许可证登记信息核对")
    )


class CompletionForm(StageForm):
    """Stage 14 竣工报验 (with the handwritten signature; large industry chooses the basic charge)."""

    confirm_text = _("我户受电工程已竣工，请予检验")
    file_fields = ("as_built", "protection_records", "construction_qualification", "safety_licence")
    as_built = file_field(_("竣工图及说明"))
    protection_records = file_field(_("保护整定调试记录"))
    construction_qualification = file_field(_("建筑企业资质证书"))
    safety_licence = file_field(_("安全生产许可证"))
    construction_contact = forms.CharField(label=_("施工联系人姓名"), max_length=50)
    construction_phone = PhoneField(label=_("施工联系人电话"))
    basic_charge = forms.ChoiceField(
        label=_("基本电费计收方式"),
        choices=[("", "—")] + BasicCharge.choices,
        required=False,
        help_text=_("执行大工业分时电价的用户选择"),
    )
    demand_kw = forms.DecimalField(
        label=_("合同最大需量（千瓦）"),
        required=False,
        min_value=1,
        max_digits=10,
        decimal_places=1,
        help_text=_("选择按合同最大需量计收时填写"),
    )
    signature = SignatureField()

    def __init__(self, *args, large_industry=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not large_industry:
            del self.fields["basic_charge"]
            del self.fields["demand_kw"]
        else:
            self.fields["basic_charge"].required = True
            self.fields["basic_charge"].error_messages["required"] = _("请选择基本电费计收方式")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("basic_charge") == BasicCharge.CONTRACT_DEMAND and not cleaned.get("demand_kw"):
            self.add_error("demand_kw", _("按合同最大需量计收时须填写需量值"))
        return cleaned

    def data_and_files(self):
        data, files = super().data_and_files()
        data.pop("signature", None)
        return data, files


STAGE_FORMS = {"design": DesignForm, "mid": MidForm, "completion": CompletionForm}


class SignForm(forms.Form):
    signature = SignatureField()


class ScanForm(forms.Form):
    scan = file_field(_("盖章合同扫描件或照片"))


class SealForm(forms.Form):
    """合同签章: choose one of my active seals and sign."""

    seal = forms.ModelChoiceField(
        label=_("选择印章"), queryset=None, empty_label=None, error_messages={"required": _("请选择印章")}
    )
    signature = SignatureField()

    def __init__(self, *args, user, **kwargs):
        from portal.signing.seals import my_seals

        super().__init__(*args, **kwargs)
        self.fields["seal"].queryset = my_seals(user=user).filter(status="active")
        self.fields["seal"].label_from_instance = lambda s: f"{s.enterprise.name} · {s.name}"


def submission_rows(submission) -> tuple[list[tuple[str, str]], list[tuple[str, int]]]:
    """What a stage submission holds, labelled as on the form: ([(label, value)], [(label, document id)])."""
    from django.utils.translation import gettext

    form_class = STAGE_FORMS[submission.kind]
    fields = form_class.base_fields
    rows = []
    for key, value in submission.data.items():
        if key == "signature_id":
            rows.append((gettext("手写签名"), gettext("已签名")))
        elif key == "confirmed":
            rows.append((str(form_class.confirm_text), gettext("已勾选")))
        elif key in fields:
            field = fields[key]
            choices = dict(getattr(field, "choices", []) or [])
            rows.append((str(field.label), str(choices.get(value, value))))
    files = [
        (str(fields[f.field].label) if f.field in fields else f.field, f.document_id) for f in submission.files.all()
    ]
    return rows, files
