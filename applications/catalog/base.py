"""How a business of the catalog is declared.

A business is one ``Business`` instance in ``applications/catalog/businesses/``: its code, name,
class, steps (each a form), document rules, notice, effective-date rule and the work-order flow
it starts. Pages, the API, the submit service and the backoffice all read these declarations,
so adding a business is adding one declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from applications.models import Application, ServiceAccount


class Flow:
    """Which work-order state machine an accepted application runs (utility_flows)."""

    LV_CONNECTION = "lv_connection"  # SPEC 4.1: contact → survey → plan → connection → contract → archive
    CHANGE = "change"  # contact → check → account updated → archive
    HV_EASSISTANT = "hv_eassistant"  # SPEC 4.2, the e-assistant


class Trips:
    ZERO = "zero"  # 一次都不跑
    ONE = "one"  # 最多跑一次
    # One declaration for both voltages where seed 003 lists the LV business as zero trips and
    # the HV one as one trip (更名/过户).
    ZERO_LV_ONE_HV = "zero_lv_one_hv"


TRIPS_LABELS = {
    Trips.ZERO: _("一次都不跑"),
    Trips.ONE: _("最多跑一次"),
    Trips.ZERO_LV_ONE_HV: _("低压一次都不跑，高压最多跑一次"),
}


@dataclass(frozen=True)
class RuleContext:
    """What document conditions look at: the application's answers so far and who applies."""

    business: Business
    application: Application
    answers: dict[str, Any]
    identity: str
    account: ServiceAccount | None

    @property
    def customer_kind(self) -> str:
        if self.account is not None:
            return self.account.customer_kind
        return self.business.customer_kind or ""


@dataclass(frozen=True)
class Condition:
    """A named predicate on a RuleContext: the "when" of a document rule (seed 003's 是否必备)."""

    label: Promise | str
    test: Callable[[RuleContext], bool]
    # Templates call callables they meet: `{{ rule.when.label }}` would call the condition with
    # no context and render "" — the 是否必备 column would stay empty on every page.
    do_not_call_in_templates = True

    def __call__(self, ctx: RuleContext) -> bool:
        return self.test(ctx)

    def __and__(self, other: Condition) -> Condition:
        return Condition(f"{self.label}，{other.label}", lambda c: self(c) and other(c))


ALWAYS = Condition(_("必备"), lambda c: True)
NEW_CONNECTION = Condition(_("新装时必备"), lambda c: c.business.is_new_connection)
AGENT = Condition(_("委托代理人办理时必备"), lambda c: c.identity == "agent")
NOT_AGENT = Condition(_("本人办理时必备"), lambda c: c.identity != "agent")
NON_RESIDENT = Condition(_("非居民客户必备"), lambda c: c.customer_kind in ("enterprise", "individual_business"))
ENTERPRISE = Condition(_("以法人或其他组织名义办理必备"), lambda c: c.customer_kind == "enterprise")
SPECIAL_VAT = Condition(_("需开具增值税专用发票的客户必备"), lambda c: c.answers.get("invoice_type") == "special")
HIGH_RISK = Condition(_("高危及重要客户、高耗能客户必备"), lambda c: bool(c.answers.get("high_risk")))
MINE = Condition(_("矿山客户必备"), lambda c: c.answers.get("mine_type") in ("coal", "non_coal"))
NON_COAL_MINE = Condition(_("非煤矿山客户必备"), lambda c: c.answers.get("mine_type") == "non_coal")
PREFERENTIAL = Condition(_("享受国家优待电价的客户必备"), lambda c: bool(c.answers.get("preferential_tariff")))
BATCH_CLOSURE = Condition(_("批量销户必备"), lambda c: bool(c.answers.get("batch")))
TRANSFER = Condition(_("过户时必备"), lambda c: c.answers.get("change_kind") == "transfer")
PERMANENT = Condition(_("永久性减容必备"), lambda c: not c.answers.get("temporary"))


class Whose:
    """Whose document a rule asks for — where a valid one on file is looked up (一证通办)."""

    APPLICANT = "applicant"  # the logged-in person (ID photos, agent ID)
    SUBJECT = "subject"  # the enterprise applying, else the applicant (licence, property proof)


@dataclass(frozen=True)
class DocumentRule:
    """One row of a business's document list (seed 003 申请资料清单)."""

    key: str  # unique within the business; the form field name
    # DocumentType.code, or a function of the context for rules whose type the user chose
    # (企业主体证明类型: business licence, organisation code certificate...).
    doc_type: str | Callable[[RuleContext], str]
    label: Promise | str
    when: Condition = ALWAYS
    whose: str = Whose.APPLICANT
    deferrable: bool = False  # may be promised for later by a commitment letter (一证受理)
    help: Promise | str = ""

    def applies(self, ctx: RuleContext) -> bool:
        return self.when(ctx)

    def doc_type_code(self, ctx: RuleContext) -> str:
        return self.doc_type(ctx) if callable(self.doc_type) else self.doc_type


