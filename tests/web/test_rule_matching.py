"""What rules match with: RE2 patterns (linear time, refused when RE2 cannot compile them) and
keyword automata (case- and width-insensitive, Chinese and Latin, whole-word or substring)."""
from __future__ import annotations

import pytest
from events_support import OK, callbacks, stored_events  # noqa: F401
from hypothesis import given, settings
from hypothesis import strategies as st

from console.events import matching

C2C = {"CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": "jared", "To_Account": "john",
       "MsgSeq": 1, "MsgRandom": 2, "MsgTime": 1717000000, "MsgKey": "1_2_1717000000"}


def c2c(text: str) -> dict:
    return {**C2C, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]}


def add_rule(browser, **fields):
    form = {"name": "r", "scope": "c2c_msg", "match": "regex", "pattern": "x", "action": "deny",
            "error_code": "", "error_info": "", "position": "0", "enabled": "1", **fields}
    return browser.post("/rules", data=form)


# ---------------------------------------------------------------- RE2 patterns

@pytest.mark.parametrize("pattern", [r"(a)\1", r"foo(?=bar)", r"(?<!x)y", "([unclosed"])
def test_patterns_re2_cannot_compile_are_refused(pattern):
    with pytest.raises(matching.PatternError):
        matching.compile_pattern(pattern)


@pytest.mark.parametrize("pattern", [r"(a)\1", r"foo(?=bar)"])
def test_the_rules_page_refuses_them_beside_the_field(signed_in, pattern):
    response = add_rule(signed_in("admin"), pattern=pattern)
    assert response.status_code == 400
    assert "RE2" in response.get_data(as_text=True)


@pytest.mark.timeout(20)
def test_a_catastrophic_pattern_answers_a_long_input_in_linear_time(app, signed_in, callbacks):
    """`^(a+)+$` backtracks exponentially in Python's re; RE2 answers at once. (Timing figures
    belong to tests/bench; the timeout above only stops a stall.)"""
    assert add_rule(signed_in("admin"), pattern="^(a+)+$").status_code == 302
    assert callbacks.ack("C2C.CallbackBeforeSendMsg", c2c("a" * 5000 + "!")) == OK
    denied = callbacks.ack("C2C.CallbackBeforeSendMsg", c2c("a" * 5000))
    assert denied["ErrorCode"] == 1
    assert [r.decision for r in stored_events(app)] == ["allow", "deny"]


def test_pattern_spans_and_account_match():
    finder = matching.PatternMatcher(r"(?i)ca+sino")
    assert finder.spans("Best CAASINO in town, casino") == ("Best CAASINO in town, casino",
                                                            [(5, 12), (22, 28)])
    assert not finder.search("")


# ---------------------------------------------------------------- keywords

@pytest.mark.parametrize("word,text", [
    ("Cheap", "buy CHEAP pills"),
    ("ｃｈｅａｐ", "buy cheap pills"),          # full-width word, half-width text
    ("cheap", "buy ＣＨＥＡＰ pills"),          # half-width word, full-width text
    ("赌博", "这里可以赌博吗"),                  # Chinese inside a sentence (no spaces)
    ("ＶＩＰ会员", "开通vip会员"),               # mixed scripts and widths
    ("straße", "STRASSE"),                    # casefold, not lower
    ("café", "cafe\u0301 au lait"),           # combining accent
])
def test_keywords_ignore_case_and_width(word, text):
    assert matching.KeywordMatcher([word]).search(text)
    assert matching.KeywordMatcher([word], whole_word=True).search(text)


def test_whole_word_needs_latin_boundaries_but_not_chinese_ones():
    whole = matching.KeywordMatcher(["ass", "赌"], whole_word=True)
    assert not whole.search("a classic passage")
    assert whole.search("you ass!")
    assert whole.search("ASS")
    assert whole.search("去赌钱")
    assert matching.KeywordMatcher(["ass"]).search("a classic passage")


def test_a_whole_word_hidden_inside_a_longer_match_is_still_found():
    """"ca" ends first in "cab" but is not a whole word there; "cab" is."""
    assert matching.KeywordMatcher(["ca", "cab"], whole_word=True).search("a cab")
    assert matching.KeywordMatcher(["ca", "cab"], whole_word=True).spans("a cab")[1] == [(2, 5)]


def test_a_long_chinese_list_finds_each_of_its_words():
    """Thousands of words with distinct first characters, as real lists have: every word is
    found, in Latin or Chinese company, and a text without any of them matches nothing."""
    words = [chr(0x4E00 + n) + chr(0x6000 + n % 500) + "词" for n in range(5000)]
    matcher = matching.KeywordMatcher(words)
    assert not matcher.search("see you at the station 周末一起去爬山吧")
    for word in words[::499]:
        assert matcher.search(f"hello {word}!")
        assert matcher.spans(f"ab{word}")[1] == [(2, 5)]


