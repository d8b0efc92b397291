"""我的签名: draw a signature and keep it; the reusable field refuses an empty pad."""

import pytest
from django import forms
from django.urls import reverse

from portal.signing.forms import SignatureField
from portal.signing.models import Signature
from tests.factories import VerifiedUserFactory
from tests.signing.conftest import as_data_url

pytestmark = pytest.mark.django_db

URL = reverse("signing:my_signature")


@pytest.fixture
def customer(client):
    user = VerifiedUserFactory()
    client.force_login(user)
    return user


def test_the_page_offers_a_labelled_pad_with_a_clear_button_and_instructions(client, customer):
    page = client.get(URL).content.decode()
    assert "<legend>手写签名" in page
    assert 'class="signature-pad"' in page
    assert ">清除</button>" in page
    assert "请用手指或鼠标在下方框内签写您的姓名" in page
    assert 'aria-live="polite"' in page
    assert "signature_pad-5.1.4.umd.min.js" in page and "js/signature-field.js" in page


def test_saving_a_signature_shows_it_on_the_page(client, customer, drawn_signature):
    response = client.post(URL, {"signature": drawn_signature})
    assert response.status_code == 302
    signature = Signature.objects.get(user=customer)
    page = client.get(URL).content.decode()
    assert "签名已保存" in page
    assert reverse("documents:preview", args=[signature.image_id]) in page
    # The owner sees their own signature image.
    assert client.get(reverse("documents:preview", args=[signature.image_id])).status_code == 200


def test_an_empty_pad_is_refused_with_please_sign_first(client, customer):
    response = client.post(URL, {"signature": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "请先签名" in page.split('id="field-signature"')[1]
    assert not Signature.objects.exists()


def test_a_blank_canvas_is_refused_with_please_sign_first(client, customer):
    from tests.signing.test_signature_service import png

    response = client.post(URL, {"signature": as_data_url(png((600, 200)))})
    assert "请先签名" in response.content.decode()
    assert not Signature.objects.exists()


def test_another_users_signature_is_not_theirs_to_see(client, customer, drawn_signature):
    client.post(URL, {"signature": drawn_signature})
    image_id = Signature.objects.get().image_id
    client.force_login(VerifiedUserFactory())
    assert client.get(reverse("documents:preview", args=[image_id])).status_code == 404


class SignForm(forms.Form):
    agree = forms.BooleanField(label="我已阅读并同意")
    signature = SignatureField()


def test_the_field_keeps_a_drawn_signature_when_another_field_fails(drawn_signature):
    form = SignForm(data={"signature": drawn_signature})
    assert not form.is_valid()
    assert "agree" in form.errors and "signature" not in form.errors
    assert drawn_signature in str(form["signature"])  # redrawn on the pad by the page's script


def test_the_field_does_not_echo_back_what_is_not_a_png():
    form = SignForm(data={"signature": 'data:text/html,"><script>alert(1)</script>', "agree": "on"})
    assert not form.is_valid()
    assert "<script>" not in str(form["signature"])
    assert form.errors["signature"] == ["签名须为 PNG 图片，请清除后重新签名"]
