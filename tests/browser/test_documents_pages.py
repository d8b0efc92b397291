"""我的证照 and 我的签名 on a phone, in a real Chromium."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from portal.accounts.models import EnterpriseMembership
from portal.documents.models import Document, DocumentType
from portal.signing.models import Signature
from tests.documents.conftest import jpeg_bytes
from tests.factories import DocumentFactory, EnterpriseFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def logged_in(page, live_server, client):
    user = VerifiedUserFactory(name="张伟")
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return user


def test_my_documents_on_a_phone(page, live_server, logged_in, tmp_path):
    today = timezone.localdate()
    DocumentFactory(
        owner_user=logged_in,
        doc_type=DocumentType.objects.get(code="id_card_front"),
        issued_on=today - timedelta(days=2000),
        expires_on=today + timedelta(days=1600),
    )
    DocumentFactory(
        owner_user=logged_in,
        doc_type=DocumentType.objects.get(code="power_of_attorney"),
        issued_on=today - timedelta(days=340),
        expires_on=today + timedelta(days=20),
    )
    enterprise = EnterpriseFactory(name="青海高原制造有限公司")
    EnterpriseMembership.objects.create(user=logged_in, enterprise=enterprise, relation="legal_rep")
    DocumentFactory(
        owner_user=None,
        owner_enterprise=enterprise,
        doc_type=DocumentType.objects.get(code="business_licence"),
        expires_on=today - timedelta(days=3),
    )

    page.goto(f"{live_server.url}/documents/")
    assert page.locator("h1").inner_text() == "我的证照"
    assert page.locator("[data-testid=documents] > li").count() == 3
    page.screenshot(path=tmp_path / "documents-mine.png", full_page=True)

    # A refused file keeps the other fields; a good one is added to the list.
    exe = tmp_path / "照片.jpg"
    exe.write_bytes(b"MZ\x90\x00" + b"\x00" * 300)
    page.select_option("#id_doc_type", label="产权证明")
    page.fill("#id_issued_on", "2024-03-01")
    page.set_input_files("#id_file", str(exe))
    page.get_by_role("button", name="上传").click()
    page.wait_for_load_state()
    assert "只能上传 JPG、PNG 图片或 PDF 文件" in page.locator("#field-file").inner_text()
    assert page.input_value("#id_issued_on") == "2024-03-01"
    assert page.locator("#id_doc_type option:checked").inner_text() == "产权证明"
    page.locator("#upload").screenshot(path=tmp_path / "documents-upload-refused.png")

    photo = tmp_path / "房产证.jpg"
    photo.write_bytes(jpeg_bytes((800, 600)))
    page.set_input_files("#id_file", str(photo))
    page.get_by_role("button", name="上传").click()
    page.wait_for_load_state()
    assert "已上传：产权证明" in page.locator(".messages").inner_text()
    assert page.locator("[data-testid=documents] > li").count() == 4
    assert Document.objects.filter(owner_user=logged_in, doc_type__code="property_proof").exists()


def draw(page, box, points):
    page.mouse.move(box["x"] + points[0][0], box["y"] + points[0][1])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(box["x"] + x, box["y"] + y, steps=6)
    page.mouse.up()


def test_drawing_and_saving_a_signature_on_a_phone(page, live_server, logged_in, tmp_path):
    page.goto(f"{live_server.url}/signing/my-signature/")
    status = page.locator("[data-signature-status]")
    assert status.inner_text() == "尚未签名"
    page.screenshot(path=tmp_path / "documents-signature-empty.png", full_page=True)

    # An empty pad is refused by the server with the reason.
    page.get_by_role("button", name="保存签名").click()
    page.wait_for_load_state()
    assert "请先签名" in page.locator("#field-signature").inner_text()

    pad = page.locator("canvas.signature-pad")
    box = pad.bounding_box()
    draw(page, box, [(30, 120), (80, 40), (120, 130), (170, 50), (230, 140), (300, 60)])
    assert status.inner_text() == "已签名"
    assert not page.get_by_text("请先签名").is_visible()
    # 清除 empties the pad (keyboard: focus the button and press Enter).
    page.get_by_role("button", name="清除").focus()
    page.keyboard.press("Enter")
    assert status.inner_text() == "尚未签名"
    assert page.input_value("input[name=signature]") == ""

    draw(page, box, [(30, 120), (80, 40), (120, 130), (170, 50), (230, 140), (300, 60)])
    draw(page, box, [(40, 150), (320, 150)])
    page.screenshot(path=tmp_path / "documents-signature-drawn.png", full_page=True)
    page.get_by_role("button", name="保存签名").click()
    page.wait_for_load_state()
    assert "签名已保存" in page.locator(".messages").inner_text()
    signature = Signature.objects.get(user=logged_in)
    assert signature.image.content_type == "image/png"
    current = page.locator("[data-testid=current-signature]")
    assert current.evaluate("img => img.complete && img.naturalWidth > 0")
    page.screenshot(path=tmp_path / "documents-signature-saved.png", full_page=True)
