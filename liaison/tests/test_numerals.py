import pytest

from liaison.numerals import chinese_number


@pytest.mark.parametrize(
    ("number", "text"),
    [(1, "一"), (3, "三"), (10, "十"), (12, "十二"), (20, "二十"), (35, "三十五"), (99, "九十九")],
)
def test_chinese_number(number, text):
    assert chinese_number(number) == text


@pytest.mark.parametrize("number", [0, 100, 120])
def test_numbers_outside_one_to_ninety_nine_stay_in_digits(number):
    assert chinese_number(number) == str(number)
