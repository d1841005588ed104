"""What moderation rules match with: linear-time regular expressions and keyword automata.

Both run on the callback hot path, so neither may take time that grows faster than the text:
- patterns are compiled by RE2 (google-re2), which guarantees linear-time matching; a pattern RE2
  cannot compile (back-references, look-around) is refused when the rule is saved, never run;
- keyword lists are matched by an Aho–Corasick automaton (ahocorasick-rs, the Rust `aho-corasick`
  crate): one pass over the text whatever the number of words, never a regular expression of
  alternations. Its automaton moves from state to state by table lookup; pyahocorasick, used
  before, scans a node's children one by one, and the root of a Chinese list has thousands of
  them (a 10,000-word list took 20-40 us per text instead of under 1 us).

Keywords match case- and width-insensitively, for Chinese as for Latin text: the text and the
words are both normalised (NFC, then NFKC and casefold character by character, so that every
normalised character knows the original one it came from: a match is highlighted or masked in
the text as sent). A whole-word match needs a boundary where a Latin letter or digit meets another;
Chinese, Japanese and Korean text has no spaces between words, so its characters always stand at
a boundary.

Automata are cached by the words they hold (a list is compiled once per process and version).
"""
from __future__ import annotations

import functools
import hashlib
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable

import ahocorasick_rs
import re2

MAX_TEXT = 64 * 1024  # characters of one text looked at (IM's own limit on a message is 12 KB)


class PatternError(ValueError):
    """RE2 cannot compile the pattern; the message says why."""


_OPTIONS = re2.Options()
_OPTIONS.log_errors = False


def compile_pattern(pattern: str):
    """The RE2 program for `pattern`; PatternError when RE2 refuses it."""
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else ""
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise PatternError(str(reason) or "invalid pattern") from None
    except (TypeError, ValueError) as exc:  # e.g. a lone surrogate RE2 cannot encode
        raise PatternError(str(exc)) from None


# ---------------------------------------------------------------- normalisation

def _fold(char: str) -> str:
    return unicodedata.normalize("NFKC", char).casefold()


def normalise(text: str) -> tuple[str, list[int] | None]:
    """(the folded text, for each of its characters the index in NFC(text) it came from).

    The index list is None when it is the identity (ASCII text folds character for character)."""
    if text.isascii():
        return text.lower(), None
    if unicodedata.is_normalized("NFKC", text):
        # every character is its own NFKC form: only casefold can change the length
        folded = text.casefold()
        if len(folded) == len(text):
            return folded, None
    nfc = unicodedata.normalize("NFC", text)
    out: list[str] = []
    index: list[int] = []
    for i, char in enumerate(nfc):
        folded = _fold(char) if not char.isascii() else char.lower()
        out.append(folded)
        index.extend([i] * len(folded))
    return "".join(out), index


CACHED_TEXT = 2048  # texts up to this length are remembered (every rule of a callback reads them)


@functools.lru_cache(maxsize=512)
def _folded(text: str) -> str:
    return valid(normalise(text)[0])


def folded(text: str) -> str:
    """`normalise(text)[0]` of the text's first MAX_TEXT characters, as the automaton reads it
    (`valid`), remembered for short texts."""
    return _folded(text) if len(text) <= CACHED_TEXT else valid(normalise(text[:MAX_TEXT])[0])


def fold(word: str) -> str:
    """A keyword as the automaton holds it."""
    return valid(normalise(word.strip())[0])


