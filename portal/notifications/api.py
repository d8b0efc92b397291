"""REST API of the inbox and the channel preferences (tag "notifications")."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.notifications import selectors, services
from portal.notifications.models import Notification
from portal.notifications.registry import Channel

TAGS = ["notifications"]


class NotificationOutputSerializer(serializers.ModelSerializer):
    event_label = serializers.CharField(read_only=True, help_text=_("事件名称"))
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "event", "event_label", "title", "body", "link", "created_at", "read_at", "is_read"]
        read_only_fields = fields


class NotificationListApi(GenericAPIView):
    serializer_class = NotificationOutputSerializer

    class FilterSerializer(serializers.Serializer):
        unread = serializers.BooleanField(required=False, default=False, help_text=_("只列出未读消息"))

    @extend_schema(
        tags=TAGS,
        summary=_("我的消息列表"),
        parameters=[OpenApiParameter("unread", bool, description=_("为 true 时只列出未读消息"))],
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.inbox(user=request.user, unread_only=filters.validated_data["unread"])
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class NotificationReadApi(APIView):
    @extend_schema(
        tags=TAGS, summary=_("标记一条消息为已读"), request=None, responses={200: NotificationOutputSerializer}
    )
    def post(self, request, pk: int):
        notification = get_object_or_404(selectors.inbox(user=request.user), pk=pk)
        services.mark_read(notification=notification)
        return Response(NotificationOutputSerializer(notification).data)


class NotificationReadAllApi(APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("全部标为已读"),
        request=None,
        responses={
            200: inline_serializer(
                "ReadAllResult", {"marked": serializers.IntegerField(help_text=_("本次标为已读的条数"))}
            )
        },
    )
    def post(self, request):
        return Response({"marked": services.mark_all_read(user=request.user)})


class UnreadCountApi(APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("未读消息数"),
        responses={200: inline_serializer("UnreadCount", {"unread": serializers.IntegerField()})},
    )
    def get(self, request):
        return Response({"unread": selectors.unread_count(user=request.user)})


class PreferenceRowOutputSerializer(serializers.Serializer):
    event = serializers.CharField(source="kind.code")
    label = serializers.CharField(source="kind.label")
    in_app = serializers.SerializerMethodField(help_text=_("站内信，始终开启"))
    sms = serializers.BooleanField(source="enabled.sms")
    email = serializers.BooleanField(source="enabled.email")

    def get_in_app(self, row) -> bool:
        return True


class PreferencesOutputSerializer(serializers.Serializer):
    events = PreferenceRowOutputSerializer(many=True)


class PreferenceRowInputSerializer(serializers.Serializer):
    event = serializers.CharField(help_text=_("事件代码，如 account.password_changed"))
    sms = serializers.BooleanField(help_text=_("是否接收短信"))
    email = serializers.BooleanField(help_text=_("是否接收电子邮件"))


class PreferencesInputSerializer(serializers.Serializer):
    events = PreferenceRowInputSerializer(many=True, help_text=_("要修改的消息类型；未列出的保持不变"))


class NotificationPreferencesApi(APIView):
    def _response(self, request):
        rows = selectors.preference_matrix(user=request.user)
        return Response(PreferencesOutputSerializer({"events": rows}).data)

    @extend_schema(tags=TAGS, summary=_("我的通知设置"), responses={200: PreferencesOutputSerializer})
    def get(self, request):
        return self._response(request)

    @extend_schema(
        tags=TAGS,
        summary=_("修改通知设置"),
        request=PreferencesInputSerializer,
        responses={200: PreferencesOutputSerializer},
    )
    def put(self, request):
        data = PreferencesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        choices = {
            row["event"]: {c for c in (Channel.SMS, Channel.EMAIL) if row[c]} for row in data.validated_data["events"]
        }
        services.set_preferences(user=request.user, choices=choices)
        return self._response(request)
