"""Moderation rules: how the console answers IM's before-callbacks.

Allow is the default. A rule belongs to one scope (which before-callback it answers), matches by
a word list, a keyword list (console/events/keywords.py), a regular expression (RE2) or an account
list, and acts: deny (with an optional code in the range IM documents for that callback), silently
drop, rewrite (mask the matched words in text elements) or flag for review (let the message
through into the review queue, console/events/review.py). Deny, drop and flag rules are tried
first, in order; the first match decides. When none matches, every matching rewrite rule masks in
turn (a flagged message is masked too). For group invitations and friend requests a
rule that matches only some of the invited members or requested friends refuses just those.

`decide(command, body)` runs on the callback hot path: rules are compiled once and cached per
process, reloaded after `RULES_CACHE_SECONDS` or at once when this process changed them.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.engine import Engine

from console import db, forms
from console.events import matching, versions
from console.forms import FormError
from console.models.events import Rule
from console.models.moderation import KeywordList
from console.tim import callbacks
from console.tim.callbacks import COMMANDS, FRIEND_RESULT_RANGE, ResultItem

_MESSAGE = ("deny", "drop", "rewrite", "flag")
# scope -> (before-callback commands, custom code range, allowed actions)
SCOPES: dict[str, tuple[tuple[str, ...], tuple[int, int], tuple[str, ...]]] = {
    "c2c_msg": (("C2C.CallbackBeforeSendMsg",),
                COMMANDS["C2C.CallbackBeforeSendMsg"].deny_range, _MESSAGE),
    "group_msg": (("Group.CallbackBeforeSendMsg",),
                  COMMANDS["Group.CallbackBeforeSendMsg"].deny_range, _MESSAGE),
    "group_create": (("Group.CallbackBeforeCreateGroup",),
                     COMMANDS["Group.CallbackBeforeCreateGroup"].deny_range, ("deny",)),
    "group_join": (("Group.CallbackBeforeApplyJoinGroup",),
                   COMMANDS["Group.CallbackBeforeApplyJoinGroup"].deny_range, ("deny",)),
    "group_invite": (("Group.CallbackBeforeInviteJoinGroup",),
                     COMMANDS["Group.CallbackBeforeInviteJoinGroup"].deny_range, ("deny",)),
    "friend_request": (("Sns.CallbackPrevFriendAdd", "Sns.CallbackPrevFriendResponse"),
                       FRIEND_RESULT_RANGE, ("deny",)),
}
MATCHES = ("words", "regex", "accounts", "keywords")
ACTIONS = ("deny", "drop", "rewrite", "flag")
#: actions tried in order, the first match deciding (rewrites apply when none matched)
DECIDING = ("deny", "drop", "flag")
SCOPE_OF = {cmd: scope for scope, (cmds, _r, _a) in SCOPES.items() for cmd in cmds}
#: ErrorCode 1 is IM's plain "deny" for every before-callback; friend items need a ResultCode.
DEFAULT_DENY_CODE = {"friend_request": FRIEND_RESULT_RANGE[0]}
MAX_PATTERN = 4000
MASK = "*"


@dataclass
class Decision:
    """What the rules decided for one before-callback, and the ack that says it."""

    action: str  # allow / deny / drop / rewrite / partial
    ack: dict
    rule_id: int | None = None
    rule_name: str | None = None
    refused: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- validation (the admin form)

def split_list(text: str) -> list[str]:
    """Words or accounts typed one per line or comma-separated."""
    return [w.strip() for w in re.split(r"[\n,]", text or "") if w.strip()]


def split_words(text: str) -> list[str]:
    """A keyword list's words: one per line (a keyword may hold a comma)."""
    return [w.strip() for w in (text or "").splitlines() if w.strip()]


def validate(scope: str, match: str, pattern: str, action: str, error_code: int | None,
             keyword_list_id: int | None = None) -> None:
    """Raise FormError when the combination cannot work."""
    if scope not in SCOPES:
        raise FormError(_l("Unknown scope."), "scope")
    if match not in MATCHES:
        raise FormError(_l("Unknown match type."), "match")
    _cmds, (low, high), actions = SCOPES[scope]
    if action not in actions:
        raise FormError(_l("This action is not available for this callback."), "action")
    if match == "keywords":
        if keyword_list_id is None:
            raise FormError(_l("Choose a keyword list."), "keyword_list_id")
    elif not (pattern or "").strip():
        raise FormError(_l("The pattern is empty."), "pattern")
    if len(pattern) > MAX_PATTERN:
        raise FormError(_l("The pattern is too long."), "pattern")
    if match == "regex":
        try:
            matching.compile_pattern(pattern)
        except matching.PatternError as exc:
            raise FormError(_l("Invalid regular expression (RE2 syntax, no back-references or "
                               "look-around): %(error)s", error=str(exc)), "pattern") from None
    if action == "rewrite" and match == "accounts":
        raise FormError(_l("A rewrite masks words: use a word list or a regular expression."), "action")
    if error_code is not None and action == "deny" and not (low <= error_code <= high):
        raise FormError(_l("The code must be between %(low)s and %(high)s.", low=low, high=high), "error_code")
    if error_code is not None and action != "deny":
        raise FormError(_l("Only a deny rule carries a code."), "error_code")


