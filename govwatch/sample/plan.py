"""The sample province: 云州市 of the fictional 江南省, with its problems planted on known targets.

Every date is computed from ``as_of``; every random choice comes from a ``random.Random`` seeded with
``(seed, purpose)``, so ``generate(as_of, seed)`` is a pure function. Region codes start with 39, a
province code that does not exist, so no real site's 网站标识码 is reused.

Each planted problem and each decoy is recorded in the truth next to the code that plants it; the notes
say why the rule fires (or does not).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from govwatch.sample import text
from govwatch.sample.model import (
    DEAD,
    OUT,
    UNSERVED,
    AccountSpec,
    Attachment,
    ColumnSpec,
    ContactSpec,
    Item,
    Message,
    Post,
    Province,
    SiteSpec,
    UnitSpec,
    site_ref,
)
from govwatch.sample.render import PAGE_SIZE
from govwatch.sample.truth import Truth
from govwatch.workdays import add_workdays, is_workday, workdays_between

TZ = ZoneInfo("Asia/Shanghai")
CITY = "云州市"
PROVINCE = "江南省"

# Items per column and the spacing (days) between consecutive items, by category.
SHAPE = {
    "news": (10, 1, 4),
    "notice": (8, 7, 25),
    "policy": (8, 10, 35),
    "interpretation": (5, 15, 40),
    "consult": (8, 5, 20),
    "personnel": (5, 15, 60),
    "planning": (5, 30, 90),
    "other": (6, 7, 30),
}
BANKS = {
    "news": text.NEWS,
    "notice": text.NOTICE,
    "policy": text.POLICY,
    "personnel": text.PERSONNEL,
    "planning": text.PLANNING,
    "other": text.OTHER,
}
TIMES = ("08:45", "09:30", "10:12", "11:05", "15:20", "16:05", "17:40")


# --- ID numbers for the privacy plants -------------------------------------------------------------

_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(area: str, born: date, seq: int) -> str:
    """A checksum-valid GB 11643 number (for a fictional person)."""
    body = f"{area}{born:%Y%m%d}{seq:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _W, strict=True)) % 11]


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _not_luhn(digits: str) -> str:
    """Change the last digit until the run is not a Luhn-valid card number (decoys must stay decoys)."""
    while _luhn_ok(digits):
        digits = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    return digits


def wrong_checksum(number: str) -> str:
    check = number[-1]
    for c in "0123456789":
        if c != check:
            candidate = number[:-1] + c
            if not _luhn_ok(candidate):
                return candidate
    raise AssertionError("unreachable")


def bank_card(rng: random.Random) -> str:
    """A Luhn-valid 19-digit debit card number with a fictional issuer prefix."""
    body = "621799" + "".join(str(rng.randrange(10)) for _ in range(12))
    for last in "0123456789":
        if _luhn_ok(body + last):
            return body + last
    raise AssertionError("unreachable")


def mobile(rng: random.Random) -> str:
    return rng.choice(("138", "139")) + f"{rng.randrange(10**8):08d}"


# --- the generator -----------------------------------------------------------------------------------


class Builder:
    def __init__(self, as_of: date, seed: int, holdout: bool) -> None:
        self.as_of = as_of
        self.seed = seed
        self.holdout = holdout
        self.truth = Truth(as_of=as_of.isoformat())
        self._uid = 30000
        self.sites: list[SiteSpec] = []
        self.units: list[UnitSpec] = []
        self.accounts: list[AccountSpec] = []
        self.outside: dict[str, tuple[str, str]] = {}

    # helpers
    def rng(self, *key: object) -> random.Random:
        return random.Random(":".join(str(k) for k in (self.seed, *key)))

    def ago(self, days: int) -> date:
        return self.as_of - timedelta(days=days)

    def uid(self) -> int:
        self._uid += 1
        return self._uid

    def workday_ago(self, working_days: int) -> date:
        """The latest working day d with exactly ``working_days`` working days in (d, as_of]."""
        d = self.as_of - timedelta(days=1)
        while not (is_workday(d) and workdays_between(d, self.as_of) == working_days):
            d -= timedelta(days=1)
            if (self.as_of - d).days > 400:
                raise RuntimeError("no such working day")
        return d

    def workday_near(self, target: date) -> date:
        d = target
        while not is_workday(d):
            d -= timedelta(days=1)
        return d

    # units
    def unit(self, uid: str, name: str, parent: str | None, n_contacts: int = 2) -> None:
        rng = self.rng("unit", uid)
        contacts = []
        for i in range(n_contacts):
            role = ("primary", "backup", "leader")[i % 3]
            contacts.append(
                ContactSpec(
                    name=text.person(rng),
                    email=f"{uid.replace('_', '')}{'' if i == 0 else i}@example.cn",
                    mobile=mobile(rng),
                    role=role,
                )
            )
        self.units.append(UnitSpec(uid, name, parent, contacts))

    # sites and columns
    def site(
        self, sid: str, name: str, short: str, kind: str, unit: str, family: str, **kw: object
    ) -> SiteSpec:
        host = len(self.sites) + 1
        fam = "D" if self.holdout else family
        enc = "gbk" if family == "C" else "utf-8"
        rng = self.rng("site", sid)
        site = SiteSpec(
            id=sid,
            name=name,
            short=short,
            kind=kind,
            unit=unit,
            region=str(kw.pop("region", short)),
            family=fam,
            host=host,
            encoding=enc,
            icp=f"江ICP备{rng.randrange(10**7, 10**8)}号-{rng.randint(1, 3)}",
            police=f"江公网安备 {sid[:6]}02{rng.randrange(10**5, 10**6)}号",
            since=rng.choice((2005, 2008, 2010, 2013)),
        )
        for k, v in kw.items():
            setattr(site, k, v)
        self.sites.append(site)
        return site

    def column(
        self,
        site: SiteSpec,
        cid: str,
        name: str,
        category: str,
        *,
        level: int = 1,
        age: int = 1,
        n: int | None = None,
        state: str = "ok",
        max_age_days: int | None = None,
        parent: str | None = None,
    ) -> ColumnSpec:
        col = ColumnSpec(
            id=cid,
            name=name,
            category=category,
            level=level,
            path="",
            max_age_days=max_age_days,
            state=state,
            parent=parent,
        )
        site.columns.append(col)
        if state in ("blank", *UNSERVED) or category in ("consult", "interpretation"):
            return col
        count, lo, hi = SHAPE[category]
        count = n or count
        rng = self.rng("col", site.id, cid)
        d = self.ago(age)
        for i in range(count):
            if i:
                d -= timedelta(days=rng.randint(lo, hi))
            col.items.append(self.item(site, category, d, rng))
        return col

    def item(
        self, site: SiteSpec, category: str, d: date, rng: random.Random, title: str | None = None
    ) -> Item:
        topic = rng.choice(text.TOPICS)
        if title is None:
            title = rng.choice(BANKS[category]).format(
                short=site.short,
                topic=topic,
                year=d.year,
                year2=d.year + 4,
                month=d.month,
                name=text.person(rng),
            )
        if category == "policy":
            paras = [
                p.format(short=site.short, topic=topic, law=rng.choice(text.LAWS)) for p in text.POLICY_PARAS
            ]
        else:
            paras = [p.format(short=site.short, topic=topic) for p in rng.sample(text.PARAS, 3)]
        it = Item(
            uid=self.uid(),
            title=title,
            date=d,
            path="",
            paras=paras,
            source=site.name.removesuffix("网"),
            time=rng.choice(TIMES),
        )
        if category == "policy":
            it.doc_no = f"{site.short[:2]}府办发〔{d.year}〕{rng.randint(1, 60)}号"
        return it

    def pin(self, site: SiteSpec, col: ColumnSpec, age: int, title: str) -> Item:
        """An old item pinned (置顶) above newer ones: the first row of the list is not the newest."""
        it = self.item(site, col.category, self.ago(age), self.rng("pin", site.id, col.id), title=title)
        it.pinned = True
        col.items.append(it)
        col.items.sort(key=lambda i: i.date, reverse=True)
        self.truth.decoy(
            "column_overdue", f"{site.id}/{col.id}", f"列表首条是 {age} 天前的置顶信息，其后的信息仍在期限内"
        )
        return it

    def consult(self, site: SiteSpec, col: ColumnSpec, extra: list[Message] | None = None) -> None:
        """Fill a consult column with ordinary, promptly answered messages, one pending within the limit,
        plus the planted ones."""
        rng = self.rng("consult", site.id, col.id)
        msgs: list[Message] = []
        # One pending message, 2 working days old: open, but within 5 working days.
        asked = self.workday_ago(2)
        q = rng.choice(text.CONSULT_Q)
        topic = rng.choice(text.TOPICS)
        msgs.append(Message(asked, None, text.person(rng), q[1].format(topic=topic), status="办理中"))
        d = self.ago(9)
        for _ in range(6):
            d = self.workday_near(d)
            topic = rng.choice(text.TOPICS)
            q = rng.choice(text.CONSULT_Q)
            answered = add_workdays(d, rng.randint(1, 3))
            if answered >= self.as_of:  # a long holiday: still pending, and still within the limit
                msgs.append(Message(d, None, text.person(rng), q[1].format(topic=topic), status="办理中"))
            else:
                msgs.append(
                    Message(
                        d,
                        answered,
                        text.person(rng),
                        q[1].format(topic=topic),
                        rng.choice(text.ANSWERS),
                        "已答复",
                    )
                )
            d -= timedelta(days=rng.randint(8, 30))
        msgs.extend(extra or [])
        msgs.sort(key=lambda m: m.asked, reverse=True)
        for m in msgs:
            topic = next((t for t in text.TOPICS if t in m.question), rng.choice(text.TOPICS))
            title = rng.choice(text.CONSULT_Q)[0].format(topic=topic)
            col.items.append(
                Item(
                    uid=self.uid(),
                    title=title,
                    date=m.asked,
                    path="",
                    paras=[m.question],
                    message=m,
                    source=site.name,
                    time=rng.choice(TIMES),
                )
            )

    def interpret(
        self, site: SiteSpec, policy: ColumnSpec, interp: ColumnSpec, plan: list[tuple[int, int, str]]
    ) -> None:
        """Interpretations of policy documents: (policy item index, working days after, link mode).

        link mode: "both" (双向链接), "one-way" (interpretation → policy only), "none" (title only).
        """
        rng = self.rng("interp", site.id, interp.id)
        chosen = [(policy.items[idx], delay, mode) for idx, delay, mode in plan]
        for pol, delay, mode in chosen:
            # a long holiday right after a recent document: date the document earlier instead
            while add_workdays(pol.date, delay) >= self.as_of:
                pol.date -= timedelta(days=1)
            d = add_workdays(pol.date, delay)
            inner = pol.title.split("《")[-1].split("》")[0] if "《" in pol.title else pol.title
            it = self.item(
                site,
                "news",
                d,
                rng,
                title=rng.choice(("一图读懂《{t}》", "《{t}》政策解读", "图解：《{t}》")).format(t=inner),
            )
            it.paras = [
                f"近日，{pol.title}（{pol.doc_no}）正式印发。为便于社会公众更好地理解，现就有关内容解读如下。",
                "一、出台背景。为贯彻落实上级决策部署，结合本地实际，制定本文件。",
                "二、主要内容。文件从工作机制、重点任务、保障措施等方面提出了具体要求。",
            ]
            if mode in ("both", "one-way"):
                it.related.append(("相关文件：", pol))
            if mode == "both":
                pol.related.append(("相关解读：", it))
            interp.items.append(it)
        interp.items.sort(key=lambda i: i.date, reverse=True)
        policy.items.sort(key=lambda i: i.date, reverse=True)

    def finalize_paths(self) -> None:
        for site in self.sites:
            for ci, col in enumerate(site.columns):
                num = 1000 + site.host * 20 + ci
                fam = site.family
                if fam == "A":
                    col.path = f"/col/col{num}/index.html"
                elif fam == "B":
                    col.path = f"/{col.id}/index.html" if col.level == 1 else f"/zwgk/{col.id}/index.html"
                elif fam == "C":
                    col.path = f"/channel/{col.id}/list.shtml"
                else:
                    col.path = f"/{col.id}/list.html"
                base = col.path.rsplit("/", 1)[0]
                for it in col.items:
                    d = it.date
                    if fam == "A":
                        it.path = f"/art/{d.year}/{d.month}/{d.day}/art_{num}_{it.uid}.html"
                    elif fam == "B":
                        it.path = f"{base}/{d:%Y%m}/t{d:%Y%m%d}_{it.uid}.html"
                    elif fam == "C":
                        it.path = f"{base}/content/{it.uid}.shtml"
                    else:
                        it.path = f"{base}/content_{it.uid}.html"
                    for att in it.attachments:
                        att.path = (
                            f"{it.path.rsplit('/', 1)[0]}/P0{d:%Y%m%d}{it.uid}_{len(att.path)}.{att.kind}"
                        )

    # navigation
    def standard_nav(
        self, site: SiteSpec, *, interaction: bool = True, services: bool | None = None, xinfang: bool = False
    ) -> None:
        """首页, the level-1 columns, 政务公开, then the channels (added after columns exist)."""
        site.nav = [("首页", "/")]
        for col in site.columns:
            if col.level == 1 and col.state not in UNSERVED and len(site.nav) < 7:
                site.nav.append((col.name, f"@@COL:{col.id}@@"))
        site.nav.append(("政务公开", "/zwgk/index.html"))
        if interaction:
            site.nav.append(("互动交流", "/hdjl/index.html"))
            consult = next((c for c in site.columns if c.category == "consult"), None)
            links = "".join(
                f'<li><a href="{h}">{t}</a></li>'
                for t, h in (
                    ("我要咨询", "/hdjl/zx.html"),
                    ((site.short[-1] + "长信箱" if site.kind == "portal" else "局长信箱"), "/hdjl/xx.html"),
                    ("意见建言", "/hdjl/jy.html"),
                )
            )
            if consult:
                links += f'<li><a href="@@COL:{consult.id}@@">{consult.name}</a></li>'
            site.pages["/hdjl/index.html"] = ("互动交流", f'<ul class="hd-list">{links}</ul>')
            site.pages["/hdjl/zx.html"] = ("我要咨询", _form("咨询"))
            site.pages["/hdjl/xx.html"] = ("信箱", _form("来信"))
            site.pages["/hdjl/jy.html"] = ("意见建言", _form("建言"))
        if services if services is not None else site.services:
            site.nav.append(("办事服务", "/bsfw/index.html"))
            site.pages["/bsfw/index.html"] = (
                "办事服务",
                '<ul class="bs-list"><li><a href="/bsfw/zn.html">办事指南</a></li>'
                f'<li><a href="{OUT}/zwfw/">{PROVINCE}政务服务网</a></li></ul>',
            )
            site.pages["/bsfw/zn.html"] = ("办事指南", "<p>个人办事、法人办事事项清单及办事指南。</p>")
        if xinfang:
            site.nav.append(("网上信访", "/xf/index.html"))
            site.pages["/xf/index.html"] = ("网上信访", "<p>网上信访请登录江南省网上信访信息系统。</p>")
        site.footer_links = [("网站地图", "/wzdt/index.html"), ("关于本站", "/gybz/index.html")]
        site.pages["/gybz/index.html"] = ("关于本站", f"<p>{site.name}由{site.short}人民政府办公室主办。</p>")
        site.friend_links = [
            ("中国政府网", f"{OUT}/gov/"),
            (f"{PROVINCE}人民政府", f"{OUT}/jiangnan/"),
        ]
        if site.id != "3901000001":
            site.friend_links.append((f"{CITY}人民政府", site_ref("3901000001") + "/"))


def _form(kind: str) -> str:
    return (
        f'<form class="gw-form" action="#" method="post"><p>标题：<input name="title"></p>'
        f'<p>{kind}内容：<textarea name="content"></textarea></p><p><button type="submit">提交</button></p></form>'
    )


# --- the province --------------------------------------------------------------------------------------


def build(as_of: date, seed: int = 7, holdout: bool = False) -> Province:
    b = Builder(as_of, seed, holdout)
    t = b.truth

    # Units: the city office on top, departments and county offices under it.
    b.unit("yzszfb", "云州市人民政府办公室", None, 3)
    depts = [
        ("yzfgw", "云州市发展和改革委员会"),
        ("yzjyj", "云州市教育局"),
        ("yzslj", "云州市水利局"),
        ("yzwjw", "云州市卫生健康委员会"),
        ("yzjtj", "云州市交通运输局"),
        ("yzzrzyj", "云州市自然资源局"),
        ("yzscjgj", "云州市市场监督管理局"),
        ("yzrsj", "云州市人力资源和社会保障局"),
        ("yznyncj", "云州市农业农村局"),
        ("yzwglj", "云州市文化广电新闻出版旅游局"),
        ("yzzjj", "云州市住房和城乡建设局"),
        ("yzyjj", "云州市应急管理局"),
        ("yzgaj", "云州市公安局"),
    ]
    for uid, name in depts:
        b.unit(uid, name, "yzszfb")
    counties = [
        ("ysqzfb", "云水区人民政府办公室"),
        ("qlqzfb", "青岚区人民政府办公室"),
        ("lxxzfb", "临溪县人民政府办公室"),
        ("flxzfb", "枫林县人民政府办公室"),
        ("mjxzfb", "梅江县人民政府办公室"),
        ("nlxzfb", "南岭县人民政府办公室"),
    ]
    for uid, name in counties:
        b.unit(uid, name, "yzszfb")
    # a vertically managed agency: no local parent, a "bm" 网站标识码
    b.unit("yzsw", "国家税务总局云州市税务局", None)
    b.unit("ysqjtj", "云水区教育体育局", "ysqzfb")
    b.unit("lxxwjw", "临溪县卫生健康委员会", "lxxzfb")
    b.unit("flxgaj", "枫林县公安局", "flxzfb")
    b.unit("mjxwlj", "梅江县文化广电旅游局", "mjxzfb")

    _city_portal(b)
    _counties(b)
    _departments(b)
    _agency(b)
    _accounts(b)
    b.finalize_paths()
    _facts(b)
    _outside(b)

    checks_in_truth = t.checks()
    from govwatch.findings import CHECK_CODES

    missing = [c for c in CHECK_CODES if c not in checks_in_truth]
    if missing:  # a calendar without a usable window would show up here first
        raise RuntimeError(f"sample province lacks planted problems for {missing}")
    return Province(
        as_of=as_of,
        seed=seed,
        name=PROVINCE,
        city=CITY,
        units=b.units,
        sites=b.sites,
        accounts=b.accounts,
        truth=t,
        holdout=holdout,
        flaky_site="3901000012",
        down_site="3901000011",
        outside_pages=b.outside,
    )


def _city_portal(b: Builder) -> None:
    t = b.truth
    s = b.site("3901000001", "云州市人民政府", "云州市", "portal", "yzszfb", "A", region=CITY)
    b.column(s, "yzyw", "云州要闻", "news", age=1)
    b.column(s, "bmdt", "部门动态", "news", level=2, age=1, parent="云州要闻")
    tzgg = b.column(s, "tzgg", "通知公告", "notice", age=3)
    b.pin(s, tzgg, 300, f"关于公布{CITY}政务公开工作联系人及联系方式的公告")
    zcwj = b.column(s, "zcwj", "政府文件", "policy", age=12)
    zcjd = b.column(s, "zcjd", "政策解读", "interpretation")
    zwzx = b.column(s, "zwzx", "政务咨询", "consult")
    b.column(s, "rsrm", "人事任免", "personnel", age=40)
    b.column(s, "ghjh", "规划计划", "planning", age=60).delay = 2.0
    t.decoy("column_unreachable", "3901000001/ghjh", "栏目页 2 秒后才返回（慢，但在 15 秒时限内）")
    b.column(s, "tjsj", "统计数据", "other", level=2, age=20, parent="政务公开")

    # Interpretations: all linked both ways; one published exactly 3 working days after its document
    # across a weekend (a calendar-day count would say 5 days → "late").
    pol = zcwj.items
    # make item 2 a Thursday/Friday working day so that +3 working days spans a weekend
    d = pol[2].date
    while not (is_workday(d) and (add_workdays(d, 3) - d).days >= 5):
        d -= timedelta(days=1)
    pol[2].date = d
    pol.sort(key=lambda i: i.date, reverse=True)
    idx = next(i for i, it in enumerate(pol) if it.date == d)
    b.interpret(s, zcwj, zcjd, [(0, 1, "both"), (idx, 3, "both"), (idx + 1, 2, "both"), (idx + 2, 1, "both")])
    t.decoy(
        "interpretation_late",
        "3901000001/zcjd",
        f"解读 {add_workdays(d, 3)} 发布于文件 {d} 之后恰好 3 个工作日（跨周末，日历天数 {(add_workdays(d, 3) - d).days} 天）",
    )
    t.decoy("interpretation_unlinked", "3901000001/zcjd", "所有解读与文件双向链接（相关文件 / 相关解读）")

    # Consult: a reply within 5 working days across a public holiday that a Mon–Fri count calls late.
    extra = []
    hol = _holiday_window(b)
    if hol is not None:
        asked, answered = hol
        extra.append(
            Message(
                asked,
                answered,
                text.person(b.rng("hol")),
                "您好，想了解一下节后有关政策的执行时间，谢谢。",
                text.ANSWERS[0],
                "已答复",
            )
        )
        t.decoy(
            "reply_late",
            "3901000001/zwzx",
            f"留言 {asked} 于 {answered} 答复：跨法定节假日，按国务院工作日历为 {workdays_between(asked, answered)} 个工作日（周一至周五计数为 "
            f"{sum(1 for i in range(1, (answered - asked).days + 1) if (asked + timedelta(days=i)).weekday() < 5)} 天）",
        )
    else:
        t.decoy(
            "reply_late", "3901000001/zwzx", "所有留言均在 5 个工作日内答复（基准日前一年无可用的节假日窗口）"
        )
    b.consult(s, zwzx, extra)

    # Privacy decoys in a 公示: wrong checksum, an ID inside a longer digit run, a mobile inside a longer
    # digit run, already-masked numbers, a landline.
    rng = b.rng("decoy-privacy")
    good = id_number("362101", date(1986, 4, 17), 213)
    bad = wrong_checksum(id_number("362102", date(1979, 9, 3), 88))
    inside = _not_luhn("2026" + id_number("362103", date(1990, 1, 9), 45) + "07")
    mob_inside = _not_luhn("20261" + mobile(rng) + "00472")
    it = tzgg.items[1]
    it.title = f"关于{it.date.year}年度全市安全生产先进单位评选结果的公示"
    it.paras = [
        "经单位推荐、资格审查和综合评议，现将评选结果予以公示，公示期为5个工作日。",
        f"证书编号：{bad}（该编号为证书序列号）。",
        f"业务流水号：{inside}。",
        f"合同编号：{mob_inside}。",
        f"联系人：{text.person(rng)}，身份证号：{good[:4]}**********{good[-4:]}，"
        f"手机：{mobile(rng)[:3]}****{rng.randrange(10000):04d}。",
        "获评单位统一社会信用代码：91390100MA35K7QX2R、12390100491502337J。",
        "监督电话：0797-8123456，传真：0797-8123457。",
    ]
    it.attachments.append(
        Attachment(
            "评选结果汇总表.docx",
            "",
            "docx",
            "评选结果汇总表",
            [
                "序号 单位名称 推荐等次",
                "1 云州市某建设集团有限公司 先进单位",
                f"2 云州市某物流有限公司 先进单位（登记证号 {wrong_checksum(id_number('362104', date(1982, 2, 2), 17))}）",
                "依据《中华人民共和国安全生产法》有关规定评选。",
            ],
        )
    )
    t.decoy(
        "privacy_leak",
        "3901000001",
        "公示页与附件只有校验位错误的18位号码、嵌在更长数字串中的身份证号和手机号、已脱敏号码与座机号",
    )

    # Correct spellings that contain no error: the state's name, 再接再厉.
    n0 = s.column("yzyw").items[2]
    n0.paras.append("会议要求，各地要再接再厉，依据《中华人民共和国安全生产法》压实安全生产责任。")
    t.decoy("serious_error", "3901000001", "“中华人民共和国”书写正确")
    t.decoy("typo", "3901000001", "“再接再厉”书写正确")

    b.standard_nav(s, xinfang=True)
    # 办事服务 points at the province's service hall, which refuses HEAD (405) but answers GET.
    s.pages["/bsfw/index.html"] = (
        "办事服务",
        f'<ul class="bs-list"><li><a href="{OUT}/zwfw/">{PROVINCE}政务服务网（{CITY}分站）</a></li>'
        '<li><a href="/bsfw/zn.html">办事指南</a></li></ul>',
    )
    s.nav = [(n, (f"{OUT}/zwfw/" if n == "办事服务" else h)) for n, h in s.nav]
    s.calendar = True
    s.footer_links.append(("活动日历", f"/rl/index.html?date={b.as_of}"))
    t.decoy("no_interaction_channel", "3901000001", "有“网上信访”，同时有“互动交流 / 我要咨询 / 市长信箱”")
    t.decoy("no_service_channel", "3901000001", "办事服务指向省政务服务网（HEAD 返回 405，GET 正常）")
    s.redirects["/zwgk/old/index.html"] = "/zwgk/index.html"
    s.column("yzyw").items[
        4
    ].html = '<p>相关链接：<a href="/zwgk/old/index.html">政务公开目录（旧版）</a></p>'
    t.decoy(
        "broken_link",
        "3901000001",
        "省政务服务网链接 HEAD 405 但 GET 200；旧版目录 301 跳转到有效页面；站内隐藏标签页链接均有效",
    )
    # Tabs: the second panel is hidden (display:none) and holds in-site links only.
    tabs = [c for c in s.columns if c.id in ("tzgg", "zcwj")]
    s.home_html = _tabs(tabs)
    t.decoy("dark_link", "3901000001", "隐藏的站内标签页链接；可见的外部链接（中国政府网、省政府网）")


def _tabs(cols: list[ColumnSpec]) -> str:
    heads = "".join(
        f'<li class="{"on" if i == 0 else ""}" data-tab="tab{i}">{c.name}</li>' for i, c in enumerate(cols)
    )
    panels = "".join(
        f'<div class="tab-panel" id="tab{i}" style="{"" if i == 0 else "display:none"}"><ul>'
        + "".join(
            f'<li><a href="@@ITEM:{it.uid}@@">{it.title}</a><span>{it.date:%Y-%m-%d}</span></li>'
            for it in c.items[:5]
        )
        + "</ul></div>"
        for i, c in enumerate(cols)
    )
    return f'<div class="tabs"><ul class="tab-head">{heads}</ul>{panels}</div>'


def _holiday_window(b: Builder) -> tuple[date, date] | None:
    """A message asked before a public holiday and answered 4 working days later, where a Mon–Fri count
    gives ≥ 7 days: the most recent such window in the year before as_of (National Day, Spring Festival)."""
    for back in range(15, 360):
        asked = b.ago(back)
        if not is_workday(asked):
            continue
        answered = add_workdays(asked, 4)
        if answered >= b.ago(3):
            continue
        weekdays = sum(
            1 for i in range(1, (answered - asked).days + 1) if (asked + timedelta(days=i)).weekday() < 5
        )
        if weekdays >= 7:
            return asked, answered
    return None


def _counties(b: Builder) -> None:
    t = b.truth

    # 云水区: a stale level-2 news column, a misspelling, one-way / missing interpretation links, a late reply.
    s = b.site("3901020001", "云水区人民政府网", "云水区", "portal", "ysqzfb", "B")
    ysyw = b.column(s, "ysyw", "云水要闻", "news", age=1)
    b.pin(s, ysyw, 60, "【置顶】云水区深入学习贯彻党的二十届四中全会精神")
    b.column(s, "zjdt", "镇街动态", "news", level=2, age=20, parent="云水要闻")
    t.expect(
        "column_overdue",
        "column",
        "3901020001/zjdt",
        "deduct",
        "二级栏目“镇街动态”（动态类）最新信息 20 天前，超过 14 天",
    )
    b.column(s, "tzgg", "通知公告", "notice", age=5)
    zcwj = b.column(s, "zcwj", "政策文件", "policy", age=9)
    zcjd = b.column(s, "zcjd", "政策解读", "interpretation")
    b.interpret(s, zcwj, zcjd, [(0, 1, "both"), (1, 2, "one-way"), (2, 1, "none"), (3, 2, "both")])
    t.expect(
        "interpretation_unlinked",
        "column",
        "3901020001/zcjd",
        "deduct",
        "一条解读单向链接（文件页无“相关解读”），一条解读与文件互不链接",
    )
    zxzx = b.column(s, "zxzx", "在线咨询", "consult")
    asked = b.workday_near(b.ago(40))
    b.consult(
        s,
        zxzx,
        [
            Message(
                asked,
                add_workdays(asked, 9),
                text.person(b.rng("late1")),
                "请问辖区内老旧小区改造的时间安排？",
                text.ANSWERS[2],
                "已答复",
            )
        ],
    )
    t.expect(
        "reply_late",
        "column",
        "3901020001/zxzx",
        "deduct",
        f"留言 {asked} 提交，9 个工作日后 {add_workdays(asked, 9)} 才答复",
    )
    it = s.column("ysyw").items[3]
    it.paras.insert(1, "会议要求，全区上下要再接再励，奋力完成全年目标任务。")
    t.expect("typo", "site", "3901020001", "deduct", f"“再接再励”（应为“再接再厉”），见《{it.title}》")
    b.standard_nav(s)
    s.sidebar = '<div class="side-box"><h4>专题专栏</h4><p class="nodata">暂无信息</p></div>'
    t.decoy("column_blank", "3901020001/tzgg", "栏目列出信息；“暂无信息”只出现在侧栏“专题专栏”")
    t.decoy("column_blank", "3901020001/ysyw", "栏目列出信息；“暂无信息”只出现在侧栏“专题专栏”")

    # 青岚区 (GBK): a serious error, a notice column due soon, a late interpretation, a reply overdue.
    s = b.site("3901030001", "青岚区人民政府", "青岚区", "portal", "qlqzfb", "C")
    qlyw = b.column(s, "qlyw", "青岚要闻", "news", age=1)
    b.pin(s, qlyw, 45, "青岚区召开经济社会发展重点工作推进会（置顶）")
    b.column(s, "tzgg", "通知公告", "notice", age=178)
    t.expect(
        "column_due_soon",
        "column",
        "3901030001/tzgg",
        "warn",
        "通知公告最新信息 178 天前，距 180 天期限 2 天",
    )
    zcwj = b.column(s, "zcwj", "政策文件", "policy", age=14)
    zcjd = b.column(s, "zcjd", "政策解读", "interpretation")
    late_pol = zcwj.items[1]
    b.interpret(s, zcwj, zcjd, [(0, 1, "both"), (1, 7, "both"), (2, 2, "both")])
    pol_date = late_pol.date
    t.expect(
        "interpretation_late",
        "column",
        "3901030001/zcjd",
        "deduct",
        f"解读 {add_workdays(pol_date, 7)} 发布，晚于文件 {pol_date} 7 个工作日",
    )
    xx = b.column(s, "qzxx", "区长信箱", "consult")
    asked = b.ago(150)
    b.consult(
        s,
        xx,
        [
            Message(
                asked,
                None,
                text.person(b.rng("ovd")),
                "反映小区周边道路积水问题，希望尽快处理。",
                "",
                "未答复",
            )
        ],
    )
    t.expect(
        "reply_overdue",
        "column",
        "3901030001/qzxx",
        "veto",
        f"留言 {asked} 提交，150 天未答复（超过 3 个月）",
    )
    t.allow("reply_late", "3901030001/qzxx", "超 3 个月未答复的留言同样超过 5 个工作日：报与不报均可")
    b.column(s, "rsxx", "人事信息", "personnel", age=30)
    pol = zcwj.items[3]
    pol.paras.insert(0, "根据《中华人民共合国政府信息公开条例》规定，结合本区实际，制定本办法。")
    t.expect(
        "serious_error",
        "site",
        "3901030001",
        "veto",
        f"“中华人民共合国”（应为“中华人民共和国”），见《{pol.title}》",
    )
    b.standard_nav(s)

    # 临溪县: five key columns overdue → columns_not_updated; the home page stays fresh.
    s = b.site("3901210001", "临溪县人民政府", "临溪县", "portal", "lxxzfb", "A")
    plan = [
        ("lxyw", "临溪要闻", "news", 1, 25),
        ("xzdt", "乡镇动态", "news", 2, 30),
        ("bmdt", "部门动态", "news", 2, 18),
        ("tzgg", "通知公告", "notice", 1, 200),
        ("zcwj", "政策文件", "policy", 1, 190),
    ]
    for cid, name, cat, lvl, age in plan:
        b.column(s, cid, name, cat, level=lvl, age=age, parent="临溪要闻" if lvl == 2 else None)
        limit = 14 if cat == "news" else 180
        t.expect(
            "column_overdue",
            "column",
            f"3901210001/{cid}",
            "deduct",
            f"{name}最新信息 {age} 天前，超过 {limit} 天",
        )
    b.column(s, "bmxx", "便民信息", "other", age=3)
    t.expect(
        "columns_not_updated",
        "site",
        "3901210001",
        "veto",
        "5 个动态类及一级通知公告 / 政策文件栏目逾期未更新",
    )
    it = s.column("bmxx").items[1]
    it.paras.append("近期正值秋收时节，请广大群众做好秸秆禁烧工作，再接再厉巩固空气质量改善成果。")
    it.paras.append("光伏扶贫电站收益按装机容量分配到村。")
    t.decoy("typo", "3901210001", "“秸秆”“再接再厉”书写正确；“按装机容量”含“按装”但是正确词语")
    b.standard_nav(s)

    # 枫林县: five blank columns → columns_blank.
    s = b.site("3901220001", "枫林县人民政府", "枫林县", "portal", "flxzfb", "B")
    b.column(s, "flyw", "枫林要闻", "news", age=2)
    b.column(s, "tzgg", "通知公告", "notice", age=6)
    b.column(s, "zcwj", "政策文件", "policy", age=25)
    for cid, name, cat in [
        ("zdxm", "重大项目", "other"),
        ("czyjs", "财政预决算", "other"),
        ("rsrm", "人事任免", "personnel"),
        ("ghxx", "规划信息", "planning"),
        ("yjgl", "应急管理", "other"),
    ]:
        b.column(s, cid, name, cat, level=2, state="blank", parent="政务公开")
        t.expect(
            "column_blank", "column", f"3901220001/{cid}", "deduct", f"二级栏目“{name}”页面显示“暂无信息”"
        )
    t.expect("columns_blank", "site", "3901220001", "veto", "5 个空白栏目")
    b.standard_nav(s)

    # 梅江县 (GBK): no 办事服务 on a portal; four key columns plus a level-2 notice column overdue (no veto).
    s = b.site("3901230001", "梅江县人民政府", "梅江县", "portal", "mjxzfb", "C")
    for cid, name, cat, lvl, age in [
        ("mjxw", "梅江新闻", "news", 1, 16),
        ("xzdt", "乡镇动态", "news", 2, 22),
        ("tzgg", "通知公告", "notice", 1, 185),
        ("zcwj", "政策文件", "policy", 1, 200),
        ("gsgg", "公示公告", "notice", 2, 200),
    ]:
        b.column(
            s,
            cid,
            name,
            cat,
            level=lvl,
            age=age,
            parent="梅江新闻" if lvl == 2 and cat == "news" else ("通知公告" if lvl == 2 else None),
        )
        limit = 14 if cat == "news" else 180
        t.expect(
            "column_overdue",
            "column",
            f"3901230001/{cid}",
            "deduct",
            f"{name}最新信息 {age} 天前，超过 {limit} 天",
        )
    b.column(s, "tpxw", "图片新闻", "news", level=2, age=20, max_age_days=30, parent="梅江新闻")
    t.decoy("column_overdue", "3901230001/tpxw", "动态类栏目 20 天未更新，但登记的 max_age_days 为 30")
    b.column(s, "tjxx", "统计信息", "other", age=5)
    t.decoy(
        "columns_not_updated",
        "3901230001",
        "逾期栏目 5 个，其中关键栏目仅 4 个（二级“公示公告”不计，“图片新闻”按 30 天未逾期），总数不足 10",
    )
    b.standard_nav(s, services=False)
    t.expect(
        "no_service_channel", "site", "3901230001", "veto", "县政府门户网站（has_services）首页无办事服务入口"
    )

    # 南岭县: only 信访 and 纪检举报 as "interaction"; a PDF attachment with personal data.
    s = b.site("3901240001", "南岭县人民政府", "南岭县", "portal", "nlxzfb", "A")
    b.column(s, "nlyw", "南岭要闻", "news", age=1)
    tzgg = b.column(s, "tzgg", "通知公告", "notice", age=4)
    b.column(s, "zcwj", "政策文件", "policy", age=33)
    b.standard_nav(s, interaction=False, xinfang=True)
    s.nav.append(("纪检举报", "/jjjb/index.html"))
    s.pages["/jjjb/index.html"] = ("纪检举报", "<p>县纪委监委举报网站、举报电话：0797-12388。</p>")
    t.expect(
        "no_interaction_channel",
        "site",
        "3901240001",
        "veto",
        "首页只有“网上信访”“纪检举报”，无咨询 / 建言 / 留言 / 信箱入口",
    )
    rng = b.rng("pdf-leak")
    it = tzgg.items[1]
    it.title = f"关于{it.date.year}年第三季度城乡低保新增对象的公示"
    it.paras = [
        "根据有关规定，现将新增城乡最低生活保障对象名单予以公示（详见附件），公示期7天。",
        "公示期间如有异议，请向县民政局反映，电话：0797-6612345。",
    ]
    rows = [
        f"{i + 1} {text.person(rng)} {id_number(a, date(1950 + 9 * i, 1 + i, 3 + i), 31 + i)} {mobile(rng)}"
        for i, a in enumerate(("362127", "362128", "362127"))
    ]
    it.attachments.append(
        Attachment(
            "新增低保对象名单.pdf",
            "",
            "pdf",
            "新增城乡低保对象名单",
            ["序号 姓名 身份证号码 联系电话", *rows],
        )
    )
    t.expect("privacy_leak", "site", "3901240001", "deduct", "公示附件 PDF 中含完整身份证号与手机号")


def _departments(b: Builder) -> None:
    t = b.truth

    s = b.site("3901000002", "云州市发展和改革委员会", "云州市发展改革委", "department", "yzfgw", "B")
    b.column(s, "fgdt", "发改动态", "news", age=1)
    b.column(s, "tzgg", "通知公告", "notice", age=10)
    b.column(s, "zcwj", "政策文件", "policy", age=250)
    t.expect(
        "column_overdue", "column", "3901000002/zcwj", "deduct", "政策文件最新信息 250 天前，超过 180 天"
    )
    b.column(s, "ghjh", "规划计划", "planning", age=100)
    b.standard_nav(s)
    s.home_html = (
        f'<div style="display:none"><a href="{OUT}/ad/banjia.html">云州搬家公司</a>'
        f' <a href="{OUT}/ad/ershouche.html">二手车高价回收</a></div>'
    )
    t.expect(
        "dark_link",
        "site",
        "3901000002",
        "deduct",
        "首页 display:none 区块中的两个外部链接（搬家、二手车广告）",
    )

    s = b.site("3901000003", "云州市教育局", "云州市教育局", "department", "yzjyj", "A")
    b.column(s, "jydt", "教育动态", "news", age=1)
    tzgg = b.column(s, "tzgg", "通知公告", "notice", age=2)
    b.column(s, "rsxx", "人事信息", "personnel", age=45)
    b.standard_nav(s)
    rng = b.rng("page-leak")
    it = tzgg.items[0]
    it.title = f"{it.date.year}年下半年中小学教师资格认定结果公示"
    people = [
        (text.person(rng), id_number("362130", date(1996, 5, 21), 102), mobile(rng)),
        (text.person(rng), id_number("362131", date(1998, 11, 8), 57), ""),
    ]
    rows = (
        "".join(f"<tr><td>{n}</td><td>{i}</td><td>{m}</td></tr>" for n, i, m in people)
        + f"<tr><td>{text.person(rng)}</td><td>3621**********3316</td><td>139****2210</td></tr>"
    )
    it.paras = ["现将认定结果予以公示，公示期为5个工作日。如有异议，请于公示期内以书面形式向市教育局反映。"]
    it.html = (
        f'<table class="gs" border="1"><tr><th>姓名</th><th>身份证号</th><th>联系电话</th></tr>{rows}</table>'
    )
    t.expect("privacy_leak", "site", "3901000003", "deduct", f"公示页《{it.title}》含完整身份证号与手机号")

    s = b.site("3901000004", "云州市水利局", "云州市水利局", "department", "yzslj", "C")
    b.column(s, "slyw", "水利要闻", "news", age=2)
    b.column(s, "tzgg", "通知公告", "notice", age=15)
    b.column(s, "fxxx", "防汛信息", "other", age=45, max_age_days=30)
    t.expect(
        "column_overdue",
        "column",
        "3901000004/fxxx",
        "deduct",
        "防汛信息登记 max_age_days 30，最新信息 45 天前",
    )
    b.column(s, "slgh", "水利规划", "planning", level=2, state="blank", parent="政务公开")
    t.expect("column_blank", "column", "3901000004/slgh", "deduct", "水利规划栏目“暂无信息”")
    b.standard_nav(s)
    it = s.column("slyw").items[2]
    it.paras.insert(1, "新政策出台后，沿河群众迫不急待地前来了解补偿标准。")
    t.expect("typo", "site", "3901000004", "deduct", f"“迫不急待”（迫不及待），GBK 页面《{it.title}》")
    soon = b.as_of + timedelta(days=10)
    s.column("tzgg").items[0].title = f"关于{soon.year}年{soon.month}月{soon.day}日起实施取水许可新规定的通知"
    # (a date after as_of in the newest title: an extractor must not take it for the publish date)
    it = s.column("tzgg").items[1]
    card = bank_card(b.rng("card"))
    it.title = f"关于发放{it.date.year}年水库移民后期扶持资金的公示"
    it.paras = [
        "现将本批次水库移民后期扶持资金发放对象予以公示。",
        f"户主：{text.person(b.rng('card-p'))}，发放金额：600元，收款账号：{' '.join(card[i : i + 4] for i in range(0, 19, 4))}。",
    ]
    t.expect(
        "privacy_leak",
        "site",
        "3901000004",
        "deduct",
        "公示页含完整的银行卡号（Luhn 校验有效，4 位分组书写）",
    )

    s = b.site("3901000005", "云州市卫生健康委员会", "云州市卫生健康委", "department", "yzwjw", "B")
    wjdt = b.column(s, "wjdt", "卫健动态", "news", age=1)
    b.column(s, "tzgg", "通知公告", "notice", age=8)
    b.column(s, "jkkp", "健康科普", "other", state="missing")
    t.expect("column_unreachable", "column", "3901000005/jkkp", "deduct", "栏目地址返回 404")
    b.standard_nav(s)
    wjdt.items[2].html = '<p>相关链接：<a href="/wjdt/old/2019/notice_88.html">2019年工作安排（原文）</a></p>'
    s.friend_links.append(("云州健康网", "http://nosuch.example.invalid/"))
    t.expect(
        "broken_link",
        "site",
        "3901000005",
        "deduct",
        "站内链接返回 404；友情链接主机无法解析（nosuch.example.invalid）",
    )

    s = b.site("3901000006", "云州市交通运输局", "云州市交通运输局", "department", "yzjtj", "A")
    tz = b.column(s, "tzgg", "通知公告", "notice", age=25)
    b.column(s, "zcwj", "政策文件", "policy", age=40)
    b.column(s, "rsxx", "人事信息", "personnel", age=70)
    b.standard_nav(s)
    future = b.ago(3)
    tz.items[0].title = f"关于{future.year}年{future.month}月{future.day}日起调整部分公交线路的通告"
    t.expect(
        "homepage_stale",
        "site",
        "3901000006",
        "veto",
        f"首页最新信息 25 天前（标题中的 {future} 与“今天是”横幅日期都不是发布日期）",
    )

    s = b.site("3901000007", "云州市自然资源局", "云州市自然资源局", "department", "yzzrzyj", "C")
    b.column(s, "zrdt", "自然资源动态", "news", age=1)
    b.column(s, "tzgg", "通知公告", "notice", age=12)
    b.column(s, "zcwj", "政策文件", "policy", age=60)
    b.standard_nav(s)
    s.home_html = (
        f'<div style="position:absolute;left:-9999px;top:-9999px"><a href="{OUT}/casino/index.html">'
        f'澳门新葡京娱乐城</a> <a href="{OUT}/casino/bjl.html">百家乐在线博彩</a></div>'
    )
    t.expect("dark_link", "site", "3901000007", "veto", "首页移出屏幕（left:-9999px）的博彩链接")

    s = b.site("3901000008", "云州市市场监督管理局", "云州市市场监管局", "department", "yzscjgj", "B")
    for cid, name, cat, age in [
        ("scdt", "市场监管动态", "news", 1),
        ("tzgg", "通知公告", "notice", 9),
        ("zcwj", "政策文件", "policy", 30),
        ("cjxx", "抽检信息", "other", 20),
    ]:
        b.column(s, cid, name, cat, age=age, state="nodates")
    b.standard_nav(s)
    t.expect(
        "extraction_failed", "site", "3901000008", "warn", "栏目页列出信息但日期由脚本输出，无法读出发布日期"
    )

    s = b.site("3901000009", "云州市人力资源和社会保障局", "云州市人社局", "department", "yzrsj", "A")
    b.column(s, "rsdt", "人社动态", "news", age=13)
    t.expect(
        "column_due_soon", "column", "3901000009/rsdt", "warn", "动态类栏目 13 天未更新，距 14 天期限 1 天"
    )
    t.decoy("column_overdue", "3901000009/rsdt", "13 天，未超过 14 天")
    b.column(s, "tzgg", "通知公告", "notice", age=176)
    t.decoy("column_due_soon", "3901000009/tzgg", "176 天，距 180 天期限还有 4 天")
    b.column(s, "rsks", "人事考试", "personnel", age=400)
    t.expect(
        "column_overdue", "column", "3901000009/rsks", "deduct", "人事考试栏目最新信息 400 天前，超过 365 天"
    )
    b.column(s, "zcwj", "政策文件", "policy", age=5)
    b.standard_nav(s)

    s = b.site("3901000010", "云州市农业农村局", "云州市农业农村局", "department", "yznyncj", "B")
    nydt = b.column(s, "nydt", "农业动态", "news", age=2)
    b.column(s, "tzgg", "通知公告", "notice", age=20)
    zx = b.column(s, "zxzx", "在线咨询", "consult")
    asked = b.ago(80)
    b.consult(
        s,
        zx,
        [
            Message(
                asked,
                None,
                text.person(b.rng("open80")),
                "请问今年耕地地力保护补贴什么时候发放？",
                "",
                "未答复",
            )
        ],
    )
    t.expect(
        "reply_late",
        "column",
        "3901000010/zxzx",
        "deduct",
        f"留言 {asked} 提交，至今未答复（超过 5 个工作日）",
    )
    t.decoy("reply_overdue", "3901000010/zxzx", f"未答复留言提交于 {asked}，80 天，不足 3 个月")
    b.standard_nav(s)
    it = nydt.items[1]
    it.paras.insert(1, "技术人员现场指导农户按装秸杆粉碎还田机具，推广秸杆综合利用技术。")
    t.expect("typo", "site", "3901000010", "deduct", f"“按装”（安装）、“秸杆”（秸秆），见《{it.title}》")

    s = b.site(
        "3901000011",
        "云州市文化广电新闻出版旅游局",
        "云州市文广新旅局",
        "department",
        "yzwglj",
        "A",
        status="down",
    )
    b.column(s, "wldt", "文旅动态", "news", age=1)
    b.column(s, "tzgg", "通知公告", "notice", age=10)
    b.standard_nav(s)
    t.expect("site_unreachable", "site", "3901000011", "veto", "站点对任何请求都返回 503：每次探测都失败")
    t.allow("*", "3901000011/", "站点整体不可访问时，其首页与栏目的其他判断报与不报均可")

    s = b.site(
        "3901000012", "云州市住房和城乡建设局", "云州市住建局", "department", "yzzjj", "C", status="flaky"
    )
    b.column(s, "zjdt", "住建动态", "news", age=1)
    b.column(s, "tzgg", "通知公告", "notice", age=7)
    b.standard_nav(s)
    t.decoy("site_unreachable", "3901000012", "默认可访问；测试可用 ServedProvince.set_state 让它时好时坏")

    s = b.site("3901000013", "云州市应急管理局", "云州市应急管理局", "department", "yzyjj", "A")
    b.column(s, "yjdt", "应急动态", "news", age=3)
    b.column(s, "tzgg", "通知公告", "notice", age=16)
    b.standard_nav(s)
    b.column(s, "aqsc", "安全生产", "other", state="broken")
    t.expect("column_unreachable", "column", "3901000013/aqsc", "deduct", "栏目地址返回 500（服务器错误）")
    for path in [p for p in s.pages if p.startswith("/hdjl/")]:
        del s.pages[path]  # the 互动交流 entry stays in the navigation and answers 404
    t.expect(
        "no_interaction_channel",
        "site",
        "3901000013",
        "veto",
        "导航“互动交流”入口返回 404：没有可用的咨询渠道",
    )
    t.expect("broken_link", "site", "3901000013", "deduct", "导航“互动交流”链接返回 404")

    s = b.site(
        "3901020002",
        "云水区教育体育局",
        "云水区教体局",
        "department",
        "ysqjtj",
        "B",
        has_services=True,
        region="云水区",
    )
    b.column(s, "jtdt", "教体动态", "news", age=4)
    b.column(s, "tzgg", "通知公告", "notice", age=30)
    b.standard_nav(s)
    t.decoy("no_service_channel", "3901020002", "部门网站登记 has_services，首页有“办事服务”入口")
    s.home_html = (
        f'<style>.ft-box{{font-size:0;line-height:0}}</style><div class="ft-box">'
        f'<a href="{OUT}/ad/daikuan.html">无抵押小额贷款</a></div>'
    )
    t.expect("dark_link", "site", "3901020002", "deduct", "页内 <style> 规则 font-size:0 隐藏的外部广告链接")
    s.friend_links.append(("云水教育云平台", f"{DEAD}/"))
    t.expect("broken_link", "site", "3901020002", "deduct", "友情链接主机拒绝连接")


# --- new media -------------------------------------------------------------------------------------------


def _posts(b: Builder, aid: str, weekdays: set[int], newest_ago: int = 1, span: int = 49) -> list[Post]:
    """Posts on the given weekdays (0 = Monday) from ``newest_ago`` days before as_of back ``span`` days,
    at office hours, so the date is the same in Beijing time and UTC."""
    rng = b.rng("posts", aid)
    out = []
    for back in range(newest_ago, newest_ago + span):
        d = b.ago(back)
        if d.weekday() in weekdays:
            hh, mm = rng.randint(9, 17), rng.randint(0, 59)
            topic = rng.choice(text.TOPICS)
            title = rng.choice(
                ("{t}｜{c}最新进展", "关注｜{c}{t}工作动态", "提醒！{t}这些事项请知悉", "{c}：{t}在行动")
            )
            out.append(
                Post(
                    title.format(t=topic, c=CITY),
                    datetime.combine(d, time(hh, mm), TZ),
                    f"{CITY}{topic}工作持续推进，各项措施落实到位。",
                    f"/posts/{aid}/{d:%Y%m%d}{hh:02d}{mm:02d}.html",
                )
            )
    if not out:
        raise RuntimeError(f"no posts for {aid}")
    return out


def _menu(aid: str, *, interaction: str | None, nested: bool = True) -> dict:
    """A get_current_selfmenu_info body. ``interaction``: None (no such entry) or the entry's URL."""
    buttons: list[dict] = [{"type": "view", "name": "最新资讯", "url": f"{OUT}/wx/{aid}/news.html"}]
    guide = [
        {"type": "view", "name": "健康知识", "url": f"{OUT}/wx/{aid}/kp.html"},
        {"type": "view", "name": "历史消息", "url": f"{OUT}/wx/{aid}/history.html"},
    ]
    buttons.append({"name": "走进我们", "sub_button": {"list": guide}})
    if interaction is not None:
        entry = {"type": "view", "name": "留言咨询", "url": interaction}
        if nested:
            buttons.append(
                {
                    "name": "互动",
                    "sub_button": {
                        "list": [
                            entry,
                            {
                                "type": "miniprogram",
                                "name": "掌上办事",
                                "url": f"{OUT}/wx/{aid}/mp.html",
                                "appid": "wx0000000000000a01",
                                "pagepath": "pages/index/index",
                            },
                        ]
                    },
                }
            )
        else:
            buttons.append(entry)
    return {"is_menu_open": 1, "selfmenu_info": {"button": buttons}}


