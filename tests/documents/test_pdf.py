"""PDF rendering (SPEC 7): Chinese text, page numbers, embedded signatures, no outside fetches,
rendered in a Celery worker and kept as a Document."""

import io
import logging
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from portal.documents.models import Document, PdfRender, PdfRenderStatus
from portal.documents.pdf import BASE_URL, BlockedURL, PortalURLFetcher, render_pdf
from portal.documents.services import complete_render, request_pdf
from portal.documents.tasks import sweep_pending_pdfs
from portal.documents.templatetags.pdf import css_counters, data_uri
from portal.signing.services import save_signature
from tests.documents import pdf_callbacks
from tests.documents.conftest import signature_png
from tests.factories import VerifiedUserFactory

TEST_TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture
def test_templates(settings):
    templates = [dict(settings.TEMPLATES[0])]
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEST_TEMPLATES]
    settings.TEMPLATES = templates


def text_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def supply_plan_context(**extra) -> dict:
    return {
        "title": "供电方案答复单",
        "document_number": "GF-2026-000123",
        "issued_on": "2026年11月22日",
        "customer_name": "张伟",
        "address": "青海省西宁市城东区八一中路 8 号",
        "facts": [["供电电压", "10 kV"], ["受电容量", "800 kVA"]],
        "paragraphs": ["根据您的用电申请，经现场勘察，我公司拟定供电方案如下。"],
        **extra,
    }


@pytest.mark.django_db
def test_a_chinese_document_renders_with_its_text_page_numbers_and_signature():
    signer = VerifiedUserFactory(name="张伟")
    signature = save_signature(
        user=signer, data_url="data:image/png;base64," + __import__("base64").b64encode(signature_png()).decode()
    )

    pdf = render_pdf("pdf/example.html", supply_plan_context(signature=signature, signed_on="2026年11月23日"))

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    lines = [line.strip() for line in text.splitlines()]
    assert lines[:5] == [
        "供电方案答复单",
        "客户名称 张伟",
        "用电地址 青海省西宁市城东区八一中路 8 号",
        "供电电压 10 kV",
        "受电容量 800 kVA",
    ]
    assert "客户签字：" in lines
    # The running header and footer (left and right margin boxes share a line).
    assert "国网青海省电力公司 编号：GF-2026-000123" in lines
    assert "网上供电营业厅 · 出具日期：2026年11月22日 第 1 页 / 共 1 页" in lines
    assert reader.metadata.title == "供电方案答复单"
    # A4 in points.
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    # The signature is in the page, as the very picture that was saved.
    images = reader.pages[0].images
    assert len(images) == 1
    with signature.image.file.open("rb") as fh, Image.open(fh) as stored:
        assert images[0].image.size == stored.size


@pytest.mark.django_db
def test_long_documents_count_their_pages(test_templates):
    pages = text_of(render_pdf("pdf_tests/two_pages.html", {"title": "说明", "rows": range(120)}))
    assert len(pages) >= 2
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 / 共 {total} 页" in text
        assert "国网青海省电力公司" in text  # the header repeats on every page


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_the_renderer_fetches_nothing_outside_its_own_static_files(test_templates, local_server, caplog):
    caplog.set_level(logging.WARNING, logger="portal.documents.pdf")
    pdf = render_pdf("pdf_tests/hostile.html", {"title": "测试", "remote": local_server})

    # Rendering went on: the page and its text are there, without the refused pictures.
    assert "外部资源测试" in text_of(pdf)[0]
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 0
    # Not one request reached the server, and each refusal was logged.
    assert _Recorder.hits == []
    refused = " ".join(r.getMessage() for r in caplog.records if "refused" in r.getMessage())
    assert "http://example.com/x.png" in refused
    assert "file:///etc/passwd" in refused
    assert f"{local_server}/x.png" in refused
    assert f"{local_server}/evil.css" in refused
    assert "missing/nothing.png" in refused


def test_the_fetcher_serves_static_files_and_data_uris_only():
    fetcher = PortalURLFetcher()
    css = fetcher.fetch(f"{BASE_URL}static/css/portal.css")
    assert css.read() == (Path(django_settings.BASE_DIR) / "static/css/portal.css").read_bytes()
    assert css.content_type == "text/css"
    assert fetcher.fetch("data:text/plain;base64,5L6b55S1").read().decode() == "供电"
    for url in (
        "http://example.com/x.png",
        "file:///etc/passwd",
        "ftp://example.com/x",
        f"{BASE_URL}static/../portal/settings.py",
        f"{BASE_URL}static/%2e%2e/portal/settings.py",
        f"{BASE_URL}portal/settings.py",
        f"{BASE_URL}static/",
    ):
        with pytest.raises(BlockedURL):
            fetcher.fetch(url)


def test_page_labels_become_css_counters_in_any_language():
    assert css_counters("第 {page} 页 / 共 {pages} 页") == '"第 " counter(page) " 页 / 共 " counter(pages) " 页"'
    assert css_counters("Page {page} of {pages}") == '"Page " counter(page) " of " counter(pages)'
    assert css_counters('a"b</style>') == '"a\\"b\\3c /style>"'


@pytest.mark.django_db
def test_pictures_from_the_database_become_data_uris():
    signer = VerifiedUserFactory()
    png = signature_png()
    signature = save_signature(
        user=signer, data_url="data:image/png;base64," + __import__("base64").b64encode(png).decode()
    )
    from_signature = data_uri(signature)
    assert from_signature.startswith("data:image/png;base64,")
    assert from_signature == data_uri(signature.image) == data_uri(signature.image_id)
    assert data_uri(png).startswith("data:image/png;base64,")
    assert data_uri(None) == ""