@dataclass(frozen=True)
class Step:
    key: str
    title: Promise | str
    form: type | None = None  # a StepForm subclass; None for the built-in documents/confirm steps


DOCUMENTS_STEP = "documents"
CONFIRM_STEP = "confirm"


def first_of_next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def first_of_next_quarter(day: date) -> date:
    quarter_start_month = ((day.month - 1) // 3 + 1) * 3 + 1
    if quarter_start_month > 12:
        return date(day.year + 1, 1, 1)
    return date(day.year, quarter_start_month, 1)


EFFECTIVE_RULES: dict[str, tuple[Callable[[date], date], Promise]] = {
    "next_month": (first_of_next_month, _("次月1日起生效")),
    "next_quarter": (first_of_next_quarter, _("下季度首日起生效")),
}


@dataclass
class Business:
    """One business of SPEC 3. See the module docstring."""

    code: str
    row: int  # its row in SPEC 3's table
    name: Promise | str
    group: str  # one of GROUPS
    voltage: str  # "LV", "HV" or "LV/HV"
    trips: str
    flow: str
    steps: list[Step]
    documents: list[DocumentRule] = field(default_factory=list)
    notice_title: Promise | str = ""
    notice: Promise | str = ""
    materials_intro: Promise | str = ""
    summary: Promise | str = ""  # one line on the catalog tile
    customer_kind: str | None = None  # for new connections: who this business is for
    fixed_identity: str | None = None  # e.g. 个人新装: the applicant is always the owner (seed 000)
    is_new_connection: bool = False
    needs_account: bool = False
    requires_real_name: bool = True
    requires_signature: bool = False
    effective_rule: str | None = None  # key of EFFECTIVE_RULES
    # Or: the answer holding the date the customer asked for (planned stop / restore date),
    # so the account change waits for that day instead of happening when the order closes.
    effective_answer: str | None = None
    handler_role: str = "客户经理"  # the role group whose members take the order (Role value)
    contact_days: int = 1  # SPEC 4.5 / seed 003: working days to contact the customer
    # Called with the account (already bound to the user); returns why it cannot be used, or None.
    account_check: Callable[[ServiceAccount], str | None] | None = None
    # Called at completion of a change order: the account fields to change, from the answers.
    account_changes: Callable[[ServiceAccount, dict[str, Any]], dict[str, Any]] | None = None
    # Template shown after submission; the EV charger leads on to the smart-payment agreement.
    completion_next: str | None = None
    # Which answer holds the capacity the policy checks (kW/kVA), and whether it is added to
    # the account's current capacity (capacity increase) or stands alone.
    capacity_answer: str | None = None
    capacity_is_increase: bool = False

    def __post_init__(self) -> None:
        keys = [s.key for s in self.steps]
        assert len(set(keys)) == len(keys), f"{self.code}: duplicate step keys"
        assert keys[-2:] == [DOCUMENTS_STEP, CONFIRM_STEP], f"{self.code}: must end with documents, confirm"
        assert self.group in GROUPS, self.code
        rule_keys = [r.key for r in self.documents]
        assert len(set(rule_keys)) == len(rule_keys), f"{self.code}: duplicate document keys"

    def __str__(self) -> str:
        return str(self.name)

    @property
    def step_keys(self) -> list[str]:
        return [s.key for s in self.steps]

    def step(self, key: str) -> Step:
        for s in self.steps:
            if s.key == key:
                return s
        raise KeyError(key)

    def next_step(self, key: str) -> str | None:
        keys = self.step_keys
        i = keys.index(key)
        return keys[i + 1] if i + 1 < len(keys) else None

    def previous_step(self, key: str) -> str | None:
        keys = self.step_keys
        i = keys.index(key)
        return keys[i - 1] if i > 0 else None

    def effective_date(self, day: date, answers: dict[str, Any] | None = None) -> date | None:
        if self.effective_rule:
            return EFFECTIVE_RULES[self.effective_rule][0](day)
        if self.effective_answer and answers and answers.get(self.effective_answer):
            value = answers[self.effective_answer]
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        return None

    @property
    def effective_label(self) -> Promise | None:
        return EFFECTIVE_RULES[self.effective_rule][1] if self.effective_rule else None

    @property
    def is_high_voltage_only(self) -> bool:
        return self.voltage == "HV"

    @property
    def trips_label(self) -> Promise:
        return TRIPS_LABELS[self.trips]

    def capacity_requested(self, answers: dict[str, Any], account: ServiceAccount | None) -> Decimal | None:
        """Total capacity after this application, for the 160/300 kW policy."""
        if not self.capacity_answer or answers.get(self.capacity_answer) in (None, ""):
            return None
        value = Decimal(str(answers[self.capacity_answer]))
        if self.capacity_is_increase and account is not None:
            value += account.capacity
        return value


GROUPS: dict[str, Promise] = {
    "connection": _("新装增容"),
    "change": _("变更用电"),
    "pause": _("暂停减容"),
    "tariff": _("电价电费"),
    "closure": _("销户"),
    "high_voltage": _("高压办电"),
}
