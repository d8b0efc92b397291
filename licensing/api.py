"""REST API of licensing for firms (their own objects only: another firm's id answers 404) and
the public licence verification."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from licensing import selectors, services
from licensing.models import (
    Achievement,
    AppliedCategory,
    Licence,
    LicenceApplication,
    StaffMember,
)
from portal.core.licences import LicenceStatus


class _CategorySerializer(serializers.ModelSerializer):
    level = serializers.CharField(source="level.name")
    label = serializers.CharField(source="__str__")

    class Meta:
        model = AppliedCategory
        fields = ["category", "level", "label"]


@extend_schema_serializer(component_name="LicenceApplication")
class ApplicationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    state_label = serializers.CharField(source="get_state_display")
    categories = _CategorySerializer(many=True)
    licence_number = serializers.CharField(source="licence.number", default=None, allow_null=True)

    class Meta:
        model = LicenceApplication
        fields = [
            "id",
            "number",
            "kind",
            "kind_label",
            "state",
            "state_label",
            "route",
            "nature",
            "downgrade",
            "categories",
            "licence_number",
            "created_at",
            "submitted_at",
            "step_due_on",
            "decided_at",
            "reason",
        ]


@extend_schema_serializer(component_name="LicensingStaffMember")
class StaffSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(source="masked_id_number", help_text=_("身份证号码（部分隐藏）"))

    class Meta:
        model = StaffMember
        fields = ["id", "kind", "name", "id_number", "title_level", "specialty", "is_hv_electrician", "status"]


@extend_schema_serializer(component_name="LicensingAchievement")
class AchievementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Achievement
        fields = ["id", "application", "category", "project", "voltage_kv", "client", "completed_on", "contract_amount"]


@extend_schema(tags=["licensing"], summary=_("本企业的许可申请"))
class ApplicationListApi(generics.ListAPIView):
    """The firm's licence applications, newest first."""

    serializer_class = ApplicationSerializer

    def get_queryset(self):
        return selectors.applications_of(self.request.user).order_by("-created_at", "-id")


@extend_schema(tags=["licensing"], summary=_("许可申请详情"))
class ApplicationDetailApi(generics.RetrieveAPIView):
    serializer_class = ApplicationSerializer

    def get_queryset(self):
        return selectors.applications_of(self.request.user)


@extend_schema(tags=["licensing"], summary=_("本企业人员名单"))
class StaffListApi(generics.ListAPIView):
    """The firm's current staff (technical staff and skilled staff / electricians)."""

    serializer_class = StaffSerializer

    def get_queryset(self):
        return selectors.staff_of(self.request.user).exclude(status="left").order_by("kind", "id")


@extend_schema(tags=["licensing"], summary=_("企业人员详情"))
class StaffDetailApi(generics.RetrieveAPIView):
    serializer_class = StaffSerializer

    def get_queryset(self):
        return selectors.staff_of(self.request.user)


@extend_schema(tags=["licensing"], summary=_("本企业申请的工程业绩"))
class AchievementListApi(generics.ListAPIView):
    serializer_class = AchievementSerializer

    def get_queryset(self):
        return selectors.achievements_of(self.request.user).order_by("application_id", "category", "id")


@extend_schema_serializer(component_name="LicensingLicence")
class LicenceSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    scope = serializers.ListField(child=serializers.CharField(), source="scope_labels")
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Licence
        fields = ["number", "status", "status_label", "holder_name", "scope", "issued_on", "expires_on", "pdf_url"]

    def get_pdf_url(self, licence) -> str | None:
        return reverse("documents:download", args=[licence.document_id]) if licence.document_id else None


@extend_schema(tags=["licensing"], summary=_("本企业的许可证"))
class MyLicenceApi(generics.RetrieveAPIView):
    """The firm's licence; 404 while the firm holds none."""

    serializer_class = LicenceSerializer

    def get_object(self):
        firm = selectors.firm_of(self.request.user)
        return get_object_or_404(Licence.objects.prefetch_related("grants__level"), firm=firm)


class VerifyApi(APIView):
    """Public: is this licence number valid? Unknown and cancelled numbers say so plainly."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema_serializer(component_name="LicenceVerification")
    class OutputSerializer(serializers.Serializer):
        number = serializers.CharField()
        status = serializers.ChoiceField(choices=LicenceStatus.choices)
        status_label = serializers.CharField()
        valid = serializers.BooleanField()
        holder = serializers.CharField()
        scope = serializers.ListField(child=serializers.CharField())
        expires_on = serializers.DateField(allow_null=True)
        message = serializers.CharField()

    class QuerySerializer(serializers.Serializer):
        number = serializers.CharField(max_length=30)

    @extend_schema(
        tags=["licensing"],
        summary=_("许可证核验"),
        responses=OutputSerializer,
        parameters=[OpenApiParameter("number", str, required=True, description=_("许可证编号"))],
    )
    def get(self, request):
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        check = services.check_licence(query.validated_data["number"])
        messages = {
            LicenceStatus.VALID: _("许可证有效"),
            LicenceStatus.UNKNOWN: _("查无此证"),
            LicenceStatus.CANCELLED: _("该许可证已注销，不再有效"),
            LicenceStatus.EXPIRED: _("该许可证已过期，不再有效"),
            LicenceStatus.SUSPENDED: _("该许可证已暂停"),
        }
        return Response(
            self.OutputSerializer(
                {
                    "number": check.number,
                    "status": check.status,
                    "status_label": LicenceStatus(check.status).label,
                    "valid": check.is_valid,
                    "holder": check.holder,
                    "scope": check.scope,
                    "expires_on": check.expires_on,
                    "message": messages.get(check.status, ""),
                }
            ).data
        )
