"""Forms of the identity pages, and two pieces every business form reuses:

- ``VerifiedApplicantMixin``: the applicant's real name and phone, read-only (SPEC 2, 不可修改).
- ``add_domain_error``: a service's DomainError shown on the field it names.
"""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import EnterpriseType, IdType
from portal.accounts.services import CREDIT_CODE_WARNING
from portal.accounts.validators import (
    id_number_problem,
    normalize_id_number,
    uscc_check_passes,
    validate_mainland_mobile,
    validate_uscc_shape,
)
from portal.core.errors import DomainError
from portal.verification.forms import SmsCodeField
from portal.verification.models import Purpose

User = get_user_model()


def add_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    """Show a service's refusal on the field it names (or above the form when the form has no
    such field), keeping its code so templates can ask ``form.has_error(field, code)``."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, ValidationError(exc.message, code=exc.code))


# --- read-only applicant identity ----------------------------------------------------------


class _ReadOnlyBoundField(BoundField):
    """Rendered ``readonly`` rather than ``disabled``: still focusable and read out by screen
    readers, still styled as read-only by portal.css."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        attrs.pop("disabled", None)
        attrs["readonly"] = True
        return attrs


class CarriedValueField(forms.CharField):
    """A value carried in from the account: shown read-only, and whatever the browser posts for
    it is ignored (Django's ``disabled`` semantics: the cleaned value is the initial one)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(disabled=True, **kwargs)

    def get_bound_field(self, form, field_name):
        return _ReadOnlyBoundField(form, self, field_name)


class VerifiedApplicantMixin:
    """Puts the applicant's verified name and phone at the top of a form, read-only.

    The seeds require it for every business form: 「姓名为带入的实名认证的姓名，且不可修改」,
    「手机号码为带入的实名认证的手机号码，且不可以修改」. Use it first in the bases and pass the
    logged-in user as ``applicant``::

        class NewConnectionForm(VerifiedApplicantMixin, forms.Form):
            capacity_kw = forms.DecimalField(...)

        form = NewConnectionForm(request.POST or None, applicant=request.user)
        if form.is_valid():
            form.cleaned_data["applicant_name"]   # always request.user.name
            form.cleaned_data["applicant_phone"]  # always request.user.phone

    - Posted values for the two fields are ignored, so a tampered request cannot change them;
      services should still take name and phone from the user, not from the form.
    - The inputs render ``readonly`` (focusable, announced, greyed by portal.css), labelled
      "姓名" / "手机号码" with the hint "来自实名认证，不可修改".
    - Rename them with ``applicant_name_field`` / ``applicant_phone_field`` (e.g. "owner_name").
    - The applicant must have verified their real name: guard the view with
      ``portal.accounts.decorators.real_name_required``; an unverified applicant is a
      programming error here (ValueError).
    """

    applicant_name_field = "applicant_name"
    applicant_phone_field = "applicant_phone"
    applicant_name_label = _("姓名")
    applicant_phone_label = _("手机号码")

    def __init__(self, *args, applicant, **kwargs):
        super().__init__(*args, **kwargs)
        if not getattr(applicant, "is_real_name_verified", False):
            raise ValueError("VerifiedApplicantMixin needs an applicant who has verified their real name")
        self.applicant = applicant
        hint = _("来自实名认证，不可修改")
        carried = {
            self.applicant_name_field: CarriedValueField(label=self.applicant_name_label, help_text=hint),
            self.applicant_phone_field: CarriedValueField(label=self.applicant_phone_label, help_text=hint),
        }
        carried[self.applicant_phone_field].widget.input_type = "tel"
        self.fields = {**carried, **self.fields}
        self.initial[self.applicant_name_field] = applicant.name
        self.initial[self.applicant_phone_field] = applicant.phone


# --- registration, log-in, passwords -------------------------------------------------------


def _phone_field() -> forms.CharField:
    return forms.CharField(
        label=_("手机号码"),
        max_length=11,
        validators=[validate_mainland_mobile],
        error_messages={"required": _("请输入手机号码")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "numeric"}),
    )


def _new_password(label) -> forms.CharField:
    # render_value: a page re-rendered for another field's error keeps what was typed here.
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
        help_text=password_validation.password_validators_help_text_html(),
        error_messages={"required": _("请输入密码")},
    )


def _password_again() -> forms.CharField:
    return forms.CharField(
        label=_("确认密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
        error_messages={"required": _("请再次输入密码")},
    )


class _NewPasswordMixin:
    """Two password inputs that must match and pass Django's password validators."""

    new_password_fields = ("password", "password2")

    def _user_for_password_check(self):
        return None

    def clean(self):
        cleaned = super().clean()
        first, second = self.new_password_fields
        password, again = cleaned.get(first), cleaned.get(second)
        if password and again and password != again:
            self.add_error(second, ValidationError(_("两次输入的密码不一致"), code="password_mismatch"))
        elif password:
            try:
                password_validation.validate_password(password, self._user_for_password_check())
            except ValidationError as exc:
                self.add_error(first, exc)
        return cleaned


class RegisterForm(_NewPasswordMixin, forms.Form):
    phone = _phone_field()
    sms_code = SmsCodeField(purpose=Purpose.REGISTER)
    password = _new_password(_("密码"))
    password2 = _password_again()

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if User.objects.filter(phone=phone).exists():
            raise ValidationError(_("该手机号码已注册"), code="phone_taken")
        return phone

    def _user_for_password_check(self):
        return User(phone=self.cleaned_data.get("phone", ""))

    @property
    def phone_taken(self) -> bool:
        return self.has_error("phone", "phone_taken")


