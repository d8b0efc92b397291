"""factory_boy factories for the whole suite. Identity numbers are generated valid (GB 11643,
GB 32100) so that a test that wants an invalid one says so."""

from datetime import timedelta
from decimal import Decimal

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


# --- service accounts, bills, outages (applications/accounts) -------------------------------------


def _street(code: str = "630102006"):
    """A street of the reference data (630102006 is 城东区八一路街道)."""
    from applications.models import Region

    return Region.objects.get(code=code)


class ServiceAccountFactory(factory.django.DjangoModelFactory):
    """A residential account in 八一路街道 held by a person with a valid resident ID.
    ``ServiceAccountFactory(holder=user)`` makes ``user`` the holder (name and ID number)."""

    class Meta:
        model = "applications.ServiceAccount"

    class Params:
        holder = None

    number = factory.Sequence(lambda n: f"63{n + 10_000_000:08d}")
    customer_kind = "resident"
    holder_name = factory.LazyAttribute(lambda o: o.holder.name if o.holder else "李秀兰")
    holder_id_type = "resident_id"
    holder_id_number = factory.LazyAttributeSequence(
        lambda o, n: o.holder.id_number if o.holder else resident_id(n + 500, birth="19620415")
    )
    region = factory.LazyFunction(_street)
    address = factory.Sequence(lambda n: f"八一中路 {n % 200 + 1} 号 {n % 6 + 1} 单元 {n % 30 + 101} 室")
    voltage = "220V"
    capacity = 8
    usage_nature = "residential"
    tariff_category = "居民生活用电（一户一表）"
    registered_phone = factory.Sequence(lambda n: f"138{n:08d}")


class EnterpriseAccountFactory(ServiceAccountFactory):
    """A 10 kV enterprise account on demand billing, held by ``holder_enterprise``."""

    customer_kind = "enterprise"
    holder_enterprise = factory.SubFactory(EnterpriseFactory)
    holder_name = factory.LazyAttribute(lambda o: o.holder_enterprise.name)
    holder_id_type = "credit_code"
    holder_id_number = factory.LazyAttribute(lambda o: o.holder_enterprise.credit_code)
    voltage = "10kV"
    capacity = 800
    usage_nature = "large_industry"
    tariff_category = "大工业用电（1-10千伏）"
    basic_charge = "demand"
    contracted_demand = 500


class AccountBindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "applications.AccountBinding"

    user = factory.SubFactory(VerifiedUserFactory)
    account = factory.SubFactory(ServiceAccountFactory)
    via = "holder_id"


class BillFactory(factory.django.DjangoModelFactory):
    """``period`` is the first day of the month; paid ten days after the month ends."""

    class Meta:
        model = "applications.Bill"

    account = factory.SubFactory(ServiceAccountFactory)
    period = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    kwh = 200
    amount = factory.LazyAttribute(lambda o: round(Decimal(o.kwh) * Decimal("0.3771"), 2))
    due_on = factory.LazyAttribute(lambda o: (o.period + timedelta(days=45)).replace(day=15))
    paid_on = factory.LazyAttribute(lambda o: (o.period + timedelta(days=40)).replace(day=10))


class OutageFactory(factory.django.DjangoModelFactory):
    """A planned outage of 八一路街道 tomorrow from 8:00 to 18:00."""

    class Meta:
        model = "applications.Outage"

    region = factory.LazyFunction(_street)
    kind = "planned"
    starts_at = factory.LazyFunction(
        lambda: timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0) + timedelta(days=1)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=10))
    scope = "八一中路 1–99 号沿街商铺及住宅小区"
    reason = "10千伏线路检修"
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


# --- applications and work orders (utility_flows) ------------------------------------------------


def _appointment() -> str:
    day = timezone.localdate() + timedelta(days=3)
    return f"{day:%Y-%m-%d}T10:00"


def _application_data(o) -> dict:
    """The draft data a completed form leaves behind, per business (raw as typed, answers)."""
    if o.business_code == "peak_valley":
        account = o.service_account
        raw = {"account": {"account_number": account.number, "notice_confirmed": "on"}, "applicant": {}}
        answers = {
            "account": {
                "account_number": account.number,
                "notice_confirmed": True,
                "peak_valley_target": not account.peak_valley,
            },
            "applicant": {"identity": "owner"},
        }
    else:
        location = {
            "street": str(o.region.pk),
            "address": o.address,
            "capacity": str(o.capacity),
            "appointment": _appointment(),
            "notice_confirmed": "on",
        }
        raw = {"location": location, "property": {"property_proof_type": "real_estate_certificate"}, "applicant": {}}
        answers = {
            "location": {
                "street": o.region.pk,
                "address": o.address,
                "capacity": str(o.capacity),
                "appointment": location["appointment"],
                "notice_confirmed": True,
            },
            "property": {"property_proof_type": "real_estate_certificate"},
            "applicant": {"identity": "owner"},
        }
    answers[next(iter(answers))].update(o.extra_answers)
    return {"raw": raw, "answers": answers, "done": list(raw), "deferred": {}}


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A submitted application, as ``submit_application`` leaves it (number, columns, data).
    ``ApplicationFactory(business_code="peak_valley", service_account=account)`` for a change."""

    class Meta:
        model = "applications.Application"
        skip_postgeneration_save = True

    class Params:
        extra_answers = factory.LazyFunction(dict)

    business_code = "residential_new"
    applicant = factory.SubFactory(VerifiedUserFactory)
    state = "submitted"
    number = factory.Sequence(lambda n: f"SQ{timezone.localdate():%Y%m%d}{n + 900000:06d}")
    identity = "owner"
    region = factory.LazyAttribute(lambda o: o.service_account.region if o.service_account else _street())
    address = factory.LazyAttribute(
        lambda o: o.service_account.address if o.service_account else "八一中路 8 号 3 单元 502 室"
    )
    capacity = factory.LazyAttribute(lambda o: None if o.service_account else 8)
    service_account = None
    contact_phone = factory.SelfAttribute("applicant.phone")
    submitted_at = factory.LazyFunction(timezone.now)
    current_step = "confirm"
    data = factory.LazyAttribute(_application_data)

    @factory.post_generation
    def history(obj, create, extracted, **kwargs):
        if create and obj.state != "draft":
            from applications.models import ApplicationEvent

            ApplicationEvent.objects.create(
                application=obj,
                actor=obj.applicant,
                from_state="draft",
                to_state="submitted",
                note="客户提交申请",
                at=obj.submitted_at or timezone.now(),
            )


class WorkOrderFactory(factory.django.DjangoModelFactory):
    """An order as acceptance leaves it, without running the services (for lists and queues).
    Orders under test for their behaviour come from ``utility_flows.services.accept_application``."""

    class Meta:
        model = "utility_flows.WorkOrder"
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory, state="accepted")
    business_code = factory.SelfAttribute("application.business_code")
    flow = factory.LazyAttribute(lambda o: o.application.business.flow)
    state = "accepted"
    assignee = factory.SubFactory(StaffFactory)
    customer = factory.SelfAttribute("application.applicant")
    region = factory.LazyAttribute(lambda o: o.application.region.parent if o.application.region else None)
    step_due_on = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def numbered(obj, create, extracted, **kwargs):
        if create and not obj.number:
            obj.number = f"GD{timezone.localdate():%Y%m%d}{obj.pk:06d}"
            obj.save(update_fields=["number"])
