"""REST API of 我的户号 (tag "accounts"), 电量电费 ("bills") and 停电信息 ("outages"). Thin views
over the same services and selectors as the pages; another user's account answers 404."""

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from applications.accounts import selectors, services
from applications.accounts.bills import summarize_bills
from applications.models import OutageWatch
from portal.core.middleware import client_ip
from portal.core.throttling import AccountLookupThrottle, AnonThrottle, UserThrottle

_LOOKUP_THROTTLES = (AnonThrottle, UserThrottle, AccountLookupThrottle)

ACCOUNTS, BILLS, OUTAGES = ["accounts"], ["bills"], ["outages"]
PHASES = {selectors.Phase.CURRENT: "current", selectors.Phase.UPCOMING: "upcoming", selectors.Phase.PAST: "past"}


class NumberInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=20, help_text=_("用电户号（10位数字）"))


CODE_SENT = inline_serializer(
    "BindCodeSent",
    {
        "expires_in": serializers.IntegerField(help_text=_("验证码有效秒数")),
        "resend_after": serializers.IntegerField(help_text=_("多少秒后可重新发送")),
    },
)


def _code_sent() -> Response:
    return Response(
        {
            "expires_in": int(settings.SMS_CODE_TTL.total_seconds()),
            "resend_after": int(settings.SMS_CODE_RESEND_AFTER.total_seconds()),
        },
        status=status.HTTP_202_ACCEPTED,
    )


# --- accounts ------------------------------------------------------------------------------------


class AccountOutputSerializer(serializers.Serializer):
    number = serializers.CharField(help_text=_("用电户号"))
    customer_kind = serializers.CharField()
    customer_kind_display = serializers.CharField(source="get_customer_kind_display")
    holder_name = serializers.CharField(help_text=_("户名"))
    holder_id_masked = serializers.CharField(source="masked_holder_id", help_text=_("户主证件号码（脱敏）"))
    registered_phone_masked = serializers.CharField(source="masked_phone", help_text=_("预留手机（脱敏）"))
    area = serializers.CharField(source="region.full_name", help_text=_("所在区域（市区街道）"))
    address = serializers.CharField()
    voltage = serializers.CharField()
    capacity = serializers.DecimalField(max_digits=10, decimal_places=1)
    capacity_unit = serializers.CharField(help_text=_("低压 kW，高压 kVA"))
    usage_nature = serializers.CharField()
    usage_nature_display = serializers.CharField(source="get_usage_nature_display")
    tariff_category = serializers.CharField()
    peak_valley = serializers.BooleanField()
    peak_valley_line = serializers.CharField(help_text=_("峰谷电价执行情况"))
    basic_charge = serializers.CharField()
    basic_charge_display = serializers.CharField(source="get_basic_charge_display")
    contracted_demand = serializers.DecimalField(max_digits=10, decimal_places=1, allow_null=True)
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    paused_capacity = serializers.DecimalField(max_digits=10, decimal_places=1)
    smart_payment = serializers.BooleanField()
    bound_via = serializers.CharField(source="binding.via", help_text=_("绑定方式"))
    bound_at = serializers.DateTimeField(source="binding.created_at")


class AccountChangeOutputSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old_value = serializers.CharField(source="old_display")
    new_value = serializers.CharField(source="new_display")
    effective_on = serializers.DateField()
    scheduled = serializers.SerializerMethodField(help_text=_("尚未生效（将于生效日期起执行）"))
    reason = serializers.CharField()

    def get_scheduled(self, change) -> bool:
        return change.applied_at is None


class AccountDetailOutputSerializer(AccountOutputSerializer):
    changes = AccountChangeOutputSerializer(many=True, source="history", help_text=_("变更记录，待生效的在前"))


def _accounts_of(bindings):
    accounts = []
    for binding in bindings:
        binding.account.binding = binding
        accounts.append(binding.account)
    return accounts


class AccountListApi(ListAPIView):
    serializer_class = AccountOutputSerializer

    def get_queryset(self):
        return selectors.my_bindings(user=self.request.user)

    @extend_schema(tags=ACCOUNTS, summary=_("我的户号"))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(AccountOutputSerializer(_accounts_of(page), many=True).data)


