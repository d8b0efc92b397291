"""Contractor licensing in a real Chromium: a firm registers and files a new 承装五级 application
through every tab, the material check stops it until complete, a reviewer approves in the admin,
the firm downloads the electronic licence and the QR code's page says it is valid. Also a
renewal with downgrade and a personnel offboarding."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from licensing import services
from licensing.models import Licence, LicenceApplication, LicenceLevel, StaffMember
from licensing.pdf import qr_png
from portal.accounts.roles import Role
from tests.conftest import latest_sms_code
from tests.factories import (
    DEFAULT_PASSWORD,
    SMALL_PNG,
    StaffFactory,
    credit_code,
    resident_id,
)
from tests.licensing.helpers import (
    activate,
    fill_everything_but_staff,
    fill_staff_for,
    make_firm,
    start_new,
)

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "13897105555"
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}


@pytest.fixture(autouse=True)
def _settings(settings, live_server):
    settings.DEBUG = True
    settings.PORTAL_BASE_URL = live_server.url
    activate("2020")  # the journeys pick 2020 levels, whatever another test left active


def _shot(page, tmp_path, name):
    page.screenshot(path=str(tmp_path / f"licensing-{name}.png"), full_page=True)


def _exactly(label: str) -> re.Pattern:
    """A field's label, with or without the required mark (*) after it."""
    return re.compile(rf"^{re.escape(label)}\*?$")


def _add_row(page: Page, summary: str, fields: dict, checks=()):
    page.locator("summary", has_text=summary).first.click()
    form = page.locator("details[open] form").first
    for label, value in fields.items():
        control = form.get_by_label(_exactly(label))
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)
    for label in checks:
        form.get_by_label(_exactly(label)).check()
    _submit(page, form.get_by_role("button", name="确定"))
    expect(page.get_by_text("已保存").first).to_be_visible()


def _submit(page: Page, locator):
    with page.expect_navigation():
        locator.click()


def _log_in(page: Page, base: str, phone: str, password: str = DEFAULT_PASSWORD, admin=False):
    page.goto(f"{base}/admin/login/" if admin else f"{base}/accounts/login/")
    if admin:
        page.get_by_label("手机号").fill(phone)
        page.get_by_label("密码").fill(password)
    else:
        page.get_by_label("手机号码").fill(phone)
        page.locator("#id_password").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state()


