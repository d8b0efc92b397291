"""The event registry: every kind of notification the portal can send, declared once.

A business app declares its events from its ``AppConfig.ready()``::

    from portal.notifications.registry import Channel, register_event

    register_event(
        "application.accepted",
        label=_("申请已受理"),
        title=_("您的申请已受理"),
        body=_("申请编号 {number} 已受理，客户经理将在 {days} 个工作日内与您联系。"),
        link="applications:detail",            # a URL name, reversed with link_kwargs from the context
        link_kwargs=("number",),
        channels=[Channel.SMS],                 # on by default besides the inbox
    )

Titles and bodies are Chinese msgids with ``{placeholders}`` filled from the context passed to
``notify()``. Nothing here imports a business app: they come to us.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

logger = logging.getLogger(__name__)


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内信")
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")


# Channels a user can switch; the inbox is always on.
SWITCHABLE_CHANNELS: tuple[str, ...] = (Channel.SMS, Channel.EMAIL)

LinkSpec = str | Callable[[Mapping[str, Any]], str | None] | None


class UnknownEvent(LookupError):
    """notify() was called with an event code nobody registered: a programming error."""


class MissingContext(KeyError):
    """A title, body or link needs a context key the caller did not pass."""


@dataclass(frozen=True)
class EventKind:
    code: str
    label: str | Promise
    title: str | Promise
    body: str | Promise
    link: LinkSpec = None
    link_kwargs: tuple[str, ...] = ()
    default_channels: frozenset[str] = field(default_factory=frozenset)
    description: str | Promise = ""

    def default_enabled(self, channel: str) -> bool:
        return channel == Channel.IN_APP or channel in self.default_channels

    def _format(self, template: str | Promise, context: Mapping[str, Any]) -> str:
        try:
            return str(template).format_map(context)
        except KeyError as exc:
            raise MissingContext(f"event {self.code!r} needs context key {exc.args[0]!r}") from None

    def render(self, context: Mapping[str, Any]) -> tuple[str, str, str]:
        """(title, body, link) for this context.

        Rendered in the site's language (Chinese), not the active one: the event is often
        raised by a member of staff in the admin, whose language says nothing about the reader's.
        """
        with override(settings.LANGUAGE_CODE):
            return self._format(self.title, context), self._format(self.body, context), self._link(context)

    def _link(self, context: Mapping[str, Any]) -> str:
        if context.get("link"):
            return str(context["link"])
        if self.link is None:
            return ""
        if callable(self.link):
            return self.link(context) or ""
        try:
            kwargs = {k: context[k] for k in self.link_kwargs}
        except KeyError as exc:
            raise MissingContext(f"event {self.code!r} needs context key {exc.args[0]!r} for its link") from None
        try:
            return reverse(self.link, kwargs=kwargs)
        except NoReverseMatch:
            # A broken link must not roll back the business change that raised the event.
            logger.error("Notification event %s: link %s cannot be reversed", self.code, self.link)
            return ""


_registry: dict[str, EventKind] = {}


def register_event(
    code: str,
    *,
    label: str | Promise,
    title: str | Promise,
    body: str | Promise,
    link: LinkSpec = None,
    link_kwargs: Iterable[str] = (),
    channels: Iterable[str] = (),
    description: str | Promise = "",
) -> EventKind:
    """Declare an event kind. ``channels`` are the extra channels (SMS, e-mail) that are on
    for a user who has not chosen; the inbox always is. Registering the same code twice with
    a different declaration is a configuration error."""
    channels = frozenset(str(c) for c in channels)
    unknown = channels - set(SWITCHABLE_CHANNELS)
    if unknown:
        raise ImproperlyConfigured(f"event {code!r}: unknown channel(s) {sorted(unknown)}")
    if "." not in code or len(code) > 100:
        raise ImproperlyConfigured(f"event code {code!r} must be dotted, like 'account.registered'")
    kind = EventKind(
        code=code,
        label=label,
        title=title,
        body=body,
        link=link,
        link_kwargs=tuple(link_kwargs),
        default_channels=channels,
        description=description,
    )
    existing = _registry.get(code)
    if existing is not None and existing != kind:
        raise ImproperlyConfigured(f"notification event {code!r} is already registered differently")
    _registry[code] = kind
    return kind


def unregister_event(code: str) -> None:
    """For tests that declare an event of their own."""
    _registry.pop(code, None)


def get_event(code: str) -> EventKind:
    try:
        return _registry[code]
    except KeyError:
        raise UnknownEvent(f"notification event {code!r} is not registered") from None


def all_events() -> list[EventKind]:
    """In registration order: the platform's events first, then each business app's."""
    return list(_registry.values())


def event_label(code: str) -> str:
    kind = _registry.get(code)
    return str(kind.label) if kind else code


def event_choices() -> list[tuple[str, str]]:
    return [(kind.code, str(kind.label)) for kind in _registry.values()]
