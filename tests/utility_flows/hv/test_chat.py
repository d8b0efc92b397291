"""The order chat (SPEC 4.4): members, invitations by link + SMS code, messages, unread counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.notifications.models import Notification
from tests.factories import ApplicationFactory, VerifiedUserFactory, _small_png
from utility_flows import services as order_services
from utility_flows.hv import chat
from utility_flows.hv import services as hv
from utility_flows.hv.models import ChatMember

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatched(hv_order, manager, later):
    process = hv_order.hv
    hv.take(process=process, by=manager, expected_visit_at=later)
    hv.book_survey(process=process, by=hv_order.customer, survey_at=later)
    hv.advance(process=process, transition="dispatch_survey", by=manager)
    return hv_order


def test_the_chat_opens_only_after_dispatch(client, hv_order, manager, later):
    client.force_login(hv_order.customer)
    response = client.get(reverse("utility_flows:hv_chat", args=[hv_order.pk]), follow=True)
    assert "勘察派工后即可使用即时沟通" in response.content.decode()


def test_no_transformer_no_chat(client, manager):
    order = order_services.accept_application(
        application=ApplicationFactory(business_code="hv_new", capacity=400, extra_answers={"transformer": "no"}),
        by=manager,
    )
    type(order.hv).objects.filter(pk=order.hv.pk).update(stage="surveyed")
    client.force_login(order.customer)
    response = client.get(reverse("utility_flows:hv_chat", args=[order.pk]), follow=True)
    assert "申请时未选择安装变压器，不能发起群聊" in response.content.decode()


def test_members_talk_unread_counts_and_away_members_are_notified(client, dispatched, manager):
    client.force_login(dispatched.customer)
    assert client.get(reverse("utility_flows:hv_chat", args=[dispatched.pk])).status_code == 200
    client.post(reverse("utility_flows:hv_chat_send", args=[dispatched.pk]), {"text": "请问何时上门？"})
    assert Notification.objects.filter(user=manager, event="hv.chat_message").count() == 1
    client.post(
        reverse("utility_flows:hv_chat_send", args=[dispatched.pk]),
        {"text": "", "file": SimpleUploadedFile("site.png", _small_png(), content_type="image/png")},
    )
    # still away: one notice per absence, not one per message
    assert Notification.objects.filter(user=manager, event="hv.chat_message").count() == 1
    client.force_login(manager)
    page = client.get(reverse("utility_flows:hv_chats")).content.decode()
    assert 'data-testid="unread">2 条未读' in page
    room = client.get(reverse("utility_flows:hv_chat", args=[dispatched.pk])).content.decode()
    assert "请问何时上门？" in room
    assert 'data-testid="unread"' not in client.get(reverse("utility_flows:hv_chats")).content.decode()
    image = dispatched.hv.messages.exclude(document=None).get().document
    assert client.get(reverse("documents:preview", args=[image.pk])).status_code == 200
    empty = client.post(reverse("utility_flows:hv_chat_send", args=[dispatched.pk]), {"text": " "})
    assert empty.status_code == 400 and "请输入消息内容或选择文件" in empty.content.decode()


def test_new_messages_are_polled_after_the_last_seen_id(client, dispatched, manager):
    member = chat.member_of(user=dispatched.customer, order_pk=dispatched.pk)
    first = chat.post_message(member=member, text="一")
    chat.post_message(member=member, text="二")
    client.force_login(manager)
    response = client.get(reverse("utility_flows:hv_chat_poll", args=[dispatched.pk]) + f"?after={first.id}")
    html = response.content.decode()
    assert "二" in html and "一</p>" not in html and response["X-Last-Id"]


def test_outsiders_cannot_read_the_chat_or_its_files(client, dispatched):
    member = chat.member_of(user=dispatched.customer, order_pk=dispatched.pk)
    message = chat.post_message(
        member=member, upload=SimpleUploadedFile("a.png", _small_png(), content_type="image/png")
    )
    client.force_login(VerifiedUserFactory())
    for name in ("hv_chat", "hv_chat_poll"):
        assert client.get(reverse(f"utility_flows:{name}", args=[dispatched.pk])).status_code == 404
    assert client.post(reverse("utility_flows:hv_chat_send", args=[dispatched.pk]), {"text": "x"}).status_code == 404
    assert client.get(reverse("documents:preview", args=[message.document_id])).status_code == 404


def test_an_invited_contact_joins_with_the_sms_code_to_the_invited_phone(client, dispatched, send_code):
    member = chat.member_of(user=dispatched.customer, order_pk=dispatched.pk)
    designer = VerifiedUserFactory(name="设计李工")
    invitation = chat.invite(member=member, phone=designer.phone, role=ChatMember.Role.DESIGN)
    assert Notification.objects.filter(user=designer, event="hv.chat_invite").exists()
    # someone else holding the link cannot use it
    stranger = VerifiedUserFactory()
    client.force_login(stranger)
    url = reverse("utility_flows:hv_chat_join", args=[invitation.token])
    refused = client.post(url, {"code": "123456"})
    assert refused.status_code == 400 and "请使用该手机号码登录后加入" in refused.content.decode()
    client.force_login(designer)
    wrong = client.post(url, {"code": "000000"})
    assert wrong.status_code == 400
    code = send_code(designer.phone, "chat_invite")
    assert client.post(url, {"code": code}).status_code == 302
    assert ChatMember.objects.filter(process=dispatched.hv, user=designer, role="design").exists()
    assert client.get(reverse("utility_flows:hv_chat", args=[dispatched.pk])).status_code == 200


def test_chat_list_runs_a_fixed_number_of_queries(client, manager, later, django_assert_max_num_queries):
    customer = VerifiedUserFactory()
    for n in (10, 60):
        while ChatMember.objects.filter(user=customer).count() < n:
            order = order_services.accept_application(
                application=ApplicationFactory(
                    business_code="hv_new", capacity=400, applicant=customer, extra_answers={"transformer": "yes"}
                ),
                by=manager,
            )
            ChatMember.objects.create(process=order.hv, user=customer, role="customer")
        client.force_login(customer)
        with django_assert_max_num_queries(8):
            assert client.get(reverse("utility_flows:hv_chats")).status_code == 200


def test_the_design_contact_of_stage_8_is_invited_to_the_chat(
    client, hv_order, manager, later, django_capture_on_commit_callbacks
):
    from tests.utility_flows.hv.test_machine import DESIGN, design_files, to_plan_signed
    from utility_flows.hv.models import ChatInvite

    to_plan_signed(hv_order.hv, manager, later, django_capture_on_commit_callbacks)
    hv.submit_stage(process=hv_order.hv, kind="design", by=hv_order.customer, data=DESIGN, files=design_files())
    invitation = ChatInvite.objects.get(process=hv_order.hv, phone=DESIGN["design_phone"])
    assert invitation.role == "design"
    client.force_login(hv_order.customer)
    page = client.get(reverse("utility_flows:hv_order", args=[hv_order.pk])).content.decode()
    assert reverse("utility_flows:hv_chat_join", args=[invitation.token]) in page
