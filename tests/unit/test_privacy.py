"""隐私泄露: ID numbers, mobiles and bank cards — hits, non-hits and masking."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from govwatch.checks.privacy import find_personal_data, privacy_findings
from govwatch.masking import luhn_ok
from govwatch.rules import load_rules

_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id(first17: str) -> str:
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, _W, strict=True)) % 11]


def _luhn(prefix: str, length: int) -> str:
    body = prefix.ljust(length - 1, "3")
    for d in "0123456789":
        if luhn_ok(body + d):
            return body + d
    raise AssertionError


VALID_ID = _id("36070219900307123")
X_ID = next(i for i in (_id(f"1101051949123100{k}") for k in range(10)) if i.endswith("X"))
CARD = _luhn("622202", 19)


def _kinds(text: str, **kw) -> list[tuple[str, str]]:
    return [(h.kind, h.masked) for h in find_personal_data(text, **kw)]


def test_valid_id_fires_masked():
    assert _kinds(f"申请人身份证号：{VALID_ID}，") == [("id", VALID_ID[:4] + "*" * 10 + VALID_ID[-4:])]
    assert _kinds(f"证件号码 {X_ID.lower()}") == [("id", X_ID[:4] + "*" * 10 + X_ID[-4:])]


def test_wrong_checksum_never_fires_even_as_a_card():
    wrong = VALID_ID[:-1] + str((int(VALID_ID[-1]) + 1) % 10 if VALID_ID[-1].isdigit() else 0)
    assert _kinds(f"身份证号 {wrong}") == []
    # Ten wrong check digits: none fires as an ID, and none as a Luhn-valid "card" either.
    for d in "0123456789":
        candidate = VALID_ID[:17] + d
        if candidate != VALID_ID:
            assert _kinds(f"号码 {candidate} ") == []


def test_impossible_birth_date_and_bad_area_do_not_fire():
    assert _kinds(_id("36070219901307123")) == []  # month 13
    assert _kinds(_id("36070219900230123")) == []  # 30 February
    assert _kinds(_id("99070219900307123")) == []  # no such province
    future = _id("36070220300307123")
    assert _kinds(future, as_of=date(2026, 1, 1)) == []


def test_numbers_inside_longer_runs_do_not_fire():
    assert _kinds(f"流水号9{VALID_ID}") == []
    assert _kinds(f"{VALID_ID}7") == []
    assert _kinds("编码 2013812345678") == []
    assert _kinds("x13812345678") == [] and _kinds("13812345678a") == []
    assert _kinds("2023-13812345678") == [] and _kinds("13812345678-01") == []
    assert _kinds("金额 13812345678.50 元") == []
    assert _kinds(f"http://www.example.gov.cn/art/{CARD}.html") == []
    assert _kinds(f"/download?id={VALID_ID}") == []


def test_mobiles():
    assert _kinds("联系电话：13812345678") == [("mobile", "138****5678")]
    assert _kinds("手机 139 1234 5678；") == [("mobile", "139****5678")]
    assert _kinds("手机 139-1234-5678") == [("mobile", "139****5678")]
    assert _kinds("+86 13912345678") == [("mobile", "139****5678")]
    assert _kinds("+8613912345678") == [("mobile", "139****5678")]
    assert _kinds("电话 12812345678") == []  # 12x is no mobile prefix
    assert _kinds("座机 0791-86123456") == []
    assert _kinds("订单号 13812345678") == []
    assert _kinds("订单号码 13812345678") == []
    # The nearest label decides: a contact label after a serial-number column heading still counts.
    assert _kinds("序号 联系电话：13812345678") == [("mobile", "138****5678")]
    assert _kinds("联系人编号：13812345678") == []


def test_full_width_digits():
    assert _kinds("电话：１３８１２３４５６７８") == [("mobile", "138****5678")]


def test_bank_cards():
    assert _kinds(f"收款卡号 {CARD}") == [("card", CARD[:4] + "*" * 11 + CARD[-4:])]
    grouped = " ".join(CARD[i : i + 4] for i in range(0, 19, 4))
    assert _kinds(f"卡号 {grouped}") == [("card", CARD[:4] + "*" * 11 + CARD[-4:])]
    bad = CARD[:-1] + str((int(CARD[-1]) + 1) % 10)
    assert _kinds(f"卡号 {bad}") == []  # Luhn fails
    assert _kinds(f"卡号 {_luhn('1234', 16)}") == []  # no known BIN prefix
    assert _kinds(f"统一社会信用代码 {_luhn('62', 18)}") == []  # labelled as something else
    assert _kinds(f"订单编号 {_luhn('62', 16)}") == []


def _all_strings(obj) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for k, v in obj.items() for s in _all_strings(k) + _all_strings(v)]
    if isinstance(obj, list | tuple):
        return [s for v in obj for s in _all_strings(v)]
    return [str(obj)]


def test_findings_hold_only_masked_values():
    text = f"张三，身份证号{VALID_ID}，手机13812345678，银行卡{CARD}，再次列出手机13812345678。"
    fs = privacy_findings(
        load_rules(), text, site_id="s1", unit_id="u1", url="http://www.example.gov.cn/gs.html"
    )
    assert sorted(f.extra["kind"] for f in fs) == ["card", "id", "mobile"]
    clear = (VALID_ID, "13812345678", CARD, VALID_ID[4:14], CARD[4:15])
    for f in fs:
        assert f.check == "privacy_leak" and f.target_type == "site" and f.target_id == "s1"
        assert f.severity == "deduct" and f.points == load_rules().points("privacy_leak")
        for s in _all_strings(dataclasses.asdict(f)):
            for value in clear:
                assert value not in s, (value, s)
    mobile = next(f for f in fs if f.extra["kind"] == "mobile")
    assert mobile.evidence_key == "mobile:138****5678@http://www.example.gov.cn/gs.html"
    assert "共2处" in mobile.evidence and "138****5678" in mobile.evidence


@pytest.mark.parametrize("width", [1, 3, 7, 12])
def test_context_never_leaks_partial_numbers(width: int):
    # Neighbouring numbers cut by the context window must not leak their digits either.
    text = f"{VALID_ID}、{'x' * width}13812345678、{CARD}"
    for f in privacy_findings(load_rules(), text, site_id="s", unit_id=None, url="u"):
        assert VALID_ID[6:14] not in f.evidence and CARD[6:15] not in f.evidence
