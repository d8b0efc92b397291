"""PDF rendering (SPEC 7) with WeasyPrint. Call it only from Celery tasks, never in a request:
a page takes about a second and 150–200 MB (see ``portal.documents.tasks``).

Templates extend ``pdf/base.html`` (A4, the utility's name in the header, "第 X 页 / 共 Y 页" in
the footer, a CJK font). Pictures from the database (signatures, seals) go into the page as
``data:`` URIs with the ``data_uri`` filter of ``{% load pdf %}``; the renderer fetches nothing
but the portal's own static files and data URIs, so a template fed with customer text can never
make the worker call out to the network or read a file from its disk.
"""

import logging
import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from portal.documents.services import strict_image_loading

# WeasyPrint's import switched Pillow to accept truncated images process-wide; switch it back
# so the upload checks of a process that renders PDFs stay strict.
strict_image_loading()

logger = logging.getLogger(__name__)

# Relative links in a PDF template resolve against this made-up origin, which only the fetcher
# below understands; it never reaches a network.
BASE_URL = "https://pdf-assets.invalid/"

# A font or picture bigger than this is not one of ours.
MAX_ASSET_BYTES = 20 * 1024 * 1024


class BlockedURL(ValueError):
    pass


def _static_path(name: str) -> Path | None:
    """The file behind a static name: the collected copy in STATIC_ROOT (hashed names in
    production), else the one the staticfiles finders know (development and tests)."""
    name = posixpath.normpath(unquote(name)).lstrip("/")
    if name.startswith("..") or "\x00" in name:
        return None
    try:
        if staticfiles_storage.exists(name):
            return Path(staticfiles_storage.path(name))
    except (NotImplementedError, ValueError, OSError):  # a remote storage, a suspicious name
        pass
    try:
        found = finders.find(name)
    except Exception:  # SuspiciousFileOperation for names that climb out of a static folder
        return None
    return Path(found) if found else None


def static_name(url: str) -> str | None:
    """The static file name a URL points at, if it points into the portal's static files."""
    static_url = settings.STATIC_URL or "/static/"
    parts = urlsplit(url)
    if url.startswith(BASE_URL):
        path = parts.path
        prefix = static_url if static_url.startswith("/") else urlsplit(static_url).path
    elif static_url.startswith(("http://", "https://")) and url.startswith(static_url):
        path, prefix = parts.path, urlsplit(static_url).path
    else:
        return None
    if not path.startswith(prefix):
        return None
    return path[len(prefix) :]


class PortalURLFetcher(URLFetcher):
    """Serves ``data:`` URIs and the portal's own static files; refuses everything else
    (http(s) elsewhere, file:, ftp:...). A refusal is logged and WeasyPrint leaves the picture
    or stylesheet out and goes on rendering."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)  # decoded in memory by urllib's DataHandler
        name = static_name(url)
        path = _static_path(name) if name else None
        if path is None or not path.is_file():
            logger.warning("PDF renderer refused to fetch %s", url[:200])
            raise BlockedURL(f"only the portal's own static files may be used in a PDF: {url[:200]}")
        if path.stat().st_size > MAX_ASSET_BYTES:
            logger.warning("PDF renderer refused an oversized asset %s", name)
            raise BlockedURL(f"asset too large: {name}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def render_html(template_name: str, context: dict | None = None) -> str:
    context = {"UTILITY_NAME": settings.UTILITY_NAME, "PORTAL_NAME": "网上供电营业厅", **(context or {})}
    # Documents are issued in Chinese whatever the language of the request that asked for them.
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(template_name, context)


def render_pdf(template_name: str, context: dict | None = None) -> bytes:
    """Render a template that extends ``pdf/base.html`` to PDF bytes."""
    html = render_html(template_name, context)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=PortalURLFetcher(timeout=5)).write_pdf()