# ---------------------------------------------------------------- compiled rules

@dataclass
class _Compiled:
    id: int
    name: str
    scope: str
    match: str
    action: str
    code: int
    info: str
    #: a KeywordMatcher or a PatternMatcher (console/events/matching.py), both linear-time
    finder: Any = None
    accounts: frozenset = frozenset()
    keyword_list_id: int | None = None

    #: what `hits_text` and `hits_account` ask, bound once: the rules run for every
    #: before-callback, and each indirection is paid per rule and text
    text_search: Any = field(init=False, repr=False)
    account_search: Any = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.text_search = self.finder.search if self.finder is not None else None
        self.account_search = self.accounts.__contains__ if self.match == "accounts" else \
            self.finder.search if self.match == "regex" else None

    def hits_text(self, text: str) -> bool:
        return self.text_search is not None and self.text_search(text)

    def hits_account(self, account: str) -> bool:
        return self.account_search is not None and self.account_search(account)


def _compile(row: Any, lists: dict[int, Any] | None = None) -> _Compiled:
    """A rule ready to match; `lists` holds the keyword lists by id (rows with words, whole_word)."""
    finder, accounts = None, frozenset()
    if row.match == "keywords":
        kw = (lists or {}).get(row.keyword_list_id)
        finder = matching.keywords(split_words(kw.words), kw.whole_word) if kw is not None else None
    elif row.match == "words":
        finder = matching.keywords(split_list(row.pattern))
    elif row.match == "regex":
        finder = matching.PatternMatcher(row.pattern)
    else:
        accounts = frozenset(split_list(row.pattern))
    return _Compiled(id=row.id, name=row.name, scope=row.scope, match=row.match, action=row.action,
                     code=row.error_code or DEFAULT_DENY_CODE.get(row.scope, 1),
                     info=row.error_info or "", finder=finder, accounts=accounts,
                     keyword_list_id=row.keyword_list_id)


class RuleCache:
    """Compiled enabled rules per scope, reloaded when stale or invalidated."""

    def __init__(self, ttl: float = 5.0):
        self.ttl = ttl
        self._lock = threading.Lock()
        self._by_scope: dict[str, list[_Compiled]] = {}
        self._loaded_at = 0.0
        self._engine: Engine | None = None  # the rules of one database (tests build many apps)

    def invalidate(self) -> None:
        self._loaded_at = 0.0

    def get(self, engine: Engine, scope: str) -> list[_Compiled]:
        if time.monotonic() - self._loaded_at > self.ttl or engine is not self._engine:
            with self._lock:
                if time.monotonic() - self._loaded_at > self.ttl or engine is not self._engine:
                    self._by_scope = self._load(engine)
                    self._loaded_at = time.monotonic()
                    self._engine = engine
        return self._by_scope.get(scope, [])

    @staticmethod
    def _load(engine: Engine) -> dict[str, list[_Compiled]]:
        query = select(Rule.__table__).where(Rule.enabled.is_(True)).order_by(Rule.position, Rule.id)
        by_scope: dict[str, list[_Compiled]] = {}
        with engine.connect() as conn:
            rows = list(conn.execute(query))
            wanted = {r.keyword_list_id for r in rows if r.match == "keywords"}
            lists = load_lists(conn, wanted) if wanted else {}
            for row in rows:
                try:
                    by_scope.setdefault(row.scope, []).append(_compile(row, lists))
                except (matching.PatternError, KeyError):
                    continue  # validated on save; an unreadable row never stops traffic
        for scoped in by_scope.values():
            matching.group_patterns([r.finder for r in scoped if r.match == "regex"])
        return by_scope


cache = RuleCache()


def load_lists(conn, ids) -> dict[int, Any]:
    """Keyword list rows (id, words, whole_word) by id."""
    table = KeywordList.__table__
    query = select(table.c.id, table.c.words, table.c.whole_word).where(table.c.id.in_(list(ids)))
    return {row.id: row for row in conn.execute(query)}