def _agency(b: Builder) -> None:
    """A vertically managed agency's site, identified by bm + 8 digits; healthy."""
    s = b.site(
        "bm29000012", "国家税务总局云州市税务局", "云州市税务局", "department", "yzsw", "A", region=CITY
    )
    b.column(s, "swdt", "税务动态", "news", age=2)
    b.column(s, "tzgg", "通知公告", "notice", age=11)
    b.column(s, "zcfg", "税收政策", "policy", age=21)
    b.standard_nav(s)


def _accounts(b: Builder) -> None:
    t = b.truth
    formats = ("rss", "atom", "json")
    healthy_days = ({0, 2, 4}, {1, 3, 5}, {0, 1, 3, 5}, {0, 2, 3, 4, 6})
    n = 0

    def acct(
        aid: str,
        name: str,
        platform: str,
        unit: str,
        region: str = CITY,
        *,
        fmt: str | None = None,
        days: set[int] | None = None,
        newest_ago: int | None = None,
        menu: dict | None | bool = True,
        interaction: bool | None = None,
    ) -> AccountSpec:
        nonlocal n
        n += 1
        rng = b.rng("acct", aid)
        a = AccountSpec(
            aid,
            name,
            platform,
            unit,
            region,
            fmt or formats[n % 3],
            utc_times=n % 2 == 1,
            oldest_first=aid == "wb-yzga",
        )
        a.posts = _posts(
            b, aid, days or healthy_days[n % 4], newest_ago if newest_ago is not None else rng.randint(1, 2)
        )
        if platform == "wechat":
            if menu is True:
                a.menu = _menu(aid, interaction=f"{OUT}/interact/{aid}.html", nested=n % 2 == 0)
            elif isinstance(menu, dict):
                a.menu = menu
            if interaction:
                a.interaction_path = f"/interact/{aid}.html"
        elif interaction is not False:
            a.interaction_path = f"/interact/{aid}.html"
        b.accounts.append(a)
        return a

    acct("wx-yzfb", "云州发布", "wechat", "yzszfb")
    acct("wx-yzjy", "云州教育", "wechat", "yzjyj")
    acct("wx-yzsl", "云州水利", "wechat", "yzslj", newest_ago=20)
    t.expect("media_stale", "account", "wx-yzsl", "veto", "最新推文 20 天前，14 天内无更新")
    t.allow("media_infrequent", "wx-yzsl", "停更账号上一自然周同样不足 2 次：报与不报均可")
    acct("wx-jkyz", "健康云州", "wechat", "yzwjw", menu=_menu("wx-jkyz", interaction=None))
    t.expect(
        "media_no_interaction",
        "account",
        "wx-jkyz",
        "veto",
        "菜单无留言 / 咨询等互动入口，也未登记 interaction_url",
    )
    acct(
        "wx-yzjt",
        "云州交通",
        "wechat",
        "yzjtj",
        menu=_menu("wx-yzjt", interaction=f"{OUT}/interact/dead-wx-yzjt.html"),
    )
    t.expect("media_no_interaction", "account", "wx-yzjt", "veto", "菜单“留言咨询”指向的地址返回 404")
    acct("wx-yzrs", "云州人社", "wechat", "yzrsj", menu=_menu("wx-yzrs", interaction=None), interaction=True)
    t.decoy("media_no_interaction", "wx-yzrs", "菜单无互动入口，但登记的 interaction_url 可用")
    acct("wx-ysfb", "云水发布", "wechat", "ysqzfb", region="云水区")
    acct("wx-qlfb", "青岚发布", "wechat", "qlqzfb", region="青岚区", days={1, 4}, newest_ago=1)
    t.decoy("media_infrequent", "wx-qlfb", "每周二、周五各发 1 篇：上一完整自然周恰好 2 篇")
    acct("wx-lxwj", "临溪卫健", "wechat", "lxxwjw", region="临溪县")
    acct("wx-mjwl", "梅江文旅", "wechat", "mjxwlj", region="梅江县")

    acct("wb-yzfb", "云州发布", "weibo", "yzszfb")
    acct("wb-yzga", "云州公安", "weibo", "yzgaj")
    acct("wb-ysfb", "云水发布", "weibo", "ysqzfb", region="云水区", fmt="rss", days={2})
    t.expect(
        "media_infrequent", "account", "wb-ysfb", "deduct", "每周只在周三发 1 条，上一完整自然周不足 2 次"
    )
    acct("wb-qlq", "青岚区", "weibo", "qlqzfb", region="青岚区")
    acct("wb-lxfb", "临溪发布", "weibo", "lxxzfb", region="临溪县")
    acct("wb-flga", "枫林公安", "weibo", "flxgaj", region="枫林县")
    acct("wb-nlfb", "南岭发布", "weibo", "nlxzfb", region="南岭县", days=set(range(7)), newest_ago=13)
    t.decoy("media_stale", "wb-nlfb", "最新一条 13 天前，仍在 14 天之内")
    t.expect("media_infrequent", "account", "wb-nlfb", "deduct", "最近 13 天无更新，上一完整自然周 0 次")

    acct("dy-yzfb", "云州发布", "douyin", "yzszfb")
    acct("dy-yzwl", "云州文旅", "douyin", "yzwglj")
    acct("dy-flfb", "枫林发布", "douyin", "flxzfb", region="枫林县", fmt="json", days={5})
    t.expect(
        "media_infrequent",
        "account",
        "dy-flfb",
        "deduct",
        "每周只在周六发 1 条（JSON Feed），上一完整自然周不足 2 次",
    )
    acct("dy-mjfb", "梅江发布", "douyin", "mjxzfb", region="梅江县")
    acct("dy-yzyj", "云州应急", "douyin", "yzyjj")

    acct("ks-yzjt", "云州交通", "kuaishou", "yzjtj")
    acct("ks-lxfb", "临溪发布", "kuaishou", "lxxzfb", region="临溪县")
    acct("ks-nlfb", "南岭发布", "kuaishou", "nlxzfb", region="南岭县", interaction=False)
    t.expect(
        "media_no_interaction",
        "account",
        "ks-nlfb",
        "veto",
        "非微信账号，未登记 interaction_url，无任何互动渠道",
    )
    acct("ks-yzzj", "云州住建", "kuaishou", "yzzjj")

    tt = acct("tt-yzfb", "云州发布", "toutiao", "yzszfb")
    tt.posts[1].text = f"{CITY}前三季度经济运行稳中有进，全市上下将再接再励，确保完成全年目标。"
    t.expect("typo", "account", "tt-yzfb", "deduct", "头条号推文含“再接再励”")
    acct("tt-yzsj", "云州市场监管", "toutiao", "yzscjgj")
    acct("tt-ysjt", "云水教体", "toutiao", "ysqjtj", region="云水区")
    acct("tt-qlfb", "青岚发布", "toutiao", "qlqzfb", region="青岚区")


