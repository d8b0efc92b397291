"""Registration, log-in (password and SMS code), log-out and passwords, as a customer uses the pages."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from portal.accounts.models import LoginAttempt, User
from portal.audit.models import AuditEvent
from portal.verification.models import Purpose
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Gongdian@2027"


def field_html(html: str, name: str) -> str:
    """The markup of one field group (label, input, errors)."""
    match = re.search(
        rf'<div class="field[^"]*" id="field-{name}">(.*?)</div>\s*(?=<div class="field|<button|<p )', html, re.S
    )
    assert match, f"no field {name}"
    return match.group(1)


def logged_in(client) -> bool:
    return client.get(reverse("accounts:me")).status_code == 200


class TestRegister:
    def register(self, client, **data):
        form = {"phone": "13812341234", "sms_code": "", "password": NEW_PASSWORD, "password2": NEW_PASSWORD, **data}
        return client.post(reverse("accounts:register") + data.pop("query", ""), form)

    def test_a_code_and_a_good_password_create_the_account_and_log_in(self, client, send_code):
        code = send_code("13812341234", Purpose.REGISTER)
        response = self.register(client, sms_code=code)
        assert response.status_code == 302
        assert response.url == reverse("accounts:real_name")
        user = User.objects.get(phone="13812341234")
        assert user.check_password(NEW_PASSWORD)
        assert logged_in(client)
        assert AuditEvent.objects.filter(action="注册账号", subject=user).exists()

    def test_a_wrong_code_is_shown_on_the_code_field_and_nothing_typed_is_lost(self, client, send_code):
        code = send_code("13812341234", Purpose.REGISTER)
        html = self.register(client, sms_code=f"{(int(code) + 1) % 10**6:06d}").content.decode()
        assert "验证码错误，还可以尝试4次" in field_html(html, "sms_code")
        assert 'value="13812341234"' in field_html(html, "phone")
        assert f'value="{NEW_PASSWORD}"' in field_html(html, "password")
        assert not User.objects.exists()

    def test_an_expired_code_says_so(self, client, send_code):
        from portal.verification.models import SmsCode

        code = send_code("13812341234", Purpose.REGISTER)
        SmsCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        html = self.register(client, sms_code=code).content.decode()
        assert "验证码已过期，请重新获取" in field_html(html, "sms_code")

    def test_a_code_sent_for_log_in_does_not_register(self, client, send_code):
        code = send_code("13812341234", Purpose.LOGIN)
        html = self.register(client, sms_code=code).content.decode()
        assert "请先获取短信验证码" in field_html(html, "sms_code")
        assert not User.objects.exists()

    def test_a_registered_phone_says_so_and_links_to_log_in(self, client):
        UserFactory(phone="13812341234")
        html = self.register(client, sms_code="123456").content.decode()
        assert "该手机号码已注册" in field_html(html, "phone")
        assert f'href="{reverse("accounts:login")}"' in html
        assert "去登录" in html

    def test_a_common_password_is_refused_by_the_password_validators(self, client, send_code):
        code = send_code("13812341234", Purpose.REGISTER)
        html = self.register(client, sms_code=code, password="password123", password2="password123").content.decode()
        assert "这个密码太常见了" in field_html(html, "password")
        # The code was not spent on a form that could not be saved.
        assert self.register(client, sms_code=code).status_code == 302

    def test_the_two_passwords_must_match(self, client):
        html = self.register(client, sms_code="123456", password2="Other#2027x").content.decode()
        assert "两次输入的密码不一致" in field_html(html, "password2")

    def test_a_safe_next_is_followed_and_an_unsafe_one_ignored(self, client, send_code):
        code = send_code("13812341234", Purpose.REGISTER)
        response = self.register(client, sms_code=code, next="https://evil.example.com/")
        assert response.url == reverse("accounts:real_name")
        client.logout()
        code = send_code("13812345678", Purpose.REGISTER, ip="10.0.0.2")
        response = self.register(client, phone="13812345678", sms_code=code, next="/accounts/enterprises/")
        assert response.url == "/accounts/enterprises/"


class TestLogIn:
    def test_by_password(self, client):
        UserFactory(phone="13812341234")
        response = client.post(
            reverse("accounts:login"), {"method": "password", "phone": "13812341234", "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 302 and response.url == reverse("core:home")
        assert logged_in(client)
        assert LoginAttempt.objects.get().succeeded

    def test_a_wrong_password_is_refused_without_saying_which_part_is_wrong(self, client):
        UserFactory(phone="13812341234")
        html = client.post(
            reverse("accounts:login"), {"method": "password", "phone": "13812341234", "password": "nope"}
        ).content.decode()
        assert '<ul class="errorlist nonfield" role="alert"><li>手机号码或密码错误</li>' in html
        assert not logged_in(client)

    def test_next_is_followed_only_within_the_site(self, client):
        UserFactory(phone="13812341234")
        form = {"method": "password", "phone": "13812341234", "password": DEFAULT_PASSWORD}
        assert (
            client.post(reverse("accounts:login"), {**form, "next": "/accounts/enterprises/"}).url
            == "/accounts/enterprises/"
        )
        client.logout()
        assert client.post(reverse("accounts:login"), {**form, "next": "//evil.example.com/"}).url == reverse(
            "core:home"
        )

    def test_the_login_page_sends_anonymous_visitors_back_after_login(self, client):
        response = client.get(reverse("accounts:me"))
        assert response.url.startswith(reverse("accounts:login") + "?next=")
        html = client.get(response.url).content.decode()
        assert 'name="next" value="/accounts/me/"' in html

    def test_by_sms_code(self, client, send_code):
        UserFactory(phone="13812341234")
        code = send_code("13812341234", Purpose.LOGIN)
        response = client.post(reverse("accounts:login"), {"method": "sms", "phone": "13812341234", "sms_code": code})
        assert response.status_code == 302
        assert logged_in(client)
        attempt = LoginAttempt.objects.get()
        assert attempt.succeeded and attempt.method == "sms"

    def test_a_wrong_sms_code_is_shown_on_the_code_field_and_counted(self, client, send_code):
        UserFactory(phone="13812341234")
        code = send_code("13812341234", Purpose.LOGIN)
        html = client.post(
            reverse("accounts:login"),
            {
                "method": "sms",
                "phone": "13812341234",
                "sms_code": f"{(int(code) + 1) % 10**6:06d}",
            },
        ).content.decode()
        assert "验证码错误，还可以尝试4次" in field_html(html, "sms_code")
        assert 'aria-current="page">验证码登录' in html
        assert not LoginAttempt.objects.get().succeeded

    def test_sms_log_in_for_an_unknown_phone_answers_like_a_wrong_code(self, client, send_code):
        from portal.verification.services import request_code_for

        UserFactory(phone="13812341234")
        for phone in ("13812341234", "13812345678"):
            request_code_for(purpose=Purpose.LOGIN, phone=phone, user=None, ip="127.0.0.1")
        answers = [
            field_html(
                client.post(
                    reverse("accounts:login"), {"method": "sms", "phone": phone, "sms_code": "123456"}
                ).content.decode(),
                "sms_code",
            )
            for phone in ("13812341234", "13812345678")
        ]
        assert answers[0] == answers[1] and "验证码错误，还可以尝试4次" in answers[0]

    def test_the_two_tabs_are_links_that_work_without_javascript(self, client):
        html = client.get(reverse("accounts:login") + "?tab=sms").content.decode()
        assert 'name="sms_code"' in html and 'name="password"' not in html
        html = client.get(reverse("accounts:login")).content.decode()
        assert 'name="password"' in html and 'name="sms_code"' not in html

    def test_log_out_needs_a_post(self, client):
        client.force_login(UserFactory())
        assert client.get(reverse("accounts:logout")).status_code == 405
        response = client.post(reverse("accounts:logout"))
        assert response.status_code == 302
        assert not logged_in(client)


class TestLogInRateLimit:
    def fail(self, client, phone: str, ip: str = "127.0.0.1"):
        return client.post(
            reverse("accounts:login"), {"method": "password", "phone": phone, "password": "wrong-one"}, REMOTE_ADDR=ip
        )

    def test_five_failures_lock_the_phone_and_say_for_how_long(self, client):
        UserFactory(phone="13812341234")
        messages = [self.fail(client, "13812341234").content.decode() for _ in range(5)]
        assert "再错误3次将暂时锁定登录" in messages[1]
        assert "再错误1次将暂时锁定登录" in messages[3]
        assert "该账号登录失败次数过多，请15分钟后再试，或使用短信验证码登录" in messages[4]
        # Even the right password is refused now from that network...
        form = {"method": "password", "phone": "13812341234", "password": DEFAULT_PASSWORD}
        html = client.post(reverse("accounts:login"), form).content.decode()
        assert "该账号登录失败次数过多，请15分钟后再试" in html
        assert not logged_in(client)
        # ...but the owner elsewhere is not locked out by someone else's guesses (issue 7).
        assert client.post(reverse("accounts:login"), form, REMOTE_ADDR="10.1.1.1").status_code == 302

    def test_each_further_failure_doubles_the_wait(self, client):
        UserFactory(phone="13812341234")
        for _ in range(5):
            self.fail(client, "13812341234")
        LoginAttempt.objects.update(at=timezone.now() - timedelta(minutes=16))  # the first lock passed
        html = self.fail(client, "13812341234").content.decode()
        assert "请30分钟后再试" in html

    def test_while_the_password_is_locked_the_owner_logs_in_by_sms_code(self, client, send_code):
        UserFactory(phone="13812341234")
        for _ in range(5):
            self.fail(client, "13812341234")
        code = send_code("13812341234", Purpose.LOGIN, ip="127.0.0.1")
        response = client.post(reverse("accounts:login"), {"method": "sms", "phone": "13812341234", "sms_code": code})
        assert response.status_code == 302 and logged_in(client)

    def test_guesses_spread_over_many_networks_stop_passwords_but_not_sms_codes(self, client, settings, send_code):
        settings.LOGIN_FAILURE_LIMIT_PER_PHONE_ALL_SOURCES = 6
        UserFactory(phone="13812341234")
        for n in range(6):
            self.fail(client, "13812341234", ip=f"10.7.0.{n}")
        form = {"method": "password", "phone": "13812341234", "password": DEFAULT_PASSWORD}
        html = client.post(reverse("accounts:login"), form, REMOTE_ADDR="10.8.8.8").content.decode()
        assert "暂停密码登录" in html and "请使用短信验证码登录" in html
        code = send_code("13812341234", Purpose.LOGIN, ip="10.8.8.8")
        response = client.post(
            reverse("accounts:login"),
            {"method": "sms", "phone": "13812341234", "sms_code": code},
            REMOTE_ADDR="10.8.8.8",
        )
        assert response.status_code == 302

    def test_the_lock_ends_when_the_failures_leave_the_window(self, client):
        UserFactory(phone="13812341234")
        for _ in range(5):
            self.fail(client, "13812341234")
        LoginAttempt.objects.update(at=timezone.now() - timedelta(minutes=16))
        response = client.post(
            reverse("accounts:login"), {"method": "password", "phone": "13812341234", "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 302

    def test_failures_from_one_network_lock_that_network(self, client, settings):
        settings.LOGIN_FAILURE_LIMIT_PER_IP = 3
        UserFactory(phone="13812341234")
        for n in range(3):
            self.fail(client, f"1390000000{n}", ip="10.2.2.2")
        form = {"method": "password", "phone": "13812341234", "password": DEFAULT_PASSWORD}
        html = client.post(reverse("accounts:login"), form, REMOTE_ADDR="10.2.2.2").content.decode()
        assert "当前网络登录失败次数过多" in html
        assert client.post(reverse("accounts:login"), form, REMOTE_ADDR="10.3.3.3").status_code == 302

    def test_wrong_sms_codes_count_towards_the_lock(self, client, send_code):
        UserFactory(phone="13812341234")
        code = send_code("13812341234", Purpose.LOGIN)
        for _ in range(5):
            client.post(
                reverse("accounts:login"),
                {"method": "sms", "phone": "13812341234", "sms_code": f"{(int(code) + 1) % 10**6:06d}"},
            )
        html = client.post(
            reverse("accounts:login"), {"method": "sms", "phone": "13812341234", "sms_code": code}
        ).content.decode()
        assert "该账号登录失败次数过多" in html
        assert LoginAttempt.objects.filter(method="sms", succeeded=False).count() == 5


class TestPasswords:
    def test_forgotten_password_is_reset_by_sms_code_and_every_session_ends(self, client, send_code):
        user = UserFactory(phone="13812341234")
        other_device = Client()
        other_device.force_login(user)
        Token.objects.create(user=user)
        code = send_code("13812341234", Purpose.RESET_PASSWORD)
        response = client.post(
            reverse("accounts:password_reset"),
            {
                "phone": "13812341234",
                "sms_code": code,
                "new_password": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
        assert response.url == reverse("accounts:login")
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)
        assert not logged_in(other_device)
        assert not Token.objects.filter(user=user).exists()

    def test_reset_needs_a_code_of_its_own_purpose(self, client, send_code):
        UserFactory(phone="13812341234")
        code = send_code("13812341234", Purpose.LOGIN)
        html = client.post(
            reverse("accounts:password_reset"),
            {
                "phone": "13812341234",
                "sms_code": code,
                "new_password": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        ).content.decode()
        assert "请先获取短信验证码" in field_html(html, "sms_code")

    def test_change_password_checks_the_old_one(self, client):
        user = UserFactory()
        client.force_login(user)
        html = client.post(
            reverse("accounts:password_change"),
            {
                "old_password": "not-it",
                "new_password": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        ).content.decode()
        assert "原密码不正确" in field_html(html, "old_password")

    def test_change_password_keeps_this_session_and_ends_the_others(self, client):
        user = UserFactory()
        client.force_login(user)
        other_device = Client()
        other_device.force_login(user)
        response = client.post(
            reverse("accounts:password_change"),
            {
                "old_password": DEFAULT_PASSWORD,
                "new_password": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
        assert response.url == reverse("accounts:me")
        assert logged_in(client)
        assert not logged_in(other_device)
        assert AuditEvent.objects.filter(action="修改密码", subject=user).exists()


class TestMyPage:
    def test_shows_the_masked_phone_and_links_to_everything_of_mine(self, client):
        from tests.factories import VerifiedUserFactory

        user = VerifiedUserFactory(phone="13812341234")
        client.force_login(user)
        html = client.get(reverse("accounts:me")).content.decode()
        assert "138****1234" in html and "13812341234" not in html
        assert user.id_number not in html and user.masked_id_number in html
        assert "已认证" in html
        for name in (
            "accounts:real_name",
            "accounts:enterprises",
            "notifications:preferences",
            "audit:my_access_log",
            "accounts:password_change",
            "accounts:logout",
        ):
            assert f'"{reverse(name)}"' in html, name

    def test_the_email_can_be_changed_and_is_audited(self, client):
        user = UserFactory()
        client.force_login(user)
        client.post(reverse("accounts:me"), {"email": "me@example.cn"})
        user.refresh_from_db()
        assert user.email == "me@example.cn"
        assert AuditEvent.objects.get(action="修改电子邮箱").changes == {"email": ["", "me@example.cn"]}

    def test_a_bad_email_is_refused_on_its_field(self, client):
        client.force_login(UserFactory())
        html = client.post(reverse("accounts:me"), {"email": "not-an-email"}).content.decode()
        assert "请输入合法的邮件地址" in field_html(html, "email")
