"""好差评 in a real Chromium (issue "Must hold"): a customer completes a matter and rates it from
the to-do list; an anonymous phone user opens a generated per-visit QR link, confirms the SMS
code and gives a bad review; the unit rectifies in the admin; the reviewer sees the reply; a
second review from the same number within 5 days is refused with the date it becomes possible."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from evaluations.models import CaseState, RectificationCase, Review, ServicePoint
from portal.accounts.roles import Role
from portal.verification.models import SmsMessage
from tests.conftest import latest_sms_code
from tests.factories import DEFAULT_PASSWORD, ApplicationFactory, StaffFactory, VerifiedUserFactory

DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN"}
VISITOR = "13912345678"
UNIT = "国网西宁供电公司城东供电中心"


def _log_in(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


def _admin_log_in(page, live_server, user) -> None:
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("手机号").fill(user.phone)
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/admin/")


def _rate(page, level: str, stars: str = "4") -> None:
    page.locator(f"input[name=level][value='{level}']").check()
    for name in ("overall", "efficiency", "guidance", "convenience", "usability"):
        page.locator(f"input[name={name}][value='{stars}']").check()


@pytest.mark.django_db(transaction=True)
def test_reviews_from_the_to_do_list_and_a_qr_code_through_rectification(browser, live_server, tmp_path):
    from utility_flows import services as flows

    manager = StaffFactory(name="王芳", phone="13700001111", roles=[Role.ACCOUNT_MANAGER])
    admin_user = StaffFactory(name="孙佳琪", phone="13700002222", roles=[Role.REVIEW_ADMIN])
    customer = VerifiedUserFactory(name="马丽", phone="13800138001")
    ServicePoint.objects.create(name="城东供电营业厅", unit=UNIT)

    # 1. The matter completes: the manager archives the order.
    order = flows.accept_application(application=ApplicationFactory(applicant=customer), by=manager)
    for step in ["contact", "survey", "reply_plan", "connect", "sign_contract", "archive"]:
        order = flows.advance(order=order, transition=step, by=manager)

    # 2. The customer rates it from the to-do list on the home page.
    phone_ctx = browser.new_context(**PHONE)
    _log_in(phone_ctx, live_server, customer)
    page = phone_ctx.new_page()
    page.goto(live_server.url + "/")
    todos = page.get_by_test_id("review-todos")
    assert "个人新装" in todos.inner_text()
    page.screenshot(path=str(tmp_path / "home-todo.png"), full_page=True)
    todos.get_by_role("link", name="好差评").click()
    page.wait_for_url("**/reviews/matters/*/")
    assert page.locator("input[type=radio]:checked").count() == 0  # nothing preselected
    _rate(page, "5", "5")
    page.get_by_label("评价内容").fill("客户经理上门及时，一次办好")
    page.screenshot(path=str(tmp_path / "matter-form.png"), full_page=True)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(live_server.url + "/")
    assert "评价已提交" in page.content()
    assert page.get_by_test_id("review-todos").count() == 0
    assert Review.objects.get(user=customer).level == 5
    phone_ctx.close()

    # 3. The review administrator creates a per-visit code; its link exists only once generated.
    desk = browser.new_context(**DESKTOP)
    staff = desk.new_page()
    _admin_log_in(staff, live_server, admin_user)
    staff.goto(live_server.url + "/admin/evaluations/qrcode/add/")
    staff.get_by_label("类型").select_option("visit")
    staff.get_by_label("服务网点").select_option(label="城东供电营业厅")
    staff.get_by_role("button", name="保存并继续编辑").click()
    staff.wait_for_url("**/admin/evaluations/qrcode/*/change/")
    assert "尚未生成" in staff.get_by_test_id("qr-panel").inner_text()
    staff.get_by_test_id("qr-generate").click()
    staff.wait_for_load_state()
    link = staff.get_by_test_id("qr-url").get_attribute("href")
    assert "/r/" in link and staff.locator("svg.qr-image").count() == 1
    staff.screenshot(path=str(tmp_path / "admin-qr.png"), full_page=True)
    with staff.expect_download() as download:
        staff.get_by_test_id("qr-png").click()
    assert download.value.suggested_filename.endswith(".png")

    # 4. An anonymous phone user scans it, confirms the SMS code and gives a bad review.
    visitor_ctx = browser.new_context(**PHONE)
    visitor = visitor_ctx.new_page()
    visitor.goto(link)
    assert "城东供电营业厅" in visitor.get_by_test_id("review-subject").inner_text()
    visitor.get_by_label("手机号码").fill(VISITOR)
    visitor.get_by_role("button", name="发送验证码").click()
    visitor.get_by_text("验证码已发送至139****5678").wait_for()
    visitor.get_by_label("短信验证码").fill(latest_sms_code(VISITOR))
    _rate(visitor, "1", "1")
    visitor.get_by_label("差评原因类别").select_option("attitude")
    visitor.get_by_label("差评原因说明").fill("窗口人员态度生硬，没有一次性告知所需材料")
    visitor.screenshot(path=str(tmp_path / "qr-bad-review.png"), full_page=True)
    visitor.get_by_role("button", name="提交").last.click()
    visitor.get_by_test_id("review-thanks").wait_for()
    assert "转交责任单位核实整改" in visitor.content()
    case = RectificationCase.objects.get(review__phone=VISITOR)
    assert case.unit == UNIT and case.state == CaseState.VERIFYING

    # 5. The unit (its account manager) verifies and replies in the admin.
    staff.context.clear_cookies()
    _admin_log_in(staff, live_server, manager)
    staff.goto(live_server.url + "/admin/evaluations/rectificationcase/")
    staff.get_by_role("link", name="城东供电营业厅").first.click()
    staff.wait_for_url(f"**/admin/evaluations/rectificationcase/{case.pk}/change/")
    assert "窗口人员态度生硬" in staff.get_by_test_id("bad-reason").inner_text()
    staff.get_by_label("核实情况").fill("已电话联系评价人，情况属实")
    staff.get_by_role("button", name="记录核实情况").click()
    staff.wait_for_load_state()
    assert staff.get_by_test_id("case-state").inner_text() == "整改中"
    staff.get_by_label("整改措施").fill("对当班人员批评教育，窗口张贴材料清单")
    staff.get_by_label("答复评价人").fill("非常抱歉，已对当班人员批评教育并在窗口张贴材料清单")
    staff.get_by_role("button", name="提交整改答复").click()
    staff.wait_for_load_state()
    assert "已答复" in staff.get_by_test_id("case-state").inner_text()
    staff.screenshot(path=str(tmp_path / "admin-case.png"), full_page=True)
    desk.close()

    # 6. The reviewer follows the link in the SMS, reads the reply and says they are satisfied.
    text = SmsMessage.objects.filter(phone=VISITOR).order_by("-id").first().text
    path = re.search(r"/reviews/feedback/[^/\s]+/", text).group(0)
    visitor.goto(live_server.url + path)
    assert "已对当班人员批评教育" in visitor.get_by_test_id("case-reply").inner_text()
    visitor.get_by_label("满意", exact=True).check()
    visitor.get_by_role("button", name="提交").click()
    visitor.get_by_test_id("case-feedback").wait_for()
    visitor.screenshot(path=str(tmp_path / "reviewer-reply.png"), full_page=True)
    assert RectificationCase.objects.get().satisfied is True

    # 7. A second review from the same number within 5 days is refused with the date.
    possible = timezone.localtime(Review.objects.get(phone=VISITOR).submitted_at + timedelta(days=5))
    expected = f"{possible:%Y-%m-%d %H:%M} 起可再次评价"
    visitor.goto(link)
    visitor.get_by_label("手机号码").fill(VISITOR)
    visitor.get_by_role("button", name="发送验证码").click()
    visitor.get_by_text(expected).first.wait_for()
    _rate(visitor, "4")
    visitor.get_by_label("短信验证码").fill("123456")
    visitor.get_by_role("button", name="提交").last.click()
    visitor.wait_for_load_state()
    assert expected in visitor.locator("#field-phone").inner_text()
    visitor.screenshot(path=str(tmp_path / "second-review-refused.png"), full_page=True)
    assert Review.objects.filter(phone=VISITOR).count() == 1
    visitor_ctx.close()


@pytest.mark.django_db(transaction=True)
def test_the_statistics_draw_their_charts_in_the_admin_and_on_the_public_page(browser, live_server, tmp_path):
    from tests.evaluations.test_statistics import _rows

    _rows(40)
    admin_user = StaffFactory(name="孙佳琪", phone="13700002222", roles=[Role.REVIEW_ADMIN])
    desk = browser.new_context(**DESKTOP)
    page = desk.new_page()
    _admin_log_in(page, live_server, admin_user)

    page.goto(live_server.url + "/admin/evaluations/review/")
    page.get_by_role("link", name="好差评统计").click()
    page.wait_for_url("**/admin/evaluations/review/statistics/")
    assert page.get_by_test_id("stat-reviews").inner_text() == "40"
    assert page.get_by_test_id("month-bar").count() == 12
    assert page.get_by_test_id("unit-chart").is_visible()
    assert "城西供电中心" in page.get_by_test_id("stats-unit").inner_text()
    page.screenshot(path=str(tmp_path / "admin-statistics.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_test_id("stats-csv").click()
    assert download.value.suggested_filename.endswith(".csv")
    desk.close()

    public = browser.new_context(**PHONE).new_page()
    public.goto(live_server.url + "/reviews/statistics/")
    assert public.get_by_test_id("stat-satisfaction").inner_text().endswith("%")
    assert public.get_by_test_id("month-chart").is_visible()
    public.screenshot(path=str(tmp_path / "public-statistics.png"), full_page=True)
