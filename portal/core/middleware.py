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
