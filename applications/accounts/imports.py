"""Import of service accounts from the marketing system's CSV export (admin → 用电户号 → 从CSV导入,
or ``manage.py import_service_accounts``).

The file is UTF-8 (with or without BOM) with a header row; columns may be named by the key or
the Chinese title below, in any order. Each row creates the account with that number or updates
it. Every row is checked first; if any is bad, nothing is imported and every bad row is reported
with its line number (the header is line 1).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from applications.accounts.services import ACCOUNT_NUMBER
from applications.models import (
    AccountChange,
    AccountStatus,
    BasicCharge,
    CustomerKind,
    Region,
    ServiceAccount,
    UsageNature,
    Voltage,
)
from portal.accounts.models import Enterprise, IdType
from portal.accounts.validators import MAINLAND_MOBILE, resident_id_problem, uscc_check_passes, validate_uscc_shape
from portal.audit.services import record

CREDIT_CODE = "credit_code"  # holder_id_type of an organisation: a unified social credit code
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000


@dataclass(frozen=True)
class Column:
    key: str
    title: Any
    required: bool
    help: Any


COLUMNS = [
    Column("number", gettext_lazy("户号"), True, gettext_lazy("10位数字；已有的户号按本行更新")),
    Column("customer_kind", gettext_lazy("客户类别"), True, gettext_lazy("居民 / 个体工商户 / 企业")),
    Column("holder_name", gettext_lazy("户名"), True, ""),
    Column(
        "holder_id_type",
        gettext_lazy("证件类型"),
        False,
        gettext_lazy(
            "居民身份证、护照等，或“统一社会信用代码”；空白时居民为居民身份证，个体工商户和企业为统一社会信用代码"
        ),
    ),
    Column(
        "holder_id_number",
        gettext_lazy("证件号码"),
        True,
        gettext_lazy("居民身份证按 GB 11643 校验；统一社会信用代码按 GB 32100 检查格式"),
    ),
    Column(
        "region_code",
        gettext_lazy("街道代码"),
        True,
        gettext_lazy("街道/乡镇的行政区划代码，如 630102006（城东区八一路街道）"),
    ),
    Column("address", gettext_lazy("用电地址"), True, ""),
    Column("voltage", gettext_lazy("供电电压"), True, "220V / 380V / 10kV / 35kV / 110kV"),
    Column("capacity", gettext_lazy("合同容量"), True, gettext_lazy("大于0的数字；低压单位 kW，高压 kVA")),
    Column(
        "usage_nature",
        gettext_lazy("用电性质"),
        True,
        gettext_lazy("居民生活用电 / 一般工商业用电 / 大工业用电 / 农业生产用电 / 电动汽车充换电"),
    ),
    Column("tariff_category", gettext_lazy("电价类别"), True, ""),
    Column("peak_valley", gettext_lazy("峰谷电价"), False, gettext_lazy("是 / 否，空白为否")),
    Column(
        "basic_charge",
        gettext_lazy("基本电费"),
        False,
        gettext_lazy("不执行基本电价 / 按容量计费 / 按需量计费，空白为不执行"),
    ),
    Column("contracted_demand", gettext_lazy("合同需量"), False, gettext_lazy("按需量计费时必填，单位 kW")),
    Column("status", gettext_lazy("状态"), False, gettext_lazy("正常 / 暂停 / 减容 / 已销户，空白为正常")),
    Column("paused_capacity", gettext_lazy("暂停减容容量"), False, gettext_lazy("暂停或减容的容量，空白为0")),
    Column("smart_payment", gettext_lazy("智能交费"), False, gettext_lazy("是 / 否，空白为否")),
    Column("registered_phone", gettext_lazy("预留手机"), True, gettext_lazy("11位手机号码，绑定验证码发往此号码")),
    Column("opened_on", gettext_lazy("立户日期"), False, gettext_lazy("YYYY-MM-DD，空白为今天")),
]

# What an import may set on an account: the columns, resolved to model fields.
_ACCOUNT_FIELDS = [
    "customer_kind",
    "holder_name",
    "holder_id_type",
    "holder_id_number",
    "holder_enterprise",
    "region",
    "address",
    "voltage",
    "capacity",
    "usage_nature",
    "tariff_category",
    "peak_valley",
    "basic_charge",
    "contracted_demand",
    "status",
    "paused_capacity",
    "smart_payment",
    "registered_phone",
    "opened_on",
]
_TRUE, _FALSE = {"是", "1", "true", "yes", "y"}, {"否", "0", "false", "no", "n", ""}


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = _("第%(line)s行") % {"line": self.line}
        return f"{where}：{self.column + ' ' if self.column else ''}{self.message}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _choice(value: str, choices) -> str | None:
    """A choice by its value or its label, ignoring case and spaces ("10 kV", "居民")."""
    wanted = re.sub(r"\s", "", value).lower()
    for key, label in choices:
        if wanted in (re.sub(r"\s", "", str(key)).lower(), re.sub(r"\s", "", str(label)).lower()):
            return key
    return None


def _id_type(value: str) -> str | None:
    if re.sub(r"\s", "", value) in ("统一社会信用代码", CREDIT_CODE):
        return CREDIT_CODE
    return _choice(value, IdType.choices)


def _decimal(value: str) -> Decimal | None:
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _bool(value: str) -> bool | None:
    value = value.strip().lower()
    return True if value in _TRUE else False if value in _FALSE else None


class _Row:
    """One data row being checked: collects its errors and the cleaned values."""

    def __init__(self, line: int, raw: dict[str, str], result: ImportResult):
        self.line, self.raw, self.result = line, raw, result
        self.values: dict[str, Any] = {}
        self.failed = False

    def get(self, key: str) -> str:
        return (self.raw.get(key) or "").strip()

    def error(self, key: str, message: str) -> None:
        self.failed = True
        self.result.errors.append(RowError(self.line, str(_title(key)), message))

    def warn(self, key: str, message: str) -> None:
        self.result.warnings.append(RowError(self.line, str(_title(key)), message))


def _title(key: str) -> Any:
    return next(c.title for c in COLUMNS if c.key == key)


def _check_row(row: _Row, regions: dict[str, Region], enterprises: dict[str, Enterprise]) -> None:
    v = row.values
    for column in COLUMNS:
        if column.required and not row.get(column.key):
            row.error(column.key, _("必填"))
    number = row.get("number")
    if number and not ACCOUNT_NUMBER.match(number):
        row.error("number", _("户号应为10位数字"))
    v["number"] = number

    kind = _choice(row.get("customer_kind"), CustomerKind.choices) if row.get("customer_kind") else None
    if row.get("customer_kind") and kind is None:
        row.error("customer_kind", _("“%(value)s”不是有效的客户类别") % {"value": row.get("customer_kind")})
    v["customer_kind"] = kind
    v["holder_name"] = row.get("holder_name")

    id_type = row.get("holder_id_type")
    if id_type:
        v["holder_id_type"] = _id_type(id_type)
        if v["holder_id_type"] is None:
            row.error("holder_id_type", _("“%(value)s”不是有效的证件类型") % {"value": id_type})
    else:
        v["holder_id_type"] = IdType.RESIDENT_ID if kind == CustomerKind.RESIDENT else CREDIT_CODE
    id_number = row.get("holder_id_number").upper()
    v["holder_id_number"] = id_number
    v["holder_enterprise"] = None
    if id_number and v["holder_id_type"] == IdType.RESIDENT_ID:
        problem = resident_id_problem(id_number)
        if problem:
            row.error("holder_id_number", problem)
    elif id_number and v["holder_id_type"] == CREDIT_CODE:
        try:
            validate_uscc_shape(id_number)
        except ValidationError as exc:
            row.error("holder_id_number", str(exc.messages[0]))
        else:
            if not uscc_check_passes(id_number):
                # SPEC 2: some early codes fail the check character; warn, do not refuse.
                row.warn("holder_id_number", _("统一社会信用代码校验位不符，请人工核对"))
            v["holder_enterprise"] = enterprises.get(id_number)
        if kind == CustomerKind.RESIDENT:
            row.error("holder_id_type", _("居民客户的证件不能是统一社会信用代码"))

    code = row.get("region_code")
    region = regions.get(code)
    if code and region is None:
        row.error("region_code", _("“%(value)s”不是已知的街道/乡镇代码") % {"value": code})
    v["region"] = region
    v["address"] = row.get("address")

    voltage = _choice(row.get("voltage"), Voltage.choices) if row.get("voltage") else None
    if row.get("voltage") and voltage is None:
        row.error("voltage", _("“%(value)s”不是有效的供电电压") % {"value": row.get("voltage")})
    v["voltage"] = voltage
    for key in ("capacity", "contracted_demand", "paused_capacity"):
        text = row.get(key)
        v[key] = None
        if text:
            number = _decimal(text)
            if number is None or number < 0 or (key == "capacity" and number == 0):
                row.error(key, _("应为大于0的数字") if key == "capacity" else _("应为不小于0的数字"))
            elif abs(number.as_tuple().exponent) > 1 or number >= Decimal("1e9"):
                row.error(key, _("最多保留1位小数"))
            else:
                v[key] = number
    if v["paused_capacity"] is None:
        v["paused_capacity"] = Decimal("0")

    usage = _choice(row.get("usage_nature"), UsageNature.choices) if row.get("usage_nature") else None
    if row.get("usage_nature") and usage is None:
        row.error("usage_nature", _("“%(value)s”不是有效的用电性质") % {"value": row.get("usage_nature")})
    v["usage_nature"] = usage
    v["tariff_category"] = row.get("tariff_category")

    basic = _choice(row.get("basic_charge"), BasicCharge.choices) if row.get("basic_charge") else BasicCharge.NONE
    if basic is None:
        row.error("basic_charge", _("“%(value)s”不是有效的基本电费计费方式") % {"value": row.get("basic_charge")})
    v["basic_charge"] = basic
    if basic == BasicCharge.DEMAND and not v["contracted_demand"]:
        row.error("contracted_demand", _("按需量计费时必须填写合同需量"))

    status = _choice(row.get("status"), AccountStatus.choices) if row.get("status") else AccountStatus.NORMAL
    if status is None:
        row.error("status", _("“%(value)s”不是有效的状态") % {"value": row.get("status")})
    v["status"] = status

    for key in ("peak_valley", "smart_payment"):
        flag = _bool(row.get(key))
        if flag is None:
            row.error(key, _("请填写“是”或“否”"))
        v[key] = bool(flag)

    phone = row.get("registered_phone")
    if phone and not MAINLAND_MOBILE.match(phone):
        row.error("registered_phone", _("“%(value)s”不是有效的11位手机号码") % {"value": phone})
    v["registered_phone"] = phone

    opened = row.get("opened_on")
    v["opened_on"] = timezone.localdate()
    if opened:
        try:
            v["opened_on"] = date.fromisoformat(opened.replace("/", "-"))
        except ValueError:
            row.error("opened_on", _("日期格式应为 YYYY-MM-DD"))


def _header_keys(header: list[str]) -> tuple[list[str | None], list[str]]:
    """Map each header cell to a column key; returns the keys and the problems found."""
    by_name: dict[str, str] = {}
    for column in COLUMNS:
        by_name[column.key.lower()] = column.key
        by_name[re.sub(r"\s", "", str(column.title))] = column.key
    keys = [by_name.get(re.sub(r"\s", "", cell).lower()) or by_name.get(re.sub(r"\s", "", cell)) for cell in header]
    problems = []
    unknown = [cell for cell, key in zip(header, keys, strict=True) if key is None and cell.strip()]
    if unknown:
        problems.append(_("不认识的列：%(names)s") % {"names": "、".join(unknown)})
    missing = [str(c.title) for c in COLUMNS if c.required and c.key not in keys]
    if missing:
        problems.append(_("缺少必需的列：%(names)s") % {"names": "、".join(missing)})
    return keys, problems


def check_file(data: bytes) -> tuple[list[_Row], ImportResult]:
    """Parse and check every row; nothing is written."""
    result = ImportResult()
    if len(data) > MAX_BYTES:
        result.errors.append(RowError(0, "", _("文件超过 %(mb)s MB，请分批导入") % {"mb": MAX_BYTES // 1024 // 1024}))
        return [], result
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append(RowError(0, "", _("文件不是 UTF-8 编码，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”")))
        return [], result
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        header = []
    if not any(cell.strip() for cell in header):
        result.errors.append(RowError(1, "", _("文件为空，第一行应为列名")))
        return [], result
    keys, problems = _header_keys(header)
    for problem in problems:
        result.errors.append(RowError(1, "", problem))
    if problems:
        return [], result

    regions = {r.code: r for r in Region.objects.filter(kind=Region.Kind.STREET)}
    parsed: list[tuple[int, dict[str, str]]] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(parsed) >= MAX_ROWS:
                result.errors.append(RowError(reader.line_num, "", _("一次最多导入 %(n)s 行") % {"n": MAX_ROWS}))
                return [], result
            line = reader.line_num
            if len(cells) != len(keys):
                result.errors.append(
                    RowError(line, "", _("应有 %(want)s 列，实际 %(got)s 列") % {"want": len(keys), "got": len(cells)})
                )
                continue
            parsed.append((line, {k: c for k, c in zip(keys, cells, strict=True) if k}))
    except csv.Error as exc:
        result.errors.append(RowError(reader.line_num, "", _("CSV 格式错误：%(error)s") % {"error": exc}))
        return [], result
    credit_codes = {raw.get("holder_id_number", "").strip().upper() for _line, raw in parsed}
    enterprises = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=credit_codes)}
    rows, first_line_of = [], {}
    for line, raw in parsed:
        row = _Row(line, raw, result)
        _check_row(row, regions, enterprises)
        number = row.values.get("number")
        if number and number in first_line_of:
            row.error("number", _("与第%(line)s行的户号重复") % {"line": first_line_of[number]})
        elif number:
            first_line_of[number] = line
        rows.append(row)
    if not rows and not result.errors:
        result.errors.append(RowError(2, "", _("文件中没有数据行")))
    result.errors.sort(key=lambda e: e.line)
    return rows, result


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if hasattr(value, "pk"):
        return str(value.pk)
    return str(value)


def import_accounts(*, data: bytes, by, filename: str = "") -> ImportResult:
    """Create or update accounts from a CSV file, all or nothing. Updates are written to each
    account's history (AccountChange); the import itself goes to the audit trail."""
    rows, result = check_file(data)
    if result.errors:
        return result
    now = timezone.now()
    with transaction.atomic():
        existing = {
            a.number: a
            for a in ServiceAccount.objects.select_for_update().filter(number__in=[r.values["number"] for r in rows])
        }
        changes: list[AccountChange] = []
        for row in rows:
            values = {k: row.values[k] for k in _ACCOUNT_FIELDS}
            account = existing.get(row.values["number"])
            if account is None:
                ServiceAccount.objects.create(number=row.values["number"], **values)
                result.created += 1
                continue
            changed = {}
            for key, value in values.items():
                current = getattr(account, f"{key}_id" if key in ("region", "holder_enterprise") else key)
                new = value.pk if key in ("region", "holder_enterprise") and value is not None else value
                if current != new:
                    changed[key] = (_text(current), _text(new))
                    setattr(account, key, value)
            if not changed:
                result.unchanged += 1
                continue
            account.save()
            result.updated += 1
            changes.extend(
                AccountChange(
                    account=account,
                    field=key,
                    old_value=old[:200],
                    new_value=new[:200],
                    effective_on=now.date(),
                    applied_at=now,
                    changed_by=by,
                    reason=_("批量导入"),
                )
                for key, (old, new) in changed.items()
            )
        AccountChange.objects.bulk_create(changes)
        record(
            actor=by,
            action=gettext_noop("导入用电户号"),
            changes={
                "file": ["", filename],
                "created": [0, result.created],
                "updated": [0, result.updated],
            },
        )
    return result


def template_csv() -> str:
    """A header row and one example row, offered for download on the import page."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(c.title) for c in COLUMNS])
    writer.writerow(
        [
            "6301009999",
            "居民",
            "张三",
            "居民身份证",
            "63010219900307001X",
            "630102006",
            "八一中路 8 号 3 单元 502 室",
            "220V",
            "8",
            "居民生活用电",
            "居民生活用电（一户一表）",
            "否",
            "",
            "",
            "正常",
            "",
            "否",
            "13800001234",
            "2015-06-01",
        ]
    )
    return out.getvalue()