def _cjk(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _wordy(char: str) -> bool:
    """A character that continues a Latin (or other spaced-script) word."""
    return (char.isalnum() or char == "_") and not _cjk(char)


# ---------------------------------------------------------------- keyword matching

class KeywordMatcher:
    """Any of `words` in a text: substring or whole-word, case- and width-insensitive."""

    def __init__(self, words: Iterable[str], whole_word: bool = False):
        self.whole_word = whole_word
        keys = list(dict.fromkeys(key for word in words if (key := fold(word))))
        self._automaton = ahocorasick_rs.AhoCorasick(keys) if keys else None

    def _hits(self, folded: str) -> list[tuple[int, int]]:
        """(start, end) of every match in the folded text, overlapping ones included (a longer
        word may hide a whole-word match of a shorter one)."""
        if self._automaton is None or not folded:
            return []
        found = self._automaton.find_matches_as_indexes(valid(folded), overlapping=True)
        return [(start, end) for _index, start, end in found
                if not self.whole_word or self._bounded(folded, start, end)]

    @staticmethod
    def _bounded(text: str, start: int, end: int) -> bool:
        before = start == 0 or not (_wordy(text[start - 1]) and _wordy(text[start]))
        after = end == len(text) or not (_wordy(text[end]) and _wordy(text[end - 1]))
        return before and after

    def search(self, text: str) -> bool:
        if not text or self._automaton is None:
            return False
        key = folded(text)
        if not self.whole_word:
            return bool(self._automaton.find_matches_as_indexes(key))
        return bool(self._hits(key))

    def spans(self, text: str) -> tuple[str, list[tuple[int, int]]]:
        """(the text in NFC, the merged spans of every match in it)."""
        text = text[:MAX_TEXT]
        folded, index = normalise(text)
        base = unicodedata.normalize("NFC", text) if index is not None else text
        spans = []
        for start, end in self._hits(folded):
            if index is not None:
                start, end = index[start], index[end - 1] + 1
            spans.append((start, end))
        return base, merge(spans)

    def words_in(self, text: str) -> list[str]:
        """The distinct words matched in `text`, as they appear there."""
        base, spans = self.spans(text)
        return list(dict.fromkeys(base[s:e] for s, e in spans))


def merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def valid(text: str) -> str:
    """`text` as RE2 and the automaton can read it: a lone surrogate (JSON allows "\\ud800") becomes "?", one
    character for one, so that positions stay the same."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


class PatternSet:
    """The patterns of several rules in one RE2 set: one pass over a text says which match."""

    def __init__(self, patterns: list[str]):
        self._set = re2.Set.SearchSet(_OPTIONS)
        for pattern in patterns:
            self._set.Add(pattern)
        self._set.Compile()
        self._matches = functools.lru_cache(maxsize=512)(self._match)

    def _match(self, text: str) -> frozenset:
        return frozenset(self._set.Match(valid(text)) or ())  # None when nothing matches

    def matches(self, text: str) -> frozenset:
        """The indexes of the patterns found in the text's first MAX_TEXT characters."""
        return self._matches(text) if len(text) <= CACHED_TEXT else self._match(text[:MAX_TEXT])


class PatternMatcher:
    """A rule's regular expression, with the same face as KeywordMatcher. Rules loaded together
    share a PatternSet (`group`), so that ten patterns cost one pass over a text, not ten."""

    def __init__(self, pattern: str):
        self.pattern = pattern
        self.regex = compile_pattern(pattern)
        self.group: tuple[PatternSet, int] | None = None

    def search(self, text: str) -> bool:
        if not text:
            return False
        if self.group is not None:
            return self.group[1] in self.group[0].matches(text)
        return self.regex.search(valid(text[:MAX_TEXT])) is not None

    def spans(self, text: str) -> tuple[str, list[tuple[int, int]]]:
        text = valid(text[:MAX_TEXT])
        return text, merge([m.span() for m in self.regex.finditer(text) if m.end() > m.start()])


def group_patterns(matchers: list[PatternMatcher]) -> None:
    """Put `matchers` in one PatternSet (left alone when RE2 will not build the set)."""
    if len(matchers) < 2:
        return
    try:
        shared = PatternSet([m.pattern for m in matchers])
    except re2.error:
        return
    for index, matcher in enumerate(matchers):
        matcher.group = (shared, index)


def mask(text: str, spans: list[tuple[int, int]], char: str = "*") -> str:
    out, last = [], 0
    for start, end in spans:
        out.append(text[last:start])
        out.append(char * (end - start))
        last = end
    out.append(text[last:])
    return "".join(out)


def highlight(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """The text cut into (piece, matched) parts, for a template to mark up."""
    parts, last = [], 0
    for start, end in spans:
        if start > last:
            parts.append((text[last:start], False))
        parts.append((text[start:end], True))
        last = end
    if last < len(text):
        parts.append((text[last:], False))
    return parts


# ---------------------------------------------------------------- the automaton cache

class _Cache:
    """Compiled matchers by the words they hold, least recently used dropped first."""

    def __init__(self, size: int = 64):
        self.size = size
        self._items: OrderedDict[str, KeywordMatcher] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, words: list[str], whole_word: bool) -> KeywordMatcher:
        digest = hashlib.sha256("\n".join(words).encode("utf-8", "surrogatepass")).hexdigest()
        key = f"{int(whole_word)}:{digest}"
        with self._lock:
            matcher = self._items.get(key)
            if matcher is not None:
                self._items.move_to_end(key)
                return matcher
        matcher = KeywordMatcher(words, whole_word)
        with self._lock:
            self._items[key] = matcher
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return matcher


automata = _Cache()


def keywords(words: list[str], whole_word: bool = False) -> KeywordMatcher:
    """The (cached) matcher of `words`."""
    return automata.get(words, whole_word)
