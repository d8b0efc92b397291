"""Demo service accounts for ``seed_demo``: accounts of every kind across several streets, 24
months of bills ending last month, outage notices, a little history, bound to the demo users.

``seed_service_accounts()`` is idempotent (accounts by number, bills by month, notices by area
and reason) and may run before or after the demo users exist: accounts are always created, and
bound to the users it finds by phone. Run it again after creating the users to bind them."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from applications.accounts.services import binding_route
from applications.models import (
    AccountBinding,
    AccountChange,
    Bill,
    Outage,
    OutageWatch,
    Region,
    ServiceAccount,
)
from portal.accounts.models import Enterprise, EnterpriseMembership
from portal.accounts.validators import resident_id_check_char, uscc_check_char
from portal.core.demo import DemoContext, demo_step

RESIDENT_PHONE = "13900000001"  # 居民
LEGAL_REP_PHONE = "13900000002"  # 企业法人代表
AGENT_PHONE = "13900000003"  # 经办人

MONTHS = 24


def _resident_id(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


def _credit_code(first17: str) -> str:
    return first17 + uscc_check_char(first17)


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str


# Holders used while the demo users do not exist yet (valid GB 11643 / GB 32100 numbers).
RESIDENT = Person("王建国", _resident_id("63010219780512003"))
AGENT = Person("马晓燕", _resident_id("63010419850923004"))
ENTERPRISE = Person("青海昆仑新材料有限公司", _credit_code("91630100MA7523468"))
OTHERS = {
    "mother": Person("李秀兰", _resident_id("63010219520218002")),
    "farmer": Person("马福林", _resident_id("63012319690704001")),
    "neighbour": Person("赵桂英", _resident_id("63010319600101004")),
}


@dataclass(frozen=True)
class Spec:
    number: str
    holder: str  # resident / agent / enterprise / a key of OTHERS
    kind: str
    street: str  # region code
    address: str
    voltage: str
    capacity: int
    usage: str
    tariff: str
    monthly_kwh: int
    seasonal: float  # winter swing: + for heating in winter, − for summer irrigation
    phone: str = ""
    peak_valley: bool = False
    basic_charge: str = "none"
    demand: int | None = None
    status: str = "normal"
    paused: int = 0
    smart_payment: bool = False
    bind: tuple[str, ...] = ()
    opened: str = "2012-05-01"
    vat: dict = field(default_factory=dict)


SPECS = [
    Spec(
        "6301000101",
        "resident",
        "resident",
        "630102001",
        "东关大街 128 号 2 单元 301 室",
        "220V",
        8,
        "residential",
        "居民生活用电（一户一表）",
        210,
        0.35,
        phone=RESIDENT_PHONE,
        smart_payment=True,
        bind=("resident",),
    ),
    Spec(
        "6301000102",
        "resident",
        "resident",
        "630104004",
        "胜利路 56 号 5 号楼 1202 室",
        "220V",
        10,
        "residential",
        "居民生活用电（一户一表）",
        280,
        0.3,
        phone=RESIDENT_PHONE,
        peak_valley=True,
        bind=("resident",),
        opened="2016-09-01",
    ),
    Spec(
        "6301000103",
        "resident",
        "resident",
        "630102006",
        "八一中路 99 号地下车库 B-112 车位",
        "380V",
        7,
        "ev_charging",
        "电动汽车充电桩（居民）",
        160,
        0.15,
        phone=RESIDENT_PHONE,
        peak_valley=True,
        bind=("resident",),
        opened="2022-03-15",
    ),
    Spec(
        "6301000104",
        "resident",
        "individual_business",
        "630103001",
        "人民街 18 号建国便民超市",
        "380V",
        20,
        "commercial",
        "一般工商业用电（不满1千伏）",
        1300,
        0.15,
        phone=RESIDENT_PHONE,
        bind=("resident",),
        opened="2018-04-01",
    ),
    Spec(
        "6301000105",
        "enterprise",
        "enterprise",
        "630105001",
        "朝阳东路 66 号综合楼",
        "380V",
        100,
        "commercial",
        "一般工商业用电（不满1千伏）",
        9500,
        0.15,
        phone=LEGAL_REP_PHONE,
        smart_payment=True,
        bind=("legal_rep", "agent"),
        vat={"vat_invoice_type": "special"},
    ),
    Spec(
        "6301000106",
        "enterprise",
        "enterprise",
        "630102009",
        "东川工业园区经二路 8 号",
        "10kV",
        800,
        "large_industry",
        "大工业用电（1-10千伏）",
        185000,
        0.05,
        phone=LEGAL_REP_PHONE,
        basic_charge="demand",
        demand=500,
        smart_payment=True,
        bind=("legal_rep", "agent"),
        opened="2015-11-20",
    ),
    Spec(
        "6301000107",
        "enterprise",
        "enterprise",
        "630105005",
        "大堡子镇工业园 3 号厂房",
        "10kV",
        630,
        "large_industry",
        "大工业用电（1-10千伏）",
        120000,
        0.05,
        phone=LEGAL_REP_PHONE,
        basic_charge="capacity",
        status="paused",
        paused=630,
        bind=("legal_rep",),
        opened="2017-06-01",
    ),
    Spec(
        "6301000108",
        "enterprise",
        "enterprise",
        "630102008",
        "乐家湾镇工业路 21 号",
        "10kV",
        1250,
        "large_industry",
        "大工业用电（1-10千伏）",
        210000,
        0.05,
        phone=LEGAL_REP_PHONE,
        basic_charge="capacity",
        status="reduced",
        paused=630,
        bind=("legal_rep",),
        opened="2014-08-01",
    ),
    Spec(
        "6301000109",
        "resident",
        "resident",
        "630102002",
        "清真巷 7 号院 3 号",
        "220V",
        6,
        "residential",
        "居民生活用电（一户一表）",
        150,
        0.35,
        phone=RESIDENT_PHONE,
        status="closed",
        bind=("resident",),
        opened="2005-03-01",
    ),
    Spec(
        "6301000110",
        "agent",
        "individual_business",
        "630104003",
        "海晏路 12 号马家手抓羊肉馆",
        "380V",
        30,
        "commercial",
        "一般工商业用电（不满1千伏）",
        2600,
        0.2,
        phone=AGENT_PHONE,
        bind=("agent",),
        opened="2019-10-01",
    ),
    Spec(
        "6301000111",
        "mother",
        "resident",
        "630102006",
        "八一中路 12 号 1 单元 101 室",
        "220V",
        6,
        "residential",
        "居民生活用电（一户一表）",
        170,
        0.35,
        phone="13897180011",
        peak_valley=True,
        opened="2001-07-01",
    ),
    Spec(
        "6301000112",
        "farmer",
        "resident",
        "630105005",
        "大堡子镇陶家寨村 4 社",
        "380V",
        40,
        "agriculture",
        "农业生产用电",
        2200,
        -0.5,
        phone="13897180012",
        opened="2010-04-01",
    ),
    Spec(
        "6301000113",
        "neighbour",
        "resident",
        "630103002",
        "南滩街 31 号 2 单元 502 室",
        "220V",
        8,
        "residential",
        "居民生活用电（一户一表）",
        230,
        0.35,
        phone="13897180013",
        opened="2008-12-01",
    ),
    Spec(
        "6301000114",
        "enterprise",
        "enterprise",
        "630105001",
        "朝阳东路 68 号公共充电站",
        "380V",
        240,
        "ev_charging",
        "电动汽车集中式充换电设施",
        26000,
        0.1,
        phone=LEGAL_REP_PHONE,
        peak_valley=True,
        bind=("legal_rep", "agent"),
        opened="2023-05-01",
    ),
]

# 元/kWh (a demo approximation of Qinghai's catalogue prices) and the basic charge.
PRICE = {
    "residential": "0.3771",
    "commercial": "0.5653",
    "large_industry": "0.4013",
    "agriculture": "0.3566",
    "ev_charging": "0.4510",
}
PEAK_PRICE, VALLEY_PRICE = Decimal("1.2"), Decimal("0.55")  # multipliers of the flat price
DEMAND_PRICE, CAPACITY_PRICE = Decimal("38"), Decimal("25")  # 元/kW·月, 元/kVA·月


def _month(day: date, back: int) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _kwh(value: float) -> Decimal:
    return Decimal(f"{max(value, 0):.1f}")


class _Seeder:
    def __init__(self, stdout, users: dict | None):
        self.stdout = stdout
        self.today = timezone.localdate()
        User = get_user_model()
        users = users or {}
        self.users = {
            role: users.get(role) or User.objects.filter(phone=phone).first()
            for role, phone in (("resident", RESIDENT_PHONE), ("legal_rep", LEGAL_REP_PHONE), ("agent", AGENT_PHONE))
        }
        self.enterprise = self._enterprise()

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text)

    def _enterprise(self) -> Enterprise | None:
        for role in ("legal_rep", "agent"):
            user = self.users[role]
            if user is not None:
                membership = (
                    EnterpriseMembership.objects.filter(user=user).select_related("enterprise").order_by("pk").first()
                )
                if membership is not None:
                    return membership.enterprise
        return Enterprise.objects.filter(credit_code=ENTERPRISE.id_number).first()

    def _person(self, role: str, fallback: Person) -> Person:
        user = self.users.get(role)
        if user is not None and user.name and user.id_number:
            return Person(user.name, user.id_number)
        return fallback

    def holder(self, spec: Spec) -> dict:
        if spec.holder == "enterprise":
            if self.enterprise is not None:
                return {
                    "holder_name": self.enterprise.name,
                    "holder_id_type": "credit_code",
                    "holder_id_number": self.enterprise.credit_code,
                    "holder_enterprise": self.enterprise,
                }
            return {
                "holder_name": ENTERPRISE.name,
                "holder_id_type": "credit_code",
                "holder_id_number": ENTERPRISE.id_number,
                "holder_enterprise": None,
            }
        person = {
            "resident": lambda: self._person("resident", RESIDENT),
            "agent": lambda: self._person("agent", AGENT),
        }.get(spec.holder, lambda: OTHERS[spec.holder])()
        return {
            "holder_name": person.name,
            "holder_id_type": "resident_id",
            "holder_id_number": person.id_number,
            "holder_enterprise": None,
        }

    def account(self, spec: Spec, regions: dict[str, Region]) -> ServiceAccount:
        holder = self.holder(spec)
        vat = {}
        if spec.vat:
            vat = {
                "vat_invoice_type": spec.vat.get("vat_invoice_type", ""),
                "vat_name": holder["holder_name"],
                "vat_credit_code": holder["holder_id_number"] if holder["holder_id_type"] == "credit_code" else "",
                "vat_bank": "中国工商银行西宁城东支行",
                "vat_bank_account": "2805 0200 0920 0123 456",
                "vat_address": "青海省西宁市城东区八一中路 8 号",
                "vat_phone": "0971-8123456",
            }
        account, _created = ServiceAccount.objects.update_or_create(
            number=spec.number,
            defaults={
                **holder,
                **vat,
                "customer_kind": spec.kind,
                "region": regions[spec.street],
                "address": spec.address,
                "voltage": spec.voltage,
                "capacity": spec.capacity,
                "usage_nature": spec.usage,
                "tariff_category": spec.tariff,
                "peak_valley": spec.peak_valley,
                "basic_charge": spec.basic_charge,
                "contracted_demand": spec.demand,
                "status": spec.status,
                "paused_capacity": spec.paused,
                "smart_payment": spec.smart_payment,
                "registered_phone": spec.phone,
                "opened_on": date.fromisoformat(spec.opened),
                "balance": Decimal("0") if spec.status == "closed" else Decimal("56.30"),
            },
        )
        return account

    # --- bills ---------------------------------------------------------------------------------

    def bills(self, spec: Spec, account: ServiceAccount) -> int:
        closed_from = _month(self.today, 7) if spec.status == "closed" else None
        paused_from = _month(self.today, 2) if spec.status == "paused" else None
        two_due = spec.number == "6301000102"  # one customer has let a bill slip: overdue + current due
        rows = []
        for back in range(MONTHS, 0, -1):
            period = _month(self.today, back)
            if closed_from is not None and period >= closed_from:
                break
            rng = random.Random(f"{spec.number}-{period:%Y%m}")
            swing = 1 + spec.seasonal * math.cos(2 * math.pi * (period.month - 1) / 12)
            kwh = spec.monthly_kwh * swing * rng.uniform(0.9, 1.1)
            if paused_from is not None and period >= paused_from:
                kwh = rng.uniform(80, 200)  # the office's lighting on a separate small supply
            if spec.status == "reduced" and period >= _month(self.today, 5):
                kwh *= 0.5
            price = Decimal(PRICE[spec.usage])
            total = _kwh(kwh)
            peak = valley = None
            if spec.peak_valley:
                peak = _kwh(kwh * rng.uniform(0.55, 0.68))
                valley = total - peak
                amount = peak * price * PEAK_PRICE + valley * price * VALLEY_PRICE
            else:
                amount = total * price
            if spec.basic_charge == "demand":
                amount += DEMAND_PRICE * (spec.demand or 0)
            elif spec.basic_charge == "capacity":
                amount += CAPACITY_PRICE * max(
                    spec.capacity - (spec.paused if period >= _month(self.today, 5) else 0), 0
                )
            unpaid = back == 1 or (two_due and back == 2)
            # Bills go out early the next month, due on the 25th; last month's is still open.
            due_on = _month(period, -1).replace(day=25) if back > 1 else self.today + timedelta(days=10)
            paid_on = None if unpaid else due_on - timedelta(days=rng.randint(3, 20))
            rows.append(
                Bill(
                    account=account,
                    period=period,
                    kwh=total,
                    kwh_peak=peak,
                    kwh_valley=valley,
                    amount=_money(amount),
                    due_on=due_on,
                    paid_on=paid_on,
                )
            )
        Bill.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["account", "period"],
            update_fields=["kwh", "kwh_peak", "kwh_valley", "amount", "due_on", "paid_on"],
        )
        return len(rows)

    # --- history, bindings, notices ------------------------------------------------------------

    def history(self, accounts: dict[str, ServiceAccount]) -> None:
        now = timezone.now()

        def change(number, field_name, old, new, months_ago, reason, scheduled_on=None):
            effective = scheduled_on or _month(self.today, months_ago)
            AccountChange.objects.get_or_create(
                account=accounts[number],
                field=field_name,
                old_value=old,
                new_value=new,
                reason=reason,
                defaults={
                    "effective_on": effective,
                    "applied_at": None if scheduled_on else now - timedelta(days=30 * months_ago),
                },
            )

        change("6301000101", "smart_payment", "0", "1", 12, "智能交费签约")
        change("6301000102", "peak_valley", "0", "1", 14, "开通/取消峰谷电")
        change(
            "6301000106", "contracted_demand", "500.0", "450.0", 0, "需量值变更", scheduled_on=_month(self.today, -1)
        )
        change("6301000107", "status", "normal", "paused", 2, "暂停")
        change("6301000107", "paused_capacity", "0", "630", 2, "暂停")
        change("6301000108", "status", "normal", "reduced", 5, "减容")
        change("6301000108", "paused_capacity", "0", "630", 5, "减容")
        change("6301000109", "status", "normal", "closed", 7, "销户")

    def bind(self, spec: Spec, account: ServiceAccount) -> int:
        bound = 0
        for role in spec.bind:
            user = self.users.get(role)
            if user is None:
                continue
            via = binding_route(user=user, account=account) or AccountBinding.Via.STAFF
            _binding, created = AccountBinding.objects.get_or_create(user=user, account=account, defaults={"via": via})
            bound += created
        return bound

    def outages(self, regions: dict[str, Region]) -> int:
        now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
        day = lambda days, hour: now.replace(hour=hour) + timedelta(days=days)  # noqa: E731
        notices = [
            (
                "630102001",
                "planned",
                day(7, 8),
                day(7, 18),
                "东关大街 100–160 号沿街商铺及东关小区 1–12 号楼",
                "10千伏东关线计划检修",
            ),
            (
                "630104004",
                "unplanned",
                now - timedelta(hours=1),
                now + timedelta(hours=2),
                "胜利路 40–80 号及西川南路部分小区",
                "10千伏电缆故障抢修，恢复时间以现场为准",
            ),
            (
                "630102",
                "planned",
                day(3, 9),
                day(3, 17),
                "城东区八一路、乐家湾、韵家口片区 10 千伏线路",
                "城东110千伏变电站设备年度检修",
            ),
            ("630105001", "planned", day(-10, 8), day(-10, 17), "朝阳东路 60–90 号", "配电变压器增容改造"),
            ("630103001", "temporary", day(-5, 13), day(-5, 16), "人民街 10–30 号", "临时停电处理线路隐患"),
            ("630102006", "planned", day(-20, 8), day(-20, 12), "八一中路 1–99 号", "低压线路改造"),
            (
                "630105005",
                "unplanned",
                day(-2, 2),
                day(-2, 6),
                "大堡子镇陶家寨村、工业园 1–5 号厂房",
                "大风导致线路跳闸",
            ),
        ]
        for code, kind, starts, ends, scope, reason in notices:
            Outage.objects.update_or_create(
                region=regions[code],
                reason=reason,
                defaults={
                    "kind": kind,
                    "starts_at": starts,
                    "ends_at": ends,
                    "scope": scope,
                    "published_at": min(starts, timezone.now()) - timedelta(days=2 if kind == "planned" else 0),
                },
            )
        resident = self.users["resident"]
        if resident is not None:
            # Bound to him, so added without a code; 6301000111 (his mother's, unbound) is left to
            # show the code step of adding someone else's number.
            for number in ("6301000101", "6301000102", "6301000103"):
                OutageWatch.objects.get_or_create(user=resident, account=ServiceAccount.objects.get(number=number))
        return len(notices)


def seed_service_accounts(stdout=None, *, users: dict | None = None) -> dict[str, int]:
    """Create or refresh the demo accounts, bills, notices and bindings. Safe to run again.

    ``users`` maps "resident", "legal_rep" and "agent" to the demo users; missing ones are
    looked up by the phones above."""
    seeder = _Seeder(stdout, users)
    regions = {r.code: r for r in Region.objects.all()}
    counts = {"accounts": 0, "bills": 0, "bindings": 0, "outages": 0}
    with transaction.atomic():
        accounts = {}
        for spec in SPECS:
            account = seeder.account(spec, regions)
            accounts[spec.number] = account
            counts["accounts"] += 1
            counts["bills"] += seeder.bills(spec, account)
            counts["bindings"] += seeder.bind(spec, account)
        seeder.history(accounts)
        counts["outages"] = seeder.outages(regions)
    missing = [role for role, user in seeder.users.items() if user is None]
    seeder.say(
        f"service accounts: {counts['accounts']} accounts, {counts['bills']} bills, {counts['outages']} outage notices, "
        f"{counts['bindings']} new bindings"
        + (f" (not bound yet, users missing: {', '.join(missing)})" if missing else "")
    )
    return counts


# seed_demo's list of steps (portal/core/demo.py) runs this after the people it binds exist.
@demo_step("service_account_registry", after=["people"])
def service_account_registry(ctx: DemoContext) -> None:
    """户号, 电费, 停电信息 of the demo customers."""
    users = {key: ctx.users.get(key) for key in ("resident", "legal_rep", "agent")}
    counts = seed_service_accounts(stdout=ctx.stdout, users=users)
    resident = users["resident"]
    if resident is not None:
        ctx.notes.append(
            f"{resident.name}已绑定 {AccountBinding.objects.filter(user=resident).count()} 个户号（电量电费、停电信息有数据）；"
            f"户号 6301000111 未绑定，可演示短信验证码绑定，或在停电信息中凭验证码添加（验证码见开发用短信收件箱）。"
        )
    ctx.objects["service_accounts"] = counts
