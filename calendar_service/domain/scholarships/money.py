"""Money, pure: amounts are `Decimal`s in a named ISO 4217 currency, never floats.

Decisions:
- An amount crosses the API as a decimal string (`"1500.00"`), because a JSON
  number is a binary float on most clients and `0.1 + 0.2` is not money.
  A number where a string was expected is refused with a hint, not coerced.
- Accepted syntax is plain digits with an optional `.` and fraction: no sign,
  exponent, thousands separator or currency symbol. `"1500"` and `"1500.5"`
  are fine for USD; `"1500.505"` is refused because USD has two minor-unit
  digits (ISO 4217 exponent), and `"1.5"` is refused for JPY, which has none.
  Trailing zeros count as digits written ("1.000" USD is refused): what the
  caller typed is what we judge.
- Parsed amounts are quantized to the currency's exponent, so `"1500"` USD
  is `Decimal("1500.00")` and sums compare exactly.
- Size is bounded: at most 12 integer digits (just under a trillion), so a
  database column `Numeric(16, 4)` holds any amount in any currency here.
- Tables hold totals as integer minor units (`to_minor`: 1500.00 USD is
  150000, 1500 JPY is 1500) and per-item amounts as the API's decimal strings
  (`format_amounts`); `from_minor` and `decimal_amounts` read them back.
- The currency table lists the circulating currencies of ISO 4217 list one
  (as published in the datasets/country-codes snapshot of May 2026);
  fund codes (BOV, CLF, XDR…) and precious metals (XAU…) are refused, since
  no one is paid a scholarship in them.
"""

import re
from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Decimal

from calendar_service.errors import InvalidInput

ZERO = Decimal(0)
MAX_INTEGER_DIGITS = 12
MAX_AMOUNT = Decimal(10**MAX_INTEGER_DIGITS - 1)

_EXPONENT_0 = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF"
_EXPONENT_3 = "BHD IQD JOD KWD LYD OMR TND"
_EXPONENT_4 = "UYW"
_EXPONENT_2 = (
    "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CNY COP "
    "CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS "
    "INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN "
    "MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE "
    "SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TTD TWD TZS UAH USD UYU UZS VED VES WST XCD XCG YER ZAR ZMW "
    "ZWG"
)

CURRENCY_EXPONENTS: dict[str, int] = {
    code: exponent
    for exponent, codes in ((0, _EXPONENT_0), (2, _EXPONENT_2), (3, _EXPONENT_3), (4, _EXPONENT_4))
    for code in codes.split()
}

_AMOUNT = re.compile(r"([0-9]+)(?:\.([0-9]+))?")


def check_currency(code: object, field: str = "currency") -> str:
    """The ISO 4217 code, upper-cased; an unknown or non-circulating code is refused."""
    if not isinstance(code, str) or not code.strip():
        raise InvalidInput(f"{field}: give a three-letter ISO 4217 currency code such as EUR or USD", field)
    normal = code.strip().upper()
    if normal not in CURRENCY_EXPONENTS:
        raise InvalidInput(
            f"{field}: '{code}' is not a circulating ISO 4217 currency; use a code such as EUR, USD, KES or INR",
            field,
        )
    return normal


def exponent_of(currency: str) -> int:
    """Minor-unit digits of the currency (2 for EUR, 0 for JPY, 3 for KWD)."""
    return CURRENCY_EXPONENTS[check_currency(currency)]


def quantum(exponent: int) -> Decimal:
    """The smallest unit for an exponent: 1 for 0, 0.01 for 2."""
    return Decimal(1).scaleb(-exponent)


def parse_amount(raw: object, currency: str, field: str, *, allow_zero: bool = False) -> Decimal:
    """A decimal string in `currency`, quantized to its exponent; positive unless `allow_zero`."""
    exponent = exponent_of(currency)
    code = check_currency(currency)
    example = format_amount(Decimal(1500), code)
    if not isinstance(raw, str):
        raise InvalidInput(f"{field}: send the amount as a decimal string such as '{example}', not a number", field)
    match = _AMOUNT.fullmatch(raw.strip())
    if match is None:
        raise InvalidInput(
            f"{field}: '{raw}' is not an amount; write digits with an optional decimal point, such as '{example}'",
            field,
        )
    whole, fraction = match.group(1), match.group(2) or ""
    if len(fraction) > exponent:
        if exponent == 0:
            hint = f"{code} has no minor unit; write a whole number such as '{example}'"
        else:
            hint = f"{code} has {exponent} decimal places, this has {len(fraction)}; write e.g. '{example}'"
        raise InvalidInput(f"{field}: '{raw}': {hint}", field)
    if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise InvalidInput(f"{field}: '{raw}' is too large; at most {format_amount(MAX_AMOUNT, code)}", field)
    amount = Decimal(f"{whole}.{fraction or '0'}").quantize(quantum(exponent))
    if amount == 0 and not allow_zero:
        raise InvalidInput(f"{field}: must be more than zero; leave the item out if nothing is needed", field)
    return amount


def format_amount(amount: Decimal, currency: str, *, with_code: bool = False) -> str:
    """The API's decimal string: `1500.00` (USD), `1500` (JPY); no grouping, code appended if asked."""
    code = check_currency(currency)
    text = f"{amount.quantize(quantum(CURRENCY_EXPONENTS[code]), rounding=ROUND_HALF_EVEN):f}"
    return f"{text} {code}" if with_code else text


def format_amounts(amounts: Mapping[str, Decimal], currency: str) -> dict[str, str]:
    """Per-item amounts as the API's decimal strings (`{"travel": "800.00"}`), in the given order."""
    return {item: format_amount(value, currency) for item, value in amounts.items()}


def decimal_amounts(texts: Mapping[str, object], currency: str) -> dict[str, Decimal]:
    """Per-item amounts written by `format_amounts` (`{"travel": "800.00"}`) as Decimals of the currency."""
    exponent = exponent_of(currency)
    return {item: Decimal(str(value)).quantize(quantum(exponent)) for item, value in texts.items()}


def to_minor(amount: Decimal, currency: str) -> int:
    """An amount in integer minor units: 1500.00 USD is 150000, 1500 JPY is 1500."""
    return int(amount.scaleb(exponent_of(currency)))


def from_minor(minor: int, currency: str) -> Decimal:
    """Minor units back as an amount quantized to the currency: 150000 USD is 1500.00."""
    exponent = exponent_of(currency)
    return Decimal(minor).scaleb(-exponent).quantize(quantum(exponent))


def format_minor(minor: int, currency: str) -> str:
    """Minor units as the API's decimal string: 150000 USD is "1500.00"."""
    return format_amount(from_minor(minor, currency), currency)