# ---------------------------------------------------------------- what a callback offers to match

def _texts_of(msg_body: Any) -> list[str]:
    if not isinstance(msg_body, list):
        return []
    return [el["MsgContent"]["Text"] for el in msg_body
            if isinstance(el, dict) and el.get("MsgType") == "TIMTextElem"
            and isinstance(el.get("MsgContent"), dict) and isinstance(el["MsgContent"].get("Text"), str)]


def _strs(*values: Any) -> list[str]:
    return [v for v in values if isinstance(v, str) and v]


def _items(body: dict, key: str, field_name: str) -> list[tuple[str, list[str]]]:
    """(account, texts) of each item of a list such as FriendItem or DestinationMembers."""
    out = []
    for item in body.get(key) or []:
        if isinstance(item, dict) and isinstance(item.get(field_name), str):
            out.append((item[field_name], _strs(item.get("AddWording"), item.get("Remark"))))
    return out


def _subject(scope: str, body: dict) -> tuple[list[str], list[str], list[tuple[str, list[str]]]]:
    """(texts, requester accounts, per-item (account, texts)) that a rule of `scope` looks at."""
    if scope in ("c2c_msg", "group_msg"):
        return _texts_of(body.get("MsgBody")), _strs(body.get("From_Account")), []
    if scope == "group_create":
        return _strs(body.get("Name")), _strs(body.get("Owner_Account"), body.get("Operator_Account")), []
    if scope == "group_join":
        return _strs(body.get("GroupId")), _strs(body.get("Requestor_Account")), []
    if scope == "group_invite":
        return (_strs(body.get("GroupId")), _strs(body.get("Operator_Account")),
                _items(body, "DestinationMembers", "Member_Account"))
    items = _items(body, "FriendItem", "To_Account") or _items(body, "ResponseFriendItem", "To_Account")
    return [], _strs(body.get("Requester_Account"), body.get("From_Account")), items


# ---------------------------------------------------------------- deciding

def _result_items(items: list[tuple[str, list[str]]], refused: dict[str, _Compiled]) -> dict:
    return callbacks.ack_results(
        ResultItem.deny(acc, refused[acc].code, refused[acc].info) if acc in refused
        else ResultItem(acc) for acc, _texts in items)


def _whole_match(rule: _Compiled, texts: list[str], requesters: list[str]) -> bool:
    # plain loops: this runs for every rule of every before-callback, generators cost more here
    search = rule.text_search
    if search is not None:
        for text in texts:
            if search(text):
                return True
    search = rule.account_search
    if search is not None:
        for account in requesters:
            if search(account):
                return True
    return False


def _refuse(command: str, scope: str, rule: _Compiled, items: list,
            refused: dict[str, _Compiled]) -> Decision:
    """A deny that refuses the whole request, or (dict `refused`) only some of its members."""
    whole = len(refused) == len(items) if refused else True
    if scope == "friend_request":
        refused = refused or {acc: rule for acc, _t in items}
        ack = _result_items(items, refused)
    elif scope == "group_invite" and not whole:
        ack = callbacks.ack_refuse(list(refused), command=command)
    else:
        ack = callbacks.ack_deny(rule.code, rule.info, command=command)
    return Decision("deny" if whole else "partial", ack, rule.id, rule.name, sorted(refused))


def _mask(rule: _Compiled, text: str) -> str:
    base, spans = rule.finder.spans(text)
    if not spans:
        return text
    return matching.mask(base, spans, MASK) + text[matching.MAX_TEXT:]


def _rewrite(command: str, body: dict, rules: list[_Compiled]) -> Decision | None:
    msg_body = body.get("MsgBody")
    texts = _texts_of(msg_body)
    hit = [r for r in rules if r.action == "rewrite" and _whole_match(r, texts, ())]
    if not hit:
        return None
    # Elements of any shape arrive (a custom client); an answer can carry only well-formed ones,
    # so the others are left out of the rewritten message rather than letting the words through.
    # Only text elements change: they are copied, the others go into the answer as they came.
    new_body = []
    for element in msg_body:
        if not (isinstance(element, dict) and isinstance(element.get("MsgType"), str)
                and isinstance(element.get("MsgContent"), dict)):
            continue
        content = element["MsgContent"]
        if element["MsgType"] == "TIMTextElem" and isinstance(content.get("Text"), str):
            text = content["Text"]
            for rule in hit:
                text = _mask(rule, text)
            element = {**element, "MsgContent": {**content, "Text": text}}
        new_body.append(element)
    return Decision("rewrite", callbacks.ack_modify(new_body, command=command), hit[0].id,
                    ", ".join(r.name for r in hit))


