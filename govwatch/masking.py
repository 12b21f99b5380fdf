"""Personal data: recognise and mask ID numbers, mobile numbers and bank cards.

Personal data found on a page is evidence of a leak; govwatch stores and shows it masked only. Every
finding's evidence passes through :func:`scrub` before it is written (defence in depth: checks mask
what they report, and the store masks again whatever slipped through).
"""

from __future__ import annotations

import re
from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# Province-level area codes of GB/T 2260 (first two digits of every resident ID number).
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 91".split()
)

# Digits may be separated by nothing else: a number inside a longer digit (or letter-digit) run is not one.
ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<![0-9A-Za-z+])(?:\+?86[- ]?)?(1[3-9]\d{9})(?![0-9A-Za-z])")
CARD_RE = re.compile(r"(?<![0-9A-Za-z])(\d{16,19})(?![0-9A-Za-z])")
# Bank cards are often written in groups of four: 6222 0212 3456 7890 123
CARD_GROUPED_RE = re.compile(r"(?<![0-9A-Za-z])(\d{4}(?:[ -]\d{4}){3}(?:[ -]\d{1,3})?)(?![0-9A-Za-z])")


def id_checksum_ok(number: str) -> bool:
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def is_valid_id(number: str, *, latest: date | None = None) -> bool:
    """A GB 11643 resident ID number: province prefix, real birth date, MOD 11-2 check character."""
    if not id_checksum_ok(number) or number[:2] not in PROVINCE_PREFIXES:
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= (latest or date(2100, 1, 1))


def luhn_ok(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) < 12:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def mask_id(number: str) -> str:
    """``360702199001011234`` → ``3607************1234`` (first 4, last 4 kept)."""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_mobile(number: str) -> str:
    """``13812341234`` → ``138****1234``."""
    return number[:3] + "****" + number[-4:]


def mask_card(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def scrub(text: str) -> str:
    """Mask every ID-number-, mobile- and card-shaped digit run in ``text``.

    Deliberately broader than the privacy check (no checksum needed): evidence that merely looks like
    personal data is masked as well, since a false mask costs nothing and a leak costs a lot.
    """
    if not text:
        return text
    text = ID_RE.sub(lambda m: mask_id(m.group(1)), text)
    text = CARD_GROUPED_RE.sub(lambda m: mask_card(m.group(1)), text)
    text = CARD_RE.sub(lambda m: mask_card(m.group(1)), text)
    text = MOBILE_RE.sub(lambda m: m.group(0).replace(m.group(1), mask_mobile(m.group(1))), text)
    return text


def has_unmasked(text: str) -> bool:
    """True when ``text`` still holds something :func:`scrub` would mask."""
    return scrub(text) != text
