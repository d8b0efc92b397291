from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import generics, serializers

from portal.audit import selectors
from portal.audit.models import AuditEvent, AuditKind


class MyAccessLogApi(generics.ListAPIView):
    """The data-access log of the logged-in customer, as on the 数据访问记录 page."""

    class FilterSerializer(serializers.Serializer):
        who = serializers.ChoiceField(
            choices=[("all", _("全部")), ("others", _("仅他人访问"))], required=False, default="all"
        )

    # Every app nests an "OutputSerializer"; the schema needs a name unique across the API.
    @extend_schema_serializer(component_name="AccessLogEntry")
    class OutputSerializer(serializers.ModelSerializer):
        kind = serializers.ChoiceField(choices=AuditKind.choices, help_text=_("类别代码"))
        kind_label = serializers.CharField(source="get_kind_display", help_text=_("类别名称"))
        by_me = serializers.SerializerMethodField(help_text=_("是否本人操作"))
        ip = serializers.CharField(source="masked_ip", help_text=_("IP地址（隐去最后一段）"))
        action = serializers.CharField(source="label", help_text=_("操作（按请求的语言显示）"))
        action_code = serializers.CharField(source="action", help_text=_("操作代码（不随语言变化）"))

        class Meta:
            model = AuditEvent
            fields = [
                "id",
                "at",
                "kind",
                "kind_label",
                "actor_label",
                "by_me",
                "action",
                "action_code",
                "object_label",
                "ip",
            ]

        def get_by_me(self, event: AuditEvent) -> bool:
            return event.actor_id == self.context["request"].user.pk

    serializer_class = OutputSerializer

    def get_queryset(self):
        params = self.FilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return selectors.access_log_for(user=self.request.user, others_only=params.validated_data["who"] == "others")

    @extend_schema(
        tags=["audit"],
        summary=_("我的数据访问记录"),
        description=_("谁在什么时间、从哪里查看或修改了当前用户的个人信息，按时间倒序分页。"),
        parameters=[
            OpenApiParameter(
                "who",
                str,
                enum=["all", "others"],
                required=False,
                description=_("all：全部；others：只列出他人（工作人员、系统）的访问"),
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