def test_a_firm_registers_applies_is_approved_and_its_licence_verifies(page: Page, browser, live_server, tmp_path):
    base = live_server.url
    reviewer = StaffFactory(name="周敏", roles=[Role.LICENSING_REVIEWER])

    # An account, then the firm (企业注册).
    page.goto(f"{base}/accounts/register/?next=/licensing/register/")
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_role("status")).to_contain_text("验证码已发送")
    page.get_by_label("短信验证码").fill(latest_sms_code(PHONE))
    page.locator("#id_password").fill("Gongdian@2027")
    page.get_by_label("确认密码").fill("Gongdian@2027")
    _submit(page, page.get_by_role("button", name="注册", exact=True))
    # The firm is registered by its legal representative, recognised by their real name.
    expect(page).to_have_url(re.compile(r"/accounts/real-name/"))
    page.get_by_label("姓名").fill("马恒通")
    page.get_by_label("证件号码").fill(resident_id(777, birth="19700101"))
    _submit(page, page.get_by_role("button", name="提交认证"))
    expect(page).to_have_url(f"{base}/licensing/register/")
    page.get_by_label("企业名称").fill("青海恒通电力工程有限公司")
    page.get_by_label("统一社会信用代码").fill(credit_code(90210))
    page.get_by_label("企业类型").select_option(label="有限责任公司")
    page.get_by_label(_exactly("法定代表人")).fill("马恒通")
    page.get_by_label("法定代表人身份证号码").fill(resident_id(777, birth="19700101"))
    page.get_by_label("营业执照地址（营业场所）").fill("青海省西宁市城西区五四大街 1 号")
    page.get_by_label(_exactly("联系人")).fill("马恒通")
    page.get_by_label("联系人手机").fill(PHONE)
    _shot(page, tmp_path, "register")
    _submit(page, page.get_by_role("button", name="注册", exact=True))
    expect(page).to_have_url(f"{base}/licensing/")
    expect(page.get_by_text("企业注册成功")).to_be_visible()

    # 许可证新申请: category and level, submitter.
    page.get_by_role("link", name="许可证新申请").click()
    page.get_by_label("承装等级").select_option(label="五级（10千伏及以下）")
    page.get_by_label("提交人姓名").fill("马恒通")
    page.get_by_label("提交人身份证号").fill(resident_id(777, birth="19700101"))
    _submit(page, page.get_by_role("button", name="下一步"))
    expect(page.get_by_role("heading", name="许可证新申请")).to_be_visible()
    application = LicenceApplication.objects.get(firm__enterprise__name="青海恒通电力工程有限公司")
    tab = f"{base}/licensing/applications/{application.pk}/tab"

    # 基本情况: read-only registration, equity rows, attachments (with templates).
    expect(page.get_by_test_id("firm-readonly")).to_contain_text("马恒通")
    page.get_by_label("注册资本（万元）").fill("1000")
    _submit(page, page.get_by_role("button", name="保存"))
    _add_row(page, "添加股东", {"出资人": "马恒通", "出资额（万元）": "1000", "出资比例（%）": "100"})
    expect(page.get_by_role("link", name="下载模板").first).to_be_visible()
    for code in ("legal_statement", "business_licence", "safety_system", "equipment_list"):
        item = page.get_by_test_id(f"req-{code}")
        item.locator("input[type=file]").set_input_files(
            files=[{"name": f"{code}.png", "mimeType": "image/png", "buffer": SMALL_PNG}]
        )
        _submit(page, item.get_by_role("button", name="上传"))
        expect(page.get_by_test_id(f"req-{code}")).to_contain_text("已上传")
    _shot(page, tmp_path, "basic")

    # 技术负责人 with work history; the referee's phone must be a mobile.
    page.goto(f"{tab}/technical/")
    page.get_by_label("姓名").fill("李建国")
    page.get_by_label("身份证号码").fill(resident_id(778))
    page.get_by_label("手机号码").fill("13897100011")
    page.get_by_label("职称等级").select_option(label="高级")
    _submit(page, page.get_by_role("button", name="保存"))
    expect(page.get_by_text("已保存").first).to_be_visible()
    page.locator("summary", has_text="工作经历").click()
    form = page.locator("details[open] form")
    form.get_by_label("开始时间").fill("2008-07-01")
    form.get_by_label("工作单位").fill("青海送变电工程公司")
    form.get_by_label("职务").fill("项目总工")
    form.get_by_label(_exactly("证明人")).fill("王五")
    form.get_by_label("证明人电话").fill("0971-8888888")
    _submit(page, form.get_by_role("button", name="确定"))
    expect(page.get_by_text("证明人电话必须是正确的手机号码")).to_be_visible()
    expect(page.get_by_label("工作单位")).to_have_value("青海送变电工程公司")
    page.get_by_label("证明人电话").fill("13897100012")
    _submit(page, page.get_by_role("button", name="确定"))
    expect(page.get_by_test_id("rows-tech_work")).to_contain_text("青海送变电工程公司")

    # 安全负责人 with photo, work and training history.
    page.goto(f"{tab}/safety/")
    page.get_by_label("姓名").fill("周安全")
    page.get_by_label("身份证号码").fill(resident_id(779))
    page.get_by_label("手机号码").fill("13897100013")
    page.get_by_label("个人登记照").set_input_files(
        files=[{"name": "photo.png", "mimeType": "image/png", "buffer": SMALL_PNG}]
    )
    _submit(page, page.get_by_role("button", name="保存"))
    expect(page.get_by_role("img", name="个人登记照")).to_be_visible()
    _add_row(
        page,
        "工作经历",
        {
            "开始时间": "2012-03-01",
            "工作单位": "西宁电力安装公司",
            "职务": "安全员",
            "证明人": "赵六",
            "证明人电话": "13897100014",
        },
    )
    _add_row(page, "培训经历", {"开始时间": "2020-05-01", "培训机构": "青海电力培训中心", "培训内容": "安全生产管理"})

    # Staff: four technical staff (one short of 五级), five skilled of whom three HV electricians.
    page.goto(f"{tab}/tech_staff/")
    for i in range(4):
        _add_row(page, "添加人员", {"姓名": f"技术员{i}", "身份证号码": resident_id(800 + i), "职称等级": "初级"})
    expect(page.get_by_test_id("staff-totals")).to_contain_text("共 4 人")
    page.goto(f"{tab}/skilled_staff/")
    for i in range(5):
        _add_row(
            page,
            "添加人员",
            {"姓名": f"电工{i}", "身份证号码": resident_id(820 + i), "专业/工种": "电工"},
            checks=["高压电工"] if i < 3 else [],
        )
    expect(page.get_by_test_id("staff-totals")).to_contain_text("共 5 人，其中高压电工 3 人")

    # 规定年限内主要业绩 (not required at 五级, filled anyway).
    page.goto(f"{tab}/achievements/")
    _add_row(
        page,
        "添加工程业绩",
        {
            "类别": "承装",
            "工程名称": "城西 10kV 配网改造",
            "电压等级": "10kV",
            "建设单位": "国网西宁供电公司",
            "竣工日期": "2024-09-30",
            "合同金额（万元）": "320",
        },
    )
    expect(page.get_by_test_id("achievement-totals")).to_contain_text("承装：10kV 1 项")

    # 资料提交: the check fails and names the shortfall; submitting is refused.
    page.goto(f"{tab}/check/")
    expect(page.get_by_test_id("problems")).to_contain_text("电力相关技术人员 4 人，五级要求至少 5 人，还差 1 人")
    _shot(page, tmp_path, "check-fails")
    _submit(page, page.get_by_role("button", name="资料提交"))
    expect(page.locator(".messages, [role=alert]").first).to_contain_text("资料不符合申请要求")
    page.goto(f"{tab}/tech_staff/")
    _add_row(page, "添加人员", {"姓名": "技术员4", "身份证号码": resident_id(804), "职称等级": "中级"})
    page.goto(f"{tab}/check/")
    expect(page.get_by_test_id("check-ok")).to_be_visible()
    _submit(page, page.get_by_role("button", name="资料提交"))
    expect(page.get_by_test_id("state")).to_have_text("待形式审查")
    application.refresh_from_db()

    # The reviewer approves in the admin.
    admin = browser.new_context(**DESKTOP).new_page()
    _log_in(admin, base, reviewer.phone, admin=True)
    admin.goto(f"{base}/admin/licensing/licenceapplication/")
    admin.get_by_role("link", name=application.number).click()
    _submit(admin, admin.get_by_role("button", name="形式审查通过"))
    expect(admin.get_by_test_id("application-state")).to_have_text("审查中")
    _submit(admin, admin.get_by_role("button", name="准予许可"))
    expect(admin.get_by_test_id("application-state")).to_have_text("准予许可")
    _shot(admin, tmp_path, "admin-approved")
    admin.context.close()

    # The firm downloads its licence: Chinese text, and a QR code of the verification page.
    licence = Licence.objects.get(firm__enterprise__name="青海恒通电力工程有限公司")
    page.goto(f"{base}/licensing/")
    expect(page.get_by_test_id("licence")).to_contain_text(licence.number)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载电子许可证").click()
    reader = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = reader.pages[0].extract_text()
    assert "承装（修、试）电力设施许可证" in text and "青海恒通电力工程有限公司" in text and "承装五级" in text
    url = re.search(r"(https?://\S+?number=[0-9-]+)", text.replace("\n", "")).group(1)
    assert url == f"{base}/licensing/verify/?number={licence.number}"
    embedded = reader.pages[0].images[0].image.convert("L")
    expected = Image.open(io.BytesIO(qr_png(url))).convert("L")
    assert embedded.size == expected.size and embedded.tobytes() == expected.tobytes()

    public = browser.new_context(**DESKTOP).new_page()
    public.goto(url)
    expect(public.get_by_test_id("verify-result")).to_contain_text("许可证有效")
    expect(public.get_by_test_id("verify-result")).to_contain_text("青海恒通电力工程有限公司")
    _shot(public, tmp_path, "verify")
    public.context.close()


