import logging

from portal.core.masking import MaskPersonalDataFilter, mask_id_number, mask_name, mask_phone


def test_phone_and_id_number_are_masked_as_the_spec_shows():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_id_number("110105199001011234") == "110105********1234"
    assert mask_name("张三") == "张*"


def test_log_lines_never_carry_a_phone_or_id_number_in_clear():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "SMS to %s for %s", ("13812341234", "63010219900307001X"), None
    )
    MaskPersonalDataFilter().filter(record)
    assert record.getMessage() == "SMS to 138****1234 for 630102********001X"
