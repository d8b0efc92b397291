"""CSV import of service accounts: all rows or none, every bad row reported with its line."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from applications.accounts.imports import import_accounts
from applications.models import AccountChange, ServiceAccount
from portal.accounts.roles import Role
from portal.audit.models import AuditEvent
from tests.factories import EnterpriseFactory, ServiceAccountFactory, StaffFactory, credit_code, resident_id

pytestmark = pytest.mark.django_db

HEADER = "户号,客户类别,户名,证件类型,证件号码,街道代码,用电地址,供电电压,合同容量,用电性质,电价类别,峰谷电价,基本电费,合同需量,状态,智能交费,预留手机,立户日期"


def row(
    number,
    *,
    kind="居民",
    name="张三",
    id_type="",
    id_number=None,
    region="630102006",
    voltage="220V",
    capacity="8",
    usage="居民生活用电",
    tariff="居民生活用电（一户一表）",
    peak="否",
    basic="",
    demand="",
    status="",
    smart="否",
    phone="13800001234",
    opened="2015-06-01",
) -> str:
    id_number = id_number if id_number is not None else resident_id(int(number[-3:]), birth="19700101")
    return ",".join(
        [
            number,
            kind,
            name,
            id_type,
            id_number,
            region,
            f"八一中路 {number[-2:]} 号",
            voltage,
            capacity,
            usage,
            tariff,
            peak,
            basic,
            demand,
            status,
            smart,
            phone,
            opened,
        ]
    )


def csv_file(*rows: str, bom: bool = False) -> bytes:
    text = "\n".join([HEADER, *rows]) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


@pytest.fixture
def supervisor(db):
    return StaffFactory(roles=[Role.SUPERVISOR])


def test_a_good_file_creates_accounts_of_every_kind(supervisor):
    enterprise = EnterpriseFactory()
    data = csv_file(
        row("6302000001", peak="是"),
        row(
            "6302000002",
            kind="个体工商户",
            name="城东便民超市",
            id_type="居民身份证",
            voltage="380V",
            capacity="20",
            usage="一般工商业用电",
            tariff="一般工商业（不满1千伏）",
        ),
        row(
            "6302000003",
            kind="企业",
            name=enterprise.name,
            id_number=enterprise.credit_code,
            voltage="10 kV",
            capacity="800",
            usage="大工业用电",
            tariff="大工业用电（1-10千伏）",
            basic="按需量计费",
            demand="500",
            status="暂停",
            smart="是",
        ),
        bom=True,
    )

    result = import_accounts(data=data, by=supervisor, filename="export.csv")

    assert result.ok and (result.created, result.updated) == (3, 0)
    home, shop, factory = ServiceAccount.objects.order_by("number")
    assert home.peak_valley and home.holder_id_type == "resident_id" and home.region.name == "八一路街道"
    assert shop.customer_kind == "individual_business" and shop.voltage == "380V"
    assert factory.holder_enterprise == enterprise and factory.holder_id_type == "credit_code"
    assert (
        factory.voltage,
        factory.basic_charge,
        factory.contracted_demand,
        factory.status,
        factory.smart_payment,
    ) == ("10kV", "demand", 500, "paused", True)
    event = AuditEvent.objects.get(action="导入用电户号")
    assert event.actor == supervisor and event.changes["created"] == [0, 3]


def test_an_existing_number_is_updated_and_its_history_written(supervisor, street):
    account = ServiceAccountFactory(
        number="6302000001",
        capacity=8,
        peak_valley=False,
        registered_phone="13800001234",
        holder_id_number=resident_id(1, birth="19700101"),
        holder_name="张三",
        address="八一中路 01 号",
        region=street,
        opened_on="2015-06-01",
        tariff_category="居民生活用电（一户一表）",
    )

    result = import_accounts(data=csv_file(row("6302000001", capacity="12", peak="是")), by=supervisor)

    assert (result.created, result.updated) == (0, 1)
    account.refresh_from_db()
    assert account.capacity == 12 and account.peak_valley
    changes = {c.field: (c.old_value, c.new_value) for c in AccountChange.objects.filter(account=account)}
    assert changes == {"capacity": ("8.0", "12"), "peak_valley": ("0", "1")}
    assert all(c.applied_at and c.changed_by == supervisor for c in AccountChange.objects.all())

    again = import_accounts(data=csv_file(row("6302000001", capacity="12", peak="是")), by=supervisor)
    assert (again.updated, again.unchanged) == (0, 1)


def test_a_bad_id_number_on_line_3_imports_nothing_and_reports_line_3(supervisor):
    bad_id = resident_id(2, birth="19700101")[:-1] + ("0" if resident_id(2, birth="19700101")[-1] != "0" else "1")
    data = csv_file(row("6302000001"), row("6302000002", id_number=bad_id), row("6302000003"))

    result = import_accounts(data=data, by=supervisor)

    assert not result.ok
    assert [str(e) for e in result.errors] == ["第3行：证件号码 身份证号码校验位不正确，请核对后重新输入"]
    assert not ServiceAccount.objects.exists()
    assert not AuditEvent.objects.filter(action="导入用电户号").exists()


def test_every_bad_row_is_reported_with_its_line(supervisor):
    data = csv_file(
        row("6302000001", phone="1380000123"),
        row("6302000002", region="999999999"),
        row("6302000003", kind="企业", id_number="NOTACODE", usage="居民生活用电"),
        row("6302000004", voltage="500V", capacity="-1"),
        row("6302000005", basic="按需量计费"),
        row("6302000001"),
        row("63020", status="冻结"),
    )

    result = import_accounts(data=data, by=supervisor)

    messages = [str(e) for e in result.errors]
    assert "第2行：预留手机 “1380000123”不是有效的11位手机号码" in messages
    assert "第3行：街道代码 “999999999”不是已知的街道/乡镇代码" in messages
    assert any(m.startswith("第4行：证件号码 统一社会信用代码应为18位") for m in messages)
    assert "第5行：供电电压 “500V”不是有效的供电电压" in messages
    assert "第5行：合同容量 应为大于0的数字" in messages
    assert "第6行：合同需量 按需量计费时必须填写合同需量" in messages
    assert "第7行：户号 与第2行的户号重复" in messages
    assert "第8行：户号 户号应为10位数字" in messages and "第8行：状态 “冻结”不是有效的状态" in messages
    assert not ServiceAccount.objects.exists()


def test_a_credit_code_failing_its_check_character_is_a_warning_not_an_error(supervisor):
    good = credit_code(7)
    wrong_check = good[:-1] + ("1" if good[-1] != "1" else "2")
    result = import_accounts(
        data=csv_file(row("6302000001", kind="企业", id_number=wrong_check, voltage="380V", usage="一般工商业用电")),
        by=supervisor,
    )
    assert result.ok and result.created == 1
    assert [str(w) for w in result.warnings] == ["第2行：证件号码 统一社会信用代码校验位不符，请人工核对"]


def test_a_file_that_is_not_utf8_or_lacks_columns_is_refused_whole(supervisor):
    gbk = (HEADER + "\n" + row("6302000001")).encode("gbk")
    assert "不是 UTF-8 编码" in str(import_accounts(data=gbk, by=supervisor).errors[0])

    missing = "户号,户名\n6302000001,张三\n".encode()
    assert "缺少必需的列" in str(import_accounts(data=missing, by=supervisor).errors[0])
    assert not ServiceAccount.objects.exists()


def test_english_column_keys_are_accepted(supervisor):
    from applications.accounts.imports import COLUMNS

    header = ",".join(c.key for c in COLUMNS if c.key != "paused_capacity")
    data = (header + "\n" + row("6302000001") + "\n").encode()
    assert import_accounts(data=data, by=supervisor).created == 1


# --- through the admin and the command ------------------------------------------------------------


def test_the_admin_import_page_imports_and_returns_to_the_list(client, supervisor):
    client.force_login(supervisor)
    url = reverse("admin:applications_serviceaccount_import")

    response = client.post(url, {"file": SimpleUploadedFile("a.csv", csv_file(row("6302000001")), "text/csv")})

    assert response.status_code == 302
    assert ServiceAccount.objects.filter(number="6302000001").exists()
    listing = client.get(response.url).content.decode()
    assert "导入完成：新增 1 个户号" in listing and "从CSV导入" in listing


def test_the_admin_import_page_lists_the_bad_lines_and_imports_nothing(client, supervisor):
    client.force_login(supervisor)
    bad = csv_file(row("6302000001"), row("6302000002", id_number="123"))

    html = client.post(
        reverse("admin:applications_serviceaccount_import"), {"file": SimpleUploadedFile("a.csv", bad, "text/csv")}
    ).content.decode()

    assert "未导入任何户号" in html and "第3行：证件号码 身份证号码应为18位" in html
    assert not ServiceAccount.objects.exists()


def test_the_template_downloads_and_imports_as_is(client, supervisor):
    client.force_login(supervisor)
    template = client.get(reverse("admin:applications_serviceaccount_import_template"))
    assert template["Content-Type"].startswith("text/csv")
    assert import_accounts(data=template.content, by=supervisor).created == 1


def test_an_account_manager_may_read_accounts_but_not_import(client):
    manager = StaffFactory(roles=[Role.ACCOUNT_MANAGER])
    client.force_login(manager)
    assert client.get(reverse("admin:applications_serviceaccount_changelist")).status_code == 200
    assert "从CSV导入" not in client.get(reverse("admin:applications_serviceaccount_changelist")).content.decode()
    assert client.get(reverse("admin:applications_serviceaccount_import")).status_code == 403
    assert (
        client.post(
            reverse("admin:applications_serviceaccount_import"),
            {"file": SimpleUploadedFile("a.csv", csv_file(row("6302000001")), "text/csv")},
        ).status_code
        == 403
    )
    assert not ServiceAccount.objects.exists()


def test_the_command_imports_or_fails_with_the_lines(tmp_path, supervisor):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_file(row("6302000001")))
    call_command("import_service_accounts", str(good), "--by", supervisor.phone)
    assert ServiceAccount.objects.count() == 1

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file(row("6302000002"), row("6302000003", phone="x")))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_service_accounts", str(bad))
    assert ServiceAccount.objects.count() == 1
