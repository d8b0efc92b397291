"""Celery tasks of the applications app, found by Celery's autodiscovery (``<app>.tasks``).
The areas inside the app keep their tasks in their own modules; this module makes them known
to the worker without relying on an admin module importing them."""

from applications.accounts.tasks import notify_outage_watchers

__all__ = ["notify_outage_watchers"]