class AccountBindApi(APIView):
    throttle_classes = _LOOKUP_THROTTLES

    class InputSerializer(NumberInputSerializer):
        sms_code = serializers.CharField(
            max_length=6,
            required=False,
            allow_blank=True,
            help_text=_("户主证件与实名信息不一致、也不是所在企业的户号时，填写发送至户号预留手机的验证码"),
        )

    @extend_schema(
        tags=ACCOUNTS,
        summary=_("绑定户号"),
        request=InputSerializer,
        responses={201: AccountOutputSerializer},
        description=_(
            "户主证件与实名认证一致或户主为本人所在企业时直接绑定；否则先调用 bind-code 发送验证码，再带 sms_code 绑定。"
        ),
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        binding = services.bind_account(
            user=request.user, number=data.validated_data["number"], sms_code=data.validated_data.get("sms_code", "")
        )
        return Response(AccountOutputSerializer(_accounts_of([binding])[0]).data, status=status.HTTP_201_CREATED)


class AccountBindCodeApi(APIView):
    throttle_classes = _LOOKUP_THROTTLES

    @extend_schema(
        tags=ACCOUNTS,
        summary=_("发送绑定验证码到户号预留手机"),
        request=NumberInputSerializer,
        description=_(
            "户号存在、可凭验证码绑定且预留了手机号时发送验证码；无论户号是否存在，回答都相同，也不显示预留手机。"
        ),
        responses={202: CODE_SENT},
    )
    def post(self, request):
        data = NumberInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.request_bind_code(user=request.user, number=data.validated_data["number"], ip=client_ip(request))
        return _code_sent()


class AccountDetailApi(APIView):
    @extend_schema(tags=ACCOUNTS, summary=_("户号详情与变更记录"), responses={200: AccountDetailOutputSerializer})
    def get(self, request, number: str):
        account = selectors.my_account(user=request.user, number=number)
        account.history = selectors.account_changes(account=account)
        return Response(AccountDetailOutputSerializer(account).data)


class AccountBindingApi(APIView):
    @extend_schema(tags=ACCOUNTS, summary=_("解除绑定户号"), responses={204: None})
    def delete(self, request, number: str):
        account = selectors.my_account(user=request.user, number=number)
        services.unbind_account(user=request.user, number=account.number)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- bills ---------------------------------------------------------------------------------------


class BillMonthOutputSerializer(serializers.Serializer):
    period = serializers.DateField(format="%Y-%m", help_text=_("账期（年-月）"))
    kwh = serializers.DecimalField(max_digits=12, decimal_places=1, source="bill.kwh", allow_null=True)
    kwh_peak = serializers.DecimalField(max_digits=12, decimal_places=1, source="bill.kwh_peak", allow_null=True)
    kwh_valley = serializers.DecimalField(max_digits=12, decimal_places=1, source="bill.kwh_valley", allow_null=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, source="bill.amount", allow_null=True)
    due_on = serializers.DateField(source="bill.due_on", allow_null=True)
    paid_on = serializers.DateField(source="bill.paid_on", allow_null=True)
    state = serializers.ChoiceField(choices=["paid", "due", "overdue", "none"], help_text=_("已缴/待缴/已逾期/无账单"))
    state_display = serializers.CharField(source="state_label")


class BillSummaryOutputSerializer(serializers.Serializer):
    number = serializers.CharField(source="account.number")
    peak_valley = serializers.BooleanField(source="split", help_text=_("是否分峰谷计量"))
    months = BillMonthOutputSerializer(many=True, source="rows", help_text=_("近12个月，按时间先后"))
    total_kwh = serializers.DecimalField(max_digits=14, decimal_places=1)
    total_peak = serializers.DecimalField(max_digits=14, decimal_places=1)
    total_valley = serializers.DecimalField(max_digits=14, decimal_places=1)
    total_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    unpaid_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    unpaid_count = serializers.IntegerField()


class BillListApi(APIView):
    @extend_schema(tags=BILLS, summary=_("近12个月电量电费"), responses={200: BillSummaryOutputSerializer})
    def get(self, request, number: str):
        account = selectors.my_account(user=request.user, number=number)
        return Response(BillSummaryOutputSerializer(summarize_bills(account=account)).data)


# --- outages -------------------------------------------------------------------------------------


class WatchInputSerializer(NumberInputSerializer):
    sms_code = serializers.CharField(
        max_length=6,
        required=False,
        allow_blank=True,
        help_text=_("户号未绑定到本人账号（也不是本人或所在企业为户主）时，填写发送至户号预留手机的验证码"),
    )


class WatchOutputSerializer(serializers.Serializer):
    number = serializers.CharField(source="account.number")
    area = serializers.CharField(source="account.region.full_name", help_text=_("户号所在区域（不含户主信息）"))
    added_at = serializers.DateTimeField(source="created_at")


class OutageWatchListApi(ListAPIView):
    serializer_class = WatchOutputSerializer

    def get_throttles(self):
        return [t() for t in _LOOKUP_THROTTLES] if self.request.method == "POST" else super().get_throttles()

    def get_queryset(self):
        return selectors.my_watches(user=self.request.user)

    @extend_schema(tags=OUTAGES, summary=_("停电关注的户号"))
    def get(self, request):
        return self.list(request)

    @extend_schema(
        tags=OUTAGES,
        summary=_("添加户号（确认添加）"),
        request=WatchInputSerializer,
        responses={201: WatchOutputSerializer},
        description=_(
            "已绑定的户号（或户主为本人、本人所在企业的户号）直接添加；其他户号先调用 outage-watches/code/ "
            "发送验证码，再带 sms_code 添加。验证码确认前，无论户号是否存在、是否销户，回答都相同，也不显示所在区域。"
        ),
    )
    def post(self, request):
        data = WatchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        watch = services.add_outage_watch(
            user=request.user, number=data.validated_data["number"], sms_code=data.validated_data.get("sms_code", "")
        )
        return Response(WatchOutputSerializer(watch).data, status=status.HTTP_201_CREATED)


class OutageWatchCodeApi(APIView):
    throttle_classes = _LOOKUP_THROTTLES

    @extend_schema(
        tags=OUTAGES,
        summary=_("发送添加停电关注的验证码到户号预留手机"),
        request=NumberInputSerializer,
        description=_(
            "户号存在、未销户且预留了手机号时发送验证码；无论户号是否存在，回答都相同，也不显示预留手机和所在区域。"
        ),
        responses={202: CODE_SENT},
    )
    def post(self, request):
        data = NumberInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.request_watch_code(user=request.user, number=data.validated_data["number"], ip=client_ip(request))
        return _code_sent()


class OutageWatchApi(APIView):
    @extend_schema(tags=OUTAGES, summary=_("移除关注的户号"), responses={204: None})
    def delete(self, request, number: str):
        if not OutageWatch.objects.filter(user=request.user, account__number=number).exists():
            raise Http404
        services.remove_outage_watch(user=request.user, number=number)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OutageOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    phase = serializers.SerializerMethodField(help_text=_("current 正在停电 / upcoming 计划停电 / past 已恢复"))
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    area = serializers.CharField(source="region.full_name")
    scope = serializers.CharField()
    reason = serializers.CharField()
    account_numbers = serializers.SerializerMethodField(help_text=_("涉及的关注户号"))

    def get_phase(self, outage) -> str:
        return PHASES[outage.phase]

    def get_account_numbers(self, outage) -> list[str]:
        return selectors.affected_numbers(outage, self.context["watches"])


class OutageListApi(ListAPIView):
    serializer_class = OutageOutputSerializer

    def get_queryset(self):
        self.watches, outages = selectors.my_outages(user=self.request.user)
        return outages

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "watches": getattr(self, "watches", [])}

    @extend_schema(
        tags=OUTAGES,
        summary=_("关注户号所在区域的停电信息"),
        description=_("正在停电和计划停电在前，其后为近30天已恢复的停电。"),
    )
    def get(self, request):
        return self.list(request)
