"""GB 11643 resident IDs, the other ID types and GB 32100 credit codes."""

import pytest

from portal.accounts.validators import (
    id_number_problem,
    resident_id_check_char,
    resident_id_problem,
    uscc_check_passes,
)
from tests.factories import credit_code, resident_id


def resident_id_ending_in_x() -> str:
    for n in range(1000):
        number = resident_id(n)
        if number.endswith("X"):
            return number
    raise AssertionError("no X check digit in the first thousand")


class TestResidentId:
    def test_a_valid_number_passes(self):
        assert resident_id_problem(resident_id(1)) is None

    def test_a_valid_number_with_check_digit_x_passes_in_either_case(self):
        number = resident_id_ending_in_x()
        assert resident_id_problem(number) is None
        assert resident_id_problem(number.lower()) is None

    @pytest.mark.parametrize("number", ["63010219900307123", "6301021990030712345", ""])
    def test_a_wrong_length_says_eighteen(self, number):
        assert resident_id_problem(number) == "身份证号码应为18位"

    def test_letters_inside_are_refused(self):
        assert resident_id_problem("63010219900A071234") == "身份证号码前17位应为数字，最后一位为数字或X"

    @pytest.mark.parametrize("birth", ["19900230", "19901301", "21000101", "18991231"])
    def test_an_impossible_birth_date_is_refused(self, birth):
        first17 = f"630102{birth}123"
        number = first17 + resident_id_check_char(first17)  # right check digit, wrong date
        assert resident_id_problem(number) == "身份证号码中的出生日期无效"

    def test_a_wrong_check_digit_is_refused(self):
        number = resident_id(7)
        wrong = number[:17] + ("0" if number[17] != "0" else "1")
        assert resident_id_problem(wrong) == "身份证号码校验位不正确，请核对后重新输入"

    def test_the_household_register_carries_a_resident_id(self):
        assert id_number_problem("household_register", resident_id(2)) is None
        assert id_number_problem("household_register", "123") == "身份证号码应为18位"


class TestOtherIdTypes:
    @pytest.mark.parametrize(
        ("id_type", "number"),
        [
            ("passport", "E12345678"),
            ("passport", "g 1234 5678"),
            ("hk_macau_permit", "H12345678"),
            ("hk_macau_permit", "M1234567890"),
            ("taiwan_permit", "12345678"),
            ("foreign_permanent", "USA123456789012"),
            ("military_officer", "南字第12345678号"),
            ("military_officer", "1234567"),
        ],
    )
    def test_well_formed_numbers_pass(self, id_type, number):
        assert id_number_problem(id_type, number) is None

    @pytest.mark.parametrize(
        ("id_type", "number", "message"),
        [
            ("passport", "E12", "护照号码应为5至17位字母或数字"),
            ("passport", "E1234-5678", "护照号码应为5至17位字母或数字"),
            ("hk_macau_permit", "A12345678", "港澳居民来往内地通行证号码应为H或M开头，后接8位或10位数字"),
            ("hk_macau_permit", "H123456789", "港澳居民来往内地通行证号码应为H或M开头，后接8位或10位数字"),
            ("taiwan_permit", "1234567", "台湾居民来往大陆通行证号码应为8位数字"),
            (
                "foreign_permanent",
                "US123456789012",
                "外国人永久居留身份证号码应为3位字母加12位数字，或以9开头的18位号码",
            ),
            ("military_officer", "南字第12号", "军官证号码格式如“南字第12345678号”，或6至8位数字"),
            ("", "E12345678", "请选择证件类型"),
        ],
    )
    def test_malformed_numbers_say_what_is_expected(self, id_type, number, message):
        assert id_number_problem(id_type, number) == message

    def test_the_2023_foreign_permanent_card_is_checked_like_a_resident_id(self):
        first17 = "93600019850101001"
        good = first17 + resident_id_check_char(first17)
        bad = first17 + ("0" if good[-1] != "0" else "1")
        assert id_number_problem("foreign_permanent", good) is None
        assert id_number_problem("foreign_permanent", bad) == "外国人永久居留身份证号码校验位不正确，请核对后重新输入"


class TestCreditCode:
    def test_a_generated_code_passes_its_check_character(self):
        assert uscc_check_passes(credit_code(42))

    def test_a_code_with_a_wrong_check_character_fails_the_check_only(self):
        code = credit_code(42)
        wrong = code[:17] + ("0" if code[17] != "0" else "1")
        assert not uscc_check_passes(wrong)
