"""The catalog's journeys in a real Chromium on a phone (and the admin on a desktop): from 全部功能
to 服务记录, with uploads, the SMS code, reuse of a document on file, a draft left and resumed,
and a change that the backoffice completes and the account then shows."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from applications.models import AccountBinding, Application, ApplicationState, Region, ServiceAccount
from portal.accounts.models import EnterpriseMembership, EnterpriseRelation
from portal.accounts.roles import Role
from portal.documents.services import store_upload
from tests.conftest import latest_sms_code
from tests.factories import DEFAULT_PASSWORD, EnterpriseFactory, StaffFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = "catalog-{}.png"  # under each test's tmp_path
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}


@pytest.fixture
def photo(tmp_path):
    out = io.BytesIO()
    Image.new("RGB", (320, 240), "#5b7c99").save(out, "JPEG")
    path = tmp_path / "照片.jpg"
    path.write_bytes(out.getvalue())
    return str(path)


def log_in(page: Page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/?tab=password")
    page.get_by_label("手机号码").fill(user.phone)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(f"{base}/")


def open_business(page: Page, code: str, name: str) -> None:
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="全部功能").click()
    tile = page.get_by_test_id(f"business-{code}")
    expect(tile).to_contain_text(name)
    tile.click()
    expect(page.get_by_role("heading", name="准备材料")).to_be_visible()
    page.get_by_role("button", name=re.compile("开始办理")).click()


def appointment() -> str:
    day = timezone.localdate() + timedelta(days=3)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return f"{day:%Y-%m-%d}T10:00"


def send_and_enter_code(page: Page, user) -> None:
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_role("status").filter(has_text="验证码已发送")).to_be_visible()
    page.get_by_label("短信验证码").fill(latest_sms_code(user.phone))


def test_residential_new_connection_from_the_catalog_to_the_service_records(page: Page, live_server, photo, tmp_path):
    base = live_server.url
    user = VerifiedUserFactory(name="马晓燕")
    log_in(page, base, user)
    open_business(page, "residential_new", "个人新装")

    page.get_by_label("所在地区/街道").select_option(label="八一路街道")
    page.get_by_label("详细地址").fill("八一中路 8 号 3 单元 502 室")
    page.get_by_label("申请容量（千瓦）").fill("0")
    page.get_by_label("服务预约时间").fill(appointment())
    page.get_by_label(re.compile("我已阅读并确认《新装业务办理须知》")).check()
    page.get_by_role("button", name="下一步").click()
    # A wrong capacity is refused on its field; what was typed stays.
    expect(page.locator("#field-capacity .errorlist")).to_have_text("容量必须大于 0")
    expect(page.get_by_label("详细地址")).to_have_value("八一中路 8 号 3 单元 502 室")
    page.get_by_label("申请容量（千瓦）").fill("8")
    page.get_by_role("button", name="下一步").click()

    page.get_by_label("产权证明类型").select_option(label="不动产权证书")
    page.get_by_role("button", name="下一步").click()
    # 申请人 is the owner, carried from the real name and not editable.
    expect(page.get_by_text("马晓燕")).to_be_visible()
    page.get_by_role("button", name="下一步").click()

    for key in ("id_front", "id_back", "property_proof", "meter_photo"):
        page.locator(f"#file-{key}").set_input_files(photo)
    page.screenshot(path=tmp_path / SHOTS.format("documents"), full_page=True)
    page.get_by_role("button", name="下一步").click()

    expect(page.get_by_role("heading", name="请核对申请信息")).to_be_visible()
    expect(page.get_by_text("八一中路 8 号 3 单元 502 室")).to_be_visible()
    send_and_enter_code(page, user)
    page.screenshot(path=tmp_path / SHOTS.format("confirm"), full_page=True)
    page.get_by_role("button", name="提交", exact=True).click()

    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
    application = Application.objects.get(applicant=user)
    expect(page.get_by_test_id("application-number")).to_have_text(application.number)
    page.get_by_role("link", name="查看服务记录").click()
    record = page.locator("li, article, div.card").filter(has_text=application.number).first
    expect(record).to_contain_text("个人新装")
    expect(record).to_contain_text("已提交")
    page.screenshot(path=tmp_path / SHOTS.format("records"), full_page=True)
    assert application.state == ApplicationState.SUBMITTED
    assert application.documents.filter(requirement="meter_photo", how="uploaded").exists()


def test_enterprise_capacity_increase_reuses_the_valid_business_licence_on_file(
    page: Page, live_server, photo, tmp_path
):
    base = live_server.url
    user = VerifiedUserFactory(name="赵建国")
    enterprise = EnterpriseFactory(legal_rep_name=user.name, legal_rep_id_number=user.id_number)
    EnterpriseMembership.objects.create(
        user=user, enterprise=enterprise, relation=EnterpriseRelation.LEGAL_REPRESENTATIVE
    )
    with open(photo, "rb") as fh:
        from django.core.files.uploadedfile import SimpleUploadedFile

        licence = store_upload(
            upload=SimpleUploadedFile("营业执照.jpg", fh.read()),
            doc_type="business_licence",
            owner_enterprise=enterprise,
            uploaded_by=user,
            expires_on=timezone.localdate() + timedelta(days=365),
        )
    account = ServiceAccount.objects.create(
        number="6302000001",
        customer_kind="enterprise",
        holder_name=enterprise.name,
        holder_id_type="credit_code",
        holder_id_number=enterprise.credit_code,
        holder_enterprise=enterprise,
        region=Region.objects.get(name="朝阳街道"),
        address="朝阳东路 66 号综合楼",
        voltage="380V",
        capacity=60,
        usage_nature="commercial",
        tariff_category="一般工商业用电（不满1千伏）",
        registered_phone=user.phone,
    )
    AccountBinding.objects.create(user=user, account=account, via=AccountBinding.Via.ENTERPRISE)

    log_in(page, base, user)
    open_business(page, "capacity_increase", "增容")
    page.get_by_label("用电户号").fill(account.number)
    expect(page.get_by_test_id("account-preview")).to_contain_text(enterprise.name)  # 用户信息自动带出
    page.get_by_label(re.compile("我已阅读并确认《低压增容业务办理须知》")).check()
    page.get_by_role("button", name="下一步").click()
    page.get_by_label("企业", exact=True).check()
    page.get_by_label(re.compile("新增容量")).fill("40")
    page.get_by_label("服务预约时间").fill(appointment())
    page.get_by_label(re.compile("《低压非居民增容业务办理须知》")).check()
    page.get_by_role("button", name="下一步").click()
    # 企业主体证明: a valid licence is on file, so the field is not shown at all.
    expect(page.get_by_label("企业主体证明类型")).to_have_count(0)
    page.get_by_label("产权证明类型").select_option(label="不动产权证书")
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_text("法人代表").first).to_be_visible()  # recognised from the real name
    page.get_by_role("button", name="下一步").click()

    expect(page.get_by_test_id("reused-subject_proof")).to_contain_text("无需重复提交")
    expect(page.locator("#file-subject_proof")).to_have_count(0)
    page.locator("#file-property_proof").set_input_files(photo)
    page.screenshot(path=tmp_path / SHOTS.format("reuse"), full_page=True)
    page.get_by_role("button", name="下一步").click()
    send_and_enter_code(page, user)
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()

    application = Application.objects.get(applicant=user)
    reused = application.documents.get(requirement="subject_proof")
    assert (reused.how, reused.document_id) == ("reused", licence.pk)
    assert application.identity == "legal_rep"


def test_peak_valley_switched_on_accepted_and_completed_in_the_admin_then_shown_on_the_account(
    page: Page, browser, live_server, tmp_path
):
    base = live_server.url
    user = VerifiedUserFactory(name="马晓燕")
    account = ServiceAccount.objects.create(
        number="6302000002",
        customer_kind="resident",
        holder_name=user.name,
        holder_id_type="resident_id",
        holder_id_number=user.id_number,
        region=Region.objects.get(name="东关大街街道"),
        address="东关大街 128 号 2 单元 301 室",
        voltage="220V",
        capacity=8,
        usage_nature="residential",
        tariff_category="居民生活用电（一户一表）",
        registered_phone=user.phone,
    )
    AccountBinding.objects.create(user=user, account=account, via=AccountBinding.Via.HOLDER_ID)
    manager = StaffFactory(name="王海涛", roles=[Role.ACCOUNT_MANAGER])

    log_in(page, base, user)
    open_business(page, "peak_valley", "开通/取消峰谷电")
    page.get_by_label("用电户号").fill(account.number)
    expect(page.get_by_test_id("peak-valley-line")).to_have_text("未执行峰谷电价，您当前可开通峰谷电")
    page.get_by_label(re.compile("《居民峰谷变更业务办理须知》")).check()
    page.get_by_role("button", name="下一步").click()
    page.get_by_role("button", name="下一步").click()  # 申请人: the holder, recognised
    page.get_by_role("button", name="下一步").click()  # 材料: none for the holder
    send_and_enter_code(page, user)
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
    application = Application.objects.get(applicant=user)

    staff = browser.new_context(**DESKTOP).new_page()
    staff.goto(f"{base}/admin/login/")
    staff.get_by_label("手机号").fill(manager.phone)
    staff.get_by_label("密码").fill(DEFAULT_PASSWORD)
    staff.get_by_role("button", name="登录").click()
    staff.goto(f"{base}/admin/applications/application/")
    staff.get_by_role("link", name=application.number).click()
    staff.get_by_role("button", name="受理", exact=True).click()
    expect(staff.get_by_test_id("order-state")).to_have_text("已受理")
    for button in ("已联系客户", re.compile("核实"), re.compile("变更户号"), "归档"):
        staff.get_by_role("button", name=button).first.click()
        staff.wait_for_load_state()
    expect(staff.get_by_test_id("order-state")).to_have_text("已归档")
    staff.screenshot(path=tmp_path / SHOTS.format("peak-valley-admin"), full_page=True)

    page.goto(f"{base}/service-accounts/{account.number}/")
    expect(page.get_by_text("已执行峰谷电价").first).to_be_visible()
    page.screenshot(path=tmp_path / SHOTS.format("peak-valley-account"), full_page=True)
    account.refresh_from_db()
    assert account.peak_valley is True
    assert Application.objects.get(pk=application.pk).state == ApplicationState.COMPLETED


def test_a_draft_left_midway_is_resumed_from_the_service_records(page: Page, live_server, tmp_path):
    base = live_server.url
    user = VerifiedUserFactory()
    log_in(page, base, user)
    open_business(page, "residential_new", "个人新装")
    page.get_by_label("所在地区/街道").select_option(label="南滩街道")
    page.get_by_label("详细地址").fill("南滩街 31 号 2 单元 502 室")
    page.get_by_label("申请容量（千瓦）").fill("12")
    # Saved after a pause in typing, without pressing anything.
    expect(page.locator("#autosave-status")).to_contain_text("已自动保存", timeout=10_000)
    draft = Application.objects.get(applicant=user)
    for _ in range(50):
        draft.refresh_from_db()
        if draft.data.get("raw", {}).get("location", {}).get("capacity") == "12":
            break
        page.wait_for_timeout(200)
    assert draft.data["raw"]["location"]["address"] == "南滩街 31 号 2 单元 502 室"

    page.goto(f"{base}/")  # leave
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="服务记录").click()
    page.get_by_role("link", name="继续办理").click()
    expect(page.get_by_label("详细地址")).to_have_value("南滩街 31 号 2 单元 502 室")
    expect(page.get_by_label("申请容量（千瓦）")).to_have_value("12")
    expect(page.get_by_label("所在地区/街道")).to_have_value(str(Region.objects.get(name="南滩街道").pk))
    page.screenshot(path=tmp_path / SHOTS.format("resumed"), full_page=True)
