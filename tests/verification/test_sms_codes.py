"""Every SMS-code rule of SPEC 7, through the service the pages and the API call."""

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.utils import timezone

from portal.core.errors import DomainError, RateLimited
from portal.verification.models import Purpose, SmsCode, SmsMessage
from portal.verification.services import check_code, consume_code, request_code, verify_code
from portal.verification.tasks import deliver_code

PHONE = "13812341234"


def age_codes(phone: str, seconds: int) -> None:
    """Pretend the phone's codes were sent ``seconds`` earlier (without leaving today, so the
    daily caps still count them)."""
    start_of_today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    for sms in SmsCode.objects.filter(phone=phone):
        sms.created_at = max(sms.created_at - timedelta(seconds=seconds), start_of_today + timedelta(seconds=1))
        sms.save(update_fields=["created_at"])


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


@pytest.mark.django_db
class TestOneCode:
    def test_a_code_is_six_digits_and_valid_for_five_minutes(self, send_code):
        code = send_code(PHONE, Purpose.REGISTER)
        assert re.fullmatch(r"\d{6}", code)
        sms = SmsCode.objects.get(phone=PHONE)
        assert sms.expires_at - sms.created_at == timedelta(minutes=5)
        text = SmsMessage.objects.get(phone=PHONE).text
        assert "5分钟内有效" in text and "注册" in text

    def test_a_code_still_works_just_before_it_expires(self, send_code):
        code = send_code(PHONE, Purpose.LOGIN)
        SmsCode.objects.filter(phone=PHONE).update(
            created_at=timezone.now() - timedelta(minutes=4, seconds=55),
            expires_at=timezone.now() + timedelta(seconds=5),
        )
        verify_code(phone=PHONE, purpose=Purpose.LOGIN, code=code)

    def test_an_expired_code_is_refused(self, send_code):
        code = send_code(PHONE, Purpose.LOGIN)
        SmsCode.objects.filter(phone=PHONE).update(
            created_at=timezone.now() - timedelta(minutes=5, seconds=1),
            expires_at=timezone.now() - timedelta(seconds=1),
        )
        with pytest.raises(DomainError) as refused:
            verify_code(phone=PHONE, purpose=Purpose.LOGIN, code=code)
        assert refused.value.message == "验证码已过期，请重新获取"
        assert refused.value.field == "sms_code"

    def test_a_code_works_only_once(self, send_code):
        code = send_code(PHONE, Purpose.LOGIN)
        verify_code(phone=PHONE, purpose=Purpose.LOGIN, code=code)
        with pytest.raises(DomainError) as refused:
            verify_code(phone=PHONE, purpose=Purpose.LOGIN, code=code)
        assert refused.value.message == "验证码已使用，请重新获取"

    def test_a_code_opens_only_the_purpose_it_was_sent_for(self, send_code):
        code = send_code(PHONE, Purpose.REGISTER)
        with pytest.raises(DomainError) as refused:
            verify_code(phone=PHONE, purpose=Purpose.LOGIN, code=code)
        assert refused.value.message == "请先获取短信验证码"
        # Trying it elsewhere did not use it up.
        verify_code(phone=PHONE, purpose=Purpose.REGISTER, code=code)

    def test_a_code_belongs_to_its_phone(self, send_code):
        code = send_code(PHONE, Purpose.LOGIN)
        with pytest.raises(DomainError):
            verify_code(phone="13900001111", purpose=Purpose.LOGIN, code=code)

    def test_five_wrong_entries_void_the_code_and_each_says_how_many_are_left(self, send_code):
        code = send_code(PHONE, Purpose.LOGIN)
        messages = []
        for _attempt in range(5):
            with pytest.raises(DomainError) as refused:
                verify_code(phone=PHONE, purpose=Purpose.LOGIN, code=wrong(code))
            messages.append(refused.value.message)
        assert messages == [
            "验证码错误，还可以尝试4次",
            "验证码错误，还可以尝试3次",
            "验证码错误，还可以尝试2次",
            "验证码错误，还可以尝试1次",
            "验证码错误次数过多，已失效，请重新获取",
        ]
        with pytest.raises(DomainError) as refused:
            verify_code(phone=PHONE, purpose=Purpose.LOGIN, code=code)
        assert refused.value.message == "验证码错误次数过多，已失效，请重新获取"
        assert SmsCode.objects.get(phone=PHONE).voided_at is not None

    def test_a_wrong_entry_stays_counted_when_the_callers_change_rolls_back(self, send_code):
        code = send_code(PHONE, Purpose.SUBMIT)
        with pytest.raises(DomainError):
            check_code(phone=PHONE, purpose=Purpose.SUBMIT, code=wrong(code))
        assert SmsCode.objects.get(phone=PHONE).failed_attempts == 1

    def test_the_code_is_stored_only_as_a_hash(self, send_code):
        code = send_code(PHONE, Purpose.REGISTER)
        sms = SmsCode.objects.get(phone=PHONE)
        stored = " ".join(str(v) for v in model_to_dict(sms).values())
        assert code not in stored
        assert re.fullmatch(r"[0-9a-f]{64}", sms.code_hash)
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM verification_smscode WHERE id = %s", [sms.pk])
            assert code not in " ".join(str(v) for v in cursor.fetchone())

    def test_a_new_code_replaces_the_earlier_one(self, send_code):
        first = send_code(PHONE, Purpose.LOGIN)
        second = first
        while second == first:  # one in a million, a new code is the same number: send again
            age_codes(PHONE, 61)
            second = send_code(PHONE, Purpose.LOGIN)
        with pytest.raises(DomainError):
            verify_code(phone=PHONE, purpose=Purpose.LOGIN, code=first)
        verify_code(phone=PHONE, purpose=Purpose.LOGIN, code=second)

    def test_a_retried_delivery_task_sends_one_message(self, send_code):
        send_code(PHONE, Purpose.LOGIN)
        sms = SmsCode.objects.get(phone=PHONE)
        deliver_code(sms.pk, "123456")  # the task ran again (a worker restart): nothing new goes out
        assert SmsMessage.objects.filter(phone=PHONE).count() == 1


