"""我的证照: the customer's documents and the upload form."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import EnterpriseMembership
from portal.documents.models import Document, DocumentType
from tests.documents.conftest import jpeg_bytes, pdf_bytes, png_bytes
from tests.factories import DocumentFactory, EnterpriseFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

URL = reverse("documents:mine")


@pytest.fixture
def customer(client):
    user = VerifiedUserFactory()
    client.force_login(user)
    return user


def form_data(**overrides):
    data = {
        "doc_type": DocumentType.objects.get(code="property_proof").pk,
        "issued_on": "2024-03-01",
        "expires_on": (timezone.localdate() + timedelta(days=400)).isoformat(),
        "file": SimpleUploadedFile("房产证.jpg", jpeg_bytes()),
    }
    data.update(overrides)
    return data


def test_the_page_lists_personal_and_enterprise_documents_with_validity(client, customer):
    today = timezone.localdate()
    DocumentFactory(owner_user=customer, expires_on=today - timedelta(days=1))
    DocumentFactory(
        owner_user=customer,
        doc_type=DocumentType.objects.get(code="power_of_attorney"),
        expires_on=today + timedelta(days=10),
    )
    enterprise = EnterpriseFactory(name="青海高原制造有限公司")
    EnterpriseMembership.objects.create(user=customer, enterprise=enterprise, relation="legal_rep")
    licence = DocumentFactory(
        owner_user=None, owner_enterprise=enterprise, doc_type=DocumentType.objects.get(code="business_licence")
    )
    someone_elses = DocumentFactory(doc_type=DocumentType.objects.get(code="id_card_front"))

    page = client.get(URL).content.decode()
    assert "已过期" in page and "即将到期" in page and "长期有效" in page
    assert "营业执照" in page and "青海高原制造有限公司" in page
    assert reverse("documents:download", args=[licence.pk]) in page
    assert reverse("documents:preview", args=[licence.pk]) in page
    assert reverse("documents:download", args=[someone_elses.pk]) not in page
    assert "身份证人像面" not in page.split('id="upload"')[0]


def test_uploading_a_photo_adds_it_to_the_list(client, customer):
    response = client.post(URL, form_data())
    assert response.status_code == 302
    document = Document.objects.get(owner_user=customer)
    assert document.doc_type.code == "property_proof"
    assert document.issued_on.isoformat() == "2024-03-01"
    assert document.original_name == "房产证.jpg"
    page = client.get(URL).content.decode()
    assert "已上传：产权证明" in page
    assert reverse("documents:download", args=[document.pk]) in page


def test_an_enterprise_licence_is_uploaded_for_the_chosen_enterprise(client, customer):
    enterprise = EnterpriseFactory()
    EnterpriseMembership.objects.create(user=customer, enterprise=enterprise, relation="agent")
    licence = DocumentType.objects.get(code="business_licence")
    response = client.post(URL, form_data(doc_type=licence.pk, owner_enterprise=enterprise.pk))
    assert response.status_code == 302
    document = Document.objects.get(doc_type=licence)
    assert document.owner_enterprise == enterprise and document.owner_user is None


def test_an_enterprise_licence_needs_an_enterprise(client, customer):
    response = client.post(URL, form_data(doc_type=DocumentType.objects.get(code="business_licence").pk))
    assert "营业执照属于企业，请先登记或绑定企业" in response.content.decode()
    assert not Document.objects.exists()


def test_another_persons_enterprise_cannot_be_chosen(client, customer):
    EnterpriseMembership.objects.create(user=customer, enterprise=EnterpriseFactory(), relation="agent")
    stranger = EnterpriseFactory()
    licence = DocumentType.objects.get(code="business_licence")
    response = client.post(URL, form_data(doc_type=licence.pk, owner_enterprise=stranger.pk))
    assert response.status_code == 200
    assert not Document.objects.exists()


def test_types_the_portal_generates_are_not_offered(client, customer):
    page = client.get(URL).content.decode()
    assert "手写签名" not in page and ">申请表<" not in page
    response = client.post(URL, form_data(doc_type=DocumentType.objects.get(code="signature").pk))
    assert response.status_code == 200
    assert not Document.objects.exists()


def assert_refused_on_the_file_field_keeping_the_rest(response, message):
    page = response.content.decode()
    assert response.status_code == 200
    file_field = page.split('id="field-file"')[1].split("</div>")[0]
    assert message in page.split('id="field-file"')[1]
    assert 'role="alert"' in page
    # The other fields keep what was entered.
    property_proof = DocumentType.objects.get(code="property_proof").pk
    assert f'<option value="{property_proof}" selected>' in page
    assert 'value="2024-03-01"' in page
    assert file_field  # the field is there to pick a new file
    assert not Document.objects.exists()


def test_a_renamed_exe_is_refused_on_the_file_field(client, customer):
    response = client.post(URL, form_data(file=SimpleUploadedFile("照片.jpg", b"MZ\x90\x00" + b"\x00" * 300)))
    assert_refused_on_the_file_field_keeping_the_rest(response, "只能上传 JPG、PNG 图片或 PDF 文件")


def test_an_oversize_file_is_refused_on_the_file_field(client, customer, settings):
    settings.UPLOAD_MAX_BYTES = 2048
    response = client.post(URL, form_data(file=SimpleUploadedFile("big.png", png_bytes() + b"\x00" * 4096)))
    assert_refused_on_the_file_field_keeping_the_rest(response, "文件不能超过 2.0 KB")


def test_a_truncated_png_is_refused_on_the_file_field(client, customer):
    response = client.post(URL, form_data(file=SimpleUploadedFile("cut.png", png_bytes((300, 200), "red")[:80])))
    assert_refused_on_the_file_field_keeping_the_rest(response, "图片文件已损坏或不完整")


def test_a_pdf_that_does_not_parse_is_refused_on_the_file_field(client, customer):
    response = client.post(URL, form_data(file=SimpleUploadedFile("scan.pdf", b"%PDF-1.7\n not really a pdf")))
    assert_refused_on_the_file_field_keeping_the_rest(response, "PDF 文件已损坏")


def test_a_real_pdf_is_accepted(client, customer):
    assert client.post(URL, form_data(file=SimpleUploadedFile("scan.pdf", pdf_bytes()))).status_code == 302
    assert Document.objects.get().content_type == "application/pdf"


def test_an_expired_certificate_is_refused_on_the_expiry_date(client, customer):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(URL, form_data(issued_on="2020-01-01", expires_on=yesterday))
    page = response.content.decode()
    assert "证件已过期" in page.split('id="field-expires_on"')[1].split('id="field-file"')[0]
    assert not Document.objects.exists()


def test_expiry_before_issue_is_refused(client, customer):
    response = client.post(URL, form_data(issued_on="2030-01-02", expires_on="2030-01-01"))
    assert "有效期至不能早于签发日期" in response.content.decode()


def test_a_missing_file_says_so(client, customer):
    data = form_data()
    del data["file"]
    assert "请选择要上传的文件" in client.post(URL, data).content.decode()


@pytest.mark.parametrize("rows", [10, 200])
def test_the_page_runs_a_fixed_number_of_queries(client, customer, rows, django_assert_max_num_queries):
    enterprise = EnterpriseFactory()
    EnterpriseMembership.objects.create(user=customer, enterprise=enterprise, relation="agent")
    DocumentFactory.create_batch(rows // 2, owner_user=customer)
    DocumentFactory.create_batch(
        rows - rows // 2,
        owner_user=None,
        owner_enterprise=enterprise,
        doc_type=DocumentType.objects.get(code="business_licence"),
    )
    # session, user, enterprises?, count, page, types, enterprises, session save (3), and one
    # for the header's unread count once notifications are merged.
    with django_assert_max_num_queries(11):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count("documents:download") == 0  # rendered URLs, not names
    assert response.content.decode().count("/download/") == min(rows, 20)
