"""The shared validators: GB 32100-2015 credit codes, RFC 5545 cadences and phone numbers.

Messages are being translated concurrently, so these tests pin the error codes (and the
parameters that make a message useful), not the wording."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from liaison.models import Mechanism, Organisation
from liaison.validators import (
    CREDIT_CODE_ALPHABET,
    normalise_mainland_phone,
    validate_credit_code,
    validate_mainland_phone,
    validate_phone,
    validate_rrule,
)

VALID_CREDIT_CODES = ["91350100M000100Y43", "91110000802100433B", "91440300708461136T"]
# Letters GB 32100-2015 leaves out (they look like digits), a lowercase letter and punctuation.
INVALID_CHARACTERS = ["I", "O", "S", "V", "Z", "a", "m", "-", " "]


def _refusal(validator, value) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validator(value)
    error = caught.value
    assert error.messages and all(message.strip() for message in error.messages)
    return error


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_credit_code_valid_passes(code):
    validate_credit_code(code)


@pytest.mark.django_db
@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_credit_code_valid_passes_organisation_full_clean(code):
    organisation = Organisation(name="福建测试有限公司", kind="enterprise", credit_code=code)
    organisation.full_clean()
    assert organisation.credit_code == code


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_credit_code_any_substituted_character_refused(code):
    """The mod-31 check catches every single-character substitution, at every position."""
    accepted = []
    for position in range(len(code)):
        for char in CREDIT_CODE_ALPHABET:
            if char == code[position]:
                continue
            mutated = code[:position] + char + code[position + 1 :]
            try:
                validate_credit_code(mutated)
            except ValidationError as error:
                assert error.code == "credit_code_check", mutated
                assert error.messages[0].strip()
            else:
                accepted.append(mutated)
    assert accepted == []


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
@pytest.mark.parametrize("char", INVALID_CHARACTERS)
def test_credit_code_invalid_character_refused_naming_it(code, char):
    for position in range(len(code)):
        mutated = code[:position] + char + code[position + 1 :]
        error = _refusal(validate_credit_code, mutated)
        assert error.code == "credit_code_characters", mutated
        assert char in error.params["chars"]
        assert char in error.messages[0]


def test_credit_code_lowercase_refused():
    error = _refusal(validate_credit_code, "91350100m000100y43")
    assert error.code == "credit_code_characters"
    assert error.params["chars"] == "m、y"


@pytest.mark.parametrize(
    "value", ["", "9135010", "91350100M000100Y4", "91350100M000100Y433", "91350100M000100Y43 "]
)
def test_credit_code_wrong_length_refused_stating_length(value):
    error = _refusal(validate_credit_code, value)
    assert error.code == "credit_code_length"
    assert error.params == {"length": len(value)}
    assert str(len(value)) in error.messages[0]


@pytest.mark.django_db
def test_credit_code_lowercase_with_spaces_normalised_by_organisation_full_clean():
    organisation = Organisation(
        name="北京测试有限公司", kind="enterprise", credit_code=" 91110000802100433b "
    )

    organisation.full_clean()

    assert organisation.credit_code == "91110000802100433B"


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["", "   "])
def test_credit_code_blank_stored_as_null_by_organisation_full_clean(value):
    organisation = Organisation(name="无代码单位", kind="other", credit_code=value)

    organisation.full_clean()

    assert organisation.credit_code is None


@pytest.mark.django_db
def test_credit_code_wrong_check_character_refused_by_organisation_full_clean():
    organisation = Organisation(
        name="福建测试有限公司", kind="enterprise", credit_code="91350100M000100Y44"
    )
    with pytest.raises(ValidationError) as caught:
        organisation.full_clean()
    assert [e.code for e in caught.value.error_dict["credit_code"]] == ["credit_code_check"]


@pytest.mark.parametrize(
    "value",
    [
        "FREQ=YEARLY",
        "FREQ=YEARLY;INTERVAL=2",
        "RRULE:FREQ=MONTHLY;BYMONTHDAY=15",
        "freq=weekly;byday=MO",
        "FREQ=YEARLY;COUNT=5",
        "FREQ=YEARLY;UNTIL=20300101",
    ],
)
def test_rrule_valid_passes(value):
    validate_rrule(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "rrule_freq"),
        ("FREQ=HOURLY", "rrule_freq"),
        ("INTERVAL=2", "rrule_freq"),
        ("FREQ=YEARLY;INTERVAL=0", "rrule_interval"),
        ("FREQ=YEARLY;INTERVAL=two", "rrule_interval"),
        ("FREQ=YEARLY;FOO=1", "rrule_part"),
        ("FREQ=YEARLY;COUNT=2;UNTIL=20300101T000000Z", "rrule_count_until"),
        ("FREQ=YEARLY;FREQ=MONTHLY", "rrule_twice"),
        ("garbage", "rrule_syntax"),
        ("FREQ=YEARLY;INTERVAL=", "rrule_syntax"),
        ("FREQ=YEARLY;UNTIL=someday", "rrule_invalid"),
        ("FREQ=YEARLY;BYDAY=XX", "rrule_invalid"),
    ],
)
def test_rrule_invalid_refused(value, code):
    error = _refusal(validate_rrule, value)
    assert error.code == code


def test_rrule_unsupported_part_refused_naming_it():
    error = _refusal(validate_rrule, "FREQ=YEARLY;FOO=1")
    assert error.params == {"name": "FOO"}
    assert "FOO" in error.messages[0]


@pytest.mark.parametrize(
    "value",
    ["13800000000", "0995-1234567", "+86 138 0000 0000", "0731-8888 8888", "+8613800000000"],
)
def test_phone_valid_passes(value):
    validate_phone(value)


@pytest.mark.parametrize(
    "value",
    ["abc", "", "12345", "138-0000-000a", "++8613800000000", "13800000000-", "电话13800000000"],
)
def test_phone_invalid_refused(value):
    error = _refusal(validate_phone, value)
    assert error.code == "phone"


@pytest.mark.parametrize(
    ("rule", "years"),
    [
        ("FREQ=YEARLY;UNTIL=20271231T160000Z", [2024, 2025, 2026, 2027]),
        ("FREQ=YEARLY;UNTIL=20260101", [2024, 2025]),
        ("FREQ=YEARLY;INTERVAL=2;COUNT=2", [2024, 2026]),
    ],
)
def test_mechanism_cadence_with_until_or_count_expands(rule, years):
    validate_rrule(rule)
    mechanism = Mechanism(rrule=rule, first_date=date(2024, 6, 15))
    dates = mechanism.expected_dates(date(2020, 1, 1), date(2035, 12, 31))
    assert [d.year for d in dates] == years


@pytest.mark.parametrize("rule", ["FREQ=YEARLY;BYMONTH=13", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"])
def test_rrule_that_never_occurs_refused(rule):
    with pytest.raises(ValidationError):
        validate_rrule(rule)


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("13800000000", "13800000000"),
        ("138-0000-0000", "13800000000"),
        ("+86 138 0000 0000", "13800000000"),
        ("0086 13800000000", "13800000000"),
        ("１３８００００００００", "13800000000"),
        ("0995-1234567", "0995-1234567"),
        ("0731 8888 8888", "0731-88888888"),
        ("(0731) 88888888", "0731-88888888"),
        ("（0731）88888888", "0731-88888888"),
        ("010-62345678", "010-62345678"),
        ("+86 10 6234 5678", "010-62345678"),
        ("+86 731 88888888", "0731-88888888"),
    ],
)
def test_mainland_phone_is_normalised(value, stored):
    assert normalise_mainland_phone(value) == stored
    validate_mainland_phone(value)


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "",
        "1",
        "88888888",
        "12345678901",
        "1380000000a",
        "138000000001",
        "0731-888",
        "+1 212",
    ],
)
def test_mainland_phone_refused(value):
    error = _refusal(validate_mainland_phone, value)
    assert error.code == "phone"
