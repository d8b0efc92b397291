"""Pages of the order chat (即时沟通): messages (new ones appear without a reload: htmx polls
the fragment), members with "+", invitations by share link + SMS code, my chats with unread
counts. Customers and staff members of the chat use the same pages."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.core.errors import DomainError
from portal.core.middleware import client_ip
from utility_flows.hv import chat
from utility_flows.hv.models import ChatMember


class MessageForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("消息"), max_length=chat.MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    file = forms.FileField(
        label=gettext_lazy("图片或文件"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )


class InviteForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("手机号码"), max_length=11)
    role = forms.ChoiceField(
        label=gettext_lazy("身份"),
        choices=[
            (ChatMember.Role.DESIGN, ChatMember.Role.DESIGN.label),
            (ChatMember.Role.CONSTRUCTION, ChatMember.Role.CONSTRUCTION.label),
            (ChatMember.Role.OTHER, ChatMember.Role.OTHER.label),
        ],
    )


class JoinForm(forms.Form):
    code = forms.RegexField(
        label=gettext_lazy("短信验证码"),
        regex=r"^\d{6}$",
        error_messages={"invalid": gettext_lazy("请输入6位数字验证码")},
    )


def _member(request, pk):
    try:
        return chat.member_of(user=request.user, order_pk=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return None


@login_required
def chats(request):
    """消息列表."""
    return render(request, "utility_flows/hv/chats.html", {"chats": list(chat.my_chats(user=request.user)[:200])})


@login_required
def room(request, pk: int, form=None, invite_form=None, status=200, invitation=None):
    member = _member(request, pk)
    if member is None:
        return redirect("utility_flows:hv_order", pk=pk)
    process = member.process
    rows = chat.messages_after(process)
    if rows:
        chat.mark_read(member, rows[-1].id)
    return render(
        request,
        "utility_flows/hv/chat.html",
        {
            "member": member,
            "process": process,
            "order": process.order,
            "messages_": rows,
            "members": chat.members(process),
            "form": form or MessageForm(),
            "invite_form": invite_form or InviteForm(),
            "invitation": invitation,
            "last_id": rows[-1].id if rows else 0,
        },
        status=status,
    )


@login_required
def poll(request, pk: int):
    """The messages after ``after`` (htmx polls this every few seconds)."""
    member = _member(request, pk)
    if member is None:
        return render(request, "utility_flows/hv/_messages.html", {"messages_": []}, status=404)
    try:
        after = int(request.GET.get("after", "0"))
    except ValueError:
        after = 0
    rows = chat.messages_after(member.process, after)
    if rows:
        chat.mark_read(member, rows[-1].id)
    response = render(
        request, "utility_flows/hv/_messages.html", {"messages_": rows, "member": member, "order": member.process.order}
    )
    if rows:
        response["X-Last-Id"] = str(rows[-1].id)
    return response


@login_required
@require_POST
def send(request, pk: int):
    member = _member(request, pk)
    if member is None:
        return redirect("utility_flows:hv_order", pk=pk)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            chat.post_message(member=member, text=form.cleaned_data["text"], upload=form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("utility_flows:hv_chat", pk=pk)
    return room(request, pk, form=form, status=400)


@login_required
@require_POST
def invite(request, pk: int):
    member = _member(request, pk)
    if member is None:
        return redirect("utility_flows:hv_order", pk=pk)
    form = InviteForm(request.POST)
    invitation = None
    if form.is_valid():
        try:
            invitation = chat.invite(member=member, phone=form.cleaned_data["phone"], role=form.cleaned_data["role"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            link = request.build_absolute_uri(reverse("utility_flows:hv_chat_join", args=[invitation.token]))
            messages.success(request, _("邀请已创建，请将链接分享给对方：%(link)s") % {"link": link})
            return room(request, pk, invitation=invitation)
    return room(request, pk, invite_form=form, status=400)


@login_required
def join(request, token: str):
    """The share link: the invited person sends an SMS code to the invited phone and enters it."""
    from portal.verification.models import Purpose
    from portal.verification.services import request_code_for

    invitation = chat.invite_for(token)
    form = JoinForm()
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "send":
            if request.user.phone != invitation.phone:
                messages.error(request, _("该邀请发给其他手机号码，请使用受邀手机号登录"))
            else:
                try:
                    request_code_for(purpose=Purpose.CHAT_INVITE, phone=None, user=request.user, ip=client_ip(request))
                except DomainError as exc:
                    messages.error(request, exc.message)
                else:
                    messages.success(request, _("验证码已发送"))
        else:
            form = JoinForm(request.POST)
            if form.is_valid():
                try:
                    chat.join(token=token, user=request.user, code=form.cleaned_data["code"])
                except DomainError as exc:
                    form.add_error("code" if exc.field in (None, "code") else None, exc.message)
                else:
                    messages.success(request, _("已加入群聊"))
                    return redirect("utility_flows:hv_chat", pk=invitation.process.order_id)
            status = 400
    from portal.core.masking import mask_phone

    return render(
        request,
        "utility_flows/hv/chat_join.html",
        {
            "invitation": invitation,
            "form": form,
            "masked": mask_phone(invitation.phone),
        },
        status=status,
    )
