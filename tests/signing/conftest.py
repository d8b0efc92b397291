import base64

import pytest

from tests.documents.conftest import signature_png


def as_data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


@pytest.fixture
def drawn_signature() -> str:
    """What signature_pad posts after someone signed: a PNG data URL."""
    return as_data_url(signature_png())
