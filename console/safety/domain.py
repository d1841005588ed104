"""IM's moderation services: parsing the keyword, import, check and chat-file forms.

Limits: the client's (10 words per IM call, 8 KB of content per check); a word is at most
MAX_WORD_BYTES (IM documents none, the console keeps words short), an imported file at most
MAX_IMPORT_WORDS words (each 10 of them one audited IM call)."""
from __future__ import annotations

import re
from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from console import forms
from console.forms import FormError
from console.tim.api.moderation import (
    CONTENT_TYPES, INTERCEPT, LABELS, MAX_CONTENT_BYTES, REGEX, REPLACE, WORD, LocalKeywordSpec,
)
from console.ui import labels

MAX_WORD_BYTES = 255
MAX_FORM_WORDS = 100
MAX_PAGE_WORDS = 100                 # words ticked in one listed page
MAX_IMPORT_WORDS = 1000
MAX_IMPORT_BYTES = 256 * 1024
WORD_TYPES = {WORD: _l("Word"), REGEX: _l("Regular expression")}
FILTER_TYPES = {INTERCEPT: _l("Block the message"), REPLACE: _l("Replace the word")}

labels.define("moderation_label", {
    "Normal": _l("Normal"), "Illegal": _l("Illegal"), "Abuse": _l("Abuse"), "Polity": _l("Politics"),
    "Ad": _l("Advertising"), "Porn": _l("Pornography"), "Sexy": _l("Sexual"), "Terror": _l("Terrorism"),
    "Composite": _l("Composite"),
})
labels.define("moderation_result", {"Pass": _l("Pass"), "Review": _l("Review"), "Block": _l("Block")})
labels.define("moderation_scene", {
    "C2C": _l("One-to-one messages"), "Group": _l("Group messages"), "UserInfo": _l("Profiles"),
    "GroupInfo": _l("Group profiles"), "GroupMemberInfo": _l("Group member profiles"),
    "RelationChain": _l("Friend data"),
})


def words(value, name: str = "words", limit: int = MAX_FORM_WORDS) -> list[str]:
    """Keywords one per line (blank lines and duplicates dropped), each at most MAX_WORD_BYTES."""
    found = list(dict.fromkeys(line.strip() for line in str(value or "").splitlines() if line.strip()))
    if not found:
        raise FormError(_("Give at least one keyword, one per line."), name)
    if len(found) > limit:
        raise FormError(_("At most %(n)d keywords at a time.", n=limit), name)
    for word in found:
        if forms.nbytes(word) > MAX_WORD_BYTES:
            raise FormError(_("%(word)s…: a keyword has at most %(n)d bytes.", word=word[:20], n=MAX_WORD_BYTES), name)
    return found


def file_words(upload, name: str = "file") -> list[str]:
    """The keywords of an uploaded UTF-8 text file, one per line."""
    if upload is None or not upload.filename:
        raise FormError(_("Choose a text file with one keyword per line."), name)
    data = upload.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise FormError(_("The file is larger than %(n)d KB.", n=MAX_IMPORT_BYTES // 1024), name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FormError(_("The file is not UTF-8 text."), name) from None
    return words(text, name, MAX_IMPORT_WORDS)


def plan_local(form: Mapping[str, str], found: list[str]) -> list[LocalKeywordSpec]:
    """Local keywords to add: the same word type, filter and replacement for each."""
    word_type = forms.integer(form.get("word_type") or WORD, "word_type", _("Kind"), lo=WORD, hi=REGEX)
    filter_type = forms.integer(form.get("filter_type") or INTERCEPT, "filter_type", _("What happens"),
                                lo=REPLACE, hi=INTERCEPT)
    replacement = forms.text(form.get("replacement"), "replacement", _("Replacement"), max_bytes=MAX_WORD_BYTES,
                             required=filter_type == REPLACE) or ""
    if word_type == REGEX:
        for word in found:
            try:
                re.compile(word)
            except re.error as exc:
                raise FormError(_("%(word)s is not a regular expression: %(why)s", word=word, why=exc), "words") \
                    from None
    return [LocalKeywordSpec(w, word_type=word_type, filter_type=filter_type, replacement=replacement) for w in found]


def plan_cloud(form: Mapping[str, str], found: list[str]) -> list[tuple[str, str]] | list[str]:
    """Cloud words to add, with the label chosen (or the library's default)."""
    label = forms.choice(form.get("label"), "label", _("Label"), LABELS)
    return [(w, label) for w in found] if label else found


def keyword_ids(values) -> list[int]:
    """The local keyword IDs ticked in the list."""
    ids = []
    for value in values:
        ids.append(forms.integer(value, "ids", _("Keywords"), lo=1, required=True))
    if not ids:
        raise FormError(_("Tick at least one keyword."), "ids")
    return list(dict.fromkeys(ids))


def plan_check(form: Mapping[str, str]) -> dict:
    """client.moderation.moderate's arguments for the check form."""
    content_type, scene, content = forms.collect(
        lambda: forms.choice(form.get("content_type") or "Text", "content_type", _("Content type"), CONTENT_TYPES),
        lambda: forms.text(form.get("scene") or "C2C", "scene", _("Scene"), max_bytes=64),
        lambda: forms.text(form.get("content"), "content", _("Content"), max_bytes=MAX_CONTENT_BYTES,
                           required=True))
    if content_type != "Text":
        forms.url(content, "content", _("Content"), required=True, max_bytes=MAX_CONTENT_BYTES)
    return {"content": content, "content_type": content_type, "scene": scene}

