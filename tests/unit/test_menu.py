"""WeChat menu JSON: shapes, interaction entries, and the media_no_interaction verdict."""

from __future__ import annotations

import json

import pytest

from govwatch.checks.media import InteractionCheck, interaction_finding
from govwatch.extract.menu import MenuError, interaction_entries, parse_menu
from govwatch.registry.model import Account
from govwatch.rules import load_rules
from govwatch.settings import from_env

RULES = load_rules(from_env({"GOVWATCH_HOME": "/tmp/gw-unit"}))
WORDS = list(RULES.get("media.interaction_words"))
EXCLUDED = list(RULES.get("interaction.excluded_words"))
SERVICES = list(RULES.get("interaction.service_words"))

SELFMENU = {
    "is_menu_open": 1,
    "selfmenu_info": {
        "button": [
            {"type": "view", "name": "最新资讯", "url": "http://x/news"},
            {
                "name": "互动",
                "sub_button": {
                    "list": [
                        {"type": "view", "name": "我要留言", "url": "http://x/ly"},
                        {
                            "type": "miniprogram",
                            "name": "掌上办事",
                            "url": "http://x/mp",
                            "appid": "wx1",
                            "pagepath": "p/i",
                        },
                        {"type": "click", "name": "纪检举报", "key": "JB"},
                        {"type": "view", "name": "说说看", "url": "http://x/say"},
                    ]
                },
            },
            {"type": "text", "name": "联系电话", "value": "0797-1234567"},
        ]
    },
}
CREATE_API = {"button": [
    {"type": "click", "name": "今日歌曲", "key": "V1001"},
    {"name": "服务", "sub_button": [
        {"type": "view", "name": "在线咨询", "url": "http://x/zx"},
        {"type": "miniprogram", "name": "局长信箱", "appid": "wx2", "pagepath": "pages/mail"},
        {"type": "view", "name": "办事指南", "url": "http://x/bszn"},
    ]},
]}  # fmt: skip


def names(entries):
    return [e.name for e in entries]


def test_selfmenu_shape_with_sub_button_list():
    menu = parse_menu(json.dumps(SELFMENU, ensure_ascii=False).encode())
    assert menu.open and len(menu.entries) == 6
    found = interaction_entries(menu, WORDS, EXCLUDED, SERVICES)
    # 掌上办事 is a service under 互动; 纪检举报 is excluded; 说说看 counts because its menu is 互动
    assert names(found) == ["互动 / 我要留言", "互动 / 说说看"]
    assert found[0].needs_url_check and not found[0].works_without_fetch


def test_create_api_shape_and_miniprogram():
    menu = parse_menu(json.dumps({"menu": CREATE_API}))
    found = interaction_entries(menu, WORDS, EXCLUDED, SERVICES)
    assert names(found) == ["服务 / 在线咨询", "服务 / 局长信箱"]
    assert found[1].works_without_fetch  # a bound mini program (appid + pagepath)


def test_closed_menu_has_no_entries():
    menu = parse_menu(json.dumps({"is_menu_open": 0}))
    assert not menu.open and interaction_entries(menu, WORDS) == []
    menu = parse_menu(json.dumps({**SELFMENU, "is_menu_open": 0}))
    assert interaction_entries(menu, WORDS) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{not json", "menu is not JSON: line 1"),
        ("[1, 2]", "must be an object"),
        ('{"errcode": 40001, "errmsg": "invalid credential"}', "WeChat API error 40001"),
        ('{"foo": 1}', "no `button` list"),
    ],
)
def test_bad_menus_say_why(body, message):
    with pytest.raises(MenuError, match=message.replace("`", ".").replace("(", ".")):
        parse_menu(body)


ACC = Account(id="wx-a", name="某某", platform="wechat", unit="u1", feed_url="http://x/f",
              menu_url="http://x/menu.json")  # fmt: skip


def test_verdicts():
    assert interaction_finding(ACC, InteractionCheck(working=["互动 / 我要留言"]), RULES) is None
    assert interaction_finding(ACC, InteractionCheck(interaction_url_ok=True), RULES) is None
    f = interaction_finding(ACC, InteractionCheck(), RULES)
    assert f is not None and f.check == "media_no_interaction" and f.severity == "veto"
    assert "菜单中没有留言、咨询等互动入口" in f.evidence and "未登记互动入口" in f.evidence
    broken = InteractionCheck(broken=["互动 / 我要留言（HTTP 404）"])
    broken.entries = parse_menu(json.dumps(SELFMENU)).entries[1:2]
    f = interaction_finding(ACC, broken, RULES)
    assert f is not None and "我要留言（HTTP 404）" in f.evidence
