"""The "发送验证码" button (htmx endpoint and no-JS fallback), /dev/sms/ and the SMS admin."""

import re

import pytest
from django.urls import reverse

from portal.verification.models import Purpose, SmsCode, SmsMessage
from tests.conftest import latest_sms_code
from tests.factories import UserFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def press_send(client, django_capture_on_commit_callbacks):
    def _press(purpose: str, phone: str = "", button: str = "", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("verification:send_code"),
                {"purpose": purpose, "phone": phone, "button": button or f"send-code-{purpose}"},
                **HTMX,
                **extra,
            )

    return _press


def test_a_sent_code_says_where_it_went_and_starts_the_countdown(press_send):
    response = press_send(Purpose.REGISTER, "13812341234")
    html = response.content.decode()
    assert response.status_code == 200
    assert "验证码已发送至138****1234" in html
    assert '<span data-retry-after="60" data-button="send-code-register" hidden>' in html
    assert "13812341234" not in html
    assert re.fullmatch(r"\d{6}", latest_sms_code("13812341234"))


def test_a_second_press_within_sixty_seconds_shows_the_seconds_left(press_send):
    press_send(Purpose.REGISTER, "13812341234")
    html = press_send(Purpose.REGISTER, "13812341234").content.decode()
    wait = int(re.search(r"请(\d+)秒后再重新获取", html).group(1))
    assert 55 <= wait <= 60
    assert f'data-retry-after="{wait}"' in html
    assert SmsCode.objects.filter(phone="13812341234").count() == 1


def test_the_daily_cap_is_refused_without_a_countdown(press_send, settings):
    settings.SMS_DAILY_LIMIT_PER_IP = 1
    press_send(Purpose.REGISTER, "13812341234")
    html = press_send(Purpose.REGISTER, "13812345678").content.decode()
    assert "当前网络今日获取验证码次数已达上限，请明天再试" in html
    assert "data-retry-after" not in html


def _strip_timing(html: str) -> str:
    return re.sub(r'data-retry-after="\d+"', "", html)


def test_registered_or_not_the_answer_and_the_counting_are_the_same(press_send, settings):
    """Issue 7: /sms/send-code/ told whether a phone is registered before counting anything."""
    UserFactory(phone="13812341234")
    registered = press_send(Purpose.REGISTER, "13812341234").content.decode()
    unknown = press_send(Purpose.REGISTER, "13812345678").content.decode()
    assert _strip_timing(registered).replace("1234", "5678") == _strip_timing(unknown)
    assert "已注册" not in registered
    # Both counted: the 60-second rule answers alike too.
    again = [press_send(Purpose.REGISTER, phone).content.decode() for phone in ("13812341234", "13812345678")]
    assert all("秒后再重新获取" in html for html in again)
    assert SmsCode.objects.count() == 2
    # The registered phone's owner is told by text why no code came; no code of it can match.
    assert "该手机号已注册网上供电营业厅" in SmsMessage.objects.get(phone="13812341234").text


def test_a_login_code_for_an_unknown_phone_answers_like_a_registered_one(press_send):
    UserFactory(phone="13812341234")
    known = press_send(Purpose.LOGIN, "13812341234").content.decode()
    unknown = press_send(Purpose.LOGIN, "13812345678").content.decode()
    assert _strip_timing(known).replace("1234", "5678") == _strip_timing(unknown)
    assert "尚未注册" not in unknown
    assert "该手机号尚未注册网上供电营业厅" in SmsMessage.objects.get(phone="13812345678").text


def test_an_invalid_phone_is_refused(press_send):
    html = press_send(Purpose.REGISTER, "1381234").content.decode()
    assert "请输入正确的11位手机号码" in html


def test_other_purposes_need_a_logged_in_user(press_send):
    html = press_send(Purpose.SUBMIT, "13812341234").content.decode()
    assert "请先登录后再获取验证码" in html
    assert not SmsCode.objects.exists()


def test_other_purposes_go_to_the_users_own_phone_whatever_is_posted(client, press_send):
    me = VerifiedUserFactory(phone="13911112222")
    client.force_login(me)
    html = press_send(Purpose.SUBMIT, "13812341234").content.decode()
    assert "验证码已发送至139****2222" in html
    assert list(SmsCode.objects.values_list("phone", flat=True)) == ["13911112222"]


