"""Keyword lists: named lists of words that rules match (match "keywords", console/events/rules.py).

A list is typed in a box or imported from a text file (one word per line) or a CSV file (the
first column; a header cell "word" or "keyword" is skipped), exported the same two ways, and can
be pushed to IM's own keyword libraries: the local list the client SDKs filter with, or one cloud
library. A push is planned first (`plan_sync`: the words IM lacks and those IM has that the list
does not, shown to the operator), then made through the audited client (`push`), one audit row
per IM call.
"""
from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from console import db, forms
from console.events import matching, rules
from console.forms import FormError
from console.models.moderation import KeywordList

#: a list's automaton is built once per worker and list version, on the callback path (the rule
#: cache's reload): 10,000 words take ~0.1 s, 50,000 over a second on a busy machine; 20,000
#: keeps that a small part of IM's 2 s budget
MAX_WORDS = 20_000
MAX_WORD = 128
MAX_FILE = 4 * 1024 * 1024
HEADERS = {"word", "words", "keyword", "keywords", "关键词", "敏感词"}


# ---------------------------------------------------------------- words in, words out

def clean_words(lines) -> list[str]:
    """Stripped, non-empty words without duplicates (by their normalised form), in order."""
    seen: set[str] = set()
    out = []
    for line in lines:
        word = (line or "").strip()
        key = matching.fold(word)
        if key and key not in seen:
            seen.add(key)
            out.append(word)
    return out


def read_upload(name: str, data: bytes) -> list[str]:
    """The words of an uploaded text or CSV file; FormError on a file that is not text."""
    if len(data) > MAX_FILE:
        raise FormError(_l("The file is larger than %(size)s MB.", size=MAX_FILE // (1024 * 1024)), "file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FormError(_l("The file is not text (UTF-8 or GB18030)."), "file")
    text = text.replace("\x00", "")
    if not (name or "").lower().endswith(".csv"):
        return text.splitlines()
    words = []
    try:
        for row in csv.reader(io.StringIO(text)):
            if row and row[0].strip():
                words.append(row[0])
    except csv.Error as exc:
        raise FormError(_l("The CSV file cannot be read: %(error)s", error=str(exc)), "file") from None
    if words and words[0].strip().lower() in HEADERS:
        words = words[1:]
    return words


def export_text(kw: KeywordList) -> str:
    return "\n".join(rules.split_words(kw.words)) + "\n"


def export_csv_rows(kw: KeywordList):
    return ([w] for w in rules.split_words(kw.words))


# ---------------------------------------------------------------- the form

def plan_list(form, files=None, current: KeywordList | None = None) -> dict:
    """Typed, validated list values; an uploaded file replaces the words typed, or is added to
    them with `import_mode=append`."""
    name = forms.text(form.get("name"), "name", _l("Name"), max_bytes=512, required=True).strip()
    if len(name) > 128:
        raise FormError(_l("At most %(n)s characters.", n=128), "name")
    words = (form.get("words") or "").splitlines()
    upload = files.get("file") if files else None
    if upload is not None and upload.filename:
        imported = read_upload(upload.filename, upload.read(MAX_FILE + 1))
        words = words + imported if form.get("import_mode") == "append" else imported
    words = clean_words(words)
    if len(words) > MAX_WORDS:
        raise FormError(_l("At most %(n)s words in one list.", n=MAX_WORDS), "words")
    long = [w for w in words if len(w) > MAX_WORD]
    if long:
        raise FormError(_l("Words are at most %(n)s characters: %(word)s", n=MAX_WORD,
                           word=long[0][:40] + "…"), "words")
    if not words:
        raise FormError(_l("The list has no words."), "words")
    other = db.session.query(KeywordList).filter(KeywordList.name == name).first()
    if other is not None and other is not current:
        raise FormError(_l("A list with this name exists."), "name")
    return {"name": name, "words": "\n".join(words), "whole_word": forms.flag(form.get("whole_word"))}


def save(sess, kw: KeywordList | None, data: dict, by: str | None) -> tuple[KeywordList, dict]:
    """Create or update a list; returns it and a summary of the change for the audit row."""
    now = int(time.time() * 1000)
    before = set(rules.split_words(kw.words)) if kw is not None else set()
    if kw is None:
        kw = KeywordList(created_ms=now)
        sess.add(kw)
    kw.name, kw.words, kw.whole_word = data["name"], data["words"], data["whole_word"]
    kw.updated_ms, kw.updated_by = now, by
    sess.flush()
    rules.cache.invalidate()
    after = set(rules.split_words(kw.words))
    return kw, {"name": kw.name, "words": len(after), "added": len(after - before),
                "removed": len(before - after), "whole_word": kw.whole_word}


def used_by(sess, kw: KeywordList) -> list:
    from console.models.events import Rule

    return sess.query(Rule).filter(Rule.match == "keywords", Rule.keyword_list_id == kw.id).all()


# ---------------------------------------------------------------- pushing to IM

@dataclass
class SyncPlan:
    target: str  # "local" or "cloud:<library id>"
    add: list[str] = field(default_factory=list)
    remove: list = field(default_factory=list)  # LocalKeyword (by id) or cloud contents
    keep: int = 0

    @property
    def empty(self) -> bool:
        return not self.add and not self.remove

    def removed_words(self) -> list[str]:
        return [getattr(w, "keyword", w) for w in self.remove]


def parse_target(value) -> str:
    value = (value or "").strip()
    if value == "local" or (value.startswith("cloud:") and 6 < len(value) <= 160):
        return value
    raise FormError(_l("Choose where to push the list."), "target")


def plan_sync(tim, kw: KeywordList, target: str) -> SyncPlan:
    """What a push of `kw` to `target` would change in IM (reads IM; audited reads)."""
    words = rules.split_words(kw.words)
    ours = set(words)
    plan = SyncPlan(target)
    if target == "local":
        theirs = [k for k in tim.moderation.list_local_keywords() if not k.is_regex]
        have = {k.keyword for k in theirs}
        plan.remove = [k for k in theirs if k.keyword not in ours]
    else:
        library = target.split(":", 1)[1]
        have = {k.content for k in tim.moderation.list_cloud_keywords(library)}
        plan.remove = sorted(have - ours)
    plan.add = [w for w in words if w not in have]
    plan.keep = len(ours & have)
    return plan


def push(tim, plan: SyncPlan) -> None:
    """Make the planned changes (IM errors propagate: the audit rows say what was done)."""
    if plan.target == "local":
        if plan.remove:
            tim.moderation.delete_local_keywords([k.id for k in plan.remove])
        if plan.add:
            tim.moderation.add_local_keywords(plan.add)
        return
    library = plan.target.split(":", 1)[1]
    if plan.remove:
        tim.moderation.delete_cloud_keywords(library, plan.remove)
    if plan.add:
        tim.moderation.add_cloud_keywords(library, plan.add)
