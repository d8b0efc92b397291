"""Demo data for ``manage.py seed_demo``: a list of seeding steps that every app can add to.

An app seeds its own demo data in a ``demo.py`` module next to its models::

    from portal.core.demo import DemoContext, demo_step

    @demo_step("service_accounts", after=["people"])
    def service_accounts(ctx: DemoContext) -> None:
        resident = ctx.users["resident"]
        ServiceAccount.objects.update_or_create(number="0971000001", defaults={...})

The command imports every project app's ``demo`` module, runs the steps in dependency order in
one transaction and prints ``ctx.logins``. It is run again and again (``make run`` runs it on
every start), so each step must be idempotent: look rows up by a natural key
(``update_or_create`` / ``get_or_create``), never append blindly.

This module's own step, ``people``, creates a log-in for every role of SPEC 1; later steps
find them in ``ctx.users`` under the keys listed in ``PEOPLE``.
"""

import importlib
import importlib.util
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

DEMO_PASSWORD = "Gongdian#2026"


@dataclass(frozen=True)
class Login:
    role: str
    name: str
    phone: str
    password: str


@dataclass
class DemoContext:
    """What the steps share: the people by key, anything else a later step needs, the log-ins
    to print."""

    stdout: TextIO | None = None
    users: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    logins: list[Login] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # printed under the table

    def add_login(self, *, role: str, user, password: str = DEMO_PASSWORD) -> None:
        self.logins.append(Login(role=role, name=user.name, phone=user.phone, password=password))


@dataclass(frozen=True)
class Step:
    name: str
    func: Callable[[DemoContext], None]
    after: tuple[str, ...] = ()


_STEPS: dict[str, Step] = {}


def demo_step(name: str, *, after: list[str] | tuple[str, ...] = ()) -> Callable:
    """Register ``func(ctx)`` as the seeding step ``name``, run after the steps in ``after``."""

    def register(func: Callable[[DemoContext], None]) -> Callable[[DemoContext], None]:
        existing = _STEPS.get(name)
        if existing and (existing.func.__module__, existing.func.__qualname__) != (func.__module__, func.__qualname__):
            raise ImproperlyConfigured(f"Two demo steps are named {name!r}")
        _STEPS[name] = Step(name=name, func=func, after=tuple(after))
        return func

    return register


def discover() -> None:
    """Import the ``demo`` module of every app of this project (not of third-party packages)."""
    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        if not Path(config.path).resolve().is_relative_to(base):
            continue
        if importlib.util.find_spec(f"{config.name}.demo") is not None:
            importlib.import_module(f"{config.name}.demo")


def ordered_steps() -> list[Step]:
    """Registered steps, each after the ones it names; otherwise in registration order."""
    ordered: list[Step] = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def place(step: Step) -> None:
        if step.name in placed:
            return
        if step.name in visiting:
            raise ImproperlyConfigured(f"Demo steps depend on each other in a circle at {step.name!r}")
        visiting.add(step.name)
        for dependency in step.after:
            if dependency not in _STEPS:
                raise ImproperlyConfigured(f"Demo step {step.name!r} runs after unknown step {dependency!r}")
            place(_STEPS[dependency])
        visiting.discard(step.name)
        placed.add(step.name)
        ordered.append(step)

    for step in list(_STEPS.values()):
        place(step)
    return ordered


def run_steps(ctx: DemoContext) -> DemoContext:
    for step in ordered_steps():
        if ctx.stdout is not None:
            ctx.stdout.write(f"· {step.name}\n")
        step.func(ctx)
    return ctx


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def login_table(logins: list[Login]) -> str:
    """The log-ins as a plain-text table that lines up in a terminal, Chinese text included."""
    rows = [("角色", "姓名", "手机号（登录名）", "密码")] + [(lg.role, lg.name, lg.phone, lg.password) for lg in logins]
    widths = [max(_display_width(row[i]) for row in rows) for i in range(4)]

    def line(row) -> str:
        return "  ".join(cell + " " * (widths[i] - _display_width(cell)) for i, cell in enumerate(row)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(rows[0]), rule, *(line(row) for row in rows[1:])])


# --- the platform's step: one log-in per role ------------------------------------------------


def resident_id_number(region: str, born: date, sequence: int) -> str:
    """A valid GB 11643 number; the sequence's parity carries the sex (odd: male)."""
    from portal.accounts.validators import resident_id_check_char

    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + resident_id_check_char(first17)


def credit_code(first17: str) -> str:
    """A valid GB 32100 unified social credit code from its first 17 characters."""
    from portal.accounts.validators import uscc_check_char

    return first17 + uscc_check_char(first17)


@dataclass(frozen=True)
class Person:
    key: str
    role: str
    name: str
    phone: str
    id_number: str = ""
    role_group: str = ""
    employee_number: str = ""
    organization: str = ""
    title: str = ""
    superuser: bool = False

    @property
    def staff(self) -> bool:
        return bool(self.employee_number)