@pytest.mark.django_db
class TestSendingLimits:
    def test_resend_within_sixty_seconds_is_refused_with_the_wait(self, send_code):
        send_code(PHONE, Purpose.LOGIN, ip="10.0.0.1")
        age_codes(PHONE, 15)
        with pytest.raises(RateLimited) as refused:
            request_code(phone=PHONE, purpose=Purpose.LOGIN, ip="10.0.0.1")
        wait = int(re.search(r"请(\d+)秒后再重新获取", refused.value.message).group(1))
        assert 44 <= wait <= 46
        assert refused.value.retry_after == wait
        assert refused.value.code == "resend_too_soon"

    def test_after_sixty_seconds_a_new_code_can_be_sent(self, send_code):
        send_code(PHONE, Purpose.LOGIN)
        age_codes(PHONE, 61)
        send_code(PHONE, Purpose.LOGIN)
        assert SmsCode.objects.filter(phone=PHONE).count() == 2

    def test_daily_cap_per_phone(self, send_code, settings):
        settings.SMS_DAILY_LIMIT_PER_PHONE = 3
        for _n in range(3):
            send_code(PHONE, Purpose.LOGIN, ip="10.0.0.9")
            age_codes(PHONE, 61)
        with pytest.raises(RateLimited) as refused:
            request_code(phone=PHONE, purpose=Purpose.LOGIN, ip="10.0.0.9")
        assert refused.value.message == "该手机号今日获取验证码次数已达上限（3次），请明天再试"
        assert refused.value.retry_after > 0
        # Another phone on the same network is not affected, nor this phone from another network
        # or for another purpose: a stranger's requests never use up the owner's allowance.
        send_code("13900002222", Purpose.LOGIN, ip="10.0.0.9")
        send_code(PHONE, Purpose.LOGIN, ip="10.0.0.10")
        send_code(PHONE, Purpose.SUBMIT, ip="10.0.0.9")

    def test_codes_of_yesterday_do_not_count_towards_today(self, send_code, settings):
        settings.SMS_DAILY_LIMIT_PER_PHONE = 1
        send_code(PHONE, Purpose.LOGIN)
        SmsCode.objects.filter(phone=PHONE).update(created_at=timezone.now() - timedelta(days=1, minutes=1))
        send_code(PHONE, Purpose.LOGIN)

    def test_daily_cap_per_ip(self, send_code, settings):
        settings.SMS_DAILY_LIMIT_PER_IP = 2
        send_code("13900000001", Purpose.REGISTER, ip="10.9.9.9")
        send_code("13900000002", Purpose.REGISTER, ip="10.9.9.9")
        with pytest.raises(RateLimited) as refused:
            request_code(phone="13900000003", purpose=Purpose.REGISTER, ip="10.9.9.9")
        assert refused.value.message == "当前网络今日获取验证码次数已达上限，请明天再试"
        send_code("13900000003", Purpose.REGISTER, ip="10.9.9.10")

    def test_a_phone_that_is_not_a_mainland_mobile_gets_nothing(self):
        with pytest.raises(DomainError) as refused:
            request_code(phone="12812341234", purpose=Purpose.LOGIN, ip=None)
        assert refused.value.field == "phone"
        assert not SmsCode.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_one_code_used_by_two_requests_at_once_succeeds_once(send_code):
    code = send_code(PHONE, Purpose.SUBMIT)
    # Both requests have checked the code before either marks it used: the worst interleaving.
    both_checked = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []

    def use_code():
        try:
            sms = check_code(phone=PHONE, purpose=Purpose.SUBMIT, code=code)
            both_checked.wait()
            from django.db import transaction

            with transaction.atomic():
                consume_code(sms)
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=use_code) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
    assert sorted(outcomes) == ["ok", "验证码已使用或已失效，请重新获取"]
    assert SmsCode.objects.get(phone=PHONE).used_at is not None