@pytest.mark.django_db
def test_request_pdf_renders_in_the_worker_after_commit_and_keeps_the_document(django_capture_on_commit_callbacks):
    owner = VerifiedUserFactory(name="张伟")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        render = request_pdf(
            template_name="pdf/example.html",
            context=supply_plan_context(),
            doc_type="application_form",
            owner_user=owner,
            name="供电方案答复单",
        )
    # Nothing is rendered in the caller's request: only the row and an on-commit enqueue.
    assert render.status == PdfRenderStatus.PENDING and render.document is None
    assert not Document.objects.exists()
    assert len(callbacks) == 1

    callbacks[0]()  # the commit happens: the (eager) worker renders
    render.refresh_from_db()
    assert render.status == PdfRenderStatus.DONE
    document = render.document
    assert document.content_type == "application/pdf"
    assert document.owner_user == owner
    assert document.doc_type.code == "application_form"
    assert document.source == "generated"
    assert document.original_name == "供电方案答复单.pdf"
    with document.file.open("rb") as fh:
        assert "张伟" in text_of(fh.read())[0]


@pytest.mark.django_db
def test_the_caller_is_called_back_with_the_document_built_from_its_own_models(django_capture_on_commit_callbacks):
    pdf_callbacks.DONE.clear()
    owner = VerifiedUserFactory(name="王芳")
    with django_capture_on_commit_callbacks(execute=True):
        render = request_pdf(
            template_name="pdf/example.html",
            context={"user_id": owner.pk, "plan_number": "GF-7"},
            context_builder="tests.documents.pdf_callbacks.applicant_context",
            doc_type="application_form",
            owner_user=owner,
            name="供电方案答复单",
            on_done="tests.documents.pdf_callbacks.remember",
            on_done_kwargs={"order_id": 42},
        )
    render.refresh_from_db()
    assert pdf_callbacks.DONE == [(render.pk, render.document_id, {"order_id": 42})]
    with render.document.file.open("rb") as fh:
        text = text_of(fh.read())[0]
    assert "王芳" in text and "GF-7" in text


@pytest.mark.django_db
def test_a_typo_in_a_callback_path_fails_in_the_caller_not_later_in_a_worker():
    with pytest.raises(ImportError):
        request_pdf(
            template_name="pdf/example.html",
            doc_type="application_form",
            owner_user=VerifiedUserFactory(),
            name="x",
            on_done="tests.documents.pdf_callbacks.no_such_function",
        )
    assert not PdfRender.objects.exists()


@pytest.mark.django_db
def test_a_render_delivered_twice_stores_one_document(django_capture_on_commit_callbacks):
    owner = VerifiedUserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        render = request_pdf(
            template_name="pdf/example.html",
            context=supply_plan_context(),
            doc_type="application_form",
            owner_user=owner,
            name="答复单",
        )
    first = Document.objects.get()
    assert complete_render(render_id=render.pk) == first
    assert Document.objects.count() == 1


@pytest.mark.django_db
def test_a_render_that_keeps_failing_is_marked_failed_with_its_error(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        render = request_pdf(
            template_name="pdf/example.html",
            context={},
            context_builder="tests.documents.pdf_callbacks.broken_context",
            doc_type="application_form",
            owner_user=VerifiedUserFactory(),
            name="x",
        )
    render.refresh_from_db()
    assert render.status == PdfRenderStatus.FAILED
    assert "the order this PDF was for is gone" in render.last_error
    assert render.attempts == 4  # the first try and three retries
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_renders_lost_on_the_way_are_sent_again_by_the_sweeper():
    owner = VerifiedUserFactory()
    # Requested while the broker was down: the row committed, the enqueue never happened.
    lost = request_pdf(
        template_name="pdf/example.html",
        context=supply_plan_context(),
        doc_type="application_form",
        owner_user=owner,
        name="答复单",
    )
    fresh = request_pdf(
        template_name="pdf/example.html",
        context=supply_plan_context(),
        doc_type="application_form",
        owner_user=owner,
        name="答复单",
    )
    PdfRender.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(minutes=11))

    assert sweep_pending_pdfs() == 1
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == PdfRenderStatus.DONE and lost.document is not None
    assert fresh.status == PdfRenderStatus.PENDING  # its own enqueue is still on the way


@pytest.mark.django_db
def test_a_process_that_renders_pdfs_still_refuses_truncated_uploads():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import ImageFile

    from portal.core.errors import DomainError
    from portal.documents.services import store_upload
    from tests.documents.conftest import png_bytes

    render_pdf("pdf/example.html", supply_plan_context())
    ImageFile.LOAD_TRUNCATED_IMAGES = True  # what importing WeasyPrint does to Pillow
    user = VerifiedUserFactory()
    with pytest.raises(DomainError) as refused:
        store_upload(
            upload=SimpleUploadedFile("cut.png", png_bytes((300, 200), "red")[:80]),
            doc_type="property_proof",
            uploaded_by=user,
            owner_user=user,
        )
    assert refused.value.code == "bad_image"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


@pytest.mark.django_db
def test_a_failing_callback_leaves_neither_a_document_nor_a_file(django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks(execute=True):
        render = request_pdf(
            template_name="pdf/example.html",
            context=supply_plan_context(),
            doc_type="application_form",
            owner_user=VerifiedUserFactory(),
            name="答复单",
            on_done="tests.documents.pdf_callbacks.failing_callback",
        )
    render.refresh_from_db()
    assert render.status == PdfRenderStatus.FAILED
    assert "the work order could not be updated" in render.last_error
    assert not Document.objects.exists()
    private = Path(settings.PRIVATE_MEDIA_ROOT)
    assert not [p for p in private.rglob("*") if p.is_file()]
