"""Who may read the HV e-assistant's files besides their owner (see portal.documents.access)."""

from django.db.models import Q

from portal.documents.access import register_access_rule


@register_access_rule
def customers_see_their_managers_photo(user, document) -> bool:
    """The account manager's photo is shown on the card of the customer's HV order."""
    from utility_flows.models import WorkOrder

    return WorkOrder.objects.filter(customer=user, assignee__staff_profile__photo=document).exists()


@register_access_rule
def handlers_see_hv_files(user, document) -> bool:
    """Account managers read the files of the HV orders they handle (submissions, pushed and
    signed documents)."""
    from utility_flows.hv.models import PushedDocument, SubmissionFile

    if not user.is_staff:
        return False
    return (
        SubmissionFile.objects.filter(document=document, submission__process__order__assignee=user).exists()
        or PushedDocument.objects.filter(
            Q(unsigned=document) | Q(signed=document), process__order__assignee=user
        ).exists()
    )


@register_access_rule
def chat_members_read_chat_files(user, document) -> bool:
    from utility_flows.hv.models import ChatMember, ChatMessage

    return ChatMessage.objects.filter(
        document=document, process__in=ChatMember.objects.filter(user=user).values("process")
    ).exists()
