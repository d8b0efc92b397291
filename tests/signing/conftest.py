import base64

import pytest

from tests.documents.conftest import signature_png
from tests.documents.stand_ins import install_unread_count_stand_in


@pytest.fixture(autouse=True)
def _pages_of_other_branches(settings):
    settings.ROOT_URLCONF = "tests.documents.stand_in_urls"
    install_unread_count_stand_in()


def as_data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


@pytest.fixture
def drawn_signature() -> str:
    """What signature_pad posts after someone signed: a PNG data URL."""
    return as_data_url(signature_png())
