"""Input of licensing pages. Rules that span models live in ``licensing.services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from licensing.models import (
    Achievement,
    Category,
    EquityRow,
    KeyPerson,
    LicenceLevel,
    Nature,
    Route,
    StaffMember,
    SubmitterType,
    TitleLevel,
    TrainingHistory,
    WorkHistory,
)
from portal.accounts.models import EnterpriseType
from portal.accounts.validators import validate_mainland_mobile

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FirmRegisterForm(forms.Form):
    name = forms.CharField(label=_("企业名称"), max_length=100)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18)
    credit_code_confirmed = forms.BooleanField(label=_("我已核对，信用代码无误"), required=False)
    enterprise_type = forms.ChoiceField(label=_("企业类型"), choices=EnterpriseType.choices)
    legal_rep_name = forms.CharField(label=_("法定代表人"), max_length=50)
    legal_rep_id_number = forms.CharField(label=_("法定代表人身份证号码"), max_length=18)
    registered_address = forms.CharField(label=_("营业执照地址（营业场所）"), max_length=200)
    contact_name = forms.CharField(label=_("联系人"), max_length=50)
    contact_mobile = forms.CharField(label=_("联系人手机"), max_length=11, validators=[validate_mainland_mobile])
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    postal_code = forms.RegexField(
        label=_("邮政编码"), regex=r"^\d{6}$", required=False, error_messages={"invalid": _("邮政编码为 6 位数字")}
    )
    region = forms.CharField(
        label=_("所在地区代码"),
        max_length=6,
        required=False,
        initial="630100",
        help_text=_("6 位行政区划代码，例如 630100（西宁市）"),
    )
    parent = forms.IntegerField(label=_("上级企业"), required=False, widget=forms.HiddenInput)
    parent_search = forms.CharField(
        label=_("上级企业（可选，输入名称查询）"),
        required=False,
        widget=forms.TextInput(attrs={"list": "parent-options", "autocomplete": "off"}),
    )


class FirmUserForm(forms.Form):
    phone = forms.CharField(
        label=_("用户手机号码"),
        max_length=11,
        validators=[validate_mainland_mobile],
        help_text=_("对方需先在本站注册账号"),
    )


class FirmEditForm(forms.Form):
    contact_name = forms.CharField(label=_("联系人"), max_length=50)
    contact_mobile = forms.CharField(label=_("联系人手机"), max_length=11, validators=[validate_mainland_mobile])
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    postal_code = forms.RegexField(
        label=_("邮政编码"), regex=r"^\d{6}$", required=False, error_messages={"invalid": _("邮政编码为 6 位数字")}
    )
    parent = forms.IntegerField(label=_("上级企业"), required=False, widget=forms.HiddenInput)
    parent_search = forms.CharField(
        label=_("上级企业（可选，输入名称查询）"),
        required=False,
        widget=forms.TextInput(attrs={"list": "parent-options", "autocomplete": "off"}),
    )


class StartForm(forms.Form):
    """申请类别界面: categories with their levels, nature, submitter, route."""

    nature = forms.ChoiceField(label=_("申请性质"), choices=Nature.choices, initial=Nature.NEW)
    related_firm_name = forms.CharField(label=_("合并/分立涉及的企业"), max_length=100, required=False)
    submitter_type = forms.ChoiceField(
        label=_("提交类型"), choices=SubmitterType.choices, initial=SubmitterType.LEGAL_REP
    )
    submitter_name = forms.CharField(label=_("提交人姓名"), max_length=50, required=False)
    submitter_id_number = forms.CharField(label=_("提交人身份证号"), max_length=18, required=False)
    downgrade = forms.BooleanField(label=_("降级延续"), required=False)
    route = forms.ChoiceField(
        label=_("审批方式"), choices=Route.choices, initial=Route.ORDINARY, widget=forms.RadioSelect
    )

    def __init__(self, *args, scheme=None, full=True, commitment=False, kind="new", **kwargs):
        super().__init__(*args, **kwargs)
        # Seed 004: the nature (new / after merger / after split) is asked of a new licence;
        # the firm on the other side of a merger or split of those and of split / merger.
        if kind != "new":
            del self.fields["nature"]
        if kind not in ("new", "split", "merger"):
            del self.fields["related_firm_name"]
        if kind != "renewal":
            del self.fields["downgrade"]
        if full and scheme is not None:
            levels = LicenceLevel.objects.filter(scheme=scheme).order_by("rank")
            for value, label in Category.choices:
                self.fields[f"level_{value}"] = forms.ModelChoiceField(
                    label=_("%(category)s等级") % {"category": label},
                    queryset=levels,
                    required=False,
                    empty_label=_("不申请"),
                )
        if not commitment:
            del self.fields["route"]

    def levels(self) -> dict[str, int]:
        return {c: self.cleaned_data[f"level_{c}"].pk for c in Category.values if self.cleaned_data.get(f"level_{c}")}


class BasicForm(forms.Form):
    registered_capital = forms.DecimalField(label=_("注册资本（万元）"), max_digits=12, decimal_places=2, min_value=0)


class MatterForm(forms.Form):
    matter = forms.CharField(label=_("申请事项说明"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class RegistrationChangeForm(forms.Form):
    name = forms.CharField(label=_("企业名称（变更后）"), max_length=100)
    legal_rep_name = forms.CharField(label=_("法定代表人（变更后）"), max_length=50)
    registered_address = forms.CharField(label=_("住所（变更后）"), max_length=200)
    enterprise_type = forms.ChoiceField(label=_("企业类型（变更后）"), choices=EnterpriseType.choices)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("选择文件"))


class LeadForm(forms.ModelForm):
    class Meta:
        model = KeyPerson
        fields = ["name", "id_number", "mobile", "title_level", "major", "years"]


class SafetyLeadForm(LeadForm):
    photo_upload = forms.ImageField(label=_("个人登记照"), required=False)


class EquityForm(forms.ModelForm):
    class Meta:
        model = EquityRow
        fields = ["holder", "amount", "ratio"]

    def clean_ratio(self):
        ratio = self.cleaned_data["ratio"]
        if not 0 < ratio <= 100:
            raise forms.ValidationError(_("出资比例应大于 0 且不超过 100"))
        return ratio


class WorkHistoryForm(forms.ModelForm):
    # Wider than the column so that a landline is refused by the mobile rule, not by length.
    referee_mobile = forms.CharField(label=_("证明人电话"), max_length=20)

    class Meta:
        model = WorkHistory
        fields = ["start", "end", "employer", "position", "referee", "referee_mobile"]
        widgets = {"start": DATE, "end": DATE}

    def clean_referee_mobile(self):
        value = self.cleaned_data["referee_mobile"]
        try:
            validate_mainland_mobile(value)
        except forms.ValidationError:
            raise forms.ValidationError(_("证明人电话必须是正确的手机号码（11 位，1 开头）")) from None
        return value


class TrainingForm(forms.ModelForm):
    class Meta:
        model = TrainingHistory
        fields = ["start", "end", "organiser", "content"]
        widgets = {"start": DATE, "end": DATE}


class TechnicalStaffForm(forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = ["name", "id_number", "title_level", "specialty"]


class SkilledStaffForm(forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = ["name", "id_number", "specialty", "is_hv_electrician", "certificate_number", "certificate_authority"]


class AchievementForm(forms.ModelForm):
    class Meta:
        model = Achievement
        fields = ["category", "project", "voltage_kv", "client", "completed_on", "contract_amount"]
        widgets = {"completed_on": DATE}


class ReviewForm(forms.Form):
    reason = forms.CharField(label=_("审核意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


TITLE_CHOICES = TitleLevel.choices
