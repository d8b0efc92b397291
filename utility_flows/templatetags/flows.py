from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.filter
def download_url(document) -> str:
    """Where a stored document is read (``documents:download``, which checks who may read it).
    Empty while the documents pages are not installed, so a page never breaks on a link."""
    if document is None:
        return ""
    try:
        return reverse("documents:download", args=[document.pk])
    except NoReverseMatch:
        return ""


_STATE_BADGES = {
    "draft": "grey",
    "submitted": "",
    "returned": "warn",
    "accepted": "",
    "rejected": "danger",
    "withdrawn": "grey",
    "completed": "ok",
}


@register.filter
def state_badge(application) -> str:
    """The badge colour of an application's state on the customer pages."""
    return _STATE_BADGES.get(application.state, "")