def evaluate(command: str, body: dict, rules: list[_Compiled]) -> Decision:
    """The decision of `rules` (already in order) for the before-callback `command`."""
    scope = SCOPE_OF[command]
    texts, requesters, items = _subject(scope, body)
    for rule in rules:
        if rule.action not in DECIDING:
            continue
        if _whole_match(rule, texts, requesters):
            if rule.action == "drop":
                return Decision("drop", callbacks.ack_drop(command=command), rule.id, rule.name)
            if rule.action == "flag":
                rewritten = _rewrite(command, body, rules)
                return Decision("flag", rewritten.ack if rewritten else callbacks.ack_ok(),
                                rule.id, rule.name)
            return _refuse(command, scope, rule, items, {})
        if items:
            refused = {acc: rule for acc, item_texts in items
                       if rule.hits_account(acc) or any(rule.hits_text(t) for t in item_texts)}
            if refused:
                return _refuse(command, scope, rule, items, refused)
    if scope in ("c2c_msg", "group_msg"):
        rewritten = _rewrite(command, body, rules)
        if rewritten:
            return rewritten
    if scope == "friend_request" and items:
        return Decision("allow", _result_items(items, {}))
    return Decision("allow", callbacks.ack_ok())


def decide(engine: Engine, command: str, body: dict) -> Decision | None:
    """The decision for a before-callback, or None for an after-callback (plain OK ack)."""
    scope = SCOPE_OF.get(command)
    if scope is None:
        return Decision("allow", callbacks.ack_ok()) if command in callbacks.BEFORE_COMMANDS else None
    return evaluate(command, body, cache.get(engine, scope))


# ---------------------------------------------------------------- saving (the admin page)

FIELDS = ("name", "scope", "match", "pattern", "action", "error_code", "error_info", "position",
          "enabled", "keyword_list_id")


INT32 = 2**31 - 1


def plan_rule(form) -> dict:
    """Typed, validated rule values from a submitted form; raises FormError keyed by field."""
    error_code, position, list_id = forms.collect(
        lambda: forms.integer(form.get("error_code"), "error_code", _l("Code"), lo=-INT32, hi=INT32),
        lambda: forms.integer(form.get("position"), "position", _l("Order"), lo=-INT32, hi=INT32),
        lambda: forms.integer(form.get("keyword_list_id"), "keyword_list_id", _l("Keyword list"),
                              lo=1, hi=INT32))
    data = {
        "name": (form.get("name") or "").strip()[:128],
        "scope": form.get("scope") or "",
        "match": form.get("match") or "",
        "pattern": (form.get("pattern") or "").strip(),
        "action": form.get("action") or "",
        "error_code": error_code,
        "error_info": (form.get("error_info") or "").strip()[:256] or None,
        "position": position or 0,
        "enabled": form.get("enabled") is True or forms.flag(form.get("enabled")),
        "keyword_list_id": list_id,
    }
    if not data["name"]:
        raise FormError(_l("The name is empty."), "name")
    validate(data["scope"], data["match"], data["pattern"], data["action"], data["error_code"],
             list_id)
    if data["match"] == "keywords":
        if db.session.get(KeywordList, list_id) is None:
            raise FormError(_l("This keyword list does not exist."), "keyword_list_id")
    else:
        data["keyword_list_id"] = None
    if data["action"] != "deny":
        data["error_info"] = None
    return data


def save(sess, rule: Rule | None, data: dict, by: str | None,
         change: str | None = None) -> tuple[Rule, dict]:
    """Create or update a rule, kept as a new version (console/events/versions.py: `change` is
    create, update, enable, disable or rollback); returns it and the changed fields
    {field: [old, new]}."""
    now = int(time.time() * 1000)
    new = rule is None
    if new:
        rule = Rule(created_ms=now)
        sess.add(rule)
    elif not versions.has_versions(sess, rule.id):
        versions.record(sess, rule.id, "baseline", versions.snapshot(rule), rule.updated_by)
    changes = db.assign(rule, data, new)
    rule.updated_ms = now
    rule.updated_by = by
    sess.flush()
    if new or changes:
        versions.record(sess, rule.id, change or ("create" if new else "update"), versions.snapshot(rule), by)
    cache.invalidate()
    return rule, changes


def _form_value(value) -> str:
    if isinstance(value, bool):
        return "1" if value else ""
    return "" if value is None else str(value)


def as_form(rule: Rule) -> dict:
    """A rule's values as the form shows them."""
    return {k: _form_value(getattr(rule, k)) for k in FIELDS}