class PasswordLoginForm(forms.Form):
    phone = _phone_field()
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("请输入密码")},
    )


class SmsLoginForm(forms.Form):
    phone = _phone_field()
    sms_code = SmsCodeField(purpose=Purpose.LOGIN)


class PasswordResetForm(_NewPasswordMixin, forms.Form):
    new_password_fields = ("new_password", "new_password2")
    phone = _phone_field()
    sms_code = SmsCodeField(purpose=Purpose.RESET_PASSWORD)
    new_password = _new_password(_("新密码"))
    new_password2 = _password_again()

    def _user_for_password_check(self):
        return User.objects.filter(phone=self.cleaned_data.get("phone", "")).first()


class PasswordChangeForm(_NewPasswordMixin, forms.Form):
    new_password_fields = ("new_password", "new_password2")
    old_password = forms.CharField(
        label=_("原密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("请输入原密码")},
    )
    new_password = _new_password(_("新密码"))
    new_password2 = _password_again()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def _user_for_password_check(self):
        return self.user


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("电子邮箱"),
        required=False,
        help_text=_("用于接收通知，可不填"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


# --- real name and enterprises -------------------------------------------------------------


def _id_type_field(label) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=IdType.choices, initial=IdType.RESIDENT_ID)


class RealNameForm(forms.Form):
    name = forms.CharField(
        label=_("姓名"),
        max_length=50,
        error_messages={"required": _("请输入姓名")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("与证件上的姓名一致"),
    )
    id_type = _id_type_field(_("证件类型"))
    id_number = forms.CharField(
        label=_("证件号码"),
        max_length=32,
        error_messages={"required": _("请输入证件号码")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )

    def clean(self):
        cleaned = super().clean()
        id_type, number = cleaned.get("id_type"), cleaned.get("id_number")
        if id_type and number:
            problem = id_number_problem(id_type, number)
            if problem:
                self.add_error("id_number", ValidationError(problem, code="invalid_id_number"))
            else:
                cleaned["id_number"] = normalize_id_number(number)
        return cleaned


_ATTORNEY_HELP = _(
    "如您不是该企业的法定代表人，须上传法定代表人签字并加盖企业公章的授权委托书（JPG、PNG 图片或 PDF）。"
    "法定代表人本人办理无需上传。"
)


def _attorney_field() -> forms.FileField:
    return forms.FileField(
        label=_("授权委托书"),
        required=False,
        help_text=_ATTORNEY_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )


class _CreditCodeField(forms.CharField):
    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "maxlength": "18"}

    def to_python(self, value):
        return super().to_python(value).replace(" ", "").upper()


class EnterpriseRegisterForm(VerifiedApplicantMixin, forms.Form):
    applicant_name_label = _("申请人姓名")
    applicant_phone_label = _("申请人手机号码")

    name = forms.CharField(label=_("企业名称"), max_length=100, error_messages={"required": _("请输入企业名称")})
    credit_code = _CreditCodeField(
        # The shape validator's message already says "18位"; no separate length messages.
        label=_("统一社会信用代码"),
        validators=[validate_uscc_shape],
        error_messages={"required": _("请输入统一社会信用代码")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
        help_text=_("18位，见营业执照"),
    )
    credit_code_confirmed = forms.BooleanField(label=_("我已核对，信用代码无误"), required=False)
    enterprise_type = forms.ChoiceField(label=_("企业类型"), choices=[("", _("请选择"))] + EnterpriseType.choices)
    legal_rep_name = forms.CharField(
        label=_("法定代表人姓名"), max_length=50, error_messages={"required": _("请输入法定代表人姓名")}
    )
    legal_rep_id_type = _id_type_field(_("法定代表人证件类型"))
    legal_rep_id_number = forms.CharField(
        label=_("法定代表人证件号码"),
        max_length=32,
        error_messages={"required": _("请输入法定代表人证件号码")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    registered_address = forms.CharField(label=_("注册地址"), max_length=200, required=False)
    power_of_attorney = _attorney_field()

    @property
    def credit_code_warning(self) -> bool:
        """The code has the right shape but fails its check character: ask for confirmation."""
        code = self.cleaned_data.get("credit_code") if hasattr(self, "cleaned_data") else None
        return bool(code) and not uscc_check_passes(code)

    @property
    def credit_code_warning_text(self) -> str:
        return _(CREDIT_CODE_WARNING)

    def clean(self):
        cleaned = super().clean()
        if self.credit_code_warning and not cleaned.get("credit_code_confirmed"):
            self.add_error(
                "credit_code_confirmed",
                ValidationError(_("请核对信用代码，确认无误后勾选此项"), code="credit_code_unconfirmed"),
            )
        id_type, number = cleaned.get("legal_rep_id_type"), cleaned.get("legal_rep_id_number")
        if id_type and number:
            problem = id_number_problem(id_type, number)
            if problem:
                self.add_error("legal_rep_id_number", ValidationError(problem, code="invalid_id_number"))
        return cleaned


class EnterpriseBindForm(VerifiedApplicantMixin, forms.Form):
    applicant_name_label = _("申请人姓名")
    applicant_phone_label = _("申请人手机号码")

    credit_code = _CreditCodeField(
        label=_("统一社会信用代码"),
        max_length=18,
        error_messages={"required": _("请输入统一社会信用代码")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
        help_text=_("输入已登记企业的18位统一社会信用代码"),
    )
    power_of_attorney = _attorney_field()
