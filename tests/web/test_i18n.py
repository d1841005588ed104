"""Simplified Chinese: pages follow Accept-Language or the lang cookie; the catalog is complete and compiled."""
from __future__ import annotations

import pathlib
import re

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from console import db
from console.models import Job, JobResult

ROOT = pathlib.Path(__file__).resolve().parents[2]
POT = ROOT / "translations" / "messages.pot"
PO = ROOT / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|\{\w*\}")


def _page(browser, url, headers=ZH):
    resp = browser.get(url, headers=headers)
    assert resp.status_code == 200, (url, resp.status_code)
    return resp.get_data(as_text=True)


def _assert_chinese(html, present, absent):
    for text in present:
        assert text in html, text
    for text in absent:
        assert text not in html, text


# ---- pages ----------------------------------------------------------------------------------

def test_login_page_in_chinese(browser, operators):
    html = _page(browser, "/login")
    assert '<html lang="zh' in html or "zh" in html.split(">", 2)[1]
    _assert_chinese(html, ["登录", "密码"], [">Sign in<", ">Password "])


def test_login_page_stays_english_without_a_chinese_preference(browser, operators):
    html = _page(browser, "/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Sign in" in html and "登录" not in html


def test_lang_cookie_overrides_the_browser(browser, operators):
    browser.set_cookie("lang", "zh_Hans")
    html = _page(browser, "/login", headers={"Accept-Language": "en-US"})
    assert "登录" in html and ">Sign in<" not in html
    browser.set_cookie("lang", "en")
    html = _page(browser, "/login", headers=ZH)
    assert ">Sign in<" in html and "登录" not in html


def test_wrong_password_message_in_chinese(browser, operators):
    token = browser.csrf("/login")
    resp = browser.post("/login", {"name": "viewer", "password": "wrong password!", "csrf_token": token},
                        headers=ZH)
    html = resp.get_data(as_text=True)
    _assert_chinese(html, ["名称或密码错误。"], ["Wrong name or password."])


PAGES = {
    "dashboard": ("viewer", "/",
                  ["仪表盘", "最近 24 小时的 IM 调用", "进行中的任务", "失败 / 部分成功", "运营数据"],
                  ["Dashboard", "IM calls in the last 24 hours", "Active jobs", "Failed or partial"]),
    "accounts": ("operator", "/accounts",
                 ["控制台见过的所有账号的目录：IM 本身无法列出账号。", "添加账号", "隐藏已删除"],
                 ["IM itself cannot list accounts", "Add accounts", "hide deleted"]),
    "groups": ("operator", "/groups",
               ["群组", "新建群组", "导入群组", "所有类型", "工作群"],
               ["New group", "Import a group", "All types", "Work group"]),
    # join/invite options: IM's value stays in brackets (and is what the form sends)
    "new group": ("operator", "/groups/new",
                  ["自由加入（FreeAccess）", "需要验证（NeedPermission）", "直接邀请（FreeAccess）", 'value="FreeAccess"'],
                  ["Anyone may join", "Invite directly"]),
}


@pytest.mark.parametrize("page", PAGES)
def test_signed_in_pages_in_chinese(signed_in, page):
    role, url, present, absent = PAGES[page]
    _assert_chinese(_page(signed_in(role), url), present, absent)


def test_stored_job_details_are_shown_in_the_readers_language(app, signed_in):
    """Job item details are stored in English (marked with N_) and translated when shown; IM's own
    text is shown as it is, escaped."""
    with db.new_session(app) as sess:
        job = Job(kind="directory.check", status="done", params={"items": ["a", "b"]}, total=2, done=2,
                  failed_count=2)
        sess.add(job)
        sess.flush()
        sess.add_all([JobResult(job_id=job.id, seq=0, item="a", ok=False, code=None, detail="no result"),
                      JobResult(job_id=job.id, seq=1, item="b", ok=False, code=70107,
                                detail="<b>100%d</b> not found")])
        job_id = job.id
    browser = signed_in("viewer")
    html = _page(browser, f"/jobs/{job_id}")
    assert "无结果" in html and "no result" not in html
    assert "&lt;b&gt;100%d&lt;/b&gt; not found" in html
    english = _page(browser, f"/jobs/{job_id}", headers={"Accept-Language": "en"})
    assert "no result" in english and "无结果" not in english


# ---- catalog hygiene --------------------------------------------------------------------------

def _key(message):
    msgid = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
    context = message.context
    if isinstance(context, bytes):  # read_mo leaves msgctxt undecoded
        context = context.decode("utf-8")
    return (context, msgid)


@pytest.fixture(scope="module")
def catalogs():
    with POT.open("rb") as f:
        pot = read_po(f)
    with PO.open("rb") as f:
        po = read_po(f)
    with MO.open("rb") as f:
        mo = read_mo(f)
    return pot, po, mo


def test_every_extracted_string_has_a_chinese_translation(catalogs):
    pot, po, _mo = catalogs
    assert po.plural_forms.startswith("nplurals=1;")
    translations = {_key(m): m for m in po if m.id}
    missing, fuzzy, empty, placeholders = [], [], [], []
    for message in pot:
        if not message.id:
            continue
        found = translations.get(_key(message))
        if found is None:
            missing.append(message.id)
            continue
        strings = found.string if isinstance(found.string, tuple) else (found.string,)
        if found.fuzzy:
            fuzzy.append(message.id)
        if isinstance(message.id, tuple) and len(strings) != 1:
            empty.append(message.id)  # Chinese has one plural form
        if not all(s and s.strip() for s in strings):
            empty.append(message.id)
        source = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = sorted(PLACEHOLDER.findall(source[-1]))
        if any(sorted(PLACEHOLDER.findall(s)) != wanted for s in strings):
            placeholders.append(message.id)
    assert not missing, f"not in the zh_Hans catalog (run pybabel update): {missing[:10]}"
    assert not fuzzy, f"fuzzy entries: {fuzzy[:10]}"
    assert not empty, f"untranslated: {empty[:10]}"
    assert not placeholders, f"placeholders differ from the English: {placeholders[:10]}"


def test_catalog_has_no_leftover_entries(catalogs):
    pot, po, _mo = catalogs
    extracted = {_key(m) for m in pot if m.id}
    stale = [m.id for m in po if m.id and _key(m) not in extracted]
    assert not stale and not po.obsolete, f"entries no longer in the code: {stale[:10]}"


def test_compiled_catalog_matches_the_po(catalogs):
    """The .mo holds exactly the .po's translations: recompile (pybabel compile -d translations) otherwise."""
    _pot, po, mo = catalogs

    def content(catalog):
        return {_key(m): tuple(m.string) if isinstance(m.string, (tuple, list)) else m.string
                for m in catalog if m.id and not m.fuzzy}

    assert content(mo) == content(po)
