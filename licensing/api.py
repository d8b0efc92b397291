"""REST API of licensing for firms (their own objects only: another firm's id answers 404) and
the public licence verification."""

from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import exceptions, generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from licensing import selectors, services
from licensing.forms import AchievementForm, SkilledStaffForm, TechnicalStaffForm
from licensing.models import (
    VOLTAGE_CHOICES,
    Achievement,
    AppliedCategory,
    Category,
    Licence,
    LicenceApplication,
    StaffKind,
    StaffMember,
    StaffStatus,
    TitleLevel,
)
from portal.core.api import ErrorSerializer
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


# --- writes: the page forms check the input, the page services do the work -----------------


def _validated_form(form):
    """The page's form, checked: its errors answer 400 with the fields named."""
    if not form.is_valid():
        errors = {("non_field_errors" if k == "__all__" else k): v for k, v in form.errors.items()}
        raise serializers.ValidationError(errors)
    return form


STAFF_FORMS = {StaffKind.TECHNICAL: TechnicalStaffForm, StaffKind.SKILLED: SkilledStaffForm}

ID_NUMBER_TAKEN = OpenApiResponse(
    ErrorSerializer,
    description=_(
        "输入有误或业务规则不允许：fields 按字段列出。身份证号码已在本企业或其他企业的在职人员名单中时 "
        "code 为 person_on_other_staff，fields 中为 id_number。"
    ),
)


@extend_schema_serializer(component_name="LicensingStaffInput")
class StaffInputSerializer(serializers.Serializer):
    """Types only: the rules are the page form's and the service's."""

    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=18, help_text=_("身份证号码"))
    title_level = serializers.ChoiceField(choices=TitleLevel.choices, required=False, help_text=_("仅技术人员"))
    specialty = serializers.CharField(max_length=50, required=False, allow_blank=True)
    is_hv_electrician = serializers.BooleanField(required=False, help_text=_("仅技能人员"))
    certificate_number = serializers.CharField(
        max_length=50, required=False, allow_blank=True, help_text=_("仅技能人员")
    )
    certificate_authority = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text=_("仅技能人员")
    )


@extend_schema_serializer(component_name="LicensingStaffCreate")
class StaffCreateSerializer(StaffInputSerializer):
    kind = serializers.ChoiceField(choices=StaffKind.choices, help_text=_("人员类别，新增后不能修改"))


def _save_staff(request, *, instance: StaffMember, data: dict, partial: bool = False) -> StaffMember:
    """Fields left out keep their values (PATCH) or take the model's defaults (POST, PUT)."""
    firm = selectors.firm_of(request.user)
    if firm is None:
        raise exceptions.PermissionDenied(_("只有许可企业的用户可以操作"))
    form_class = STAFF_FORMS[StaffKind(instance.kind)]
    base = instance if partial else StaffMember(kind=instance.kind)
    data = {**model_to_dict(base, fields=form_class._meta.fields), **data}
    form = _validated_form(form_class(data=data, instance=instance))
    return services.save_staff(firm=firm, by=request.user, form=form)


