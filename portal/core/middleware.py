"""Makes the current request's client IP and user available to services (audit, rate limits)
without threading the request through every call."""

from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest

_current_request: ContextVar[HttpRequest | None] = ContextVar("current_request", default=None)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or the entry added by our own trusted proxies."""
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def current_request() -> HttpRequest | None:
    return _current_request.get()


def current_ip() -> str | None:
    return client_ip(_current_request.get())


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


class RefuseNulMiddleware:
    """Refuse, with 400, any request whose path, query, cookies, form fields, file names or JSON
    body carry a NUL character: PostgreSQL cannot store it (a 500 otherwise) and no user types it.
    One place for every page and API endpoint; file contents are not text and are not looked at."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _texts(querydict) -> list[str]:
        return [*querydict.keys(), *(v for values in querydict.lists() for v in values[1])]

    def _has_nul(self, request) -> bool:
        texts = [request.path, request.META.get("QUERY_STRING", ""), *request.COOKIES.keys(), *request.COOKIES.values()]
        texts += self._texts(request.GET)
        if any("\x00" in t for t in texts):
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return False
        if content_type.startswith("application/json") or content_type.endswith("+json"):
            try:
                body = request.body
            except Exception:  # too large etc.: Django's own checks answer that
                return False
            return b"\x00" in body or b"\\u0000" in body.lower()
        if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            try:
                texts = self._texts(request.POST) + [f.name or "" for files in request.FILES.lists() for f in files[1]]
            except Exception:  # a malformed body: the view's parser answers it
                return False
            return any("\x00" in t for t in texts)
        return False

    @staticmethod
    def _refuse(request):
        from django.http import HttpResponseBadRequest, JsonResponse
        from django.utils.translation import gettext as _

        message = _("输入中含有不允许的控制字符（NUL），请删除后重试")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "code": "nul_character"}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
