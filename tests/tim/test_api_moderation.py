"""client.moderation against the sandbox over HTTP: keyword lists, moderation, chat files."""
import pytest

from console.tim.api.moderation import INTERCEPT, REGEX, REPLACE, LocalKeywordSpec
from console.tim.errors import InvalidArgumentError, TimError

IMAGE = "https://cos.ap-singapore.myqcloud.com/bucket-1/1400000001/photo.png"


@pytest.fixture
def library(tim):
    return tim.moderation.list_libraries()[0]


def test_local_keywords_add_list_and_delete(tim):
    added = tim.moderation.add_local_keywords(
        ["spam", LocalKeywordSpec("sc[a4]m", word_type=REGEX), LocalKeywordSpec("darn", filter_type=REPLACE,
                                                                               replacement="***")])
    assert len(added.request_ids) == 1 and added.request_ids[0]
    words = tim.moderation.list_local_keywords()
    assert [(w.keyword, w.word_type, w.filter_type, w.replacement) for w in words] == [
        ("spam", 1, INTERCEPT, ""), ("sc[a4]m", REGEX, INTERCEPT, ""), ("darn", 1, REPLACE, "***")]
    assert len({w.id for w in words}) == 3 and all(w.update_time for w in words)
    assert words[1].is_regex
    page = tim.moderation.fetch_local_keywords(filter_type=REPLACE)
    assert (page.total, page.total_regex, page.matched, page.matched_regex) == (3, 1, 1, 0)
    assert [w.keyword for w in tim.moderation.list_local_keywords(keyword="SP")] == ["spam"]
    tim.moderation.delete_local_keywords([words[0], "darn", 999])
    assert [w.keyword for w in tim.moderation.list_local_keywords()] == ["sc[a4]m"]


def test_local_keywords_batch_by_ten_and_page(tim):
    words = [f"word{i:02d}" for i in range(25)]
    calls = []
    tim.add_observer(lambda event: calls.append(event.endpoint))
    change = tim.moderation.add_local_keywords(words)
    assert len(change.request_ids) == 3 and calls == ["im_msg_audit_mgr/add_local_audit_keywords"] * 3
    first = tim.moderation.fetch_local_keywords(limit=10)
    assert len(first.items) == 10 and first.has_more and first.next_offset == 10
    assert [w.keyword for w in tim.moderation.iter_local_keywords(page_size=7)] == words
    re_added = tim.moderation.add_local_keywords([LocalKeywordSpec("word00", filter_type=REPLACE, replacement="#")])
    assert re_added.request_ids
    listed = tim.moderation.list_local_keywords(keyword="word00")
    assert len(listed) == 1 and listed[0].filter_type == REPLACE       # updated in place, same id
    tim.moderation.delete_local_keywords(words)
    assert tim.moderation.list_local_keywords() == []


def test_fetch_and_list_libraries(tim, sandbox):
    page = tim.moderation.fetch_libraries(limit=1)
    assert (page.total, page.has_more, page.next_offset) == (1, False, 1)
    [only] = page.items
    assert (only.name, only.suggestion) == ("default", "Block") and only.id and page.request_id
    assert [lib.id for lib in tim.moderation.list_libraries()] == [only.id]
    assert tim.moderation.fetch_libraries(offset=1).items == []


def test_cloud_libraries_and_keywords(tim, library):
    assert library.id and library.name == "default" and library.suggestion == "Block"
    tim.moderation.add_cloud_keywords(library.id, ["casino", ("naughty", "Porn")])
    words = tim.moderation.list_cloud_keywords(library.id)
    assert [(w.content, w.label) for w in words] == [("casino", "Illegal"), ("naughty", "Porn")]
    assert all(w.id and w.create_time for w in words)
    assert [w.content for w in tim.moderation.list_cloud_keywords(library.id, content="NAU")] == ["naughty"]
    deleted = tim.moderation.delete_cloud_keywords(library.id, [words[0], "never-there"])
    assert [(d.id, d.ok, d.keyword_id) for d in deleted] == [("casino", True, words[0].id), ("never-there", False, "")]
    assert [w.content for w in tim.moderation.list_cloud_keywords(library.id)] == ["naughty"]
    with pytest.raises(TimError) as err:
        tim.moderation.fetch_cloud_keywords("no-such-library")
    assert err.value.code == 2003