@pytest.mark.django_db
class TestStrangersCannotCrowdOutTheOwner:
    """Issue 7: ten networks used up a victim's daily codes, so the victim got no log-in code."""

    def test_strangers_from_many_networks_leave_the_owners_log_in_and_submit_codes_room(self, send_code, settings):
        from portal.accounts.models import LoginAttempt

        settings.SMS_DAILY_LIMIT_PER_PHONE = 3
        settings.SMS_DAILY_LIMIT_PER_PHONE_ALL_REQUESTERS = 6
        LoginAttempt.objects.create(phone=PHONE, ip="10.1.1.1", succeeded=True, method="password")  # the owner's home
        refused = 0
        for n in range(10):
            for _round in range(4):
                try:
                    request_code(phone=PHONE, purpose=Purpose.LOGIN, ip=f"10.66.0.{n}")
                except RateLimited:
                    refused += 1
                age_codes(PHONE, 61)
        assert refused and SmsCode.objects.filter(phone=PHONE).count() == 6
        # The owner, from home, still gets a log-in code that works, and a submit code.
        code = send_code(PHONE, Purpose.LOGIN, ip="10.1.1.1")
        assert check_code(phone=PHONE, purpose=Purpose.LOGIN, code=code)
        send_code(PHONE, Purpose.SUBMIT, ip="10.1.1.1")

    def test_a_strangers_request_does_not_void_the_code_the_owner_is_typing(self, send_code):
        code = send_code(PHONE, Purpose.LOGIN, ip="10.1.1.1")
        request_code(phone=PHONE, purpose=Purpose.LOGIN, ip="10.66.0.1")
        assert check_code(phone=PHONE, purpose=Purpose.LOGIN, code=code)

    def test_wrong_guesses_count_against_every_live_code_of_the_phone(self, send_code):
        code = send_code(PHONE, Purpose.LOGIN, ip="10.1.1.1")
        request_code(phone=PHONE, purpose=Purpose.LOGIN, ip="10.66.0.1")
        for _n in range(5):
            with pytest.raises(DomainError):
                check_code(phone=PHONE, purpose=Purpose.LOGIN, code=wrong(code))
        with pytest.raises(DomainError) as refused:
            check_code(phone=PHONE, purpose=Purpose.LOGIN, code=code)
        assert refused.value.code == "code_void"
