"""How a business of the catalog is declared.

A business is one ``Business`` instance in a module of ``applications/catalog/businesses/``
(one module per family, discovered by the registry): its code, name, class, steps (each a
form), document rules, notice, effective-date rule and the work-order flow it starts. A
``Business`` is a ``portal.wizard`` declaration, so the platform's engine runs its drafts;
what is the utility's own (voltage, capacity, account checks and changes, flows) is declared
here. Pages, the API, the submit service and the backoffice all read these declarations, so
adding a business is adding one declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.wizard.declaration import (  # noqa: F401  (re-exported: declarations import them from here)
    ALWAYS,
    CONFIRM_STEP,
    DOCUMENTS_STEP,
    Condition,
    DocumentRule,
    Step,
    Whose,
    WizardContext,
    WizardDeclaration,
)

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
class RuleContext(WizardContext):
    """What document conditions of the catalog look at: the answers so far and who applies."""

    identity: str = ""
    account: ServiceAccount | None = None

    @property
    def business(self) -> Business:
        return self.declaration

    @property
    def application(self) -> Application:
        return self.draft

    @property
    def customer_kind(self) -> str:
        if self.account is not None:
            return self.account.customer_kind
        return self.business.customer_kind or ""


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


@dataclass(kw_only=True)
class Business(WizardDeclaration):
    """One business of SPEC 3: a wizard declaration (steps, document rules, notice — see
    ``portal.wizard``) plus what is the utility's own. See the module docstring.

    Defaults spare the declarations what every business has: the documents and confirm steps
    are appended, and a business that ``needs_account`` starts with the account step — the
    account form with the notice to confirm, unless it names its own ``account_form``."""

    row: int  # its row in SPEC 3's table
    group: str  # one of GROUPS
    voltage: str  # "LV", "HV" or "LV/HV"
    trips: str
    flow: str
    materials_intro: Promise | str = ""
    summary: Promise | str = ""  # one line on the catalog tile
    customer_kind: str | None = None  # for new connections: who this business is for
    fixed_identity: str | None = None  # e.g. 个人新装: the applicant is always the owner (seed 000)
    is_new_connection: bool = False
    needs_account: bool = False
    account_form: type | None = None  # the first step's form when needs_account (default: AccountNoticeForm)
    account_title: Promise | str = _("户号信息")
    requires_real_name: bool = True
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
        if self.needs_account and "account" not in {s.key for s in self.steps}:
            from applications.catalog.forms import AccountNoticeForm

            self.steps = [Step("account", self.account_title, self.account_form or AccountNoticeForm), *self.steps]
        super().__post_init__()
        assert self.group in GROUPS, self.code

    def rule_context(self, draft, answers: dict[str, Any]) -> RuleContext:
        return RuleContext(
            declaration=self, draft=draft, answers=answers, identity=draft.identity, account=draft.service_account
        )

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
