"""隐私泄露: resident ID numbers, personal mobile numbers and bank card numbers in page or attachment text.

Public API
----------
``find_personal_data(text, *, as_of=None) -> list[Hit]``
    ``Hit(kind, masked, start, end)`` with ``kind`` in ``'id' | 'mobile' | 'card'`` and ``masked`` the
    masked value (``govwatch.masking.mask_*``); the clear value is never kept.

    - ``id``: 18 characters, GB/T 2260 province prefix, a real birth date (not after ``as_of`` when given),
      ISO 7064 MOD 11-2 check character (``govwatch.masking.is_valid_id``).
    - ``mobile``: ``1[3-9]`` + 9 digits, also written ``138 1234 5678`` / ``138-1234-5678`` or after ``+86``.
      Office mobiles published as a contact still count (the indicator counts any personal mobile).
    Full-width digits (``１３８…``) are read as digits.
    - ``card``: 16–19 digits (also in groups of four), Luhn-valid, a known BIN prefix (62, 4, 5, 35, 9),
      not shaped like an ID number, and not labelled as something else (order/serial numbers, 统一社会信用代码 …).

    No hit for a number inside a longer digit run (digits, letters, or digit groups joined by '-'), inside
    a URL or identifier (``/``, ``=``, ``_``, ``.html`` …), or labelled as an order number, code or serial.
``privacy_findings(rules, text, *, site_id, unit_id, url, as_of=None) -> list[Finding]``
    One ``privacy_leak`` finding (target: the site) per distinct masked value on the page; evidence and
    ``evidence_key`` hold masked values only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from govwatch.findings import Finding, make
from govwatch.masking import (
    PROVINCE_PREFIXES,
    id_checksum_ok,
    is_valid_id,
    luhn_ok,
    mask_card,
    mask_id,
    mask_mobile,
    scrub,
)
from govwatch.rules import Rules

KINDS = {"id": "公民身份号码", "mobile": "个人手机号码", "card": "银行卡号"}
CARD_PREFIXES = ("62", "4", "5", "35", "9")

# A candidate is a plain run of ≥ 11 digits (an ID may end in X), a mobile written in 3-4-4 groups, or a
# card written in groups of four. Finding them with this regex alone runs at ~80 MB/s; instead the UTF-8
# bytes are mapped to a three-letter alphabet (digit / separator / other) with bytes.translate and the
# digit shapes are located with bytes.find (both C loops over memory), and the regex only confirms them.
_CANDIDATE = re.compile(
    r"[0-9]{11,}[Xx]?"
    r"|1[3-9][0-9][ -][0-9]{4}[ -][0-9]{4}"
    r"|[0-9]{4}(?:[ -][0-9]{4}){3}(?:[ -][0-9]{1,3})?"
)

# Labels that make a number something other than personal data.
_NOT_PERSONAL = (
    "订单",
    "单号",
    "编号",
    "流水号",
    "信用代码",
    "机构代码",
    "组织代码",
    "条码",
    "条形码",
    "序列号",
    "序号",
    "批号",
    "批准文号",
    "文号",
    "准考证",
    "考号",
    "学号",
    "工号",
    "档案号",
    "发票",
    "税号",
    "识别号",
    "登记号",
    "注册号",
    "许可证",
    "证书号",
    "合同号",
    "运单",
    "快递",
    "项目代码",
    "代码",
    "QQ",
    "qq",
    "群号",
    "账期",
    "邮编",
    "传真",
    "座机",
    "ISBN",
    "isbn",
    "专利号",
    "备案号",
)
_ID_LABELS = ("身份证", "身份号", "证件号", "公民身份", "身份证明")
_IDENT_BEFORE = set("/=_#?&%@\\")
_IDENT_AFTER = set("/_=&%@\\")
_LABEL_WINDOW = 16
_FULLWIDTH_DIGITS = "０１２３４５６７８９"
_FULLWIDTH = str.maketrans(_FULLWIDTH_DIGITS + "Ｘｘ－　", "0123456789Xx- ")
_LABEL_CUT = re.compile(r".*[\n。；;，,、（(）)]", re.S)
_NOT_PERSONAL_RE = re.compile("|".join(map(re.escape, _NOT_PERSONAL)))
_ID_LABEL_RE = re.compile("|".join(map(re.escape, _ID_LABELS)))
_PERSONAL_RE = re.compile(
    "|".join(map(re.escape, (*_ID_LABELS, "电话", "手机", "联系", "卡号", "账号", "帐号", "银行卡", "开户")))
)
_SHAPE = bytes(0x31 if 0x30 <= i <= 0x39 else 0x32 if i in (0x20, 0x2D) else 0x30 for i in range(256))
_SHAPES = (b"1" * 11, b"1112111121111", b"1111211112111121111")
_NOT_DIGIT = re.compile(rb"[^1]")
_COUNTRY_CODE = re.compile(r"(?:\+86|(?<![0-9])0086|(?<![0-9])86|[（(]\+?86[)）])[- ]?$")


@dataclass(frozen=True)
class Hit:
    kind: str
    masked: str
    start: int
    end: int


def _alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _isolated(text: str, start: int, end: int) -> bool:
    """True when text[start:end] is not part of a longer digit run, URL or identifier."""
    n = len(text)
    if start > 0 and _COUNTRY_CODE.search(text, max(0, start - 6), start):
        start = 0  # "+86 138…", "(86)138…": the country code is not part of a longer number
    if start > 0:
        p = text[start - 1]
        if _alnum(p) or p in _IDENT_BEFORE:
            return False
        if p in "-. " and start > 1 and text[start - 2].isdigit() and p != " ":
            return False
        if p == "." and start > 1 and _alnum(text[start - 2]):
            return False
    if end < n:
        q = text[end]
        if _alnum(q) or q in _IDENT_AFTER:
            return False
        if q in "-." and end + 1 < n and _alnum(text[end + 1]):
            return False
    return True


def _label(text: str, start: int) -> str:
    """The words that introduce the number: back to the previous clause separator, at most 16 characters."""
    window = text[max(0, start - _LABEL_WINDOW) : start]
    m = _LABEL_CUT.match(window)
    return window[m.end() :] if m else window


def _last_end(pattern: re.Pattern[str], label: str) -> int:
    end = -1
    for m in pattern.finditer(label):
        end = m.end()
    return end


def _labelled_other(label: str) -> bool:
    """True when the nearest label says order number, code, serial …; a later personal label wins."""
    neg = _last_end(_NOT_PERSONAL_RE, label)
    return neg >= 0 and neg > _last_end(_PERSONAL_RE, label)


def _id_shaped(digits: str) -> bool:
    """An 18-character number with a province prefix and a real birth date: an ID number, valid or not."""
    if len(digits) != 18 or digits[:2] not in PROVINCE_PREFIXES:
        return False
    try:
        date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return False
    return 1900 <= int(digits[6:10]) <= 2100


def find_personal_data(text: str, *, as_of: date | None = None) -> list[Hit]:
    """ID numbers, mobile numbers and bank cards in ``text`` (masked; see the module docstring)."""
    if not text:
        return []
    if any(d in text for d in _FULLWIDTH_DIGITS):
        # Full-width digits (１３８…) are the same number to a reader; the mapping keeps every offset.
        text = text.translate(_FULLWIDTH)
    hits: list[Hit] = []
    for m in _candidates(text):
        start, end = m.span()
        raw = m.group()
        digits = raw.replace(" ", "").replace("-", "")
        if len(digits) > 19 or not _isolated(text, start, end):
            continue
        grouped = len(digits) != len(raw)
        label = _label(text, start)
        id_label = _ID_LABEL_RE.search(label) is not None
        if len(digits) == 18 and not grouped:
            if id_checksum_ok(digits) and is_valid_id(digits, latest=as_of):
                if id_label or not _labelled_other(label):
                    hits.append(Hit("id", mask_id(digits.upper()), start, end))
                continue
            if _id_shaped(digits) or digits[-1] in "Xx":
                continue  # an ID number with a wrong check character is nobody's ID
        if len(digits) == 13 and digits.startswith("86") and start > 0 and text[start - 1] == "+":
            digits, start = digits[2:], start + 2
        if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789" and digits.isdigit():
            if not _labelled_other(label):
                hits.append(Hit("mobile", mask_mobile(digits), start, end))
            continue
        if 16 <= len(digits) <= 19 and digits.isdigit():
            if (
                digits.startswith(CARD_PREFIXES)
                and luhn_ok(digits)
                and not _id_shaped(digits)
                and not _labelled_other(label)
            ):
                hits.append(Hit("card", mask_card(digits), start, end))
    return hits


def _candidates(text: str) -> list[re.Match[str]]:
    """Regex matches of :data:`_CANDIDATE` at the places the byte-shape search points to, in order."""
    data = text.encode("utf-8", "surrogatepass")
    shape = data.translate(_SHAPE)
    starts: set[int] = set()
    for pattern in _SHAPES:
        i = shape.find(pattern)
        while i >= 0:
            starts.add(i)
            nxt = _NOT_DIGIT.search(shape, i + len(pattern)) if pattern == _SHAPES[0] else None
            i = shape.find(pattern, nxt.start() if nxt else i + len(pattern))
    if not starts:
        return []
    out: list[re.Match[str]] = []
    ascii_only = len(data) == len(text)
    prev_b = prev_c = 0
    last_end = -1
    for b in sorted(starts):
        if ascii_only:
            c = b
        else:
            c = prev_c + len(data[prev_b:b].decode("utf-8", "surrogatepass"))
            prev_b, prev_c = b, c
        if c < last_end:
            continue
        m = _CANDIDATE.match(text, c)
        if m:
            out.append(m)
            last_end = m.end()
    return out


def _evidence_context(text: str, hit: Hit, hits: list[Hit], width: int = 15) -> str:
    """Text around a hit with every number in it masked; the window never cuts a digit run in half."""
    s, e = max(0, hit.start - width), min(len(text), hit.end + width)
    while s < hit.start and s > 0 and text[s].isalnum() and text[s - 1].isalnum():
        s += 1
    while e > hit.end and e < len(text) and text[e - 1].isalnum() and text[e].isalnum():
        e -= 1
    pieces: list[str] = []
    pos = s
    for h in sorted(hits, key=lambda h: h.start):
        if h.end <= s or h.start >= e:
            continue
        hs, he = max(h.start, s), min(h.end, e)
        pieces.append(text[pos:hs])
        pieces.append(h.masked)
        pos = he
    pieces.append(text[pos:e])
    return scrub(" ".join("".join(pieces).split()))


def privacy_findings(
    rules: Rules,
    text: str,
    *,
    site_id: str,
    unit_id: str | None,
    url: str,
    as_of: date | None = None,
) -> list[Finding]:
    """``privacy_leak`` findings for one page or attachment text (masked evidence only)."""
    hits = find_personal_data(text, as_of=as_of)
    grouped: dict[tuple[str, str], list[Hit]] = {}
    for h in hits:
        grouped.setdefault((h.kind, h.masked), []).append(h)
    out: list[Finding] = []
    for (kind, masked), hs in grouped.items():
        context = _evidence_context(text, hs[0], hits)
        evidence = f"公开了{KINDS[kind]} {masked}（…{context}…）"
        if len(hs) > 1:
            evidence += f"，共{len(hs)}处"
        out.append(
            make(
                rules,
                "privacy_leak",
                "site",
                site_id,
                evidence,
                site_id=site_id,
                unit_id=unit_id,
                evidence_key=f"{kind}:{masked}@{url}",
                evidence_url=url,
                extra={"kind": kind, "count": len(hs)},
            )
        )
    return out
