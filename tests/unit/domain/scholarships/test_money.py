from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendar_service.domain.scholarships import (
    CURRENCY_EXPONENTS,
    MAX_AMOUNT,
    check_currency,
    exponent_of,
    format_amount,
    parse_amount,
)
from calendar_service.errors import InvalidInput

from .support import PROPERTY


@pytest.mark.parametrize(
    ("raw", "currency", "expected"),
    [
        ("1500", "USD", "1500.00"),
        ("1500.5", "USD", "1500.50"),
        ("0.01", "EUR", "0.01"),
        ("  20 ", "EUR", "20.00"),
        ("1500", "eur", "1500.00"),
        ("150000", "JPY", "150000"),
        ("1.234", "KWD", "1.234"),
        ("000012", "KES", "12.00"),
        ("999999999999", "USD", "999999999999.00"),
        ("12.3", "BHD", "12.300"),
    ],
)
def test_parse_amount_accepts_decimal_strings_and_quantizes_to_the_currency(
    raw: str, currency: str, expected: str
) -> None:
    amount = parse_amount(raw, currency, "budget.amount")
    assert amount == Decimal(expected)
    assert str(amount) == expected  # exponent kept: 1500 USD is 1500.00


@pytest.mark.parametrize(
    ("raw", "currency", "fragment"),
    [
        ("1.505", "USD", "USD has 2 decimal places, this has 3"),
        ("1.000", "USD", "USD has 2 decimal places, this has 3"),
        ("1.5", "JPY", "JPY has no minor unit"),
        ("1.0", "XOF", "XOF has no minor unit"),
        ("1.2345", "BHD", "BHD has 3 decimal places"),
        ("-5", "USD", "not an amount"),
        ("+5", "USD", "not an amount"),
        ("1e3", "USD", "not an amount"),
        ("1,000", "USD", "not an amount"),
        ("1 000", "USD", "not an amount"),
        (".5", "USD", "not an amount"),
        ("5.", "USD", "not an amount"),
        ("", "USD", "not an amount"),
        ("NaN", "USD", "not an amount"),
        ("$5", "USD", "not an amount"),
        ("١٢", "USD", "not an amount"),  # Arabic-Indic digits are not ASCII digits
        ("0", "USD", "more than zero"),
        ("0.00", "USD", "more than zero"),
        ("1000000000000", "USD", "too large; at most 999999999999.00"),
        (1500, "USD", "decimal string such as '1500.00', not a number"),
        (15.5, "USD", "not a number"),
        (None, "USD", "not a number"),
    ],
)
def test_parse_amount_refuses_with_the_field_and_the_fix(raw: object, currency: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_amount(raw, currency, "requested.travel")
    assert caught.value.field == "requested.travel"
    assert fragment in caught.value.message
    assert caught.value.message.startswith("requested.travel: ")


def test_parse_amount_allows_zero_only_when_asked() -> None:
    assert parse_amount("0", "USD", "x", allow_zero=True) == Decimal("0.00")


def test_parse_amount_refuses_an_unknown_currency_naming_the_currency_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_amount("10", "XYZ", "budget.amount")
    assert caught.value.field == "currency"


@pytest.mark.parametrize(
    ("code", "exponent"),
    [
        ("USD", 2),
        ("EUR", 2),
        ("KES", 2),
        ("INR", 2),
        ("JPY", 0),
        ("KRW", 0),
        ("XOF", 0),
        ("XAF", 0),
        ("CLP", 0),
        ("UGX", 0),
        ("RWF", 0),
        ("ISK", 0),
        ("VND", 0),
        ("BHD", 3),
        ("KWD", 3),
        ("OMR", 3),
        ("TND", 3),
        ("JOD", 3),
        ("IQD", 3),
        ("LYD", 3),
    ],
)
def test_currency_exponents_follow_iso_4217(code: str, exponent: int) -> None:
    assert exponent_of(code) == exponent


@pytest.mark.parametrize(("raw", "expected"), [("EUR", "EUR"), ("usd", "USD"), (" kes ", "KES"), ("XCG", "XCG")])
def test_check_currency_normalises_known_codes(raw: str, expected: str) -> None:
    assert check_currency(raw) == expected


@pytest.mark.parametrize("raw", ["XAU", "XDR", "CLF", "BTC", "EURO", "", "  ", 978, None, "ANG", "HRK"])
def test_check_currency_refuses_unknown_fund_and_withdrawn_codes(raw: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_currency(raw, "budget.currency")
    assert caught.value.field == "budget.currency"
    assert "ISO 4217" in caught.value.message


def test_currency_table_is_three_upper_case_letters() -> None:
    assert len(CURRENCY_EXPONENTS) > 150
    assert all(len(code) == 3 and code.isascii() and code.isupper() for code in CURRENCY_EXPONENTS)


@pytest.mark.parametrize(
    ("amount", "currency", "with_code", "expected"),
    [
        (Decimal("1500"), "USD", False, "1500.00"),
        (Decimal("1E+3"), "USD", False, "1000.00"),
        (Decimal("1500"), "JPY", True, "1500 JPY"),
        (Decimal("1.5"), "KWD", True, "1.500 KWD"),
        (Decimal("0.125"), "EUR", False, "0.12"),  # banker's rounding, only for display of odd inputs
        (Decimal("-20"), "EUR", False, "-20.00"),
    ],
)
def test_format_amount(amount: Decimal, currency: str, with_code: bool, expected: str) -> None:
    assert format_amount(amount, currency, with_code=with_code) == expected


@PROPERTY
@given(
    currency=st.sampled_from(sorted(CURRENCY_EXPONENTS)),
    units=st.integers(min_value=1, max_value=10**12 - 1),
    fraction=st.integers(min_value=0, max_value=9999),
)
def test_format_then_parse_round_trips(currency: str, units: int, fraction: int) -> None:
    exponent = CURRENCY_EXPONENTS[currency]
    amount = Decimal(units) + (Decimal(fraction % 10**exponent).scaleb(-exponent) if exponent else 0)
    amount = min(amount, MAX_AMOUNT)
    text = format_amount(amount, currency)
    parsed = parse_amount(text, currency, "amount")
    assert parsed == amount
    assert format_amount(parsed, currency) == text
