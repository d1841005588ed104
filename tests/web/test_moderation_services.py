"""Moderation services: IM's local and cloud keyword lists (view, add, remove, import a file), a
content check, banning and unbanning a chat file; one audit row per IM call, against the sandbox."""
from __future__ import annotations

import io

import pytest

HX = {"HX-Request": "true"}
BASE = "/moderation-services"


@pytest.fixture
def op(signed_in):
    return signed_in("operator")


def test_add_list_and_remove_local_keywords(app, op, tim, audit_rows):
    resp = op.post(f"{BASE}/local/add", {"words": "spam\nscam\nspam", "word_type": "1", "filter_type": "2"}, htmx=True)
    assert resp.status_code == 200 and resp.headers["HX-Trigger"] == "local-keywords-changed"
    assert "2 local keywords added" in resp.get_data(as_text=True)
    words = {k.keyword: k for k in tim.moderation.list_local_keywords()}
    assert set(words) == {"spam", "scam"}
    [row] = audit_rows()
    assert (row.action, row.outcome) == ("moderation.add_local_keywords", "ok")
    page = op.get(BASE).get_data(as_text=True)
    assert "<code>spam</code>" in page and "2 local keywords in all" in page
    resp = op.post(f"{BASE}/local/delete", {"ids": [str(words["spam"].id)]}, htmx=True)
    assert "1 local keyword removed" in resp.get_data(as_text=True)
    assert [k.keyword for k in tim.moderation.list_local_keywords()] == ["scam"]
    assert [r.action for r in audit_rows()][-1] == "moderation.delete_local_keywords"


def test_replace_needs_a_replacement_and_bad_regex_is_refused(app, op, audit_rows):
    resp = op.post(f"{BASE}/local/add", {"words": "x", "filter_type": "1"}, htmx=True)
    assert "form-problems" in resp.headers.get("HX-Trigger", "")
    resp = op.post(f"{BASE}/local/add", {"words": "(unclosed", "word_type": "2"}, htmx=True)
    assert "form-problems" in resp.headers.get("HX-Trigger", "")
    resp = op.post(f"{BASE}/local/add", {"words": "", "word_type": "9"}, htmx=True)
    assert resp.status_code < 500
    assert audit_rows() == []


def test_import_local_keywords_from_a_file(app, op, tim, audit_rows):
    data = {"file": (io.BytesIO("alpha\nbeta\n\ngamma\n".encode()), "words.txt"), "word_type": "1",
            "filter_type": "1", "replacement": "***"}
    resp = op.post(f"{BASE}/local/import", data, htmx=True, content_type="multipart/form-data")
    assert "3 local keywords added" in resp.get_data(as_text=True)
    assert {k.keyword: k.replacement for k in tim.moderation.list_local_keywords()} == \
        {"alpha": "***", "beta": "***", "gamma": "***"}
    assert [r.action for r in audit_rows()] == ["moderation.add_local_keywords"]
    bad = {"file": (io.BytesIO(b"\xff\xfe\x00bad"), "words.txt")}
    resp = op.post(f"{BASE}/local/import", bad, htmx=True, content_type="multipart/form-data")
    assert "form-problems" in resp.headers.get("HX-Trigger", "")


def test_cloud_library_words_add_import_remove(app, op, tim, audit_rows):
    [library] = tim.moderation.list_libraries()
    resp = op.post(f"{BASE}/cloud/add", {"lib": library.id, "words": "badword", "label": "Abuse"}, htmx=True)
    assert "1 cloud keyword added" in resp.get_data(as_text=True)
    rows = audit_rows()
    assert [(r.action, r.outcome) for r in rows] == [("moderation.add_cloud_keywords", "ok")]
    data = {"lib": library.id, "file": (io.BytesIO(b"w1\nw2\n"), "list.txt")}
    op.post(f"{BASE}/cloud/import", data, htmx=True, content_type="multipart/form-data")
    assert {w.content for w in tim.moderation.list_cloud_keywords(library.id)} == {"badword", "w1", "w2"}
    page = op.get(f"{BASE}/cloud").get_data(as_text=True)
    assert "<code>badword</code>" in page and "Abuse" in page and library.name in page
    resp = op.post(f"{BASE}/cloud/delete", {"lib": library.id, "words": ["w1", "w2"]}, htmx=True)
    assert "2 succeeded" in resp.get_data(as_text=True)
    assert [w.content for w in tim.moderation.list_cloud_keywords(library.id)] == ["badword"]
    assert audit_rows()[-1].action == "moderation.delete_cloud_keywords"


def test_content_check_from_the_page_and_the_rules_page(app, op, signed_in, tim, audit_rows):
    [library] = tim.moderation.list_libraries()
    tim.moderation.add_cloud_keywords(library.id, [("casino", "Ad")])
    assert f"{BASE}/check" in signed_in("admin").get("/rules").get_data(as_text=True)
    html = op.post(f"{BASE}/check", {"content": "visit my casino", "scene": "C2C"}, htmx=True).get_data(as_text=True)
    assert "Block" in html and "<code>casino</code>" in html
    html = op.post(f"{BASE}/check", {"content": "hello", "scene": "Group"}, htmx=True).get_data(as_text=True)
    assert "Pass" in html
    assert [r.action for r in audit_rows()] == ["moderation.moderate", "moderation.moderate"]
    resp = op.post(f"{BASE}/check", {"content": "", "content_type": "Image"}, htmx=True)
    assert "form-problems" in resp.headers.get("HX-Trigger", "")


def test_ban_and_unban_a_chat_file(app, op, signed_in, tim, audit_rows):
    url = "https://cos.example.com/im/file/abc.png"
    assert "banned" in op.post(f"{BASE}/files/ban", {"url": url}, htmx=True).get_data(as_text=True).lower()
    assert tim.moderation.sign_files([url]).items[0].banned
    op.post(f"{BASE}/files/unban", {"url": url}, htmx=True)
    assert not tim.moderation.sign_files([url]).items[0].banned
    assert [r.action for r in audit_rows()] == ["moderation.ban_file", "moderation.unban_file"]
    assert "form-problems" in op.post(f"{BASE}/files/ban", {"url": "ftp://x"}, htmx=True).headers.get("HX-Trigger", "")
    viewer = signed_in("viewer")
    assert viewer.post(f"{BASE}/files/ban", {"url": url}).status_code == 403
    for tab in ("", "/cloud", "/check", "/files"):
        assert viewer.get(BASE + tab).status_code == 200
