"""The whole HV new connection (办电e助手) in a real Chromium: the customer applies on a phone; the
account manager (admin, desktop) accepts, takes the order, dispatches the survey and pushes the
supply plan; the customer signs on the canvas; design (with one rework loop), mid and completion
stages; the contract sealed with a generated seal; connection; archive. The signed PDFs' text is
read and their stored hashes checked."""

import hashlib
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from applications.models import Application
from portal.accounts.models import EnterpriseMembership, EnterpriseRelation
from portal.accounts.roles import Role
from tests.applications.conftest import street  # noqa: F401  (fixture)
from tests.browser.test_catalog_journeys import log_in, send_and_enter_code
from tests.factories import (
    DEFAULT_PASSWORD,
    EnterpriseFactory,
    StaffFactory,
    VerifiedUserFactory,
)
from tests.licensing.helpers import licensed_firm
from utility_flows.hv.models import HVProcess, PushedDocument

pytestmark = pytest.mark.django_db(transaction=True)
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}


@pytest.fixture
def scan(tmp_path):
    out = io.BytesIO()
    Image.new("RGB", (320, 240), "#5b7c99").save(out, "JPEG")
    path = tmp_path / "扫描件.jpg"
    path.write_bytes(out.getvalue())
    return str(path)


def draw_signature(page: Page, pad) -> None:
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y = box["x"], box["y"] + box["height"] / 2
    page.mouse.move(x + 20, y)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(x + 20 + i * 20, y + (20 if i % 2 else -20), steps=3)
    page.mouse.up()
    expect(pad.locator("xpath=..").locator("[data-signature-status]")).to_have_text("已签名")


def staff_log_in(page: Page, base: str, user) -> None:
    page.goto(base + "/admin/login/")
    page.get_by_label("手机号").fill(user.phone)
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/admin/")


def press(admin: Page, button: str, reason: str = "") -> None:
    if reason:
        admin.get_by_label("说明 / 整改意见").fill(reason)
    admin.get_by_role("button", name=button, exact=True).click()
    admin.wait_for_load_state()
    expect(admin.locator(".messagelist")).to_contain_text(button.split("（")[0])


def sign_on_page(page: Page, base: str, order_pk: int, kind: str) -> None:
    page.goto(f"{base}/hv/{order_pk}/documents/{kind}/")
    expect(page.get_by_test_id("preview")).to_be_visible()
    draw_signature(page, page.locator("canvas.signature-pad").first)
    page.get_by_test_id("sign-submit").click()
    expect(page.get_by_text("签署成功")).to_be_visible()


def submit_stage(page: Page, base: str, order_pk: int, kind: str, files: list[str], scan: str, extra=None) -> None:
    page.goto(f"{base}/hv/{order_pk}/submit/{kind}/")
    for field in files:
        page.locator(f"#id_{field}").set_input_files(scan)
    for field, value in (extra or {}).items():
        page.locator(f"#id_{field}").fill(value)
    page.locator("#id_confirmed").check()


