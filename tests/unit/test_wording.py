"""错敏字 / 严重表述错误 dictionary scanner."""

from __future__ import annotations

from pathlib import Path

import pytest

from govwatch.checks.wording import Entry, WordingScanner, load_entries, wording_findings
from govwatch.errors import InputError
from govwatch.extract.text import visible_text
from govwatch.rules import load_rules

REPO = Path(__file__).resolve().parents[2]
RULES_DIR = REPO / "include" / "rules"
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="module")
def scanner() -> WordingScanner:
    return WordingScanner.load(RULES_DIR)


def _wrongs(scanner: WordingScanner, text: str) -> list[str]:
    return [m.wrong for m in scanner.scan(text)]


def test_dictionary_size_and_categories(scanner: WordingScanner):
    assert len(scanner) >= 300
    cats = {e.category for e in scanner.entries}
    assert {
        "国家领导人",
        "地方及部委领导",
        "法律法规政策",
        "机构名称",
        "会议名称",
        "行政区划",
        "一般",
    } <= cats
    assert {e.severity for e in scanner.entries} == {"serious", "general"}


@pytest.mark.parametrize(
    ("text", "wrong", "correct", "severity"),
    [
        ("《中华人民共合国宪法》", "中华人民共合国", "中华人民共和国", "serious"),
        ("中共人民共和国成立七十周年", "中共人民共和国", "中华人民共和国", "serious"),
        ("市攻府常务会议", "攻府", "政府", "general"),
        ("黑龙江省齐齐哈市", "齐齐哈市", "齐齐哈尔市", "general"),
        ("严禁焚烧秸杆", "秸杆", "秸秆", "general"),
        ("国务院办公听印发", "国务院办公听", "国务院办公厅", "serious"),
        ("习进平总书记指出", "习进平", "习近平", "serious"),
        ("再接再励", "再接再励", "再接再厉", "general"),
        ("党的十九次五中全会", "十九次五中全会", "十九届五中全会", "general"),
    ],
)
def test_real_examples_fire(scanner: WordingScanner, text, wrong, correct, severity):
    (m,) = scanner.scan(text)
    assert (m.wrong, m.correct, m.severity) == (wrong, correct, severity)
    assert text[m.start : m.end] == wrong
    assert wrong in m.context


@pytest.mark.parametrize(
    "text",
    [
        "按装修标准执行",  # 按装 inside 按装修
        "国家发展和改革委员会",  # 国家发展和改革委 inside the full correct name
        "激动得不能自已",  # 自已 inside 不能自已
        "他自己经常说",  # 己经 inside 自己经常
        "消防讯息",  # 防讯 inside 消防讯息
        "公布署名文章",  # 布署 inside 公布署名
        "坚持不泄露国家秘密",  # 坚持不泄 inside 坚持不泄露
        "中华人民共和国 齐齐哈尔市 秸秆 政府 安装 度假",
    ],
)
def test_never_inside_longer_correct_words(scanner: WordingScanner, text):
    assert _wrongs(scanner, text) == []


def test_no_correct_form_ever_matches(scanner: WordingScanner):
    # The dictionary's own correct forms are correct text: none of them may trigger any entry.
    for e in scanner.entries:
        assert scanner.scan(f"。{e.correct}。") == [], e


def test_except_after_distinguishes_constructions(scanner: WordingScanner):
    assert _wrongs(scanner, "既使困难再大，也要按期完成。") == ["既使"]
    assert _wrongs(scanner, "既使企业受益，又使群众满意。") == []
    assert _wrongs(scanner, "既使用现金，也可刷卡。") == []


def test_two_character_entries_and_chunk_boundaries(scanner: WordingScanner):
    assert _wrongs(scanner, "自已") == ["自已"]
    # A wrong form straddling the scanner's internal 65,536-character blocks is still found, once.
    for pad in (65530, 65533, 65535, 65536):
        text = "。" * pad + "中华人民共合国" + "。" * 10
        (m,) = scanner.scan(text)
        assert (m.start, m.wrong) == (pad, "中华人民共合国")


