"""Platform signals the business apps send and other apps listen to, so that no business app
imports another (ARCHITECTURE: dependencies point one way)."""

from django.dispatch import Signal

# Sent inside the transaction that completes a matter the customer can rate (一事一评): an
# application whose work order is archived, later a licence application that is decided.
# Receivers write in the same transaction, so a completed matter never lacks its review item.
# Pass names lazily (gettext_lazy): receivers store them in the site's language, whoever acted.
#
#   matter_completed.send(
#       sender=<the matter's model class>,
#       matter=<the model instance>,          # generic relation target
#       user=<the customer User who may rate it>,
#       kind="application" | "licence_application" | ...,
#       title=<str or lazy, what the customer calls it, e.g. "个人新装 202611260001">,
#       business=<str, business code or kind for statistics, e.g. "lv_resident_new">,
#       business_label=<str or lazy, the business's name, e.g. "个人新装">,
#       staff=<User | None, the account manager / reviewer who handled it>,
#       unit=<str, the responsible unit's name, e.g. the manager's supply centre, or "">,
#   )
matter_completed = Signal()
