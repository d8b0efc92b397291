"""The order chat of an HV order (即时沟通, SPEC 4.4, seed 001 part 2).

Opens once the survey is dispatched (stage 5) for an application that chose 安装变压器 (seed:
without it no chat group can be started). Members: the customer and the account manager from
the start, design / construction contacts by invitation: a share link (or "+" with a phone),
opened by the person holding that phone, confirmed with an SMS code to it. Only members read
the chat, its files and its messages. Members who are away are notified once per absence."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.requirements import merged_answers
from portal.core.errors import DomainError
from portal.core.masking import mask_phone
from portal.notifications.services import notify
from utility_flows.hv.models import ChatInvite, ChatMember, ChatMessage, HVProcess

AWAY_AFTER = timedelta(minutes=2)
MAX_TEXT = 2000


def _transformer(application) -> str:
    answer = merged_answers(application).get("transformer")
    if answer is None:  # answers kept under another step key (imported or older drafts)
        for group in (application.data or {}).get("answers", {}).values():
            if isinstance(group, dict) and "transformer" in group:
                return group["transformer"]
    return answer or ""


def chat_open(process: HVProcess) -> bool:
    return process.number >= 5 and _transformer(process.order.application) == "yes"


def why_closed(process: HVProcess) -> str:
    if _transformer(process.order.application) != "yes":
        return _("申请时未选择安装变压器，不能发起群聊")
    return _("勘察派工后即可使用即时沟通")


def _ensure_core_members(process: HVProcess) -> None:
    order = process.order
    ChatMember.objects.get_or_create(
        process=process, user_id=order.customer_id, defaults={"role": ChatMember.Role.CUSTOMER}
    )
    if order.assignee_id:
        ChatMember.objects.get_or_create(
            process=process, user_id=order.assignee_id, defaults={"role": ChatMember.Role.MANAGER}
        )


def member_of(*, user, order_pk: int) -> ChatMember:
    """The user's membership of the order's chat, or 404 (a non-member learns nothing)."""
    process = (
        HVProcess.objects.select_related("order__application", "order__customer").filter(order_id=order_pk).first()
    )
    if process is None or not user.is_authenticated:
        raise Http404
    order = process.order
    if user.pk in (order.customer_id, order.assignee_id) and chat_open(process):
        _ensure_core_members(process)
    member = ChatMember.objects.select_related("process__order").filter(process=process, user=user).first()
    if member is None:
        if user.pk == order.customer_id:
            raise DomainError(why_closed(process), code="chat_closed")
        raise Http404
    return member


def my_chats(*, user):
    """消息列表: my chats with their unread counts, in one query."""
    unread = (
        ChatMessage.objects.filter(process=OuterRef("process"), id__gt=OuterRef("last_read_id"))
        .exclude(author=user)
        .order_by()
        .values("process")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        ChatMember.objects.filter(user=user)
        .select_related("process__order")
        .annotate(unread=Subquery(unread))
        .order_by("-process__order__accepted_at")
    )


def members(process: HVProcess):
    return list(process.members.select_related("user").order_by("joined_at", "id"))


def messages_after(process: HVProcess, after: int = 0, limit: int = 200):
    qs = process.messages.filter(id__gt=after).select_related("author", "document").order_by("-id")[:limit]
    return list(reversed(list(qs)))


def mark_read(member: ChatMember, up_to: int) -> None:
    ChatMember.objects.filter(pk=member.pk).update(
        last_read_id=max(member.last_read_id, up_to), last_seen_at=timezone.now()
    )


def unread_count(member: ChatMember) -> int:
    return member.process.messages.filter(id__gt=member.last_read_id).exclude(author_id=member.user_id).count()


def post_message(*, member: ChatMember, text: str = "", upload=None) -> ChatMessage:
    """Text, an image or a file (checked by content). Members away get one notice."""
    from portal.documents.services import store_upload

    text = (text or "").strip()
    if not text and upload is None:
        raise DomainError(_("请输入消息内容或选择文件"), code="empty", field="text")
    if len(text) > MAX_TEXT:
        raise DomainError(_("消息不能超过 %(n)s 字") % {"n": MAX_TEXT}, code="too_long", field="text")
    process = member.process
    with transaction.atomic():
        document = None
        if upload is not None:
            document = store_upload(
                upload=upload, doc_type="hv_submission", uploaded_by=member.user, owner_user=member.user, field="file"
            )
        message = ChatMessage.objects.create(process=process, author=member.user, text=text, document=document)
        mark_read(member, message.id)
        cutoff = timezone.now() - AWAY_AFTER
        away = (
            ChatMember.objects.filter(process=process)
            .exclude(pk=member.pk)
            .filter(Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=cutoff))
            .filter(Q(notified_at__isnull=True) | Q(last_seen_at__isnull=False, notified_at__lt=F("last_seen_at")))
            .select_related("user")
        )
        for other in away:
            notify(
                other.user,
                "hv.chat_message",
                {
                    "pk": process.order_id,
                    "number": process.order.number or "",
                    "author": member.user.name,
                    "text": (text or _("[文件]"))[:40],
                },
            )
            ChatMember.objects.filter(pk=other.pk).update(notified_at=timezone.now())
    return message


def invite(*, member: ChatMember, phone: str, role: str = ChatMember.Role.OTHER) -> ChatInvite:
    """ "+" in the member list: an invitation for one phone; the link is shared with that person."""
    from django.contrib.auth import get_user_model

    from portal.accounts.validators import MAINLAND_MOBILE

    phone = (phone or "").strip()
    if not MAINLAND_MOBILE.match(phone):
        raise DomainError(_("请输入正确的11位手机号码"), code="invalid_phone", field="phone")
    if role not in ChatMember.Role.values or role in (ChatMember.Role.CUSTOMER, ChatMember.Role.MANAGER):
        role = ChatMember.Role.OTHER
    process = member.process
    if ChatMember.objects.filter(process=process, user__phone=phone).exists():
        raise DomainError(_("该手机号码已在群聊中"), code="already_member", field="phone")
    with transaction.atomic():
        invitation = ChatInvite.objects.create(
            process=process, phone=phone, role=role, token=secrets.token_urlsafe(24), created_by=member.user
        )
        invitee = get_user_model().objects.filter(phone=phone, is_active=True).first()
        if invitee is not None:
            notify(
                invitee,
                "hv.chat_invite",
                {"token": invitation.token, "number": process.order.number or "", "inviter": member.user.name},
            )
    return invitation


def invite_for(token: str) -> ChatInvite:
    invitation = ChatInvite.objects.select_related("process__order").filter(token=token).first()
    if invitation is None:
        raise Http404
    return invitation


def join(*, token: str, user, code: str) -> ChatMember:
    """The invited person, logged in with the invited phone, confirms with the SMS code."""
    from portal.verification.models import Purpose
    from portal.verification.services import check_code, consume_code

    invitation = invite_for(token)
    if invitation.accepted_at is not None:
        raise DomainError(_("该邀请已使用"), code="used")
    if user.phone != invitation.phone:
        raise DomainError(
            _("该邀请发给 %(phone)s，请使用该手机号码登录后加入") % {"phone": mask_phone(invitation.phone)},
            code="wrong_phone",
        )
    sms = check_code(phone=user.phone, purpose=Purpose.CHAT_INVITE, code=code)
    with transaction.atomic():
        consume_code(sms)
        updated = ChatInvite.objects.filter(pk=invitation.pk, accepted_at=None).update(accepted_at=timezone.now())
        if not updated:
            raise DomainError(_("该邀请已使用"), code="used")
        member, _created = ChatMember.objects.get_or_create(
            process=invitation.process, user=user, defaults={"role": invitation.role}
        )
    return member


def invite_contact(*, process: HVProcess, phone: str, role: str, by) -> ChatInvite | None:
    """Seed 001 FAQ 6: the design / construction contact typed in a stage submission gets an
    invitation to the chat (a share link the customer passes on; the contact confirms with an
    SMS code). Nothing when that phone is already a member or already invited."""
    from django.contrib.auth import get_user_model

    phone = (phone or "").strip()
    if not phone or ChatMember.objects.filter(process=process, user__phone=phone).exists():
        return None
    if ChatInvite.objects.filter(process=process, phone=phone, accepted_at=None).exists():
        return None
    invitation = ChatInvite.objects.create(
        process=process, phone=phone, role=role, token=secrets.token_urlsafe(24), created_by=by
    )
    invitee = get_user_model().objects.filter(phone=phone, is_active=True).first()
    if invitee is not None:
        notify(
            invitee,
            "hv.chat_invite",
            {"token": invitation.token, "number": process.order.number or "", "inviter": by.name},
        )
    return invitation


def pending_invites(process: HVProcess):
    return list(process.invites.filter(accepted_at=None).order_by("created_at"))