# --- facts and the outside world -------------------------------------------------------------------------


def last_complete_week(as_of: date) -> tuple[date, date]:
    """Monday and Sunday of the last natural week that ended before as_of."""
    end = as_of - timedelta(days=as_of.weekday() + 1)
    return end - timedelta(days=6), end


def _facts(b: Builder) -> None:
    cols: dict[str, dict] = {}
    homes: dict[str, str | None] = {}
    for s in b.sites:
        newest_home = None
        for c in s.columns:
            newest = max((i.date for i in c.items), default=None)
            cols[f"{s.id}/{c.id}"] = {
                "newest": newest.isoformat() if newest and c.state not in UNSERVED else None,
                "items": 0 if c.state in ("blank", *UNSERVED) else len(c.items),
                "items_first_page": 0
                if c.state in ("blank", *UNSERVED)
                else (len(c.items) if c.category == "consult" else min(len(c.items), PAGE_SIZE)),
                "state": c.state,
                "family": s.family,
            }
            if c.state in ("ok", "nodates") and newest and (newest_home is None or newest > newest_home):
                newest_home = newest
        homes[s.id] = newest_home.isoformat() if newest_home else None
    mon, sun = last_complete_week(b.as_of)
    accts = {}
    for a in b.accounts:
        dates = [p.at.date() for p in a.posts]
        accts[a.id] = {
            "newest": max(dates).isoformat(),
            "posts_last_complete_week": sum(1 for d in dates if mon <= d <= sun),
            "format": a.feed_format,
        }
    b.truth.facts = {
        "columns": cols,
        "homepages": homes,
        "accounts": accts,
        "last_complete_week": [mon.isoformat(), sun.isoformat()],
        "families": {s.id: s.family for s in b.sites},
        "encodings": {s.id: s.encoding for s in b.sites},
    }