@extend_schema(tags=["licensing"])
class StaffListApi(generics.ListAPIView):
    """The firm's current staff (technical staff and skilled staff / electricians)."""

    serializer_class = StaffSerializer

    def get_queryset(self):
        return selectors.staff_of(self.request.user).exclude(status="left").order_by("kind", "id")

    @extend_schema(summary=_("本企业人员名单"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary=_("新增企业人员"),
        description=_("与页面相同的校验：身份证号码须有效，且不能已在任何企业（含本企业）的在职人员名单中。"),
        request=StaffCreateSerializer,
        responses={201: StaffSerializer, 400: ID_NUMBER_TAKEN},
    )
    def post(self, request):
        data = StaffCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        member = _save_staff(request, instance=StaffMember(kind=fields.pop("kind")), data=fields)
        return Response(StaffSerializer(member).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["licensing"])
class StaffDetailApi(generics.RetrieveAPIView):
    serializer_class = StaffSerializer

    def get_queryset(self):
        return selectors.staff_of(self.request.user)

    def _current(self) -> StaffMember:
        return get_object_or_404(self.get_queryset().exclude(status=StaffStatus.LEFT), pk=self.kwargs["pk"])

    @extend_schema(summary=_("企业人员详情"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def _update(self, request, *, partial: bool):
        member = self._current()
        data = StaffInputSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        member = _save_staff(request, instance=member, data=dict(data.validated_data), partial=partial)
        return Response(StaffSerializer(member).data)

    @extend_schema(
        summary=_("修改企业人员"),
        request=StaffInputSerializer,
        responses={200: StaffSerializer, 400: ID_NUMBER_TAKEN},
    )
    def put(self, request, pk: int):
        return self._update(request, partial=False)

    @extend_schema(
        summary=_("修改企业人员的部分信息"),
        request=StaffInputSerializer(partial=True),
        responses={200: StaffSerializer, 400: ID_NUMBER_TAKEN},
    )
    def patch(self, request, pk: int):
        return self._update(request, partial=True)

    @extend_schema(
        summary=_("删除误录的企业人员"),
        description=_("持证企业的在职人员不能删除（code 为 use_personnel_change），须通过人员变更申请办理离职。"),
        responses={204: None},
    )
    def delete(self, request, pk: int):
        member = self._current()
        services.delete_staff(firm=member.firm, by=request.user, member=member)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["licensing"], summary=_("本企业申请的工程业绩"))
class AchievementListApi(generics.ListAPIView):
    serializer_class = AchievementSerializer

    def get_queryset(self):
        return selectors.achievements_of(self.request.user).order_by("application_id", "category", "id")


@extend_schema_serializer(component_name="LicensingAchievementInput")
class AchievementInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    project = serializers.CharField(max_length=200)
    voltage_kv = serializers.ChoiceField(choices=VOLTAGE_CHOICES, help_text=_("电压等级（千伏）"))
    client = serializers.CharField(max_length=100)
    completed_on = serializers.DateField()
    contract_amount = serializers.DecimalField(max_digits=12, decimal_places=2, help_text=_("合同金额（万元）"))


NOT_EDITABLE = OpenApiResponse(
    ErrorSerializer,
    description=_("输入有误或业务规则不允许：申请已提交、不能再修改时 code 为 not_editable。"),
)


class ApplicationAchievementsApi(APIView):
    @extend_schema(
        tags=["licensing"],
        summary=_("为许可申请添加一条工程业绩"),
        request=AchievementInputSerializer,
        responses={201: AchievementSerializer, 400: NOT_EDITABLE},
    )
    def post(self, request, pk: int):
        application = get_object_or_404(selectors.applications_of(request.user), pk=pk)
        data = AchievementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        form = _validated_form(AchievementForm(data=data.validated_data, instance=Achievement(application=application)))
        row = services.save_row(application=application, by=request.user, form=form)
        return Response(AchievementSerializer(row).data, status=status.HTTP_201_CREATED)


class ApplicationAchievementApi(APIView):
    @extend_schema(
        tags=["licensing"],
        summary=_("删除许可申请的一条工程业绩"),
        responses={204: None, 400: NOT_EDITABLE},
    )
    def delete(self, request, pk: int, row_id: int):
        application = get_object_or_404(selectors.applications_of(request.user), pk=pk)
        row = get_object_or_404(application.achievements.all(), pk=row_id)
        services.delete_row(application=application, by=request.user, row=row)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApplicationSubmitApi(APIView):
    @extend_schema(
        tags=["licensing"],
        summary=_("资料提交"),
        description=_(
            "与页面的“资料提交”相同：资料检查全部满足时申请进入形式审查；"
            "未满足时回答 400，problems 列出每一项未满足的条件。"
        ),
        request=None,
        responses={
            200: ApplicationSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description=_(
                    "资料不全（code 为 materials_incomplete，problems 列出每一项未满足的条件）"
                    "或申请当前不能提交（code 为 not_submittable）"
                ),
            ),
        },
    )
    def post(self, request, pk: int):
        application = get_object_or_404(selectors.applications_of(request.user), pk=pk)
        services.submit(application=application, by=request.user)
        return Response(ApplicationSerializer(selectors.applications_of(request.user).get(pk=pk)).data)


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