XINING = "国网西宁供电公司"
PEOPLE: list[Person] = [
    Person("resident", "居民客户", "马晓燕", "18609710001", resident_id_number("630102", date(1988, 4, 16), 124)),
    Person("legal_rep", "企业法人代表", "赵建国", "18609710002", resident_id_number("630104", date(1972, 9, 3), 317)),
    Person("agent", "企业经办人", "李婷", "18609710003", resident_id_number("630103", date(1993, 12, 21), 206)),
    Person(
        "contractor",
        "承装（修、试）企业联系人",
        "杨志强",
        "18609710004",
        resident_id_number("630105", date(1980, 10, 10), 451),
    ),
    Person(
        "manager",
        "客户经理",
        "王海涛",
        "18609710011",
        resident_id_number("630105", date(1985, 6, 12), 133),
        role_group="客户经理",
        employee_number="QH100201",
        organization=f"{XINING}城东供电中心",
        title="客户经理",
    ),
    Person(
        "manager2",
        "客户经理",
        "陈丽娟",
        "18609710012",
        resident_id_number("630104", date(1990, 2, 27), 248),
        role_group="客户经理",
        employee_number="QH100202",
        organization=f"{XINING}城西供电中心",
        title="客户经理",
    ),
    Person(
        "inspector",
        "用电检查人员",
        "韩文博",
        "18609710013",
        resident_id_number("630102", date(1982, 11, 8), 355),
        role_group="用电检查人员",
        employee_number="QH100305",
        organization=f"{XINING}城东供电中心",
        title="用电检查员",
    ),
    Person(
        "supervisor",
        "营销主管",
        "刘振华",
        "18609710014",
        resident_id_number("630103", date(1976, 3, 30), 171),
        role_group="营销主管",
        employee_number="QH100101",
        organization=f"{XINING}营销服务中心",
        title="营销主管",
    ),
    Person(
        "licensing_reviewer",
        "许可审核人员",
        "周敏",
        "18609710015",
        resident_id_number("630104", date(1987, 7, 19), 262),
        role_group="许可审核人员",
        employee_number="XK200301",
        organization="电力业务资质许可审核组",
        title="审核员",
    ),
    Person(
        "review_admin",
        "好差评管理员",
        "孙佳琪",
        "18609710016",
        resident_id_number("630102", date(1991, 5, 5), 188),
        role_group="好差评管理员",
        employee_number="QH100410",
        organization="国网青海省电力公司客户服务中心",
        title="服务质量专责",
    ),
    Person(
        "admin",
        "系统管理员（超级用户）",
        "平台管理员",
        "18609710000",
        employee_number="QH000001",
        organization="国网青海省电力公司信息通信公司",
        title="系统管理员",
        superuser=True,
    ),
]

ENTERPRISE = {
    "name": "青海昆仑新材料有限公司",
    "credit_code": credit_code("91630100MA752QK8X"),
    "registered_address": "青海省西宁市城北区生物园区经二路 16 号",
}
CONTRACTOR_FIRM = "青海宏源电力安装工程有限公司"


def _seed_person(person: Person):
    from django.contrib.auth.models import Group

    from portal.accounts.models import IdType, StaffProfile, User

    user = User.objects.filter(phone=person.phone).first() or User(phone=person.phone)
    user.name = person.name
    user.is_staff = person.staff
    user.is_superuser = person.superuser
    user.is_active = True
    if person.id_number:
        user.id_type, user.id_number = IdType.RESIDENT_ID, person.id_number
        # Keep the first verification time: a second run must not change the data.
        user.real_name_verified_at = user.real_name_verified_at or timezone.now()
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
    user.save()
    if person.staff:
        StaffProfile.objects.update_or_create(
            user=user,
            defaults={
                "employee_number": person.employee_number,
                "organization": person.organization,
                "title": person.title,
            },
        )
    user.groups.set([Group.objects.get(name=person.role_group)] if person.role_group else [])
    return user


@demo_step("people")
def people(ctx: DemoContext) -> None:
    """A verified user for every customer role, staff with their role group and StaffProfile,
    an enterprise with its legal representative and agent, and a superuser."""
    from portal.accounts.models import Enterprise, EnterpriseMembership, EnterpriseRelation, EnterpriseType

    for person in PEOPLE:
        ctx.users[person.key] = _seed_person(person)
        ctx.add_login(role=person.role, user=ctx.users[person.key])

    legal_rep = ctx.users["legal_rep"]
    enterprise, _ = Enterprise.objects.update_or_create(
        credit_code=ENTERPRISE["credit_code"],
        defaults={
            "name": ENTERPRISE["name"],
            "credit_code_check_passed": True,
            "enterprise_type": EnterpriseType.LIMITED_LIABILITY,
            "legal_rep_name": legal_rep.name,
            "legal_rep_id_number": legal_rep.id_number,
            "registered_address": ENTERPRISE["registered_address"],
            "created_by": legal_rep,
        },
    )
    for key, relation in (("legal_rep", EnterpriseRelation.LEGAL_REPRESENTATIVE), ("agent", EnterpriseRelation.AGENT)):
        EnterpriseMembership.objects.update_or_create(
            user=ctx.users[key], enterprise=enterprise, defaults={"relation": relation}
        )
    ctx.objects["enterprise"] = enterprise
    # The licensing app registers the firm itself; its contact person is ctx.users["contractor"].
    ctx.objects["contractor_firm_name"] = CONTRACTOR_FIRM
    # Both are approved members: the agent's binding counts as reviewed (an agent who binds through
    # the portal waits for the legal representative, a member or staff to approve).
    ctx.notes.append(
        f"企业法人代表{legal_rep.name}和经办人{ctx.users['agent'].name}已绑定{enterprise.name}（经办人已获批准）。"
    )
    ctx.notes.append(f"承装（修、试）企业联系人{ctx.users['contractor'].name}代表{CONTRACTOR_FIRM}。")
