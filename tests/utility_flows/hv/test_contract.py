"""Signing the contract three ways (SPEC 4.2 stage 18) and electronic seals (SPEC 4.3)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from portal.accounts.models import EnterpriseMembership
from portal.core.errors import DomainError
from portal.signing import seals
from portal.signing.models import Seal
from tests.factories import EnterpriseFactory, VerifiedUserFactory, _small_png
from tests.utility_flows.hv.conftest import signature_data_url
from utility_flows.hv import services as hv
from utility_flows.hv.models import HVStage, PushedDocument

pytestmark = pytest.mark.django_db


def png_upload(data, name="seal.png"):
    return SimpleUploadedFile(name, data, content_type="image/png")


@pytest.fixture
def enterprise(hv_order):
    enterprise = EnterpriseFactory()
    EnterpriseMembership.objects.create(user=hv_order.customer, enterprise=enterprise, relation="legal_rep")
    return enterprise


@pytest.fixture
def contract_pushed(hv_order, manager, later, django_capture_on_commit_callbacks):
    """An order at stage 17 (contract pushed), design and mid marked not needed."""
    from tests.utility_flows.hv.test_machine import (
        DESIGN,
        completion_files,
        to_plan_signed,
    )

    process = hv_order.hv
    hv.mark_not_needed(process=process, by=manager, design=True, mid=True, reason="无")
    to_plan_signed(process, manager, later, django_capture_on_commit_callbacks)
    data = {**DESIGN, "construction_contact": "王工", "construction_phone": "13800000003", "basic_charge": "capacity"}
    hv.submit_stage(process=process, kind="completion", by=hv_order.customer, data=data, files=completion_files())
    with django_capture_on_commit_callbacks(execute=True):
        hv.advance(process=process, transition="pass_completion", by=manager)
    process.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        hv.sign_document(process=process, kind="completion", by=hv_order.customer, signature=signature_data_url())
    with django_capture_on_commit_callbacks(execute=True):
        hv.advance(process=process, transition="push_contract", by=manager)
    process.refresh_from_db()
    return process


def test_a_generated_seal_is_a_round_transparent_png(hv_order, enterprise):
    seal = seals.apply_seal(enterprise=enterprise, by=hv_order.customer)
    assert seal.kind == Seal.Kind.GENERATED and seal.name == "合同专用章"
    image = Image.open(seal.image.file)
    assert image.format == "PNG" and image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0  # transparent corner
    red = image.getpixel((200, 200))  # the star in the centre
    assert red[0] > 180 and red[1] < 80 and red[3] > 200


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"\xff\xd8\xff\xe0" + b"0" * 100, "印章图片须为 PNG 格式"),
        (None, "印章图片须为透明背景"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * (121 * 1024), "印章图片不能超过 120 KB"),
    ],
)
def test_uploaded_seals_must_be_small_transparent_pngs(hv_order, enterprise, data, reason):
    if data is None:
        data = _small_png()  # opaque white PNG
    with pytest.raises(DomainError) as refused:
        seals.apply_seal(enterprise=enterprise, by=hv_order.customer, upload=png_upload(data))
    assert reason in refused.value.message


def test_an_uploaded_transparent_png_is_accepted(hv_order, enterprise):
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    for x in range(50, 150):
        for y in range(50, 150):
            image.putpixel((x, y), (200, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    seal = seals.apply_seal(enterprise=enterprise, by=hv_order.customer, name="公章", upload=png_upload(out.getvalue()))
    assert seal.kind == Seal.Kind.UPLOADED


def test_only_the_legal_rep_or_an_agent_manages_seals(enterprise):
    with pytest.raises(DomainError) as refused:
        seals.apply_seal(enterprise=enterprise, by=VerifiedUserFactory())
    assert refused.value.code == "forbidden"


def test_sealing_is_a_preview_until_confirmed_and_a_cancelled_seal_cannot_be_used(
    client, hv_order, enterprise, contract_pushed, django_capture_on_commit_callbacks
):
    customer = hv_order.customer
    seal = seals.apply_seal(enterprise=enterprise, by=customer)
    preview = hv.preview_seal(process=contract_pushed, by=customer, seal_id=seal.pk, signature=signature_data_url())
    contract_pushed.refresh_from_db()
    assert contract_pushed.stage == HVStage.CONTRACT_PUSHED  # not binding yet
    with django_capture_on_commit_callbacks(execute=True):
        hv.confirm_seal(process=contract_pushed, by=customer, preview_id=preview.pk, ip="10.0.0.9")
    contract = PushedDocument.objects.get(process=contract_pushed, kind="contract")
    assert contract.signed_how == "seal" and contract.signed_id and contract.signed_sha256 == contract.signed.sha256
    text = "".join(p.extract_text() for p in PdfReader(contract.signed.file).pages)
    assert "高压供用电合同" in text
    seals.cancel_seal(seal=seal, by=customer, reason="更换")
    with pytest.raises(DomainError) as refused:
        seals.usable_seal(user=customer, pk=seal.pk)
    assert "已注销" in refused.value.message
    contract.refresh_from_db()
    assert contract.signed_id  # sealed before: still valid
    client.force_login(customer)
    assert client.get(reverse("documents:download", args=[contract.signed_id])).status_code == 200


def test_a_stamped_scan_is_reviewed_and_may_be_refused_with_a_reason(hv_order, manager, contract_pushed):
    customer = hv_order.customer
    hv.upload_contract_scan(
        process=contract_pushed,
        by=customer,
        upload=SimpleUploadedFile("scan.png", _small_png(), content_type="image/png"),
    )
    assert contract_pushed.stage == HVStage.CONTRACT_UPLOADED
    with pytest.raises(DomainError):
        hv.review_contract_scan(process=contract_pushed, by=manager, accept=False)  # no reason
    hv.review_contract_scan(process=contract_pushed, by=manager, accept=False, reason="公章不清晰")
    assert contract_pushed.stage == HVStage.CONTRACT_PUSHED
    assert contract_pushed.log.filter(name="refuse_contract_scan", reason="公章不清晰").exists()
    hv.upload_contract_scan(
        process=contract_pushed,
        by=customer,
        upload=SimpleUploadedFile("scan.png", _small_png(), content_type="image/png"),
    )
    pushed = hv.review_contract_scan(process=contract_pushed, by=manager, accept=True)
    assert contract_pushed.stage == HVStage.CONTRACT_SIGNED and pushed.signed_how == "scan"


def test_seal_pages(client, hv_order, enterprise):
    client.force_login(hv_order.customer)
    assert client.post(reverse("signing:seals"), {"enterprise": enterprise.pk, "name": ""}).status_code == 302
    seal = Seal.objects.get(enterprise=enterprise)
    page = client.get(reverse("signing:seals")).content.decode()
    assert "合同专用章" in page and "印章注销" in page
    client.force_login(VerifiedUserFactory())
    assert client.post(reverse("signing:seal_cancel", args=[seal.pk])).status_code == 404