def test_renewal_with_downgrade_and_a_personnel_offboarding(
    page: Page, live_server, tmp_path, django_capture_on_commit_callbacks
):
    base = live_server.url
    reviewer = StaffFactory(name="周敏", roles=[Role.LICENSING_REVIEWER])
    firm = make_firm(name="青海宏源电力安装工程有限公司")
    user = firm.enterprise.memberships.first().user
    four = LicenceLevel.objects.get(scheme__code="2020", rank=4)
    first = start_new(firm, {"install": four})
    fill_everything_but_staff(first)
    fill_staff_for(firm, four)
    services.submit(application=first, by=user)
    services.review(application=first, action="pass_formal_review", by=reviewer)
    services.review(application=first, action="approve", by=reviewer)
    licence = Licence.objects.get(firm=firm)
    expiry = timezone.localdate() + timedelta(days=60)
    Licence.objects.filter(pk=licence.pk).update(expires_on=expiry)

    _log_in(page, base, user.phone)
    page.goto(f"{base}/licensing/")
    page.get_by_role("link", name="许可证延续").click()
    expect(page.get_by_text(licence.number)).to_be_visible()
    page.get_by_label("降级延续").check()
    page.get_by_label("承装等级").select_option(label="五级（10千伏及以下）")
    page.get_by_label("提交人姓名").fill("赵强")
    page.get_by_label("提交人身份证号").fill(firm.enterprise.legal_rep_id_number)
    _submit(page, page.get_by_role("button", name="下一步"))
    expect(page.get_by_text("降级延续").first).to_be_visible()
    renewal = LicenceApplication.objects.get(firm=firm, kind="renewal")
    fill_everything_but_staff(renewal)  # the tabs were walked through in the test above
    page.goto(f"{base}/licensing/applications/{renewal.pk}/tab/check/")
    expect(page.get_by_test_id("check-ok")).to_be_visible()
    _submit(page, page.get_by_role("button", name="资料提交"))
    expect(page.get_by_test_id("state")).to_have_text("待形式审查")
    services.review(application=renewal, action="pass_formal_review", by=reviewer)
    services.review(application=renewal, action="approve", by=reviewer)
    page.goto(f"{base}/licensing/")
    expect(page.get_by_test_id("licence")).to_contain_text("承装五级")
    expect(page.get_by_test_id("licence")).to_contain_text(f"{expiry.year + 6}-")

    # Personnel change: one electrician leaves, reviewed before the list changes.
    leaving = StaffMember.objects.filter(firm=firm, kind="skilled").first()
    page.get_by_role("link", name="人员变更").click()
    _submit(page, page.get_by_role("button", name="下一步"))
    row = page.get_by_test_id("personnel").locator("tr", has_text=leaving.masked_id_number)
    _submit(page, row.get_by_role("button", name="确认离职"))
    expect(page.get_by_test_id("personnel").locator("tr", has_text=leaving.masked_id_number)).to_contain_text(
        "离职审批中"
    )
    _shot(page, tmp_path, "offboarding")
    page.get_by_role("link", name="资料提交").click()
    _submit(page, page.get_by_role("button", name="资料提交"))
    expect(page.get_by_test_id("state")).to_have_text("待形式审查")
    change = LicenceApplication.objects.get(firm=firm, kind="personnel_change")
    services.review(application=change, action="pass_formal_review", by=reviewer)
    services.review(application=change, action="approve", by=reviewer)
    page.goto(f"{base}/licensing/staff/")
    expect(page.get_by_test_id("staff").locator("tbody tr")).to_have_count(four.tech_staff_min + four.skilled_min - 1)
    leaving.refresh_from_db()
    assert leaving.status == "left"
