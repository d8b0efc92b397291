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
            customer_kind="resident", holder_name=user.name, holder_id_type="resident_id",
            holder_id_number=user.id_number, region=street, address="八一中路 8 号 3 单元 502 室",
            voltage="220V", capacity=8, usage_nature="residential", tariff_category="居民生活用电（一户一表）",
            registered_phone=user.phone,
        )
        defaults.update(overrides)
        account = ServiceAccount.objects.create(**defaults)
        AccountBinding.objects.create(user=user, account=account, via=AccountBinding.Via.HOLDER_ID)
        return account

    return make


# Fixtures of the service-account tests (我的户号, 电量电费, 停电信息) live in their own module.
from tests.applications.accounts_fixtures import *  # noqa: E402, F401, F403