def test_agrees_with_naive_search_on_a_large_generated_dictionary():
    import random

    rnd = random.Random(7)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 400)]  # few characters: many shared prefixes
    entries, seen = [], set()
    while len(entries) < 3000:
        correct = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(2, 7)))
        w = list(correct)
        w[rnd.randrange(len(w))] = rnd.choice(alphabet)
        wrong = "".join(w)
        if wrong != correct and wrong not in seen:
            seen.add(wrong)
            entries.append(Entry(wrong, correct, "一般", "general", source=f"gen:{len(entries)}"))
    big = WordingScanner(entries)
    planted = rnd.sample(entries, 200)
    # ~70,000 characters: the text crosses one of the scanner's internal block boundaries.
    pieces = ["".join(rnd.choice(alphabet) for _ in range(350)) for _ in range(len(planted) + 1)]
    text = pieces[0] + "".join(f"。{e.wrong}。{piece}" for e, piece in zip(planted, pieces[1:], strict=True))
    # Naive reference: every occurrence of every wrong form not inside one of its exceptions.
    expected = set()
    for e in big.entries:
        i = text.find(e.wrong)
        while i >= 0:
            if not any(text.startswith(x, i - off) for x, off in e.exceptions if i - off >= 0):
                expected.add((i, e.wrong))
            i = text.find(e.wrong, i + 1)
    found = {(m.start, m.wrong) for m in big.scan(text)}
    # The scanner drops the shorter of two overlapping hits; everything it reports is a real hit …
    assert found <= expected
    # … and every planted form is reported.
    assert {e.wrong for e in planted} <= {w for _, w in found}


def test_longest_match_wins(scanner: WordingScanner):
    ms = scanner.scan("最高人民检查院")
    assert [m.wrong for m in ms] == ["最高人民检查院"]


def test_no_matches_on_real_pages_and_reports(scanner: WordingScanner):
    texts = [visible_text(p.read_bytes()) for p in sorted((SHARED / "realpages").glob("*.html"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((SHARED / "seeds").glob("*.txt"))]
    if not texts:
        pytest.skip("shared corpus not available")
    for t in texts:
        assert scanner.scan(t) == []


def test_findings_use_rules_and_stable_keys(scanner: WordingScanner):
    rules = load_rules()
    text = "我市人民攻府与中华人民共合国……再次提到攻府"
    fs = wording_findings(
        rules,
        scanner,
        text,
        target_type="site",
        target_id="s1",
        site_id="s1",
        unit_id="u1",
        url="http://www.example.gov.cn/a.html",
    )
    by_check = {f.check: f for f in fs}
    assert set(by_check) == {"typo", "serious_error"}
    serious = by_check["serious_error"]
    assert serious.severity == rules.severity("serious_error") == "veto"
    assert serious.evidence.startswith("“中华人民共合国”应为“中华人民共和国”（…")
    assert serious.evidence_key == "中华人民共合国@http://www.example.gov.cn/a.html"
    typo = by_check["typo"]
    assert typo.severity == "deduct" and typo.points == rules.points("typo")
    assert "本页共2处" in typo.evidence and typo.extra["count"] == 2
    again = wording_findings(
        rules,
        scanner,
        text,
        target_type="site",
        target_id="s1",
        site_id="s1",
        unit_id="u1",
        url="http://www.example.gov.cn/a.html",
    )
    assert [f.key for f in again] == [f.key for f in fs]


def test_account_target(scanner: WordingScanner):
    fs = wording_findings(
        load_rules(),
        scanner,
        "秸杆",
        target_type="account",
        target_id="a1",
        site_id=None,
        unit_id="u1",
        url="https://mp.weixin.qq.com/s/x",
    )
    assert fs[0].target_type == "account" and fs[0].check == "typo"


def test_bad_dictionary_names_file_and_line(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "category: 一般\nseverity: general\nentries:\n  - [甲乙, 丙丁]\n  - [戊己]\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"bad.yaml:5"):
        load_entries(bad)
    bad.write_text("entries:\n  - {wrong: 甲乙, correct: 丙丁, severity: fatal}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.yaml:2: `severity`"):
        load_entries(bad)
    bad.write_text("entries:\n  - [甲乙, 丙丁, [戊己]]\n", encoding="utf-8")
    with pytest.raises(InputError, match="does not contain"):
        load_entries(bad)


def test_duplicate_wrong_forms_are_refused():
    with pytest.raises(InputError, match="already defined"):
        WordingScanner(
            [
                Entry("甲乙", "丙", "一般", "general", source="a:1"),
                Entry("甲乙", "丁", "一般", "general", source="b:2"),
            ]
        )


def test_load_is_cached(scanner: WordingScanner):
    assert WordingScanner.load(RULES_DIR) is scanner
