"""A newcomer's identity journey in a real Chromium on a phone-sized screen."""

import re
from datetime import timedelta

import pytest
from django.db.models import F
from playwright.sync_api import Page, expect

from portal.accounts.models import User
from portal.verification.models import SmsCode
from tests.factories import DEFAULT_PASSWORD, UserFactory, VerifiedUserFactory, resident_id

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "13812341234"
SHOTS = "identity-{}.png"  # under each test's tmp_path


@pytest.fixture(autouse=True)
def _dev_sms_page(settings):
    # /dev/sms/ exists only with DEBUG and the database SMS backend (tests force the latter).
    settings.DEBUG = True


def read_code_on_dev_sms(page: Page, base: str, phone: str) -> str:
    """Open /dev/sms/ in a second tab, as a newcomer without a phone would, and read the code."""
    inbox = page.context.new_page()
    inbox.goto(f"{base}/dev/sms/")
    first = inbox.locator(".dev-sms li").filter(has_text=phone).first
    code = re.search(r"验证码为(\d{6})", first.locator(".dev-sms-text").inner_text()).group(1)
    inbox.close()
    return code


def allow_resend(phone: str) -> None:
    """Let the 60-second resend rule pass without waiting a minute."""
    SmsCode.objects.filter(phone=phone).update(created_at=F("created_at") - timedelta(seconds=61))


def log_in_with_password(page: Page, base: str, phone: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("手机号码").fill(phone)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(f"{base}/")


def test_register_verify_log_out_and_log_in_by_sms_code(page: Page, live_server, tmp_path):
    base = live_server.url
    page.goto(f"{base}/accounts/register/")
    page.get_by_label("手机号码").fill(PHONE)
    send = page.get_by_role("button", name="发送验证码")
    send.click()
    expect(page.get_by_role("status")).to_contain_text("验证码已发送至138****1234")
    expect(page.locator("#send-code-register")).to_be_disabled()
    expect(page.locator("#send-code-register")).to_contain_text("秒后重新获取")
    page.screenshot(path=tmp_path / SHOTS.format("register"), full_page=True)

    code = read_code_on_dev_sms(page, base, PHONE)
    page.get_by_label("短信验证码").fill(code)
    page.locator("#id_password").fill("Gongdian@2027")
    page.get_by_label("确认密码").fill("Gongdian@2027")
    page.get_by_role("button", name="注册", exact=True).click()

    expect(page).to_have_url(f"{base}/accounts/real-name/")
    expect(page.get_by_text("注册成功")).to_be_visible()
    page.get_by_label("姓名").fill("周晓梅")
    page.get_by_label("证件号码").fill(resident_id(501))
    page.screenshot(path=tmp_path / SHOTS.format("real-name"), full_page=True)
    page.get_by_role("button", name="提交认证").click()
    expect(page).to_have_url(f"{base}/accounts/me/")
    expect(page.get_by_text("实名认证成功")).to_be_visible()
    expect(page.get_by_test_id("my-phone")).to_have_text("138****1234")
    page.screenshot(path=tmp_path / SHOTS.format("me"), full_page=True)

    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_text("您已安全退出登录")).to_be_visible()

    allow_resend(PHONE)
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("link", name="验证码登录").click()
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_role("status")).to_contain_text("验证码已发送至138****1234")
    page.get_by_label("短信验证码").fill(read_code_on_dev_sms(page, base, PHONE))
    page.screenshot(path=tmp_path / SHOTS.format("login-sms"), full_page=True)
    page.get_by_role("button", name="登录", exact=True).click()

    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_role("heading", name="您好，周晓梅")).to_be_visible()
    assert User.objects.get(phone=PHONE).is_real_name_verified

    # The inbox: the welcome and the real-name result are waiting, unread, and the header says so.
    expect(page.get_by_test_id("unread-count")).to_have_text("2")
    page.get_by_role("link", name=re.compile("消息，2 条未读")).click()
    expect(page).to_have_url(f"{base}/notifications/")
    notifications = page.get_by_test_id("notification")
    expect(notifications).to_have_count(2)
    expect(notifications.nth(0)).to_contain_text("实名认证已通过")
    expect(notifications.nth(1)).to_contain_text("欢迎注册网上供电营业厅")
    page.screenshot(path=tmp_path / SHOTS.format("inbox"), full_page=True)


