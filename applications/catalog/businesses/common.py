"""Pieces several declarations share: conditions and document rules of seed 003's lists, account
checks and notices. Declarations import from here; nothing here registers a business."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from applications.catalog.base import (
    AGENT,
    ALWAYS,
    HIGH_RISK,
    MINE,
    NON_COAL_MINE,
    NON_RESIDENT,
    PREFERENTIAL,
    Condition,
    DocumentRule,
    Whose,
)
from applications.catalog.forms import SUBJECT_PROOF_CODES
from applications.models import AccountStatus, CustomerKind
from portal.accounts.roles import Role

INSPECTOR = Role.INSPECTOR.value  # seed 003: pause, reduction, restore and demand orders go to 用电检查人员

# --- conditions (seed 003 是否必备) ---------------------------------------------------------------

AGENT_FOR_PERSON = Condition(
    _("经办人代个人客户办理时必备"),
    lambda c: c.identity == "agent" and c.customer_kind != CustomerKind.ENTERPRISE,
)
RESIDENT = Condition(_("居民客户必备"), lambda c: c.customer_kind == CustomerKind.RESIDENT)
HIGH_RISK_OR_ENERGY = Condition(
    _("高危及重要客户、高耗能客户必备"), lambda c: bool(c.answers.get("high_risk") or c.answers.get("high_energy"))
)
IMPORTANT_CUSTOMER = Condition(_("高危及重要客户必备"), HIGH_RISK.test)
OLD_STYLE_SUBJECT_PROOF = Condition(
    # Since 三证合一 the business licence carries the tax registration; an organisation code
    # certificate does not (seed 003 §8 row 9: 根据客户用电类别提供).
    _("以组织机构代码证作为主体证明的客户必备"),
    lambda c: c.answers.get("subject_proof_type") == "org_code_certificate",
)

# --- document rules -------------------------------------------------------------------------------

ID_PHOTOS = [
    DocumentRule(
        "id_front",
        "id_card_front",
        _("申请人身份证人像面"),
        when=ALWAYS,
        help=_("办理人本人的有效身份证件；系统中已有且在有效期内的无需重复上传"),
    ),
    DocumentRule("id_back", "id_card_back", _("申请人身份证国徽面"), when=ALWAYS),
]
POWER_OF_ATTORNEY = DocumentRule(
    "power_of_attorney",
    "power_of_attorney",
    _("授权委托书"),
    when=AGENT,
    help=_("产权人或单位出具、委托您办理本业务的授权委托书"),
)
OWNER_ID_PHOTOS = [
    DocumentRule(
        "owner_id_front",
        "other_person_id_front",
        _("产权人身份证件人像面"),
        when=AGENT_FOR_PERSON,
        whose=Whose.APPLICANT,
        help=_("您所代办的产权人的有效身份证件"),
    ),
    DocumentRule(
        "owner_id_back", "other_person_id_back", _("产权人身份证件国徽面"), when=AGENT_FOR_PERSON, whose=Whose.APPLICANT
    ),
]


# An agent acting on an account: the power of attorney and the agent's own ID photos.
AGENT_DOCUMENTS = [
    DocumentRule("power_of_attorney", "power_of_attorney", _("授权委托书"), when=AGENT),
    DocumentRule("agent_id_front", "id_card_front", _("经办人身份证人像面"), when=AGENT),
    DocumentRule("agent_id_back", "id_card_back", _("经办人身份证国徽面"), when=AGENT),
]


def subject_proof_type(ctx) -> str:
    """The document type of the subject-proof rule: what the customer chose (or what is on file)."""
    chosen = ctx.answers.get("subject_proof_type")
    if chosen in SUBJECT_PROOF_CODES:
        return chosen
    return (
        "individual_business_licence" if ctx.customer_kind == CustomerKind.INDIVIDUAL_BUSINESS else "business_licence"
    )


def subject_proof(when: Condition = NON_RESIDENT, label=None) -> DocumentRule:
    """用电户主体证明: its document type is the one chosen as 企业主体证明类型 (or found on file)."""
    return DocumentRule(
        "subject_proof",
        subject_proof_type,
        label or _("用电户主体证明（营业执照等）"),
        when=when,
        whose=Whose.SUBJECT,
        help=_("经加盖单位公章的营业执照，或组织机构代码证、事业单位法人证书、社会团体法人登记证书等"),
    )


def property_proof(when: Condition = ALWAYS) -> DocumentRule:
    return DocumentRule(
        "property_proof",
        "property_proof",
        _("产权证明"),
        when=when,
        whose=Whose.SUBJECT,
        deferrable=True,
        help=_("产权证明（复印件）或其它证明文书；系统内已有且在有效期内的无需提供"),
    )


SPECIAL_CUSTOMER_DOCUMENTS = [
    DocumentRule(
        "project_approval",
        "project_approval",
        _("政府职能部门有关本项目立项的批复、核准、备案文件"),
        when=HIGH_RISK_OR_ENERGY,
        whose=Whose.SUBJECT,
    ),
    DocumentRule(
        "security_load_list",
        "security_load_list",
        _("保安负荷具体设备和明细、非电性质安全措施相关资料"),
        when=IMPORTANT_CUSTOMER,
        whose=Whose.SUBJECT,
    ),
    DocumentRule(
        "emergency_power",
        "emergency_power",
        _("应急电源（包括自备发电机组）相关资料"),
        when=IMPORTANT_CUSTOMER,
        whose=Whose.SUBJECT,
    ),
    DocumentRule("mining_licence", "mining_licence", _("采矿许可证"), when=MINE, whose=Whose.SUBJECT),
    DocumentRule(
        "safety_production_licence", "safety_production_licence", _("安全生产许可证"), when=MINE, whose=Whose.SUBJECT
    ),
    DocumentRule(
        "government_approval", "government_approval", _("政府主管部门批准文件"), when=NON_COAL_MINE, whose=Whose.SUBJECT
    ),
    DocumentRule(
        "preferential_tariff_proof",
        "preferential_tariff_proof",
        _("政府有权部门核发的优待电价资质证明和工艺流程"),
        when=PREFERENTIAL,
        whose=Whose.SUBJECT,
    ),
]

# --- account checks (AccountForm.account_check: why this account cannot be used, or None) ---------


def status_problem(account, allowed=(AccountStatus.NORMAL,)) -> str | None:
    if account.status == AccountStatus.CLOSED:
        return str(_("该户号已销户，不能办理此业务"))
    if account.status not in allowed:
        hints = {
            AccountStatus.PAUSED: _("该户号当前处于暂停状态，请先办理“容量恢复”（暂停恢复）"),
            AccountStatus.REDUCED: _("该户号当前处于减容状态，请先办理“容量恢复”（减容恢复）"),
            AccountStatus.NORMAL: _("该户号当前状态为“正常”，不能办理此业务"),
        }
        return str(hints.get(account.status, _("该户号当前状态不能办理此业务")))
    return None


def open_account(account) -> str | None:
    return status_problem(account, allowed=(AccountStatus.NORMAL, AccountStatus.PAUSED, AccountStatus.REDUCED))


def normal_account(account) -> str | None:
    return status_problem(account)


def high_voltage_account(account) -> str | None:
    if not account.is_high_voltage:
        return str(
            _("该户号为低压（%(voltage)s）供电，此业务仅适用于高压客户") % {"voltage": account.get_voltage_display()}
        )
    return normal_account(account)


def low_voltage_account(account) -> str | None:
    if account.is_high_voltage:
        return str(_("该户号为高压（%(voltage)s）供电，请办理“高压增容”") % {"voltage": account.get_voltage_display()})
    return normal_account(account)


def non_residential_account(account) -> str | None:
    if account.customer_kind == CustomerKind.RESIDENT:
        return str(_("该户号为居民生活用电，此业务仅适用于企业、个体工商户等非居民客户"))
    return normal_account(account)


def arrears_problem(account) -> str | None:
    """Seed 003: 结清电费方可办理."""
    if account.balance < 0:
        return str(_("该户号欠费 %(amount)s 元，请结清电费后再办理") % {"amount": -account.balance})
    if account.bills.filter(paid_on=None).exists():
        return str(_("该户号尚有未缴清的电费账单，请结清电费后再办理"))
    return None