def test_the_whole_hv_flow(browser, live_server, street, scan, tmp_path):
    base = live_server.url

    def shot(p: Page, name: str) -> None:
        p.screenshot(path=str(tmp_path / f"hv-{name}.png"), full_page=True)

    customer = VerifiedUserFactory(name="赵建国")
    enterprise = EnterpriseFactory(
        name="青海高原新材料有限公司", legal_rep_name=customer.name, legal_rep_id_number=customer.id_number
    )
    EnterpriseMembership.objects.create(
        user=customer, enterprise=enterprise, relation=EnterpriseRelation.LEGAL_REPRESENTATIVE
    )
    manager = StaffFactory(name="王芳", roles=[Role.ACCOUNT_MANAGER])
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = phone.new_page()

    # 1. The customer applies for 高压新装.
    log_in(page, base, customer)
    page.goto(f"{base}/services/")
    page.get_by_test_id("business-hv_new").click()
    page.get_by_role("button", name="开始办理").click()
    page.get_by_label("企业名称").select_option(str(enterprise.pk))
    page.get_by_role("button", name="下一步").click()
    page.get_by_label("用电地址所在地区/街道").select_option(str(street.pk))
    page.locator("#id_address").fill("生物园区经四路 8 号")
    page.get_by_label("申请容量（千伏安）").fill("400")
    page.get_by_label("是", exact=True).first.check()
    page.get_by_label("我已阅读并确认《高压新装（增容）业务办理须知》").check()
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name="申请人信息")).to_be_visible()
    page.get_by_role("button", name="下一步").click()
    for file_input in page.locator("input[type=file]").all():
        file_input.set_input_files(scan)
    page.get_by_role("button", name="下一步").click()
    send_and_enter_code(page, customer)
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
    application = Application.objects.get(applicant=customer)

    # 2–3. The account manager accepts and takes the order with the expected visit time.
    desk = browser.new_context(**DESKTOP)
    admin = desk.new_page()
    staff_log_in(admin, base, manager)
    admin.goto(f"{base}/admin/applications/application/{application.pk}/change/")
    admin.get_by_role("button", name="受理", exact=True).click()
    admin.wait_for_url("**/admin/utility_flows/workorder/*/change/")
    admin.get_by_test_id("hv-process-link").click()
    admin.wait_for_url("**/admin/utility_flows/hvprocess/*/change/")
    process = HVProcess.objects.get(order__application=application)
    order_pk = process.order_id
    visit = timezone.localtime(timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT10:00")
    admin.locator("#id_expected_visit_at").fill(visit)
    press(admin, "客户经理接单")

    # 4. The customer sees the manager's card and books the survey.
    page.goto(f"{base}/records/{application.pk}/")
    page.get_by_test_id("hv-link").click()
    card = page.get_by_test_id("manager-card")
    expect(card).to_contain_text("王芳")
    expect(card.get_by_test_id("call-manager")).to_have_attribute("href", f"tel:{manager.phone}")
    expect(page.locator('[data-stage="4"]')).to_have_attribute("data-status", "now")
    page.get_by_label("意向勘察时间").fill(
        timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT09:30")
    )
    shot(page, "timeline-booking")
    page.get_by_role("button", name="预约勘察时间").click()
    expect(page.get_by_text("已预约勘察时间")).to_be_visible()

    # 5–7. Dispatch, supply plan pushed (rendered by the worker), signed on the canvas.
    admin.reload()
    press(admin, "勘察派工")
    press(admin, "推送供电方案")
    sign_on_page(page, base, order_pk, "supply_plan")

    # 8–10 with one rework loop.
    design_files = ["design_qualification", "design_drawings"]
    submit_stage(
        page, base, order_pk, "design", design_files, scan, {"design_contact": "李工", "design_phone": "13800000002"}
    )
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("已提交，请等待供电公司审核")).to_be_visible()
    admin.reload()
    shot(admin, "admin-design")
    press(admin, "推送设计审核意见（需修改）", "主接线图未标注开关型号")
    page.goto(f"{base}/hv/{order_pk}/submit/design/")
    expect(page.get_by_test_id("rework")).to_contain_text("主接线图未标注开关型号")
    expect(page.locator("#id_design_contact")).to_have_value("李工")  # prefilled from last time
    for field in design_files:
        page.locator(f"#id_{field}").set_input_files(scan)
    page.locator("#id_confirmed").check()
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("已提交")).to_be_visible()
    admin.reload()
    press(admin, "推送设计审核意见（通过）")
    sign_on_page(page, base, order_pk, "design_review")

    # 11–13: the construction firm's licence is checked in the licensing registry: an unknown
    # number is refused next to its field, the real one is shown valid with holder and scope.
    licence = licensed_firm()
    submit_stage(
        page,
        base,
        order_pk,
        "mid",
        ["concealed_records", "grounding_records", "licence_file"],
        scan,
        {"licence_number": "6-2020-99999"},
    )
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("核验结果：查无此证")).to_be_visible()
    expect(page.locator("[name=licence_number]")).to_have_value("6-2020-99999")
    page.locator("[name=licence_number]").fill(licence.number)
    for field in ["concealed_records", "grounding_records", "licence_file"]:
        page.locator(f"[name={field}]").set_input_files(str(scan))
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("许可证有效：青海宏源电力安装工程有限公司，承装四级、承修五级")).to_be_visible()
    shot(page, "mid-licence-valid")
    admin.reload()
    expect(admin.get_by_test_id("licence-status")).to_contain_text("许可证有效：青海宏源电力安装工程有限公司")
    admin.get_by_test_id("licence-status").scroll_into_view_if_needed()
    admin.screenshot(path=str(tmp_path / "hv-admin-licence-valid.png"))
    press(admin, "推送中间检查意见（合格）")
    sign_on_page(page, base, order_pk, "mid_inspection")

    # 14–16: completion with the basic charge (400 kVA: large industry) and a signature.
    submit_stage(
        page,
        base,
        order_pk,
        "completion",
        ["as_built", "protection_records", "construction_qualification", "safety_licence"],
        scan,
        {"construction_contact": "杨工", "construction_phone": "13800000003"},
    )
    page.locator("#id_basic_charge").select_option("contract_demand")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#field-demand_kw")).to_contain_text("按合同最大需量计收时须填写需量值")
    for field in ["as_built", "protection_records", "construction_qualification", "safety_licence"]:
        page.locator(f"#id_{field}").set_input_files(scan)
    expect(page.locator("#id_construction_contact")).to_have_value("杨工")  # nothing typed is lost
    shot(page, "completion-errors")
    page.locator("#id_demand_kw").fill("320")
    draw_signature(page, page.locator("canvas.signature-pad").first)
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("已提交")).to_be_visible()
    admin.reload()
    press(admin, "推送竣工检验意见（合格）")
    sign_on_page(page, base, order_pk, "completion")

    # 17–18: the contract sealed with a generated seal.
    admin.reload()
    press(admin, "推送供用电合同")
    page.goto(f"{base}/signing/seals/")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_test_id("seals")).to_contain_text("合同专用章")
    page.goto(f"{base}/hv/{order_pk}/documents/contract/")
    draw_signature(page, page.locator("section:has(#seal-title) canvas.signature-pad"))
    page.get_by_test_id("seal-sign").click()
    expect(page.get_by_test_id("seal-preview-note")).to_contain_text("尚未真正盖章")
    shot(page, "seal-preview")
    assert HVProcess.objects.get(pk=process.pk).stage == "contract_pushed"  # the preview binds nothing
    page.get_by_test_id("seal-confirm").click()
    expect(page.get_by_text("合同已盖章")).to_be_visible()

    # 19–20: fees, connection, archive.
    admin.reload()
    admin.get_by_test_id("fees").click()
    admin.wait_for_load_state()
    press(admin, "装表接电")
    press(admin, "归档")
    expect(admin.get_by_test_id("hv-stage")).to_have_text("归档")
    page.goto(f"{base}/hv/{order_pk}/")
    expect(page.locator('[data-stage="20"]')).to_have_attribute("data-status", "done")
    page.screenshot(path=str(scan).replace("扫描件.jpg", "hv-archived.png"), full_page=True)

    application.refresh_from_db()
    assert application.state == "completed"
    signed = PushedDocument.objects.filter(process=process, signed__isnull=False).select_related("signed")
    kinds = {d.kind for d in signed}
    assert kinds == {"supply_plan", "design_review", "mid_inspection", "completion", "contract"}
    titles = {"supply_plan": "供电方案", "contract": "高压供用电合同", "completion": "竣工检验意见单"}
    for pushed in signed:
        data = pushed.signed.file.open("rb").read()
        assert hashlib.sha256(data).hexdigest() == pushed.signed.sha256 == pushed.signed_sha256
        if pushed.kind in titles:
            text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
            assert titles[pushed.kind] in text and application.address in text
    contract = next(d for d in signed if d.kind == "contract")
    assert contract.signed_how == "seal" and contract.signed_ip
    assert re.search("archive", " ".join(process.log.values_list("name", flat=True)))
    phone.close()
    desk.close()
