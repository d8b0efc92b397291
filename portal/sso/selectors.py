from django.db.models import QuerySet

from portal.sso.models import Consent


def active_consents_of(*, user) -> QuerySet[Consent]:
    """The user's consents still in force, newest first."""
    return Consent.objects.filter(user=user, withdrawn_at__isnull=True).order_by("-granted_at")
