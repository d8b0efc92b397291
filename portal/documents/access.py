"""Who may read a stored file (SPEC 8: every object is reachable only by the people it belongs to).

The platform knows the owner (a person, or an enterprise through its members) and staff who
hold ``documents.view_any_document``; other staff read what a rule lets them (the files of the
matters their role handles: issue 7). Business apps know more — an order's chat members may read
the files posted in that chat, the account manager of a work order may read its documents —
and tell the platform at start-up, from their ``AppConfig.ready()``::

    from portal.documents.access import register_access_rule

    def chat_members_read_chat_files(user, document) -> bool:
        return ChatAttachment.objects.filter(document=document, chat__members__user=user).exists()

    register_access_rule(chat_members_read_chat_files)

A rule answers True to allow; it never denies (any rule saying yes is enough). portal.* never
imports a business app, so this registry is the only way those rules reach the download view.
"""

from collections.abc import Callable

from django.db.models import Q

from portal.documents.models import Document

AccessRule = Callable[[object, Document], bool]

_rules: list[AccessRule] = []


def register_access_rule(rule: AccessRule) -> AccessRule:
    """Add a rule ``rule(user, document) -> bool``; usable as a decorator. Registering the
    same function twice (a reloaded module) keeps one copy."""
    if rule not in _rules:
        _rules.append(rule)
    return rule


def unregister_access_rule(rule: AccessRule) -> None:
    if rule in _rules:
        _rules.remove(rule)


def registered_access_rules() -> tuple[AccessRule, ...]:
    return tuple(_rules)


def is_member_of(user, enterprise_id: int) -> bool:
    from portal.accounts.models import EnterpriseMembership

    return EnterpriseMembership.objects.filter(user=user, enterprise_id=enterprise_id).exists()


def owns(user, document: Document) -> bool:
    """The person it belongs to, or someone who acts for the enterprise it belongs to."""
    if document.owner_user_id is not None and document.owner_user_id == user.pk:
        return True
    return document.owner_enterprise_id is not None and is_member_of(user, document.owner_enterprise_id)


def can_view(user, document: Document) -> bool:
    """May ``user`` read the file of ``document``? Callers answer 404 when not, so that a
    guessed id does not even reveal that the document exists."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if owns(user, document):
        return True
    if user.is_staff and user.has_perm("documents.view_any_document"):
        return True
    if user.is_staff and _reviews_power_of_attorney(user, document):
        return True
    return any(rule(user, document) for rule in _rules)


def _reviews_power_of_attorney(user, document: Document) -> bool:
    """Staff who review enterprise binding requests read the letters of attorney they review."""
    if document.owner_enterprise_id is None or not user.has_perm("accounts.change_membershiprequest"):
        return False
    from portal.accounts.models import MembershipRequest

    return MembershipRequest.objects.filter(power_of_attorney=document).exists()


def owned_by_q(user) -> Q:
    """The documents a person owns, as a filter usable in one query."""
    from portal.accounts.models import EnterpriseMembership

    return Q(owner_user=user) | Q(
        owner_enterprise__in=EnterpriseMembership.objects.filter(user=user).values("enterprise_id")
    )