def test_the_button_id_cannot_inject_markup(press_send):
    html = press_send(Purpose.REGISTER, "13812341234", button='x" onmouseover="alert(1)').content.decode()
    assert 'data-button="send-code-register"' in html
    assert "onmouseover" not in html


def test_the_endpoint_needs_the_csrf_token():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        reverse("verification:send_code"), {"purpose": "register", "phone": "13812341234"}, **HTMX
    )
    assert response.status_code == 403
    assert not SmsCode.objects.exists()


def test_without_javascript_the_register_page_sends_and_keeps_what_was_typed(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:register"),
            {
                "phone": "13812341234",
                "sms_code": "",
                "password": "Dianli#2026x",
                "password2": "Dianli#2026x",
                "send_code": "register",
            },
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "验证码已发送至138****1234" in html
    assert 'value="13812341234"' in html
    assert html.count('value="Dianli#2026x"') == 2
    assert "请输入短信验证码" not in html  # nothing marked as an error yet
    assert SmsMessage.objects.filter(phone="13812341234").exists()


def test_without_javascript_the_password_reset_page_sends_a_reset_code(client, django_capture_on_commit_callbacks):
    UserFactory(phone="13812341234")
    with django_capture_on_commit_callbacks(execute=True):
        html = client.post(
            reverse("accounts:password_reset"), {"phone": "13812341234", "send_code": "reset_password"}
        ).content.decode()
    assert "验证码已发送至138****1234" in html
    assert SmsCode.objects.get().purpose == Purpose.RESET_PASSWORD


def test_without_javascript_a_refusal_is_shown_on_the_page(client):
    html = client.post(reverse("accounts:register"), {"phone": "1381234", "send_code": "register"}).content.decode()
    assert "请输入正确的11位手机号码" in html
    assert 'value="1381234"' in html


def test_a_plain_post_to_the_endpoint_answers_a_page_with_a_way_back(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("verification:send_code"),
            {"purpose": "register", "phone": "13812341234"},
            HTTP_REFERER="http://testserver/accounts/register/",
        )
    html = response.content.decode()
    assert "验证码已发送至138****1234" in html
    assert 'href="http://testserver/accounts/register/"' in html


class TestDevSmsPage:
    def test_it_does_not_exist_without_debug(self, client, send_code):
        send_code("13812341234", Purpose.REGISTER)
        assert client.get(reverse("verification:dev_sms")).status_code == 404

    def test_it_does_not_exist_with_a_real_sms_provider(self, client, settings):
        settings.DEBUG = True
        settings.SMS_BACKEND = "portal.verification.backends.HttpProviderBackend"
        assert client.get(reverse("verification:dev_sms")).status_code == 404

    def test_with_debug_it_shows_the_newest_fifty_messages(self, client, settings, send_code):
        settings.DEBUG = True
        for n in range(52):
            SmsMessage.objects.create(
                phone="13900000000", template="notification", text=f"消息{n}", idempotency_key=f"k{n}"
            )
        code = send_code("13812341234", Purpose.REGISTER)
        html = client.get(reverse("verification:dev_sms")).content.decode()
        assert code in html and "13812341234" in html
        assert html.count('class="dev-sms-text"') == 50
        assert "消息51" in html and "消息1<" not in html


class TestSmsAdmin:
    def test_codes_are_listed_masked_without_their_hash(self, admin_client, send_code):
        send_code("13812341234", Purpose.LOGIN)
        sms = SmsCode.objects.get()
        for url in (
            reverse("admin:verification_smscode_changelist"),
            reverse("admin:verification_smscode_change", args=[sms.pk]),
        ):
            html = admin_client.get(url).content.decode()
            assert "138****1234" in html
            assert "13812341234" not in html
            assert sms.code_hash not in html

    def test_messages_are_listed_with_phone_and_code_masked(self, admin_client, send_code):
        code = send_code("13812341234", Purpose.LOGIN)
        html = admin_client.get(reverse("admin:verification_smsmessage_changelist")).content.decode()
        assert "138****1234" in html
        assert "13812341234" not in html
        assert code not in html

    def test_nobody_edits_or_deletes_them(self, admin_client, send_code):
        send_code("13812341234", Purpose.LOGIN)
        sms = SmsCode.objects.get()
        assert admin_client.get(reverse("admin:verification_smscode_add")).status_code == 403
        assert (
            admin_client.post(reverse("admin:verification_smscode_delete", args=[sms.pk]), {"post": "yes"}).status_code
            == 403
        )
        assert SmsCode.objects.filter(pk=sms.pk).exists()