def test_lone_surrogates_in_words_and_texts_are_read_not_refused():
    assert matching.KeywordMatcher(["casino"]).search("\ud800 casino")
    assert matching.KeywordMatcher(["\ud800x"]).search("a\udfffx")  # both read as "?x"
    assert matching.KeywordMatcher(["casino"], whole_word=True).spans("\ud800casinos casino")[1] \
        == [(9, 15)]


def test_spans_point_into_the_text_as_sent():
    matcher = matching.KeywordMatcher(["cheap", "药"])
    text, spans = matcher.spans("Buy ＣＨＥＡＰ 药 now")
    assert [text[s:e] for s, e in spans] == ["ＣＨＥＡＰ", "药"]
    assert matching.mask(text, spans) == "Buy ***** * now"
    assert matcher.words_in("cheap CHEAP") == ["cheap", "CHEAP"]


def test_overlapping_words_merge():
    matcher = matching.KeywordMatcher(["abc", "bcd"])
    assert matcher.spans("xabcdx")[1] == [(1, 5)]


def test_automata_are_cached_by_their_words():
    assert matching.keywords(["a", "b"]) is matching.keywords(["a", "b"])
    assert matching.keywords(["a", "b"]) is not matching.keywords(["a", "b"], whole_word=True)


def test_an_empty_list_matches_nothing():
    assert not matching.KeywordMatcher(["", "  "]).search("anything")


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=8).filter(lambda w: matching.fold(w)),
       st.text(max_size=30), st.text(max_size=30))
def test_a_word_is_found_wherever_it_is_embedded(word, left, right):
    matcher = matching.KeywordMatcher([word])
    assert matcher.search(left + word + right)
    assert matcher.search(left + word.upper() + right) or word.upper() != word.upper()
    text, spans = matcher.spans(left + word + right)
    assert spans and all(0 <= s < e <= len(text) for s, e in spans)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_masking_keeps_the_length_of_the_nfc_text(text):
    matcher = matching.KeywordMatcher(["a", "中", "ß"])
    base, spans = matcher.spans(text)
    assert len(matching.mask(base, spans)) == len(base)


def test_word_rules_match_full_width_and_case(app, signed_in, callbacks):
    admin = signed_in("admin")
    assert add_rule(admin, match="words", pattern="cheap pills\n赌博", action="rewrite").status_code == 302
    ack = callbacks.ack("C2C.CallbackBeforeSendMsg", c2c("ＣＨＥＡＰ Pills 和赌博"))
    assert ack["MsgBody"][0]["MsgContent"]["Text"] == "*********** 和**"


def test_patterns_loaded_together_share_one_re2_set():
    first, second = matching.PatternMatcher(r"(?i)casino"), matching.PatternMatcher(r"\d{11}")
    matching.group_patterns([first, second])
    assert first.group[0] is second.group[0]
    assert first.search("CASINO") and not second.search("CASINO")
    assert second.search("call 13800138000") and not first.search("call 13800138000")
    assert not first.search("")


def test_regex_rules_of_one_scope_answer_through_their_set(app, signed_in, callbacks):
    admin = signed_in("admin")
    add_rule(admin, name="phone", pattern=r"\d{11}", error_code="120001")
    add_rule(admin, name="casino", pattern=r"(?i)casino", error_code="120002")
    assert callbacks.ack("C2C.CallbackBeforeSendMsg", c2c("CASINO"))["ErrorCode"] == 120002
    assert callbacks.ack("C2C.CallbackBeforeSendMsg", c2c("13800138000"))["ErrorCode"] == 120001
    assert callbacks.ack("C2C.CallbackBeforeSendMsg", c2c("hello")) == OK


def test_a_lone_surrogate_does_not_slip_past_the_rules(app, signed_in, callbacks):
    """JSON may escape a lone surrogate; RE2 reads UTF-8 only. The rules still see the text."""
    admin = signed_in("admin")
    add_rule(admin, name="one", pattern=r"casino")
    add_rule(admin, name="two", pattern=r"poker")
    add_rule(admin, name="words", match="words", pattern="赌场", error_code="120003")
    raw = '{"CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": "a", "To_Account": "b", ' \
          '"MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "\\ud800 casino"}}]}'
    assert callbacks.ack("C2C.CallbackBeforeSendMsg", raw)["ErrorCode"] == 1
    assert callbacks.ack("C2C.CallbackBeforeSendMsg", raw.replace("casino", "赌场"))["ErrorCode"] == 120003
    finder = matching.PatternMatcher("casino")
    assert finder.spans("\ud800casino") == ("?casino", [(1, 7)])
