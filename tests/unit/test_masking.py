from govwatch.masking import has_unmasked, id_checksum_ok, is_valid_id, luhn_ok, mask_id, mask_mobile, scrub


def _with_check(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


def test_id_checksum_and_birth_date():
    good = _with_check("36070219900307123")
    assert id_checksum_ok(good) and is_valid_id(good)
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert not id_checksum_ok(wrong)
    assert not is_valid_id(_with_check("36070219901307123"))  # month 13
    assert not is_valid_id(_with_check("99070219900307123"))  # no such province


def test_masks_match_contract_examples():
    assert mask_id("360702199003071234") == "3607**********1234"
    assert mask_mobile("13812341234") == "138****1234"


def test_scrub_masks_but_respects_longer_digit_runs():
    assert scrub("电话13812341234。") == "电话138****1234。"
    # scrub is deliberately broad: any card-length run is masked, checksum or not
    assert scrub("编号 2023138123412345678") == "编号 2023***********5678"
    # …but a mobile inside a longer digit run (23 digits) is not a mobile
    assert scrub("流水 20231381234123456789012") == "流水 20231381234123456789012"
    text = "订单号A13812341234B"
    assert scrub(text) == text
    assert not has_unmasked(scrub("身份证 360702199003071234，卡号 6222 0212 3456 7890 123"))


def test_luhn():
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")
