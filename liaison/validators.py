"""Validators shared by models, forms and the API. Each raises a translated ValidationError."""

import re
import unicodedata
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BEIJING = ZoneInfo("Asia/Shanghai")

# GB 32100-2015: 18 characters from this alphabet (no I, O, S, V, Z); the last one is a check
# character computed from the first 17 with these weights, modulo 31.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_character(first17: str) -> str:
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def normalise_credit_code(value: str) -> str:
    """A credit code as people type it, made canonical: full-width characters from an input
    method (０１Ａ) become their ASCII forms (NFKC), spaces anywhere are dropped, letters are
    made capitals."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def validate_credit_code(value: str) -> None:
    """Refuse a unified social credit code whose form or check character is wrong."""
    if len(value) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)d."),
            code="credit_code_length",
            params={"length": len(value)},
        )
    bad = sorted({char for char in value if char not in CREDIT_CODE_ALPHABET})
    if bad:
        raise ValidationError(
            _(
                "A unified social credit code cannot contain %(chars)s (only digits and capital "
                "letters other than I, O, S, V and Z)."
            ),
            code="credit_code_characters",
            params={"chars": "、".join(bad)},
        )
    expected = credit_code_check_character(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _(
                "The check character of this unified social credit code is wrong: please check "
                "every character against the business licence."
            ),
            code="credit_code_check",
        )


PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-()]{5,22}[0-9]$")


def validate_phone(value: str) -> None:
    if not PHONE_RE.match(value):
        raise ValidationError(
            _(
                "Enter a phone number of digits (spaces, hyphens and brackets allowed), such as 13800000000 or 0995-1234567."
            ),
            code="phone",
        )


# A mainland Chinese number as people write it: spaces, hyphens and brackets between the digits,
# +86 or 0086 in front. Mobiles have 11 digits starting 13–19; a landline has an area code
# (010 and 02x have three digits, every other four) and a 7- or 8-digit number.
PHONE_SEPARATORS = re.compile(r"[\s\-()]")
MAINLAND_MOBILE = re.compile(r"1[3-9][0-9]{9}")
MAINLAND_LANDLINE = re.compile(r"(0[12][0-9]|0[3-9][0-9]{2})([1-9][0-9]{6,7})")


def normalise_mainland_phone(value: str) -> str:
    """The number as stored: a mobile as its 11 digits (``13800000000``), a landline as area
    code and number (``0731-88888888``). Full-width digits and brackets are read as ASCII."""
    digits = PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits.removeprefix(prefix)
            if not MAINLAND_MOBILE.fullmatch(digits) and not digits.startswith("0"):
                digits = "0" + digits  # +86 731 …: the area code is dialled without its 0
            break
    if MAINLAND_MOBILE.fullmatch(digits):
        return digits
    if landline := MAINLAND_LANDLINE.fullmatch(digits):
        return "-".join(landline.groups())
    raise ValidationError(
        _(
            "Enter a mobile number of 11 digits starting with 1, or a landline number with its "
            "area code, such as 13800000000 or 0995-1234567."
        ),
        code="phone",
    )


def validate_mainland_phone(value: str) -> None:
    """Refuse what is neither a mainland mobile nor a landline with its area code."""
    normalise_mainland_phone(value)


# Parts of RFC 5545 recurrence rules that every calendar client (Outlook included) supports.
RRULE_ALLOWED_PARTS = {
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYMONTH",
    "BYMONTHDAY",
    "BYDAY",
    "BYSETPOS",
    "WKST",
}
RRULE_FREQUENCIES = {"YEARLY", "MONTHLY", "WEEKLY", "DAILY"}


def validate_rrule(value: str) -> None:
    """Accept an RFC 5545 RRULE value (without the ``RRULE:`` prefix) that clients understand."""
    text = value.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts = {}
    for chunk in filter(None, text.split(";")):
        name, sep, part_value = chunk.partition("=")
        if not sep or not part_value:
            raise ValidationError(
                _("“%(part)s” is not a NAME=VALUE part of a recurrence rule."),
                code="rrule_syntax",
                params={"part": chunk},
            )
        name = name.upper()
        if name not in RRULE_ALLOWED_PARTS:
            raise ValidationError(
                _("The recurrence rule part %(name)s is not supported."),
                code="rrule_part",
                params={"name": name},
            )
        if name in parts:
            raise ValidationError(
                _("The recurrence rule gives %(name)s twice."),
                code="rrule_twice",
                params={"name": name},
            )
        parts[name] = part_value.upper()
    if parts.get("FREQ") not in RRULE_FREQUENCIES:
        raise ValidationError(
            _("A recurrence rule needs FREQ=YEARLY, MONTHLY, WEEKLY or DAILY."), code="rrule_freq"
        )
    if "COUNT" in parts and "UNTIL" in parts:
        raise ValidationError(
            _("A recurrence rule cannot have both COUNT and UNTIL."), code="rrule_count_until"
        )
    if "INTERVAL" in parts and not (parts["INTERVAL"].isdigit() and int(parts["INTERVAL"]) >= 1):
        raise ValidationError(
            _("INTERVAL must be a whole number of at least 1."), code="rrule_interval"
        )
    try:
        rule = parse_rrule(text, date(2000, 1, 1))
        occurs = rule.after(datetime(1999, 12, 31), inc=True) is not None
    except (ValueError, TypeError, IndexError) as exc:
        raise ValidationError(
            _("This recurrence rule cannot be read: %(error)s"),
            code="rrule_invalid",
            params={"error": str(exc)},
        ) from exc
    if not occurs:
        raise ValidationError(_("This recurrence rule never occurs."), code="rrule_never")


def parse_rrule(value: str, first_date: date):
    """The dateutil rule for an RRULE value starting on ``first_date``, in local dates.

    Cadences are counted in days, so the rule runs on naive local datetimes; an UNTIL given in
    UTC (``…T000000Z``, as RFC 5545 wants with a zoned DTSTART) is turned into the Beijing date."""
    text = value.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts = []
    for chunk in filter(None, text.split(";")):
        name, _sep, part_value = chunk.partition("=")
        if name.upper() == "UNTIL" and part_value.upper().endswith("Z"):
            moment = datetime.strptime(part_value.upper(), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            part_value = moment.astimezone(BEIJING).strftime("%Y%m%dT%H%M%S")
        parts.append(f"{name}={part_value}")
    return rrulestr(";".join(parts), dtstart=datetime.combine(first_date, time.min))
