"""REST API of handwritten signatures (tag "signing"), for the mobile app's signing pad."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from portal.signing.models import Signature
from portal.signing.services import MAX_SIGNATURE_BYTES, save_signature

TAGS = ["signing"]


class SignatureOutput(serializers.ModelSerializer):
    document_id = serializers.IntegerField(source="image_id", help_text=_("签名图片的证照编号，提交签署时使用"))
    image_url = serializers.SerializerMethodField(help_text=_("签名图片（PNG）下载地址"))

    class Meta:
        model = Signature
        fields = ["id", "document_id", "sha256", "created_at", "image_url"]

    def get_image_url(self, signature: Signature) -> str:
        url = reverse("api-document-file", args=[signature.image_id])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class SignatureInput(serializers.Serializer):
    data_url = serializers.CharField(
        max_length=(MAX_SIGNATURE_BYTES * 4) // 3 + 64,
        trim_whitespace=True,
        help_text=_("签名板导出的 PNG：data:image/png;base64,…（透明或白色背景）"),
        error_messages={
            "max_length": _("签名图片过大，请清除后重新签名"),
            "blank": _("请先签名"),
            "required": _("请先签名"),
        },
    )


@extend_schema_view(
    get=extend_schema(summary="我的手写签名", tags=TAGS, description="最新的在前。"),
    post=extend_schema(
        summary="保存手写签名",
        tags=TAGS,
        request=SignatureInput,
        responses={201: SignatureOutput},
        description="服务器检查是否为 PNG、大小是否合理、是否空白；空白签名返回 400，"
        "`fields.data_url` 为“请先签名”。保存时裁去空白边缘。",
    ),
)
class SignatureListCreateApi(generics.ListAPIView):
    serializer_class = SignatureOutput

    def get_queryset(self):
        return Signature.objects.filter(user=self.request.user).order_by("-created_at", "-id")

    def post(self, request):
        data = SignatureInput(data=request.data)
        data.is_valid(raise_exception=True)
        signature = save_signature(user=request.user, data_url=data.validated_data["data_url"], field="data_url")
        return Response(SignatureOutput(signature, context={"request": request}).data, status=status.HTTP_201_CREATED)