def test_an_invalid_id_number_shows_its_error(page: Page, live_server, tmp_path):
    base = live_server.url
    UserFactory(phone=PHONE)
    log_in_with_password(page, base, PHONE)
    page.goto(f"{base}/accounts/real-name/")
    page.get_by_label("姓名").fill("周晓梅")
    good = resident_id(501)
    page.get_by_label("证件号码").fill(good[:17] + ("0" if good[17] != "0" else "1"))
    page.get_by_role("button", name="提交认证").click()
    expect(page.locator("#field-id_number .errorlist")).to_have_text("身份证号码校验位不正确，请核对后重新输入")
    expect(page.get_by_label("姓名")).to_have_value("周晓梅")
    page.screenshot(path=tmp_path / SHOTS.format("real-name-error"), full_page=True)


def test_five_wrong_codes_count_down_then_void_the_code(page: Page, live_server, tmp_path):
    base = live_server.url
    UserFactory(phone=PHONE)
    page.goto(f"{base}/accounts/login/?tab=sms")
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_role("status")).to_contain_text("验证码已发送")
    code = read_code_on_dev_sms(page, base, PHONE)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    errors = page.locator("#field-sms_code .errorlist")
    for left in (4, 3, 2, 1):
        page.get_by_label("短信验证码").fill(wrong)
        page.get_by_role("button", name="登录", exact=True).click()
        expect(errors).to_have_text(f"验证码错误，还可以尝试{left}次")
    page.get_by_label("短信验证码").fill(wrong)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(errors).to_have_text("验证码错误次数过多，已失效，请重新获取")
    # Five failed log-ins also lock the phone for a while: even the right code is refused now.
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("该账号登录失败次数过多，请15分钟后再试")
    page.screenshot(path=tmp_path / SHOTS.format("login-void"), full_page=True)


def test_a_resend_within_sixty_seconds_shows_the_wait(page: Page, live_server):
    base = live_server.url
    page.goto(f"{base}/accounts/register/")
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_role("status")).to_contain_text("验证码已发送至138****1234")
    page.reload()  # the countdown is gone with the page; the rule is not
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"验证码已发送，请(5\d|60)秒后再重新获取"))
    expect(page.locator("#send-code-register")).to_be_disabled()
    assert SmsCode.objects.filter(phone=PHONE).count() == 1


def test_enterprise_pages_on_a_phone(page: Page, live_server, tmp_path):
    base = live_server.url
    VerifiedUserFactory(phone=PHONE, name="王芳")
    log_in_with_password(page, base, PHONE)
    page.goto(f"{base}/accounts/enterprises/")
    expect(page.get_by_role("heading", name="我的企业")).to_be_visible()
    page.get_by_role("link", name="登记企业", exact=True).click()
    expect(page.get_by_label("申请人姓名")).to_have_value("王芳")
    expect(page.get_by_label("申请人姓名")).to_have_attribute("readonly", "")
    page.get_by_label("企业名称").fill("青海高原光伏有限公司")
    page.get_by_label("统一社会信用代码").fill("91630100MA0000001X")
    page.get_by_label("企业类型").select_option(label="有限责任公司")
    page.get_by_label("法定代表人姓名").fill("赵强")
    page.get_by_label("法定代表人证件号码").fill(resident_id(300, birth="19750612"))
    page.get_by_role("button", name="提交登记").click()
    expect(page.get_by_test_id("credit-code-warning")).to_be_visible()
    page.screenshot(path=tmp_path / SHOTS.format("enterprise-register"), full_page=True)
    page.get_by_label("我已核对，信用代码无误").check()
    page.get_by_role("button", name="提交登记").click()
    # Not the legal representative: an agent needs the power of attorney, asked on the file input.
    expect(page.locator("#field-power_of_attorney .errorlist")).to_contain_text("请上传法定代表人签署的授权委托书")
    expect(page.get_by_label("企业名称")).to_have_value("青海高原光伏有限公司")
    page.goto(f"{base}/accounts/enterprises/bind/")
    page.screenshot(path=tmp_path / SHOTS.format("enterprise-bind"), full_page=True)