def _outside(b: Builder) -> None:
    b.outside.update(
        {
            "/": ("外部世界", "<p>示例省份之外的网站（回环地址模拟）。</p>"),
            "/gov/": ("中国政府网", "<p>中华人民共和国中央人民政府门户网站（模拟）。</p>"),
            "/jiangnan/": (f"{PROVINCE}人民政府", f"<p>{PROVINCE}人民政府门户网站（模拟）。</p>"),
            "/zwfw/": (f"{PROVINCE}政务服务网", "<p>个人办事 法人办事 一件事一次办</p>"),
            "/beian/": ("ICP/IP地址/域名信息备案管理系统", "<p>备案查询（模拟）。</p>"),
            "/ad/banjia.html": ("搬家公司", "<p>专业搬家 价格实惠</p>"),
            "/ad/ershouche.html": ("二手车回收", "<p>二手车高价回收</p>"),
            "/ad/daikuan.html": ("小额贷款", "<p>无抵押小额贷款 当天放款</p>"),
            "/casino/index.html": ("娱乐城", "<p>澳门新葡京娱乐城 百家乐 真人博彩</p>"),
            "/casino/bjl.html": ("百家乐", "<p>百家乐在线博彩</p>"),
        }
    )
    for a in b.accounts:
        if a.interaction_path:
            b.outside[a.interaction_path] = (f"{a.name}·留言", _form("留言"))
        if a.menu:
            for path in ("news", "kp", "history", "mp"):
                b.outside[f"/wx/{a.id}/{path}.html"] = (a.name, f"<p>{a.name}</p>")
            for btn in a.menu["selfmenu_info"]["button"]:
                subs = btn.get("sub_button", {}).get("list", []) if "sub_button" in btn else [btn]
                for sb in subs:
                    url = sb.get("url", "")
                    if url.startswith(OUT + "/interact/") and "/dead-" not in url:
                        b.outside[url[len(OUT) :]] = (f"{a.name}·留言", _form("留言"))
        for p in a.posts:
            b.outside[p.link] = (p.title, f"<p>{p.text}</p>")
