"""The identity API as the mobile app uses it: token log-in, one error format, own data only."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from portal.accounts.models import EnterpriseMembership, EnterpriseRelation
from portal.verification.models import SmsCode
from tests.conftest import latest_sms_code
from tests.factories import (
    DEFAULT_PASSWORD,
    EnterpriseFactory,
    UserFactory,
    VerifiedUserFactory,
    credit_code,
    resident_id,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def ask_code(api, django_capture_on_commit_callbacks):
    def _ask(phone: str, purpose: str, client=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = (client or api).post(f"{API}/sms-codes/", {"phone": phone, "purpose": purpose}, format="json")
        return response

    return _ask


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def token_key_works(key: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(f"{API}/me/").status_code == 200


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (50, 50), "white").save(out, "PNG")
    return SimpleUploadedFile("poa.png", out.getvalue(), content_type="image/png")


class TestSmsCodes:
    def test_a_code_is_accepted_with_its_lifetime_and_resend_wait(self, ask_code):
        response = ask_code("13812341234", "register")
        assert response.status_code == 202
        assert response.json() == {
            "phone": "138****1234",
            "expires_in": 300,
            "resend_after": 60,
            "delayed": False,
            "message": "验证码已发送至138****1234，5分钟内有效",
        }

    def test_asking_again_within_sixty_seconds_is_429_with_retry_after(self, ask_code):
        ask_code("13812341234", "register")
        response = ask_code("13812341234", "register")
        body = response.json()
        assert response.status_code == 429
        assert body["code"] == "resend_too_soon" and 55 <= body["retry_after"] <= 60
        assert response["Retry-After"] == str(body["retry_after"])
        assert f"请{body['retry_after']}秒后再重新获取" in body["detail"]

    def test_an_unknown_purpose_is_a_field_error(self, ask_code):
        response = ask_code("13812341234", "everything")
        assert response.status_code == 400
        assert "purpose" in response.json()["fields"]

    def test_anonymous_requests_for_other_purposes_are_refused(self, ask_code):
        response = ask_code("13812341234", "submit")
        assert response.status_code == 400 and response.json()["code"] == "login_required"

    def test_a_logged_in_session_must_send_the_csrf_token(self):
        user = UserFactory()
        client = APIClient(enforce_csrf_checks=True)
        client.force_login(user)
        response = client.post(f"{API}/sms-codes/", {"purpose": "submit"}, format="json")
        assert response.status_code == 403
        assert not SmsCode.objects.exists()


class TestAuthFlow:
    def test_register_verify_and_list_enterprises_with_the_token(self, api, ask_code):
        ask_code("13812341234", "register")
        response = api.post(
            f"{API}/auth/register/",
            {
                "phone": "13812341234",
                "sms_code": latest_sms_code("13812341234"),
                "password": "Gongdian@2027",
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        token = response.json()["token"]
        assert response.json()["user"]["masked_phone"] == "138****1234"

        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        me = api.get(f"{API}/me/").json()
        assert me["is_real_name_verified"] is False
        response = api.post(
            f"{API}/me/real-name/",
            {"name": "周晓梅", "id_type": "resident_id", "id_number": resident_id(501)},
            format="json",
        )
        assert response.status_code == 200
        assert response.json()["masked_id_number"] == resident_id(501)[:6] + "********" + resident_id(501)[-4:]
        assert resident_id(501) not in response.content.decode()
        assert api.get(f"{API}/enterprises/").json()["results"] == []

    def test_log_in_by_password_returns_a_token(self, api):
        UserFactory(phone="13812341234")
        response = api.post(f"{API}/auth/login/", {"phone": "13812341234", "password": DEFAULT_PASSWORD}, format="json")
        assert response.status_code == 200
        key = response.json()["token"]
        assert token_key_works(key)

    def test_log_in_by_sms_code_returns_a_token(self, api, ask_code):
        UserFactory(phone="13812341234")
        ask_code("13812341234", "login")
        response = api.post(
            f"{API}/auth/login/", {"phone": "13812341234", "sms_code": latest_sms_code("13812341234")}, format="json"
        )
        assert response.status_code == 200 and response.json()["token"]

    def test_a_wrong_sms_code_is_a_field_error_with_the_attempts_left(self, api, ask_code):
        UserFactory(phone="13812341234")
        ask_code("13812341234", "login")
        code = latest_sms_code("13812341234")
        response = api.post(
            f"{API}/auth/login/", {"phone": "13812341234", "sms_code": f"{(int(code) + 1) % 10**6:06d}"}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["fields"] == {"sms_code": ["验证码错误，还可以尝试4次"]}

    def test_log_in_needs_exactly_one_of_password_and_code(self, api):
        response = api.post(f"{API}/auth/login/", {"phone": "13812341234"}, format="json")
        assert response.status_code == 400
        assert response.json()["detail"] == "请提供密码或短信验证码中的一项"

    def test_a_locked_phone_answers_429_with_retry_after(self, api):
        UserFactory(phone="13812341234")
        for _ in range(5):
            api.post(f"{API}/auth/login/", {"phone": "13812341234", "password": "wrong"}, format="json")
        response = api.post(f"{API}/auth/login/", {"phone": "13812341234", "password": DEFAULT_PASSWORD}, format="json")
        assert response.status_code == 429
        assert response.json()["code"] == "login_locked" and response.json()["retry_after"] > 800

    def test_log_in_is_throttled_per_ip(self, api, settings):
        settings.LOGIN_FAILURE_LIMIT_PER_IP = 1000  # only the request throttle is under test here
        responses = [
            api.post(f"{API}/auth/login/", {"phone": f"139{n:08d}", "password": "x"}, format="json") for n in range(21)
        ]
        assert [r.status_code for r in responses[:20]] == [400] * 20
        assert responses[20].status_code == 429
        assert responses[20].json()["code"] == "throttled" and responses[20].json()["retry_after"] > 0

    def test_anonymous_endpoints_work_for_a_browser_with_a_session_and_no_csrf_token(self):
        user = UserFactory(phone="13812341234")
        browser = APIClient(enforce_csrf_checks=True)
        browser.force_login(VerifiedUserFactory())
        response = browser.post(
            f"{API}/auth/login/", {"phone": user.phone, "password": DEFAULT_PASSWORD}, format="json"
        )
        # No ambient authority is used: the answer is about the posted credentials only.
        assert response.status_code == 200
        assert response.json()["user"]["masked_phone"] == "138****1234"

    def test_log_out_deletes_the_token(self):
        user = UserFactory()
        client = token_client(user)
        assert client.post(f"{API}/auth/logout/").status_code == 204
        assert not Token.objects.filter(user=user).exists()
        assert client.get(f"{API}/me/").status_code == 401

    def test_reset_password_by_code(self, api, ask_code):
        user = UserFactory(phone="13812341234")
        ask_code("13812341234", "reset_password")
        response = api.post(
            f"{API}/auth/password/reset/",
            {
                "phone": "13812341234",
                "sms_code": latest_sms_code("13812341234"),
                "new_password": "Gongdian@2027",
            },
            format="json",
        )
        assert response.status_code == 204
        user.refresh_from_db()
        assert user.check_password("Gongdian@2027")

    def test_a_weak_new_password_is_a_field_error(self, api, ask_code):
        UserFactory(phone="13812341234")
        ask_code("13812341234", "reset_password")
        response = api.post(
            f"{API}/auth/password/reset/",
            {
                "phone": "13812341234",
                "sms_code": latest_sms_code("13812341234"),
                "new_password": "12345678",
            },
            format="json",
        )
        assert response.status_code == 400
        assert "new_password" in response.json()["fields"]

    def test_change_password_rotates_the_token(self):
        user = UserFactory()
        client = token_client(user)
        old_key = Token.objects.get(user=user).key
        response = client.post(
            f"{API}/auth/password/change/",
            {"old_password": DEFAULT_PASSWORD, "new_password": "Gongdian@2027"},
            format="json",
        )
        assert response.status_code == 200
        assert response.json()["token"] != old_key
        assert client.get(f"{API}/me/").status_code == 401
        wrong = token_client(user).post(
            f"{API}/auth/password/change/", {"old_password": "nope", "new_password": "Gongdian@2028"}, format="json"
        )
        assert wrong.json()["fields"] == {"old_password": ["原密码不正确"]}


class TestMe:
    def test_patch_changes_only_the_email(self):
        user = VerifiedUserFactory()
        client = token_client(user)
        response = client.patch(f"{API}/me/", {"email": "me@example.cn", "name": "别人"}, format="json")
        assert response.status_code == 200 and response.json()["email"] == "me@example.cn"
        user.refresh_from_db()
        assert user.name != "别人"

    def test_real_name_errors_come_from_the_service(self):
        client = token_client(UserFactory())
        response = client.post(
            f"{API}/me/real-name/",
            {"name": "周晓梅", "id_type": "resident_id", "id_number": "63010219900307"},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["fields"] == {"id_number": ["身份证号码应为18位"]}

    def test_anonymous_is_401(self, api):
        assert api.get(f"{API}/me/").status_code == 401


class TestEnterprisesApi:
    def test_the_legal_representative_registers_by_json(self):
        user = VerifiedUserFactory(name="赵强", id_number=resident_id(300, birth="19750612"))
        response = token_client(user).post(
            f"{API}/enterprises/",
            {
                "name": "青海高原光伏有限公司",
                "credit_code": credit_code(5),
                "enterprise_type": "limited_liability",
                "legal_rep_name": "赵强",
                "legal_rep_id_type": "resident_id",
                "legal_rep_id_number": user.id_number,
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["relation"] == "legal_rep"
        assert user.id_number not in response.content.decode()

    def test_a_failing_check_character_needs_confirmation(self):
        user = VerifiedUserFactory(name="赵强", id_number=resident_id(300, birth="19750612"))
        code = credit_code(5)[:17] + ("0" if credit_code(5)[17] != "0" else "1")
        data = {
            "name": "青海高原光伏有限公司",
            "credit_code": code,
            "enterprise_type": "limited_liability",
            "legal_rep_name": "赵强",
            "legal_rep_id_number": user.id_number,
        }
        client = token_client(user)
        response = client.post(f"{API}/enterprises/", data, format="json")
        assert response.status_code == 400 and response.json()["code"] == "credit_code_unconfirmed"
        response = client.post(f"{API}/enterprises/", {**data, "credit_code_confirmed": True}, format="json")
        assert response.status_code == 201
        assert response.json()["enterprise"]["credit_code_check_passed"] is False

    def test_an_agent_binds_with_a_multipart_power_of_attorney(self):
        enterprise = EnterpriseFactory()
        client = token_client(VerifiedUserFactory())
        refused = client.post(f"{API}/enterprises/bind/", {"credit_code": enterprise.credit_code}, format="json")
        assert refused.status_code == 400 and refused.json()["code"] == "power_of_attorney_required"
        response = client.post(
            f"{API}/enterprises/bind/",
            {"credit_code": enterprise.credit_code, "power_of_attorney": png()},
            format="multipart",
        )
        # A request, pending until the enterprise or staff approve it (see test_enterprise_takeover.py).
        assert response.status_code == 202
        assert response.json()["status"] == "pending" and response.json()["enterprise"]["name"] == enterprise.name

    def test_an_unverified_user_is_refused(self):
        response = token_client(UserFactory()).post(
            f"{API}/enterprises/bind/", {"credit_code": credit_code(1)}, format="json"
        )
        assert response.status_code == 400 and response.json()["code"] == "real_name_required"

    def test_another_users_binding_is_not_found(self):
        other = EnterpriseMembership.objects.create(
            user=VerifiedUserFactory(), enterprise=EnterpriseFactory(), relation=EnterpriseRelation.AGENT
        )
        me = VerifiedUserFactory()
        mine = EnterpriseMembership.objects.create(
            user=me, enterprise=EnterpriseFactory(), relation=EnterpriseRelation.AGENT
        )
        client = token_client(me)
        assert client.get(f"{API}/enterprises/{other.pk}/").status_code == 404
        assert client.get(f"{API}/enterprises/{mine.pk}/").json()["enterprise"]["name"] == mine.enterprise.name
        assert [m["id"] for m in client.get(f"{API}/enterprises/").json()["results"]] == [mine.pk]

    @pytest.mark.parametrize("rows", [10, 200])
    def test_the_list_runs_a_fixed_number_of_queries(self, rows, django_assert_max_num_queries):
        me = VerifiedUserFactory()
        for enterprise in EnterpriseFactory.create_batch(rows):
            EnterpriseMembership.objects.create(user=me, enterprise=enterprise, relation=EnterpriseRelation.AGENT)
        client = token_client(me)
        with django_assert_max_num_queries(4):
            body = client.get(f"{API}/enterprises/").json()
        assert body["count"] == rows and len(body["results"]) == min(rows, 20)


def test_the_schema_documents_every_identity_endpoint_with_tags_and_errors():
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    expected = {
        "/api/v1/sms-codes/": ("post", "sms"),
        "/api/v1/auth/register/": ("post", "auth"),
        "/api/v1/auth/login/": ("post", "auth"),
        "/api/v1/auth/logout/": ("post", "auth"),
        "/api/v1/auth/password/reset/": ("post", "auth"),
        "/api/v1/auth/password/change/": ("post", "auth"),
        "/api/v1/me/": ("patch", "me"),
        "/api/v1/me/real-name/": ("post", "me"),
        "/api/v1/enterprises/": ("post", "enterprises"),
        "/api/v1/enterprises/bind/": ("post", "enterprises"),
        "/api/v1/enterprises/{id}/": ("get", "enterprises"),
    }
    for path, (method, tag) in expected.items():
        operation = schema["paths"][path][method]
        assert operation["tags"] == [tag], path
        assert operation["summary"], path
        assert {"400", "429"} <= set(operation["responses"]), path
    assert "multipart/form-data" in schema["paths"]["/api/v1/enterprises/bind/"]["post"]["requestBody"]["content"]
