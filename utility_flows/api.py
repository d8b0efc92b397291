"""REST API of work orders (tag "orders"): the customer's orders with their progress."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response

from portal.core.workdays import WorkCalendar
from utility_flows import selectors, services
from utility_flows.clock import LimitTable, progress_of
from utility_flows.models import FLOW_CHOICES, OrderState

TAGS = ["orders"]


class OrderOutput(serializers.Serializer):
    class OrderBusinessOutput(serializers.Serializer):
        code = serializers.CharField(source="business_code")
        name = serializers.CharField(source="business.name")

    class OrderStateOutput(serializers.Serializer):
        code = serializers.ChoiceField(choices=OrderState.choices, source="state")
        label = serializers.CharField(source="get_state_display")

    class OrderClockOutput(serializers.Serializer):
        label = serializers.CharField(help_text=_("剩余 N 个工作日 / 今日到期 / 超期 N 个工作日"))
        working_days = serializers.IntegerField(source="days", help_text=_("剩余或超期的工作日数"))
        overdue = serializers.BooleanField()

    class OrderActorOutput(serializers.Serializer):
        kind = serializers.ChoiceField(
            choices=["customer", "manager", "utility"],
            source="actor",
            help_text=_("customer 客户，manager 客户经理或用电检查人员，utility 供电公司"),
        )
        label = serializers.CharField(source="actor_label", help_text=_("例如：客户经理 王芳"))

    class OrderAssigneeOutput(serializers.Serializer):
        name = serializers.CharField()
        organization = serializers.CharField(source="staff_profile.organization", default="")
        employee_number = serializers.CharField(source="staff_profile.employee_number", default="")

    id = serializers.IntegerField()
    number = serializers.CharField(help_text=_("工单编号"))
    application_id = serializers.IntegerField()
    application_number = serializers.CharField(source="application.number")
    business = OrderBusinessOutput(source="*")
    flow = serializers.ChoiceField(choices=FLOW_CHOICES)
    state = OrderStateOutput(source="*")
    accepted_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    step = serializers.CharField(source="progress.step", allow_null=True, help_text=_("当前待办环节；已办结为 null"))
    step_due_on = serializers.DateField(allow_null=True, help_text=_("当前环节应完成日期"))
    clock = OrderClockOutput(source="progress.clock", allow_null=True)
    next_actor = OrderActorOutput(
        source="progress_actor", allow_null=True, help_text=_("下一步由谁办理；已办结为 null")
    )
    expected_completion_on = serializers.DateField(
        source="progress.expected_on",
        allow_null=True,
        help_text=_("按剩余环节的时限（工作日）推算的预计办结日期；已办结时为办结日期"),
    )
    expected_note = serializers.CharField(source="progress.expected_note", help_text=_("无法推算预计办结日期时的说明"))
    assignee = OrderAssigneeOutput(allow_null=True, help_text=_("处理工单的客户经理（或用电检查人员）"))

    def to_representation(self, order):
        # Computed from what the page already loaded: no query per order.
        order.progress = progress_of(
            order.application, self.context["limits"], self.context["calendar"], self.context["today"]
        )
        order.progress_actor = order.progress if order.progress.actor else None
        return super().to_representation(order)


class OrderHistoryOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    label = serializers.CharField()
    note = serializers.CharField()
    actor = serializers.CharField()
    source = serializers.ChoiceField(
        choices=["application", "order"], help_text=_("application 申请记录，order 工单流转记录")
    )


class OrderDeferredDocumentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    requirement = serializers.CharField()
    label = serializers.CharField()
    due_on = serializers.DateField(help_text=_("承诺补交期限"))
    fulfilled_at = serializers.DateTimeField(allow_null=True)


class OrderDetailOutput(OrderOutput):
    history = OrderHistoryOutput(many=True, help_text=_("申请记录与工单流转记录，按时间排序"))
    deferred_documents = OrderDeferredDocumentOutput(many=True, help_text=_("承诺补交的材料（一证受理）"))

    def to_representation(self, order):
        order.history = selectors.history(order.application)
        order.deferred_documents = [
            {
                "id": d.pk,
                "requirement": d.requirement,
                "label": services.document_label(order.application, d.requirement),
                "due_on": d.due_on,
                "fulfilled_at": d.fulfilled_at,
            }
            for d in services.deferred_documents(order.application)
        ]
        return super().to_representation(order)


class _ProgressContext:
    def get_serializer_context(self):
        context = super().get_serializer_context()
        context.update(limits=LimitTable(), calendar=WorkCalendar.around(), today=timezone.localdate())
        return context


@extend_schema_view(
    get=extend_schema(
        summary="我的工单",
        tags=TAGS,
        description="本人申请受理后生成的工单，最新的在前；每条含当前环节、时限、下一步由谁办理和预计办结日期。",
    )
)
class OrderListApi(_ProgressContext, generics.ListAPIView):
    serializer_class = OrderOutput

    def get_queryset(self):
        return selectors.my_orders(user=self.request.user)


@extend_schema(
    summary="工单详情",
    tags=TAGS,
    responses={200: OrderDetailOutput},
    description="含办理过程（申请记录与工单流转记录按时间合并）和承诺补交的材料。他人的工单返回 404。",
)
class OrderDetailApi(_ProgressContext, generics.GenericAPIView):
    serializer_class = OrderDetailOutput

    def get(self, request, pk: int):
        order = selectors.my_order(user=request.user, pk=pk)
        return Response(self.get_serializer(order).data)
