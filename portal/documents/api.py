"""REST API of documents (tag "documents"): the customer's own documents, upload, the file."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.documents.models import Document, DocumentType, OwnerKind
from portal.documents.selectors import documents_of, uploadable_types
from portal.documents.services import store_upload
from portal.documents.serving import document_for, serve

TAGS = ["documents"]


class DocumentTypeOutput(serializers.ModelSerializer):
    class Meta:
        model = DocumentType
        fields = [
            "code",
            "name",
            "owner_kind",
            "sensitive",
            "reusable",
            "customer_upload",
            "default_validity_months",
            "description",
        ]


class DocumentOutput(serializers.ModelSerializer):
    # Component names are global in the schema: these say whose they are.
    class DocumentTypeRef(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()

    class DocumentOwnerEnterprise(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()

    doc_type = DocumentTypeRef()
    owner_enterprise = DocumentOwnerEnterprise(allow_null=True, help_text=_("企业的证照：所属企业；个人证照为 null"))
    validity = serializers.ChoiceField(
        choices=["permanent", "valid", "expiring", "expired"],
        help_text=_("permanent 长期有效，valid 有效，expiring 30 天内到期，expired 已过期"),
    )
    file_url = serializers.SerializerMethodField(help_text=_("文件下载地址（需登录）"))

    class Meta:
        model = Document
        fields = [
            "id",
            "doc_type",
            "owner_enterprise",
            "content_type",
            "size",
            "original_name",
            "issued_on",
            "expires_on",
            "validity",
            "source",
            "created_at",
            "file_url",
        ]

    def get_file_url(self, document: Document) -> str:
        url = reverse("api-document-file", args=[document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class DocumentUploadInput(serializers.Serializer):
    doc_type = serializers.SlugRelatedField(
        slug_field="code",
        queryset=uploadable_types(),
        help_text=_("证照类型代码，见 GET document-types/"),
    )
    owner_enterprise = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("企业证照的所属企业编号（须是本人绑定的企业）；个人证照不填"),
    )
    issued_on = serializers.DateField(required=False, allow_null=True)
    expires_on = serializers.DateField(required=False, allow_null=True, help_text=_("长期有效可不填"))
    file = serializers.FileField(help_text=_("JPG、PNG 图片或 PDF 文件"))

    def validate_owner_enterprise(self, value):
        if value is None:
            return None
        from portal.accounts.models import Enterprise

        enterprise = Enterprise.objects.filter(pk=value, memberships__user=self.context["request"].user).first()
        if enterprise is None:
            raise serializers.ValidationError(_("只能为本人绑定的企业上传证照"))
        return enterprise

    def validate(self, data):
        issued, expires = data.get("issued_on"), data.get("expires_on")
        if issued and expires and expires < issued:
            raise serializers.ValidationError({"expires_on": _("有效期至不能早于签发日期")})
        doc_type, enterprise = data["doc_type"], data.get("owner_enterprise")
        if doc_type.owner_kind == OwnerKind.ENTERPRISE and enterprise is None:
            raise serializers.ValidationError(
                {"owner_enterprise": _("%(type)s属于企业，请选择所属企业") % {"type": doc_type.name}}
            )
        if doc_type.owner_kind == OwnerKind.PERSON and enterprise is not None:
            raise serializers.ValidationError({"owner_enterprise": _("%(type)s只能属于本人") % {"type": doc_type.name}})
        return data


@extend_schema_view(
    get=extend_schema(summary="我的证照", tags=TAGS, description="本人及本人所代表企业的证照，最新的在前。"),
    post=extend_schema(
        summary="上传证照",
        tags=TAGS,
        request={"multipart/form-data": DocumentUploadInput},
        responses={201: DocumentOutput},
        description="文件按内容判断格式（JPG、PNG、PDF），图片会重新编码并去除 EXIF；被拒绝时 400，"
        "`fields.file` 说明原因。",
    ),
)
class DocumentListCreateApi(generics.ListAPIView):
    serializer_class = DocumentOutput
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return documents_of(user=self.request.user)

    def post(self, request):
        data = DocumentUploadInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        enterprise = values.get("owner_enterprise")
        document = store_upload(
            upload=values["file"],
            doc_type=values["doc_type"],
            uploaded_by=request.user,
            owner_user=None if enterprise else request.user,
            owner_enterprise=enterprise,
            issued_on=values.get("issued_on"),
            expires_on=values.get("expires_on"),
        )
        document = documents_of(user=request.user).get(pk=document.pk)
        return Response(DocumentOutput(document, context={"request": request}).data, status=status.HTTP_201_CREATED)


@extend_schema(summary="证照详情", tags=TAGS, responses={200: DocumentOutput})
class DocumentDetailApi(APIView):
    def get(self, request, pk: int):
        document = document_for(request.user, pk, reading_file=False)
        return Response(DocumentOutput(document, context={"request": request}).data)


class AnyAcceptNegotiation(BaseContentNegotiation):
    """The file endpoint answers with the file's own type whatever the client accepts; its
    errors are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema(
    summary="下载证照文件",
    tags=TAGS,
    description="返回文件本身（`Content-Disposition: attachment`，中文文件名按 RFC 5987 编码；"
    "`Cache-Control: private, no-store`）。他人的证照返回 404。查看他人的敏感证照会记入其数据访问记录。",
    responses={
        (200, media): OpenApiResponse(
            OpenApiTypes.BINARY, description="文件内容，格式即 content_type（JPG、PNG 或 PDF）"
        )
        for media in ("image/jpeg", "image/png", "application/pdf")
    },
    parameters=[
        OpenApiParameter(
            "Content-Disposition",
            str,
            OpenApiParameter.HEADER,
            response=[200],
            description="attachment; filename=\"document-<id>.<ext>\"; filename*=UTF-8''<中文文件名>",
        ),
        OpenApiParameter(
            "Cache-Control", str, OpenApiParameter.HEADER, response=[200], description="private, no-store"
        ),
        OpenApiParameter("X-Content-Type-Options", str, OpenApiParameter.HEADER, response=[200], description="nosniff"),
    ],
)
class DocumentFileApi(APIView):
    content_negotiation_class = AnyAcceptNegotiation

    def get(self, request, pk: int):
        return serve(request.user, pk, inline=False)


@extend_schema_view(
    get=extend_schema(summary="证照类型", tags=TAGS, description="customer_upload 为 true 的类型可由客户上传。")
)
class DocumentTypeListApi(generics.ListAPIView):
    serializer_class = DocumentTypeOutput
    queryset = DocumentType.objects.order_by("code")
