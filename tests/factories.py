"""factory_boy factories for the whole suite. Identity numbers are generated valid (GB 11643,
GB 32100) so that a test that wants an invalid one says so."""

import factory
from django.utils import timezone

from portal.accounts.models import Enterprise, EnterpriseType, IdType, StaffProfile, User
from portal.accounts.validators import resident_id_check_char, uscc_check_char

DEFAULT_PASSWORD = "Dianli#2026"


def resident_id(n: int, birth: str = "19900307", region: str = "630102") -> str:
    """A valid 18-character resident ID number (region 630102 is Xining's 城东区)."""
    first17 = f"{region}{birth}{n % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def credit_code(n: int) -> str:
    """A valid unified social credit code."""
    first17 = f"91630100MA{n % 10**7:07d}"
    return first17 + uscc_check_char(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"139{n:08d}")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class VerifiedUserFactory(UserFactory):
    name = factory.Iterator(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"])
    id_type = IdType.RESIDENT_ID
    id_number = factory.Sequence(lambda n: resident_id(n))
    real_name_verified_at = factory.LazyFunction(timezone.now)


class StaffFactory(VerifiedUserFactory):
    phone = factory.Sequence(lambda n: f"137{n:08d}")
    is_staff = True

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        """``StaffFactory(roles=[Role.ACCOUNT_MANAGER])`` puts the user in those role groups."""
        if create and extracted:
            from django.contrib.auth.models import Group

            obj.groups.add(*[Group.objects.get(name=r) for r in extracted])

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if create:
            StaffProfile.objects.get_or_create(
                user=obj,
                defaults={"employee_number": f"QH{obj.pk:06d}", "organization": "国网西宁供电公司城东供电中心"},
            )


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"青海高原制造有限公司{n}")
    credit_code = factory.Sequence(credit_code)
    enterprise_type = EnterpriseType.LIMITED_LIABILITY
    legal_rep_name = "赵强"
    legal_rep_id_number = factory.Sequence(lambda n: resident_id(n, birth="19750612"))
    registered_address = "青海省西宁市城东区八一中路 8 号"


# --- documents and signing (portal.documents, portal.signing) -------------------------------

def _small_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 24), "teal").save(out, "PNG")
    return out.getvalue()


SMALL_PNG = _small_png()


class DocumentFactory(factory.django.DjangoModelFactory):
    """A stored file. Pass ``doc_type=DocumentType.objects.get(code=...)`` for another type and
    ``owner_enterprise=...`` (with ``owner_user=None``) for an enterprise's document."""

    class Meta:
        model = "documents.Document"

    doc_type = factory.LazyFunction(lambda: _document_type("property_proof"))
    owner_user = factory.SubFactory(VerifiedUserFactory)
    file = factory.django.FileField(filename="scan.png", data=SMALL_PNG)
    content_type = "image/png"
    size = len(SMALL_PNG)
    sha256 = factory.LazyFunction(lambda: __import__("hashlib").sha256(SMALL_PNG).hexdigest())
    original_name = "房产证.png"


def _document_type(code: str):
    from portal.documents.models import DocumentType

    return DocumentType.objects.get(code=code)
