import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from applications.models import AccountBinding, Region, ServiceAccount


def photo(name: str = "photo.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (120, 90), "#336699").save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def street():
    return Region.objects.get(name="八一路街道")


@pytest.fixture
def residential_account(street):
    def make(user, **overrides):
        defaults = dict(
            number=f"63{ServiceAccount.objects.count() + 1:08d}",
            customer_kind="resident",
            holder_name=user.name,
            holder_id_type="resident_id",
            holder_id_number=user.id_number,
            region=street,
            address="八一中路 8 号 3 单元 502 室",
            voltage="220V",
            capacity=8,
            usage_nature="residential",
            tariff_category="居民生活用电（一户一表）",
            registered_phone=user.phone,
        )
        defaults.update(overrides)
        account = ServiceAccount.objects.create(**defaults)
        AccountBinding.objects.create(user=user, account=account, via=AccountBinding.Via.HOLDER_ID)
        return account

    return make


# Fixtures of the service-account tests (我的户号, 电量电费, 停电信息) live in their own module.
from tests.applications.accounts_fixtures import *  # noqa: E402, F403

# --- helpers and fixtures for driving every business through the services ------------------------

PNG_1PX = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def complete(application, user, step: str, data: dict):
    """Complete a step the way the page does; the step must be valid."""
    from applications import services

    form = services.complete_step(application=application, user=user, step_key=step, data=data)
    assert form.is_valid(), form.errors
    return form


def refused(application, user, step: str, data: dict) -> dict[str, str]:
    """Complete a step that must be refused; returns the errors as text per field."""
    from applications import services

    form = services.complete_step(application=application, user=user, step_key=step, data=data)
    assert not form.is_valid(), f"step {step} was accepted"
    return {name: " ".join(str(e) for e in errors) for name, errors in form.errors.items()}


def upload_missing(application, user) -> set[str]:
    """Upload a photo for every document still missing; returns the rule keys uploaded."""
    from applications import services
    from applications.requirements import requirements_for

    keys = {r.key for r in requirements_for(application) if r.state == "missing"}
    errors = services.save_documents(
        application=application, user=user, uploads={key: photo(f"{key}.jpg") for key in keys}, deferrals={}
    )
    assert errors == {}, errors
    assert services.missing_documents(application) == []
    return keys


def requirement_keys(application) -> set[str]:
    from applications.requirements import requirements_for

    return {r.key for r in requirements_for(application)}


def requirement_states(application) -> dict[str, str]:
    from applications.requirements import requirements_for

    return {r.key: r.state for r in requirements_for(application)}


@pytest.fixture
def submit(send_code):
    """Submit with a fresh SMS code sent to the applicant's phone."""
    from applications import services
    from portal.verification.models import Purpose

    def _submit(application, user, **kwargs):
        code = send_code(user.phone, Purpose.SUBMIT)
        return services.submit_application(application=application, user=user, sms_code=code, **kwargs)

    return _submit


@pytest.fixture
def signature():
    """A handwritten signature as the signing widget will store it (a PNG owned by the user)."""
    from portal.documents.models import DocumentSource, DocumentType
    from portal.documents.services import store_generated

    def make(user):
        doc_type, _created = DocumentType.objects.get_or_create(
            code="signature", defaults={"name": "手写签名", "owner_kind": "person", "reusable": False}
        )
        return store_generated(
            data=PNG_1PX,
            doc_type=doc_type,
            owner_user=user,
            name="signature.png",
            source=DocumentSource.SIGNED,
            created_by=user,
        )

    return make


@pytest.fixture
def make_account(street):
    """Any kind of account, bound to ``user`` unless ``bind=False``."""

    def make(user, *, bind=True, **overrides):
        defaults = dict(
            number=f"63{ServiceAccount.objects.count() + 1:08d}",
            customer_kind="resident",
            holder_name=user.name,
            holder_id_type="resident_id",
            holder_id_number=user.id_number,
            region=street,
            address="八一中路 8 号 3 单元 502 室",
            voltage="220V",
            capacity=8,
            usage_nature="residential",
            tariff_category="居民生活用电（一户一表）",
            registered_phone=user.phone,
        )
        defaults.update(overrides)
        account = ServiceAccount.objects.create(**defaults)
        if bind:
            AccountBinding.objects.create(user=user, account=account, via=AccountBinding.Via.HOLDER_ID)
        return account

    return make


@pytest.fixture
def enterprise_of():
    """An enterprise ``user`` is bound to: as its legal representative (their own ID) or agent."""
    from portal.accounts.models import EnterpriseMembership
    from tests.factories import EnterpriseFactory

    def make(user, *, relation="legal_rep", **overrides):
        if relation == "legal_rep":
            overrides.setdefault("legal_rep_name", user.name)
            overrides.setdefault("legal_rep_id_number", user.id_number)
        enterprise = EnterpriseFactory(**overrides)
        EnterpriseMembership.objects.create(user=user, enterprise=enterprise, relation=relation)
        return enterprise

    return make


@pytest.fixture
def enterprise_account(make_account):
    """A low-voltage account of an enterprise (commercial use), bound to ``user``."""

    def make(user, enterprise, **overrides):
        defaults = dict(
            customer_kind="enterprise",
            holder_name=enterprise.name,
            holder_id_type="credit_code",
            holder_id_number=enterprise.credit_code,
            holder_enterprise=enterprise,
            address="昆仑中路 66 号",
            voltage="380V",
            capacity=100,
            usage_nature="commercial",
            tariff_category="一般工商业用电（单一制）",
        )
        defaults.update(overrides)
        return make_account(user, **defaults)

    return make


@pytest.fixture
def hv_account(enterprise_account):
    """A 10 kV large-industry account on demand billing (800 kVA, 500 kW demand)."""

    def make(user, enterprise, **overrides):
        defaults = dict(
            voltage="10kV",
            capacity=800,
            usage_nature="large_industry",
            tariff_category="大工业用电",
            basic_charge="demand",
            contracted_demand=500,
            address="生物园区经二路 12 号",
        )
        defaults.update(overrides)
        return enterprise_account(user, enterprise, **defaults)

    return make