def test_cloud_keywords_page_and_batch(tim, library):
    words = [f"bad{i:02d}" for i in range(23)]
    assert len(tim.moderation.add_cloud_keywords(library.id, words).request_ids) == 3
    page = tim.moderation.fetch_cloud_keywords(library.id, limit=20)
    assert page.total == 23 and page.has_more and len(page.items) == 20
    assert [w.content for w in tim.moderation.iter_cloud_keywords(library.id, page_size=6)] == words
    result = tim.moderation.delete_cloud_keywords(library.id, words)
    assert result.ok and len(result.raw["batches"]) == 3
    assert tim.moderation.list_cloud_keywords(library.id) == []


def test_moderate_text_and_images(tim, library):
    tim.moderation.add_cloud_keywords(library.id, [("casino", "Ad"), ("hello", "Normal")])
    clean = tim.moderation.moderate("good morning")
    assert (clean.result, clean.label, clean.score, clean.blocked) == ("Pass", "Normal", 0, False)
    bad = tim.moderation.moderate("visit my CASINO", scene="Group", sender="ann", receiver="@TGS#1abc")
    assert bad.blocked and bad.label == "Ad" and bad.keywords == ["casino"] and bad.request_id
    assert tim.moderation.moderate("hello there").result == "Review"
    assert tim.moderation.moderate(IMAGE, content_type="Image").result == "Pass"
    tim.moderation.ban_file(IMAGE)
    assert tim.moderation.moderate(IMAGE, content_type="Image").blocked


def test_moderate_audio_is_pending(tim):
    verdict = tim.moderation.moderate(IMAGE.replace(".png", ".mp3"), content_type="Audio", scene="C2C")
    assert verdict.ok and verdict.pending and verdict.request_id


def test_moderate_many_keeps_positions(tim, library):
    tim.moderation.add_cloud_keywords(library.id, ["casino"])
    contents = [f"text {i}" for i in range(12)] + ["casino!", ("Image", IMAGE)]
    calls = []
    tim.add_observer(lambda event: calls.append(event.endpoint))
    verdicts = tim.moderation.moderate_many(contents, scene="C2C")
    assert calls == ["im_msg_audit/batch_content_moderation"] * 2
    assert [v.id for v in verdicts] == list(range(14))
    assert [v.result for v in verdicts][11:] == ["Pass", "Block", "Pass"]


def test_ban_unban_and_sign_files(tim):
    other = IMAGE.replace("photo", "other")
    tim.moderation.ban_file(IMAGE)
    tim.moderation.ban_file(IMAGE)                    # idempotent
    files = tim.moderation.sign_files([IMAGE, other])
    assert [(f.id, f.status, f.banned) for f in files] == [(IMAGE, 1, True), (other, 0, False)]
    assert files[0].signed_url.startswith(IMAGE + "?") and "q-sign-time=" in files[0].signed_url
    tim.moderation.unban_file(IMAGE)
    assert tim.moderation.sign_files([IMAGE])[0].status == 0


@pytest.mark.parametrize("call", [
    lambda t: t.moderation.add_local_keywords([]),
    lambda t: t.moderation.add_local_keywords([""]),
    lambda t: t.moderation.add_local_keywords([LocalKeywordSpec("(", word_type=REGEX)]),
    lambda t: t.moderation.add_local_keywords([LocalKeywordSpec("x", word_type=3)]),
    lambda t: t.moderation.fetch_local_keywords(limit=101),
    lambda t: t.moderation.add_cloud_keywords("lib", [("x", "Rude")]),
    lambda t: t.moderation.delete_cloud_keywords("lib", ["x", "x"]),
    lambda t: t.moderation.moderate("x", content_type="Poem"),
    lambda t: t.moderation.moderate("x" * 8193),
    lambda t: t.moderation.moderate("not a url", content_type="Image"),
    lambda t: t.moderation.moderate_many([("Audio", IMAGE)]),
    lambda t: t.moderation.ban_file("ftp://host/file"),
    lambda t: t.moderation.sign_files([IMAGE, IMAGE]),
])
def test_moderation_arguments_checked_before_sending(tim, call):
    seen = []
    tim.add_observer(seen.append)
    with pytest.raises(InvalidArgumentError):
        call(tim)
    assert seen == []
