import pytest
from django.utils import timezone

from portal.accounts.roles import Role
from tests.factories import ApplicationFactory, StaffFactory

# A 1x1 PNG drawn on the signing pad would be refused as blank: a real stroke.
SIGNATURE = None


def signature_data_url() -> str:
    import base64
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (300, 120), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(20, 80), (80, 30), (140, 90), (200, 30), (270, 70)], fill=(0, 0, 0, 255), width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


@pytest.fixture
def manager():
    """王芳, an account manager (客户经理)."""
    return StaffFactory(name="王芳", roles=[Role.ACCOUNT_MANAGER])


@pytest.fixture
def hv_order(manager):
    """An accepted 高压新装 of 400 kVA (large industry), its process at stage 2."""
    from utility_flows import services

    application = ApplicationFactory(business_code="hv_new", capacity=400, extra_answers={"transformer": "yes"})
    return services.accept_application(application=application, by=manager)


@pytest.fixture
def later():
    return timezone.now() + timezone.timedelta(days=2)


@pytest.fixture
def contractor_licence(db):
    """青海宏源电力安装工程有限公司 holding a valid 承装四级 / 承修五级 licence in the licensing registry."""
    from tests.licensing.helpers import licensed_firm

    return licensed_firm()
